package bot_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

// BenchmarkShards_Ask answers /ask end to end through the fake Discord,
// spread over servers on every shard, with the bot unsharded and with the
// same servers split over 2 and 4 shards in one process, so that the cost
// of sharding shows as a ratio measured side by side:
//
//	go test -tags sqlite_fts5 -run '^$' -bench BenchmarkShards_Ask -benchtime 200x ./bot
func BenchmarkShards_Ask(b *testing.B) {
	for _, count := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("Shards%d", count), func(b *testing.B) {
			var guilds []string
			for id := range 4 {
				guilds = append(guilds, fakediscord.GuildOnShard(id%count, count))
			}
			f := fakediscord.New(b, fakediscord.WithGuilds(guilds...))
			ix := MustOpenIndex(b)
			for _, g := range guilds {
				_, err := ix.Add(b.Context(), "guild-"+g, sampleDocs(b)...)
				if err != nil {
					b.Fatal(err)
				}
			}
			var ids []int
			for id := range count {
				ids = append(ids, id)
			}
			MustOpenShards(b, f, ix, count, ids, nil)
			for range count {
				f.WaitIdentified(b, 10*time.Second)
			}
			b.ResetTimer()
			for n := range b.N {
				i := fakediscord.SlashCommand(guilds[n%len(guilds)], fakediscord.DefaultChannelID, fakediscord.NewSnowflake(), "ask",
					fakediscord.StringOpt("question", faultQuestion))
				f.DispatchInteraction(b, i)
				r := f.WaitRequest(b, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback, fakediscord.IsOK))
				if asRecorded(r).msg(b).Type == typeDeferred {
					f.WaitRequest(b, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal, fakediscord.IsOK))
				}
			}
		})
	}
}
