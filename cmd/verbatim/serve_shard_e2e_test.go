package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Settings the parent test passes to TestServeShardChild.
const (
	childEnv     = "VERBATIM_TEST_SHARD_CHILD" // the serve arguments, space-separated
	childAddrEnv = "VERBATIM_TEST_FAKE_ADDR"
	childCertEnv = "VERBATIM_TEST_FAKE_CERT"
)

// TestServeShardChild is not a test: TestMain_ServeShardsKill runs the test
// binary again with only this function, as a second bot process running
// "verbatim serve" against the parent's fake Discord, and kills it.
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
	t.Fatalf("serve returned: %v", m.Run(context.Background(), strings.Fields(args)))
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

// TestMain_ServeShardsKill runs "verbatim serve --shard 0 --shards 2" as a
// real child process and "verbatim serve --shard-range 1-1 --shards 2" in
// this one, on one database file and one fake Discord. The child, running
// shard 0, alone registers the commands; each answers only its own
// server; then the child is SIGKILLed with writes in flight: every write it
// had acknowledged is in the database, which passes its integrity checks,
// and the shard-1 process goes on writing and answering.
func TestMain_ServeShardsKill(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end serve test with a child process skipped in -short mode")
	}
	ctx := context.Background()
	gA, gB := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	chA, chB := fakediscord.NewSnowflake(), fakediscord.NewSnowflake()
	f := fakediscord.New(t, fakediscord.WithGuilds(gA, gB),
		fakediscord.WithChannel(gA, chA, "alpha"), fakediscord.WithChannel(gB, chB, "beta"))
	db := filepath.Join(t.TempDir(), "shards.db")
	{ // The database exists before the shards start, as in a deployment.
		ix := retrieval.NewIndex(db)
		require.NoError(t, ix.Open())
		require.NoError(t, ix.Close())
	}
	token := strings.TrimPrefix(fakediscord.DefaultToken, "Bot ")

	// Process A: shard 0, a real process.
	addr, cert := f.Endpoint()
	child := exec.Command(os.Args[0], "-test.run=^TestServeShardChild$", "-test.count=1")
	child.Env = append(os.Environ(),
		childEnv+"=serve --db "+db+" --shard 0 --shards 2",
		childAddrEnv+"="+addr, childCertEnv+"="+string(cert),
		"DISCORD_TOKEN="+token, "VERBATIM_COOLDOWN=0s", "LOG_LEVEL=info",
		"VERBATIM_SHARD=", "VERBATIM_SHARDS=", "DISCORD_GUILD_ID=")
	var childLog bytes.Buffer
	child.Stdout, child.Stderr = &childLog, &childLog
	require.NoError(t, child.Start())
	exited := make(chan struct{}) // closed once the child has exited
	go func() {
		_ = child.Wait()
		close(exited)
	}()
	t.Cleanup(func() {
		_ = child.Process.Kill()
		<-exited
		if t.Failed() {
			t.Logf("shard 0 process log:\n%s", childLog.String())
		}
	})
	idA := f.WaitIdentified(t, 60*time.Second)
	assert.Equal(t, []int{0, 2}, idA.Shard)
	f.WaitRequest(t, 30*time.Second, fakediscord.IsCommandsPut)

	// Process B: shard 1, in this process.
	logs := &lockedBuffer{}
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: logs, Stderr: logs,
		Getenv: env("DISCORD_TOKEN", token, "VERBATIM_COOLDOWN", "0s", "LOG_LEVEL", "info", "VERBATIM_SHARDS", "2"),
		PrepareBot: func(b *bot.Bot) {
			b.Session.ShouldReconnectOnError = false
			f.Redirect(b.Session)
		},
	}
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	served := make(chan error, 1)
	go func() { served <- m.Run(bctx, []string{"serve", "--db", db, "--shard-range", "1-1"}) }()
	idB := f.WaitIdentified(t, 30*time.Second)
	assert.Equal(t, []int{1, 2}, idB.Shard)

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
	acked := map[string][]int64{}
	for k := range 3 { // both processes write at once
		iA, iB := add(gA, chA, quote("A", k)), add(gB, chB, quote("B", k))
		for _, w := range []struct {
			guild string
			i     *fakediscord.Interaction
		}{{gA, iA}, {gB, iB}} {
			id, text := addedSource(t, f, w.i, 20*time.Second)
			require.NotZero(t, id, "not added: %q", text)
			acked[w.guild] = append(acked[w.guild], id)
		}
	}
	assert.Equal(t, 1, func() int {
		n := 0
		for _, r := range f.Requests() {
			if fakediscord.IsCommandsPut(r) {
				n++
			}
		}
		return n
	}(), "only the process running shard 0 registers the commands")

	// Writes in flight on A; kill it once the first of them is answered.
	var inflight []*fakediscord.Interaction
	for k := 10; k < 16; k++ {
		inflight = append(inflight, add(gA, chA, quote("A", k)))
	}
	if id, text := addedSource(t, f, inflight[0], 20*time.Second); id != 0 {
		acked[gA] = append(acked[gA], id)
	} else {
		t.Logf("first in-flight write answered %q", text)
	}
	require.NoError(t, child.Process.Kill())
	<-exited
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
				acked[gA] = append(acked[gA], id)
			}
		}
	}
	t.Logf("process A acknowledged %d writes before and while it was killed", len(acked[gA]))

	// B goes on writing and answering.
	for k := 3; k < 6; k++ {
		id, text := addedSource(t, f, add(gB, chB, quote("B", k)), 20*time.Second)
		require.NotZero(t, id, "not added after A died: %q", text)
		acked[gB] = append(acked[gB], id)
	}
	i := fakediscord.SlashCommand(gB, chB, fakediscord.NewSnowflake(), "ask",
		fakediscord.StringOpt("question", "What did Dana Reyes say was filed?"))
	f.DispatchInteraction(t, i)
	ack := f.WaitRequest(t, 20*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
	require.Less(t, ack.Status, 300, "%s: %s", ack, ack.Response)
	ans := f.WaitRequest(t, 20*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal, fakediscord.IsOK))
	assert.Contains(t, string(ans.Body), "process B", "shard 1 answers from its server's library")

	stop()
	select {
	case err := <-served:
		require.NoError(t, err)
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not return after its context ended")
	}

	ix := retrieval.NewIndex(db)
	require.NoError(t, ix.Open())
	defer ix.Close()
	require.NoError(t, ix.Check(ctx), "the database passes its integrity checks after the kill")
	for g, ids := range acked {
		for _, id := range ids {
			_, err := ix.Source(ctx, bot.LibraryName(g), id)
			assert.NoError(t, err, "acknowledged source %d of guild %s is lost", id, g)
		}
	}
	assert.GreaterOrEqual(t, len(acked[gA]), 3)
	assert.Len(t, acked[gB], 6)
}
