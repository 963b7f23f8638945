package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

func TestShardOf(t *testing.T) {
	for _, tc := range []struct {
		guild string
		count int
		want  int
	}{
		{"1100000000000000100", 2, 1}, // (id >> 22) % n, worked out by hand
		{"197038439483310086", 16, 2},
		{"81384788765712384", 4, 2},
		{"81384788765712384", 1, 0},
		{"81384788765712384", 0, 0},
		{"", 4, 0},          // direct messages go to shard 0
		{"not-an-id", 4, 0}, // never a server's
	} {
		if got := bot.ShardOf(tc.guild, tc.count); got != tc.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", tc.guild, tc.count, got, tc.want)
		}
	}
	// The fake Discord has its own copy of the formula: they must agree.
	for n := uint64(1); n < 1<<60; n = n*3 + 7 {
		g := strconv.FormatUint(n, 10)
		for _, count := range []int{1, 2, 3, 7, 16, 1000} {
			if a, b := bot.ShardOf(g, count), fakediscord.ShardOf(g, count); a != b {
				t.Fatalf("guild %s of %d shards: bot says shard %d, fake Discord %d", g, count, a, b)
			}
		}
	}
}

// TestBot_OpenShardErrors refuses shards outside [0, ShardCount) before
// connecting anything.
func TestBot_OpenShardErrors(t *testing.T) {
	for _, tc := range []struct {
		count int
		ids   []int
		want  string
	}{
		{2, []int{2}, "shard 2 of 2"},
		{2, []int{0, -1}, "shard -1 of 2"},
		{-1, nil, "shard count -1"},
		{bot.MaxShards + 1, []int{0}, "shard count"},
		{0, []int{1}, "shard 1 of 1"},
	} {
		b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, &fakeLibrary{})
		b.ShardCount, b.Shards = tc.count, tc.ids
		err := b.Open(context.Background())
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open with shards %v of %d: %v, want an error naming %q", tc.ids, tc.count, err, tc.want)
		}
		if err := b.Close(); err != nil {
			t.Errorf("Close after a refused Open: %v", err)
		}
	}
}
