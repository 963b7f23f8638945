package main

import (
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestMain_ServeFlags reads serve's shard flags and settings: what runs
// unsharded, which shards a process runs, and a clear error naming what to
// set for every inconsistent combination.
func TestMain_ServeFlags(t *testing.T) {
	for _, tc := range []struct {
		name   string
		env    []string
		args   []string
		shards []int
		count  int
		err    string // a part of the error; "" for none
	}{
		{name: "Unsharded"},
		{name: "OneOfOne", args: []string{"--shards", "1"}},
		{name: "OneOfOneByShard", args: []string{"--shard", "0", "--shards", "1"}, shards: []int{0}, count: 1},
		{name: "Flag", args: []string{"--shard", "1", "--shards", "2"}, shards: []int{1}, count: 2},
		{name: "FlagEquals", args: []string{"--shards=4", "--shard=3"}, shards: []int{3}, count: 4},
		{name: "Range", args: []string{"--shards", "8", "--shard-range", "2-5"}, shards: []int{2, 3, 4, 5}, count: 8},
		{name: "List", args: []string{"--shards", "8", "--shard-range", "6, 0,2-3,2"}, shards: []int{0, 2, 3, 6}, count: 8},
		{name: "Settings", env: []string{"VERBATIM_SHARD", "1", "VERBATIM_SHARDS", "2"}, shards: []int{1}, count: 2},
		{name: "SettingsRange", env: []string{"VERBATIM_SHARD", "0-1", "VERBATIM_SHARDS", "4"}, shards: []int{0, 1}, count: 4},
		{name: "FlagOverridesSetting", env: []string{"VERBATIM_SHARD", "0", "VERBATIM_SHARDS", "2"},
			args: []string{"--shard", "1"}, shards: []int{1}, count: 2},
		{name: "CountFlagOverridesSetting", env: []string{"VERBATIM_SHARD", "3", "VERBATIM_SHARDS", "2"},
			args: []string{"--shards", "4"}, shards: []int{3}, count: 4},
		{name: "RangeFlagOverridesSetting", env: []string{"VERBATIM_SHARD", "0", "VERBATIM_SHARDS", "4"},
			args: []string{"--shard-range", "1-3"}, shards: []int{1, 2, 3}, count: 4},

		{name: "ErrShardOutOfRange", args: []string{"--shard", "2", "--shards", "2"}, err: "ids run from 0 to 1"},
		{name: "ErrSettingOutOfRange", env: []string{"VERBATIM_SHARD", "5", "VERBATIM_SHARDS", "4"}, err: "VERBATIM_SHARD 5"},
		{name: "ErrNegativeShard", args: []string{"--shard", "-1", "--shards", "2"}, err: "not a shard id"},
		{name: "ErrShardNotANumber", args: []string{"--shard", "one", "--shards", "2"}, err: "--shard-range A-B for several"},
		{name: "ErrRangeInShard", args: []string{"--shard", "0-1", "--shards", "2"}, err: "--shard-range"},
		{name: "ErrBackwardsRange", args: []string{"--shard-range", "3-1", "--shards", "4"}, err: "backwards"},
		{name: "ErrRangeOutOfRange", args: []string{"--shard-range", "2-4", "--shards", "4"}, err: "shard 4 is out of range"},
		{name: "ErrBadRange", args: []string{"--shard-range", "0-", "--shards", "4"}, err: "use I, A-B or a list"},
		{name: "ErrEmptyRange", args: []string{"--shard-range", "", "--shards", "4"}, err: "--shard-range is empty"},
		{name: "ErrBoth", args: []string{"--shard", "0", "--shard-range", "0-1", "--shards", "4"}, err: "not both"},
		{name: "ErrShardWithoutCount", args: []string{"--shard", "1"}, err: "set --shards N or VERBATIM_SHARDS"},
		{name: "ErrSettingWithoutCount", env: []string{"VERBATIM_SHARD", "1"}, err: "VERBATIM_SHARD 1 needs the number of shards"},
		{name: "ErrCountWithoutShard", args: []string{"--shards", "4"}, err: "set --shard I (0 to 3)"},
		{name: "ErrCountSettingWithoutShard", env: []string{"VERBATIM_SHARDS", "2"}, err: "VERBATIM_SHARDS is 2"},
		{name: "ErrZeroShards", args: []string{"--shard", "0", "--shards", "0"}, err: "from 1 to"},
		{name: "ErrTooManyShards", args: []string{"--shard", "0", "--shards", "100000"}, err: "from 1 to 65536"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(env(tc.env...))
			if err != nil {
				t.Fatalf("LoadConfig: %v", err)
			}
			m := &Main{Stderr: io.Discard, Config: cfg}
			o, err := m.serveFlags(tc.args)
			if tc.err != "" {
				var ue *usageError
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.As(err, &ue) {
					t.Fatalf("serveFlags(%q) with %q: %v, want a usage error containing %q", tc.args, tc.env, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("serveFlags(%q) with %q: %v", tc.args, tc.env, err)
			}
			if !slices.Equal(o.shards, tc.shards) || o.count != tc.count {
				t.Errorf("serveFlags(%q) with %q: shards %v of %d, want %v of %d", tc.args, tc.env, o.shards, o.count, tc.shards, tc.count)
			}
		})
	}
}
