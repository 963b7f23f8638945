package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

// lockedBuffer is a log sink safe for the bot's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestMain_Serve runs "verbatim serve" as the binary does, configured from
// the environment, against the stand-in for Discord: it registers the
// commands in the configured server, answers a new server honestly, loads
// the sample on a moderator's request, answers from it, and returns cleanly
// when the signal context ends, without the token in its log.
func TestMain_Serve(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end serve test skipped in -short mode")
	}
	const guild = fakediscord.DefaultGuildID
	f := fakediscord.New(t, fakediscord.WithGuilds(guild))
	logs := &lockedBuffer{}
	m := &Main{
		Stdin: strings.NewReader(""), Stdout: logs, Stderr: logs,
		Getenv: env("DISCORD_TOKEN", strings.TrimPrefix(fakediscord.DefaultToken, "Bot "),
			"DISCORD_GUILD_ID", guild, "LOG_LEVEL", "debug", "VERBATIM_COOLDOWN", "0s"),
		PrepareBot: func(b *bot.Bot) {
			b.Session.ShouldReconnectOnError = false
			f.Redirect(b.Session)
		},
	}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "serve.db")}) }()

	f.WaitIdentified(t, 10*time.Second)
	put := f.WaitRequest(t, 10*time.Second, fakediscord.IsCommandsPut)
	assert.Equal(t, "/applications/{application_id}/guilds/{guild_id}/commands", put.Route,
		"DISCORD_GUILD_ID registers the commands in that server only")

	answer := func(i *fakediscord.Interaction) string {
		t.Helper()
		f.DispatchInteraction(t, i)
		ack := f.WaitRequest(t, 3*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
		require.Less(t, ack.Status, 300, "%s", ack.Response)
		r := ack
		var cb struct {
			Type int `json:"type"`
		}
		require.NoError(t, json.Unmarshal(ack.Body, &cb))
		if cb.Type == 5 { // deferred: the answer edits @original
			r = f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
			require.Less(t, r.Status, 300, "%s", r.Response)
		}
		assert.Empty(t, r.Violations)
		return string(r.Body)
	}

	first := answer(fakediscord.SlashCommand(guild, fakediscord.DefaultChannelID, "110000000000000201", "ask",
		fakediscord.StringOpt("question", "Why did Russia go to war?")))
	assert.Contains(t, first, "verbatim ingest --library "+bot.LibraryName(guild),
		"a new server is told how its library gets sources")

	loaded := answer(fakediscord.SlashCommand(guild, fakediscord.DefaultChannelID, "110000000000000202", "library",
		fakediscord.Subcommand("sample")).WithPermissions(fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild))
	assert.Contains(t, loaded, "sample library")

	answered := answer(fakediscord.SlashCommand(guild, fakediscord.DefaultChannelID, "110000000000000203", "ask",
		fakediscord.StringOpt("question", "What did Ryabkov say about NATO troops?")))
	assert.Contains(t, answered, "Sergei Ryabkov")

	stop() // SIGINT
	select {
	case err := <-done:
		require.NoError(t, err, "serve returns cleanly on a signal")
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not return after its context ended")
	}
	assert.NotContains(t, logs.String(), strings.TrimPrefix(fakediscord.DefaultToken, "Bot "), "the token reached the log")
}
