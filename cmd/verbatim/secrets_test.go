package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

// secretToken is a token no output may ever contain.
const secretToken = "MTAxNzI5.Gx9secret.token-zq8VvW"

// TestSecrets_ConfigFormatting prints the configuration every way code
// might (fmt verbs, slog text and JSON, encoding/json) and checks that the
// token never appears.
func TestSecrets_ConfigFormatting(t *testing.T) {
	cfg, err := LoadConfig(env("DISCORD_TOKEN", secretToken, "DISCORD_GUILD_ID", "123"))
	if err != nil {
		t.Fatal(err)
	}
	botCfg := bot.Config{Token: cfg.DiscordToken, GuildID: cfg.DiscordGuildID}
	for name, v := range map[string]any{"Config": cfg, "*Config": &cfg, "bot.Config": botCfg, "*bot.Config": &botCfg} {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
			if out := fmt.Sprintf(verb, v); strings.Contains(out, secretToken) {
				t.Errorf("%s printed with %s shows the token: %s", name, verb, out)
			}
		}
		for _, h := range []func(*bytes.Buffer) slog.Handler{
			func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
			func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
		} {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("config", "config", v)
			if strings.Contains(buf.String(), secretToken) {
				t.Errorf("%s logged shows the token: %s", name, buf.String())
			}
		}
	}
	if buf, err := json.Marshal(cfg); err != nil || strings.Contains(string(buf), secretToken) {
		t.Errorf("json.Marshal(Config) shows the token (err %v): %s", err, buf)
	}
}

// TestSecrets_ServePaths runs serve with a token set down its error paths
// (bad settings, a database that cannot open, Discord refusing the token)
// and one clean start and stop at debug level, and checks that the token is
// in no error, no log line and nothing printed.
func TestSecrets_ServePaths(t *testing.T) {
	if testing.Short() {
		t.Skip("starts the bot against the Discord stand-in")
	}
	dir := t.TempDir()
	for _, tt := range []struct {
		name   string
		env    []string
		args   []string
		accept bool // the stand-in accepts secretToken
		ok     bool // serve should start and stop cleanly
	}{
		{name: "BadLogLevel", env: []string{"LOG_LEVEL", "loud"}, args: []string{"serve"}},
		{name: "BadGuildID", env: []string{"DISCORD_GUILD_ID", "my-server"}, args: []string{"serve"}},
		{name: "BadCooldown", env: []string{"VERBATIM_COOLDOWN", "soon"}, args: []string{"serve"}},
		{name: "ExtraArgument", args: []string{"serve", "now"}},
		{name: "DatabaseCannotOpen", args: []string{"serve", "--db", filepath.Join(dir, "no", "such", "dir", "v.db")}},
		{name: "TokenRefused", args: []string{"serve", "--db", filepath.Join(dir, "refused.db")}},
		{name: "CleanStartAndStop", args: []string{"serve", "--db", filepath.Join(dir, "ok.db")}, accept: true, ok: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			opts := []fakediscord.Option{fakediscord.WithGuilds(fakediscord.DefaultGuildID)}
			if tt.accept {
				opts = append(opts, fakediscord.WithToken(secretToken))
			}
			f := fakediscord.New(t, opts...)
			out := &lockedBuffer{}
			m := &Main{
				Stdin: strings.NewReader(""), Stdout: out, Stderr: out,
				Getenv: env(append([]string{"DISCORD_TOKEN", secretToken, "LOG_LEVEL", "debug"}, tt.env...)...),
				PrepareBot: func(b *bot.Bot) {
					b.Session.ShouldReconnectOnError = false
					f.Redirect(b.Session)
				},
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			done := make(chan error, 1)
			go func() { done <- m.Run(ctx, tt.args) }()
			if tt.ok {
				f.WaitIdentified(t, 10*time.Second)
				for end := time.Now().Add(10 * time.Second); !strings.Contains(out.String(), "serving") && time.Now().Before(end); {
					time.Sleep(10 * time.Millisecond)
				}
				cancel()
			}
			var err error
			select {
			case err = <-done:
			case <-time.After(40 * time.Second):
				t.Fatal("serve did not return")
			}
			if tt.ok && err != nil {
				t.Fatalf("serve: %v\n%s", err, out.String())
			}
			if !tt.ok && err == nil {
				t.Fatalf("serve succeeded, want an error")
			}
			if err != nil && strings.Contains(err.Error(), secretToken) {
				t.Errorf("the error shows the token: %v", err)
			}
			if strings.Contains(out.String(), secretToken) {
				t.Errorf("the log or output shows the token:\n%s", out.String())
			}
			t.Logf("err = %v; %d bytes of log", err, len(out.String()))
		})
	}
}
