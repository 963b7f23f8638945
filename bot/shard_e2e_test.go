package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The sharding tests run real discordgo sessions, one per shard, against
// the fake Discord, which routes each server's events to shard
// (server_id >> 22) % count only, as Discord does.

// MustOpenShards opens a Bot over lib running shards ids out of count
// against f, closed when the test ends.
func MustOpenShards(tb testing.TB, f *fakediscord.Server, lib bot.Library, count int, ids []int, prepare func(*bot.Bot)) (*bot.Bot, *syncBuffer) {
	tb.Helper()
	b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, lib)
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	b.Cooldown = 0
	b.Session.ShouldReconnectOnError = false
	b.ShardCount, b.Shards = count, ids
	b.IdentifyInterval = 10 * time.Millisecond
	if prepare != nil {
		prepare(b)
	}
	f.Redirect(b.Session)
	require.NoError(tb, b.Open(context.Background()))
	tb.Cleanup(func() {
		_ = b.Close()
		assert.NotContains(tb, log.String(), fakediscord.DefaultToken, "the token reached the log")
	})
	return b, log
}

// shardE2E answers interactions through the fake.
type shardE2E struct {
	t *testing.T
	f *fakediscord.Server
}

// final waits for i's answer: the response, or the edit completing a
// deferred one.
func (e shardE2E) final(i *fakediscord.Interaction) message {
	e.t.Helper()
	r := e.f.WaitRequest(e.t, 5*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
	require.Less(e.t, r.Status, 300, "%s answered %d: %s", r, r.Status, r.Response)
	rc := asRecorded(r)
	CheckLimits(e.t, rc)
	if m := rc.msg(e.t); m.Type != typeDeferred {
		return m
	}
	r = e.f.WaitRequest(e.t, 20*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
	require.Less(e.t, r.Status, 300, "%s answered %d: %s", r, r.Status, r.Response)
	rc = asRecorded(r)
	CheckLimits(e.t, rc)
	return rc.msg(e.t)
}

// ask dispatches /ask question in channel of guild and returns the answer.
func (e shardE2E) ask(guild, channel, question string) message {
	e.t.Helper()
	i := fakediscord.SlashCommand(guild, channel, fakediscord.NewSnowflake(), "ask", fakediscord.StringOpt("question", question))
	e.f.DispatchInteraction(e.t, i)
	return e.final(i)
}

// addMessage builds an "Add as source" of a new message in channel of
// guild, by a moderator.
func addMessage(guild, channel, text string) *fakediscord.Interaction {
	target := fakediscord.MessageCreate(guild, channel, cAuthorID, text)
	return fakediscord.MessageCommand(guild, channel, cModID, "Add as source", target).WithPermissions(modPerms)
}

// loadSample puts the sample library in each guild's library.
func loadSample(t *testing.T, ix *retrieval.Index, guilds ...string) {
	t.Helper()
	for _, g := range guilds {
		_, err := ix.Add(context.Background(), bot.LibraryName(g), sampleDocs(t)...)
		require.NoError(t, err)
	}
}

// cardText is the text of m and of its quote cards.
func cardText(m message) string {
	parts := []string{m.text()}
	for _, e := range m.Embeds {
		parts = append(parts, e.Title, e.Description)
		if e.Author != nil {
			parts = append(parts, e.Author.Name)
		}
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
	}
	return strings.Join(parts, "\n")
}

func commandPuts(f *fakediscord.Server) int {
	n := 0
	for _, r := range f.Requests() {
		if fakediscord.IsCommandsPut(r) {
			n++
		}
	}
	return n
}

// TestShards_OneProcess runs shards 0 and 1 of 2 in one Bot: each server's
// interactions and messages reach only its shard's session and are
// answered through it, the commands are registered once, and a channel's
// name is read from the state of the shard that received its server.
func TestShards_OneProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	g0, g1 := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	ch0, ch1 := fakediscord.NewSnowflake(), fakediscord.NewSnowflake()
	f := fakediscord.New(t, fakediscord.WithGuilds(g0, g1),
		fakediscord.WithChannel(g0, ch0, "shard-zero"), fakediscord.WithChannel(g1, ch1, "shard-one"))
	ix := MustOpenIndex(t)
	loadSample(t, ix, g0, g1)
	b, _ := MustOpenShards(t, f, ix, 2, []int{1, 0}, nil)
	e := shardE2E{t, f}

	var shards [][]int
	for range 2 {
		shards = append(shards, f.WaitIdentified(t, 5*time.Second).Shard)
	}
	assert.ElementsMatch(t, [][]int{{0, 2}, {1, 2}}, shards, "each session identifies as its shard")
	sessions := b.Sessions()
	require.Len(t, sessions, 2)
	for k, s := range sessions {
		assert.Equal(t, k, s.ShardID)
		assert.Equal(t, 2, s.ShardCount)
	}
	assert.Same(t, b.Session, sessions[0], "Session serves the first shard")

	// Which session each interaction reached, seen from the client side.
	var mu sync.Mutex
	reached := map[string][]int{}
	for _, s := range sessions {
		s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			mu.Lock()
			reached[ic.ID] = append(reached[ic.ID], s.ShardID)
			mu.Unlock()
		})
	}

	t.Run("InteractionsAnsweredByTheirShard", func(t *testing.T) {
		e.t = t
		for _, g := range []struct{ guild, channel string }{{g0, ch0}, {g1, ch1}, {g1, ch1}, {g0, ch0}} {
			i := fakediscord.SlashCommand(g.guild, g.channel, fakediscord.NewSnowflake(), "ask",
				fakediscord.StringOpt("question", faultQuestion))
			f.DispatchInteraction(t, i)
			m := e.final(i)
			assert.NotEmpty(t, m.Embeds, "answered with quote cards")
			mu.Lock()
			got := slices.Clone(reached[i.ID])
			mu.Unlock()
			assert.Equal(t, []int{fakediscord.ShardOf(g.guild, 2)}, got, "interaction of guild %s reached sessions of shards %v", g.guild, got)
		}
	})

	t.Run("MentionAnsweredByItsShard", func(t *testing.T) {
		for _, g := range []struct{ guild, channel string }{{g1, ch1}, {g0, ch0}} {
			msg := fakediscord.MessageCreate(g.guild, g.channel, fakediscord.NewSnowflake(),
				"<@"+f.BotUser().ID+"> why did Russia go to war in Ukraine?", f.BotUser())
			f.Dispatch(t, "MESSAGE_CREATE", msg)
			r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
			require.Less(t, r.Status, 300, "%s: %s", r, r.Response)
			assert.Contains(t, r.Path, "/channels/"+g.channel+"/", "the answer goes to the message's channel")
		}
	})

	t.Run("CommandsRegisteredOnce", func(t *testing.T) {
		assert.Equal(t, 1, commandPuts(f), "one bulk overwrite for all the shards")
	})

	t.Run("ChannelNameFromItsShardsState", func(t *testing.T) {
		e.t = t
		i := addMessage(g1, ch1, `"The archive opens at nine," said Dana Reyes, a clerk.`)
		f.DispatchInteraction(t, i)
		id := addedID(t, e.final(i))
		src, err := ix.Source(context.Background(), bot.LibraryName(g1), id)
		require.NoError(t, err)
		assert.Contains(t, src.Title, "in #shard-one", "the channel is known to shard 1's session only")
	})

	t.Run("DeliveredOnlyToTheirShard", func(t *testing.T) {
		ids := map[string]int{}
		for _, s := range b.Sessions() {
			s.RLock()
			ids[s.State.SessionID] = s.ShardID
			s.RUnlock()
		}
		n := 0
		for _, d := range f.Deliveries() {
			if d.GuildID == "" {
				continue
			}
			n++
			assert.Equal(t, fakediscord.ShardOf(d.GuildID, 2), ids[d.SessionID], "%s of guild %s", d.Event, d.GuildID)
		}
		assert.GreaterOrEqual(t, n, 9, "guild events delivered")
	})
}

// TestShards_TwoProcesses runs shard 0 and shard 1 of 2 as two Bots, as
// two processes would, each with its own *retrieval.Index on one SQLite
// file. Both write to it at once, each for its own server, without an
// error or a lost write; each posts only its own servers' daily quotes;
// and when the shard-0 process closes in the middle of traffic, every
// write it acknowledged is in the database and shard 1 goes on answering.
func TestShards_TwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	gA, gB := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	chA, chB := fakediscord.NewSnowflake(), fakediscord.NewSnowflake()
	f := fakediscord.New(t, fakediscord.WithGuilds(gA, gB),
		fakediscord.WithChannel(gA, chA, "alpha"), fakediscord.WithChannel(gB, chB, "beta"))
	path := filepath.Join(t.TempDir(), "shared.db")
	open := func() *retrieval.Index {
		ix := retrieval.NewIndex(path)
		require.NoError(t, ix.Open())
		t.Cleanup(func() { _ = ix.Close() })
		return ix
	}
	ixA := open() // creates the file and its schema
	ixB := open()
	loadSample(t, ixA, gA, gB)

	clock := fakediscord.NewClock(time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC))
	tickA, tickB := make(chan time.Time), make(chan time.Time)
	a, _ := MustOpenShards(t, f, ixA, 2, []int{0}, func(b *bot.Bot) { b.Now, b.DailyTick = clock.Now, tickA })
	f.WaitIdentified(t, 5*time.Second)
	b, _ := MustOpenShards(t, f, ixB, 2, []int{1}, func(b *bot.Bot) { b.Now, b.DailyTick = clock.Now, tickB })
	f.WaitIdentified(t, 5*time.Second)
	e := shardE2E{t, f}
	assert.Equal(t, 1, commandPuts(f), "only the process running shard 0 registers the commands")

	quote := func(which string, k int) string {
		return fmt.Sprintf(`"Note %d of shard %s is on the record," said Dana Reyes, a clerk in %s.`, k, which, which)
	}
	// written lists the sources each guild's moderators were told were added.
	written := map[string][]int64{}
	check := func(t *testing.T, ix *retrieval.Index) {
		t.Helper()
		for g, ids := range written {
			for _, id := range ids {
				_, err := ix.Source(ctx, bot.LibraryName(g), id)
				assert.NoError(t, err, "source %d of guild %s was acknowledged but is not in the database", id, g)
			}
		}
	}

	t.Run("ConcurrentWrites", func(t *testing.T) {
		e.t = t
		const n = 6
		var sent []struct {
			guild string
			i     *fakediscord.Interaction
		}
		// Dispatch everything first: both processes then write at once.
		for k := range n {
			for _, g := range []struct{ guild, channel, which string }{{gA, chA, "A"}, {gB, chB, "B"}} {
				i := addMessage(g.guild, g.channel, quote(g.which, k))
				f.DispatchInteraction(t, i)
				sent = append(sent, struct {
					guild string
					i     *fakediscord.Interaction
				}{g.guild, i})
			}
		}
		for _, s := range sent {
			written[s.guild] = append(written[s.guild], addedID(t, e.final(s.i)))
		}
		for _, ix := range []*retrieval.Index{ixA, ixB} {
			check(t, ix) // each process sees the other's writes
			for _, g := range []string{gA, gB} {
				srcs, err := ix.Sources(ctx, bot.LibraryName(g))
				require.NoError(t, err)
				assert.Len(t, srcs, len(sampleDocs(t))+n, "guild %s", g)
			}
		}
	})

	t.Run("DailyQuotesPostedByTheirShard", func(t *testing.T) {
		for _, d := range []retrieval.Daily{{Library: bot.LibraryName(gA), Channel: chA}, {Library: bot.LibraryName(gB), Channel: chB}} {
			require.NoError(t, ixA.SetDaily(ctx, retrieval.Actor{ID: cModID, Name: "mod"}, d))
		}
		posts := func(channel string) int {
			n := 0
			for _, r := range f.Requests() {
				if fakediscord.IsChannelMessage(r) && strings.Contains(r.Path, "/channels/"+channel+"/") {
					n++
				}
			}
			return n
		}
		tick := func(c chan time.Time) {
			t.Helper()
			for range 2 { // the second tick is taken once the first is done
				select {
				case c <- clock.Now():
				case <-time.After(20 * time.Second):
					t.Fatal("the daily-quote scheduler took no tick")
				}
			}
		}
		tick(tickB)
		assert.Equal(t, 1, posts(chB), "shard 1 posts its server's daily quote")
		assert.Equal(t, 0, posts(chA), "shard 1 leaves shard 0's server alone")
		tick(tickA)
		assert.Equal(t, 1, posts(chA), "shard 0 posts its server's daily quote")
		assert.Equal(t, 1, posts(chB), "and no quote is posted twice")
	})

	t.Run("CloseOneShardMidTraffic", func(t *testing.T) {
		e.t = t
		var pendingA []*fakediscord.Interaction
		var pendingB []*fakediscord.Interaction
		closed := make(chan error, 1)
	traffic:
		for k := 100; ; k++ {
			iA := addMessage(gA, chA, quote("A", k))
			iB := addMessage(gB, chB, quote("B", k))
			f.DispatchInteraction(t, iA)
			f.DispatchInteraction(t, iB)
			pendingA, pendingB = append(pendingA, iA), append(pendingB, iB)
			if k == 102 {
				// Shard 0's process shuts down with its writes in flight.
				go func() { closed <- a.Close() }()
			}
			if k >= 102 {
				select {
				case err := <-closed:
					require.NoError(t, err)
					break traffic
				case <-time.After(100 * time.Millisecond):
				}
			}
		}
		require.NoError(t, ixA.Close())
		acked := 0
		for _, i := range pendingA {
			for _, r := range f.Requests() {
				if !fakediscord.ForInteraction(i)(r) || !fakediscord.IsOK(r) || !(fakediscord.IsCallback(r) || fakediscord.IsEditOriginal(r)) {
					continue
				}
				if sm := addedRE.FindStringSubmatch(asRecorded(r).msg(t).text()); sm != nil {
					var id int64
					fmt.Sscan(sm[1], &id)
					written[gA] = append(written[gA], id)
					acked++
				}
			}
		}
		t.Logf("shard 0 acknowledged %d of the %d writes sent to it while closing", acked, len(pendingA))
		assert.Positive(t, acked, "shard 0 finished the writes in flight")
		for _, i := range pendingB {
			written[gB] = append(written[gB], addedID(t, e.final(i)))
		}
		check(t, ixB)
		m := e.ask(gB, chB, "What did Dana Reyes say about the record?")
		text := cardText(m)
		assert.Contains(t, text, "Dana Reyes", "shard 1 answers after shard 0 has gone")
		assert.Contains(t, text, "shard B", "from its own server's library")
		assert.NotContains(t, text, "shard A")
	})
	assert.Len(t, b.Sessions(), 1, "shard 1 kept its one session")
}

// TestShards_WatchdogReplacesOneShard wedges shard 1's session the way
// discordgo issue #513 does (a RESUME answered with op 7): the shard's
// watchdog opens a new session that identifies as the same shard, the
// next interaction of a server on shard 1 is answered through it, and
// shard 0's session is left alone.
func TestShards_WatchdogReplacesOneShard(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	g0, g1 := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	f := fakediscord.New(t, fakediscord.WithGuilds(g0, g1))
	ix := MustOpenIndex(t)
	loadSample(t, ix, g0, g1)
	b, log := MustOpenShards(t, f, ix, 2, []int{0, 1}, func(b *bot.Bot) {
		b.Session.ShouldReconnectOnError = true // discordgo must RESUME to meet the deadlock
		b.StallTimeout = 500 * time.Millisecond
	})
	f.WaitIdentified(t, 5*time.Second)
	f.WaitIdentified(t, 5*time.Second)
	e := shardE2E{t, f}
	before := b.Sessions()
	require.Len(t, before, 2)
	for _, g := range []string{g0, g1} {
		assert.NotEmpty(t, e.ask(g, fakediscord.DefaultChannelID, faultQuestion).Embeds)
	}

	f.ReconnectOnNextResume()
	f.SendReconnectShard(t, 1, 2)
	r := f.WaitResumed(t, 5*time.Second)
	require.True(t, r.Reconnected, "the RESUME was answered with op 7")
	id := f.WaitIdentified(t, 10*time.Second)
	assert.Equal(t, []int{1, 2}, id.Shard, "the new session identifies as the wedged shard")
	assert.Contains(t, log.String(), "discord session stalled")
	assert.Contains(t, log.String(), "shard=1")

	after := b.Sessions()
	require.Len(t, after, 2)
	assert.Same(t, before[0], after[0], "shard 0 keeps its session")
	assert.NotSame(t, before[1], after[1], "shard 1 serves through a new session")
	assert.Equal(t, 1, after[1].ShardID)
	assert.Equal(t, 2, after[1].ShardCount)
	for _, g := range []string{g1, g0} {
		assert.NotEmpty(t, e.ask(g, fakediscord.DefaultChannelID, faultQuestion).Embeds, "guild on shard %d", fakediscord.ShardOf(g, 2))
	}
}
