package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/internal/pgtest"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Settings the parent test passes to TestServeShardChild.
const (
	childEnv     = "VERBATIM_TEST_SHARD_CHILD" // the serve arguments, space-separated
	childAddrEnv = "VERBATIM_TEST_FAKE_ADDR"
	childCertEnv = "VERBATIM_TEST_FAKE_CERT"
)

// TestServeShardChild is not a test: TestMain_ServeShardsKill runs the test
// binary again with only this function, as a bot process running
// "verbatim serve" against the parent's fake Discord. SIGTERM stops it as
// it stops the binary (exit 0 when serve returns cleanly); SIGKILL kills it.
func TestServeShardChild(t *testing.T) {
	args := os.Getenv(childEnv)
	if args == "" {
		t.Skip("helper process of TestMain_ServeShardsKill")
	}
	addr, cert := os.Getenv(childAddrEnv), os.Getenv(childCertEnv)
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: os.Stderr, Stderr: os.Stderr, Getenv: os.Getenv,
		PrepareBot: func(b *bot.Bot) {
			b.Session.ShouldReconnectOnError = false
			if err := fakediscord.RedirectTo(b.Session, addr, []byte(cert)); err != nil {
				t.Fatal(err)
			}
		},
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if err := m.Run(ctx, strings.Fields(args)); err != nil {
		t.Fatalf("serve returned: %v", err)
	}
}

// serveProc is a "verbatim serve" child process.
type serveProc struct {
	name   string
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{} // closed once the process has exited
	err    error         // Wait's result, once exited is closed
}

// startServe runs "verbatim serve args..." as a child process with
// VERBATIM_DB=db against f. The process is killed when the test ends, and
// its log shown if the test failed.
func startServe(t *testing.T, f *fakediscord.Server, name, db string, args ...string) *serveProc {
	t.Helper()
	addr, cert := f.Endpoint()
	token := strings.TrimPrefix(fakediscord.DefaultToken, "Bot ")
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeShardChild$", "-test.count=1", "-test.v=false")
	cmd.Env = append(os.Environ(),
		childEnv+"=serve "+strings.Join(args, " "),
		childAddrEnv+"="+addr, childCertEnv+"="+string(cert),
		"VERBATIM_DB="+db, "DISCORD_TOKEN="+token, "VERBATIM_COOLDOWN=0s", "LOG_LEVEL=info",
		"VERBATIM_SHARD=", "VERBATIM_SHARDS=", "DISCORD_GUILD_ID=")
	p := &serveProc{name: name, cmd: cmd, log: &lockedBuffer{}, exited: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.log, p.log
	require.NoError(t, cmd.Start())
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.exited
		if t.Failed() {
			t.Logf("%s process log:\n%s", name, p.log.String())
		}
	})
	return p
}

// kill SIGKILLs p and waits for it to die.
func (p *serveProc) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	<-p.exited
}

// stop sends p SIGTERM, as a deployment's supervisor does, and checks
// that serve returned cleanly.
func (p *serveProc) stop(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case <-p.exited:
	case <-time.After(60 * time.Second):
		t.Fatalf("%s did not exit within 60s of SIGTERM", p.name)
	}
	assert.NoError(t, p.err, "%s exits cleanly on SIGTERM", p.name)
	assert.NotContains(t, p.log.String(), strings.TrimPrefix(fakediscord.DefaultToken, "Bot "), "the token reached %s's log", p.name)
	assert.NotContains(t, p.log.String(), markerPassword, "the database password reached %s's log", p.name)
}

var addedSourceRE = regexp.MustCompile(`(?:Added|Updated)\*\* source #(\d+)`)

// addedSource waits for the answer to i and returns the id of the source
// it says was added, or 0 (with the answer) if it says something else.
func addedSource(t *testing.T, f *fakediscord.Server, i *fakediscord.Interaction, timeout time.Duration) (int64, string) {
	t.Helper()
	r := f.WaitRequest(t, timeout, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
	require.Less(t, r.Status, 300, "%s: %s", r, r.Response)
	var cb struct {
		Type int `json:"type"`
		Data struct {
			Content string `json:"content"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(r.Body, &cb))
	text := cb.Data.Content
	if cb.Type == 5 {
		r = f.WaitRequest(t, timeout, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		require.Less(t, r.Status, 300, "%s: %s", r, r.Response)
		var edit struct {
			Content string `json:"content"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &edit))
		text = edit.Content
	}
	sm := addedSourceRE.FindStringSubmatch(text)
	if sm == nil {
		return 0, text
	}
	id, _ := strconv.ParseInt(sm[1], 10, 64)
	return id, text
}

// TestMain_ServeShardsKill runs the scenario of serveShards on each store: a
// SQLite file, and a PostgreSQL database (skipped unless
// VERBATIM_TEST_POSTGRES names a server).
func TestMain_ServeShardsKill(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end serve test with child processes skipped in -short mode")
	}
	t.Run("SQLite", func(t *testing.T) {
		serveShards(t, filepath.Join(t.TempDir(), "shards.db"))
	})
	t.Run("PostgreSQL", func(t *testing.T) {
		serveShards(t, withMarkerPassword(t, pgtest.URL(t)))
	})
}

// markerPassword is a password no log line may show.
const markerPassword = "pw-not-for-logs-7c1e"

// withMarkerPassword returns the PostgreSQL URL db with markerPassword in
// it when the server lets it in (trust authentication, as .ci/run sets it
// up), so that the processes' logs can be checked for it; else db.
func withMarkerPassword(t *testing.T, db string) string {
	t.Helper()
	u, err := url.Parse(db)
	require.NoError(t, err)
	if _, set := u.User.Password(); set || u.User == nil {
		return db
	}
	u.User = url.UserPassword(u.User.Username(), markerPassword)
	ix := retrieval.NewIndex(u.String())
	if err := ix.Open(); err != nil {
		t.Logf("password leak check skipped: the server refuses a made-up password: %v", err)
		return db
	}
	require.NoError(t, ix.Close())
	return u.String()
}

// serveShards runs the bot as real "verbatim serve" processes, one per
// shard, on the store db and one fake Discord, which routes each server's
// events to shard (server_id >> 22) % N only.
//
// A server's library is its own (bot.LibraryName), and a server's events
// all reach one shard: with a fixed shard count, no interaction of one
// shard ever reads what another shard wrote, and the configuration has no
// setting that makes two servers share a library (DISCORD_GUILD_ID only
// says where the commands are registered). What the shard processes share
// is the store, and it is read across shards when the bot is resharded:
// Discord asks for more shards as a bot grows, every server's events then
// go to (server_id >> 22) % N for the new N, and most servers move to
// another shard, usually served by another process. So the scenario is:
//
//  1. Processes A (shard 0 of 2) and B (shard 1 of 2) start; only A
//     registers the commands. Moderators add sources through both at once,
//     in server X (on A's shard) and server Y (on B's).
//  2. A is SIGKILLed with writes in flight. B goes on writing and
//     answering; then it stops on SIGTERM. Every write either acknowledged
//     is in the store, which passes its integrity checks (Index.Check).
//  3. The bot is resharded to 3: process C runs shard 1 of 3, which now
//     holds X, and process D shards 0 and 2 of 3, which now hold Y
//     (X's id is 4 mod 6, Y's 3 mod 6, hence ids 0/2 → 1/3 and 1/2 → 0/3).
//     A member's question in X is answered by shard 1 from the sources
//     added through shard 0, and one in Y by shard 0 from those added
//     through shard 1; a new source added through C is on record.
func serveShards(t *testing.T, db string) {
	ctx := context.Background()
	gX, gY := fakediscord.GuildOnShard(4, 6), fakediscord.GuildOnShard(3, 6)
	require.Equal(t, []int{0, 1}, []int{bot.ShardOf(gX, 2), bot.ShardOf(gX, 3)})
	require.Equal(t, []int{1, 0}, []int{bot.ShardOf(gY, 2), bot.ShardOf(gY, 3)})
	chX, chY := fakediscord.NewSnowflake(), fakediscord.NewSnowflake()
	f := fakediscord.New(t, fakediscord.WithGuilds(gX, gY),
		fakediscord.WithChannel(gX, chX, "alpha"), fakediscord.WithChannel(gY, chY, "beta"))
	{ // The store exists before the shards start, as in a deployment.
		ix := retrieval.NewIndex(db)
		require.NoError(t, ix.Open())
		require.NoError(t, ix.Close())
	}

	// 1. Two processes, one shard each.
	a := startServe(t, f, "A (shard 0 of 2)", db, "--shard", "0", "--shards", "2")
	assert.Equal(t, []int{0, 2}, f.WaitIdentified(t, 60*time.Second).Shard)
	f.WaitRequest(t, 60*time.Second, fakediscord.IsCommandsPut)
	b := startServe(t, f, "B (shard 1 of 2)", db, "--shard-range", "1-1", "--shards", "2")
	assert.Equal(t, []int{1, 2}, f.WaitIdentified(t, 60*time.Second).Shard)

	add := func(guild, channel, text string) *fakediscord.Interaction {
		target := fakediscord.MessageCreate(guild, channel, "1100000000000000505", text)
		i := fakediscord.MessageCommand(guild, channel, "1100000000000000501", "Add as source", target).
			WithPermissions(fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild)
		f.DispatchInteraction(t, i)
		return i
	}
	quote := func(which string, k int) string {
		return fmt.Sprintf(`"Entry %d from process %s is filed," said Dana Reyes, a clerk.`, k, which)
	}
	ask := func(guild, channel string) (fakediscord.Request, *fakediscord.Interaction) {
		t.Helper()
		i := fakediscord.SlashCommand(guild, channel, fakediscord.NewSnowflake(), "ask",
			fakediscord.StringOpt("question", "What did Dana Reyes say was filed?"))
		f.DispatchInteraction(t, i)
		ack := f.WaitRequest(t, 30*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
		require.Less(t, ack.Status, 300, "%s: %s", ack, ack.Response)
		return f.WaitRequest(t, 30*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal, fakediscord.IsOK)), i
	}
	acked := map[string][]int64{}
	for k := range 3 { // both processes write at once
		iX, iY := add(gX, chX, quote("A", k)), add(gY, chY, quote("B", k))
		for _, w := range []struct {
			guild string
			i     *fakediscord.Interaction
		}{{gX, iX}, {gY, iY}} {
			id, text := addedSource(t, f, w.i, 30*time.Second)
			require.NotZero(t, id, "not added: %q", text)
			acked[w.guild] = append(acked[w.guild], id)
		}
	}
	assert.Equal(t, 1, commandPuts(f), "only the process running shard 0 registers the commands")

	// 2. Writes in flight on A; kill it once the first of them is answered.
	var inflight []*fakediscord.Interaction
	for k := 10; k < 16; k++ {
		inflight = append(inflight, add(gX, chX, quote("A", k)))
	}
	if id, text := addedSource(t, f, inflight[0], 30*time.Second); id != 0 {
		acked[gX] = append(acked[gX], id)
	} else {
		t.Logf("first in-flight write answered %q", text)
	}
	a.kill(t)
	for _, i := range inflight[1:] {
		for _, r := range f.Requests() {
			if !fakediscord.ForInteraction(i)(r) || !fakediscord.IsOK(r) {
				continue
			}
			var body struct {
				Content string `json:"content"`
				Data    struct {
					Content string `json:"content"`
				} `json:"data"`
			}
			_ = json.Unmarshal(r.Body, &body)
			if sm := addedSourceRE.FindStringSubmatch(body.Content + body.Data.Content); sm != nil {
				id, _ := strconv.ParseInt(sm[1], 10, 64)
				acked[gX] = append(acked[gX], id)
			}
		}
	}
	t.Logf("process A acknowledged %d writes before and while it was killed", len(acked[gX]))

	// B goes on writing and answering.
	for k := 3; k < 6; k++ {
		id, text := addedSource(t, f, add(gY, chY, quote("B", k)), 30*time.Second)
		require.NotZero(t, id, "not added after A died: %q", text)
		acked[gY] = append(acked[gY], id)
	}
	ans, _ := ask(gY, chY)
	assert.Contains(t, string(ans.Body), "process B", "shard 1 answers from its server's library")
	assert.NotContains(t, string(ans.Body), "process A", "and from no other server's")
	b.stop(t)

	check := func() {
		t.Helper()
		ix := retrieval.NewIndex(db)
		require.NoError(t, ix.Open())
		defer ix.Close()
		require.NoError(t, ix.Check(ctx), "the store passes its integrity checks")
		for g, ids := range acked {
			for _, id := range ids {
				_, err := ix.Source(ctx, bot.LibraryName(g), id)
				assert.NoError(t, err, "acknowledged source %d of guild %s is lost", id, g)
			}
		}
	}
	check()
	assert.GreaterOrEqual(t, len(acked[gX]), 3)
	assert.Len(t, acked[gY], 6)

	// 3. Resharded to 3: each server is now on the other process's shard.
	c := startServe(t, f, "C (shard 1 of 3)", db, "--shard", "1", "--shards", "3")
	assert.Equal(t, []int{1, 3}, f.WaitIdentified(t, 60*time.Second).Shard)
	d := startServe(t, f, "D (shards 0 and 2 of 3)", db, "--shard-range", "0,2", "--shards", "3")
	var shardsD [][]int
	for range 2 {
		shardsD = append(shardsD, f.WaitIdentified(t, 60*time.Second).Shard)
	}
	assert.ElementsMatch(t, [][]int{{0, 3}, {2, 3}}, shardsD)

	for _, tc := range []struct {
		guild, channel string
		by             []int // the shard the question must reach
		want, notWant  string
	}{
		{gX, chX, []int{1, 3}, "process A", "process B"}, // added through shard 0 of 2, answered by shard 1 of 3
		{gY, chY, []int{0, 3}, "process B", "process A"}, // added through shard 1 of 2, answered by shard 0 of 3
	} {
		ans, i := ask(tc.guild, tc.channel)
		assert.Contains(t, string(ans.Body), tc.want, "server %s answered from the sources another shard added", tc.guild)
		assert.NotContains(t, string(ans.Body), tc.notWant)
		var live [][]int
		for _, dl := range f.Deliveries() {
			if dl.Event == "INTERACTION_CREATE" && dl.GuildID == tc.guild && dl.Seq > 0 {
				live = append(live, dl.Shard)
			}
		}
		assert.True(t, slices.ContainsFunc(live, func(s []int) bool { return slices.Equal(s, tc.by) }),
			"interaction %s of server %s was delivered to shards %v, want %v among them", i.ID, tc.guild, live, tc.by)
	}
	id, text := addedSource(t, f, add(gX, chX, quote("C", 0)), 30*time.Second)
	require.NotZero(t, id, "not added after resharding: %q", text)
	acked[gX] = append(acked[gX], id)
	c.stop(t)
	d.stop(t)
	check()
}

// commandPuts counts the bulk overwrites of the commands f received.
func commandPuts(f *fakediscord.Server) int {
	n := 0
	for _, r := range f.Requests() {
		if fakediscord.IsCommandsPut(r) {
			n++
		}
	}
	return n
}
