package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env returns a getenv backed by a map, so tests never touch the process
// environment.
func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestLoadConfig(t *testing.T) {
	t.Run("Defaults", func(t *testing.T) {
		c, err := LoadConfig(env())
		if err != nil {
			t.Fatal(err)
		}
		if c != DefaultConfig() || c.DB != "verbatim.db" || c.Library != "default" || c.LogLevel != slog.LevelWarn {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("OK", func(t *testing.T) {
		c, err := LoadConfig(env("VERBATIM_DB", " /tmp/x.db ", "VERBATIM_LIBRARY", "news", "LOG_LEVEL", "DEBUG"))
		if err != nil {
			t.Fatal(err)
		}
		if c.DB != "/tmp/x.db" || c.Library != "news" || c.LogLevel != slog.LevelDebug {
			t.Errorf("got %+v", c)
		}
	})
	t.Run("Discord", func(t *testing.T) {
		c, err := LoadConfig(env("DISCORD_TOKEN", " secret-token ", "DISCORD_GUILD_ID", "123456789012345678", "VERBATIM_COOLDOWN", "500ms"))
		if err != nil {
			t.Fatal(err)
		}
		if c.DiscordToken != "secret-token" || c.DiscordGuildID != "123456789012345678" || c.Cooldown != 500*time.Millisecond {
			t.Errorf("got %+v", c)
		}
		if strings.Contains(c.String(), "secret-token") || strings.Contains(fmt.Sprintf("%v %+v", c, c), "secret-token") {
			t.Errorf("the token shows in %v", c)
		}
	})
	t.Run("Limits", func(t *testing.T) {
		c, err := LoadConfig(env("VERBATIM_SERVER_RATE", "120", "VERBATIM_MAX_QUESTION", "300",
			"VERBATIM_MAX_UPLOAD_BYTES", "1048576", "VERBATIM_MAX_FETCH_BYTES", " 2097152 "))
		if err != nil {
			t.Fatal(err)
		}
		if c.ServerRate != 120 || c.MaxQuestion != 300 || c.MaxUpload != 1<<20 || c.MaxFetch != 2<<20 {
			t.Errorf("got %+v", c)
		}
		if c, err = LoadConfig(env("VERBATIM_SERVER_RATE", "0")); err != nil || c.ServerRate != 0 {
			t.Errorf("VERBATIM_SERVER_RATE=0: %+v, %v; want the limit off", c, err)
		}
	})
	for name, getenv := range map[string]func(string) string{
		"ErrServerRate":       env("VERBATIM_SERVER_RATE", "lots"),
		"ErrNegativeRate":     env("VERBATIM_SERVER_RATE", "-1"),
		"ErrMaxQuestion":      env("VERBATIM_MAX_QUESTION", "501"),
		"ErrZeroMaxQuestion":  env("VERBATIM_MAX_QUESTION", "0"),
		"ErrMaxUpload":        env("VERBATIM_MAX_UPLOAD_BYTES", "10MB"),
		"ErrHugeMaxUpload":    env("VERBATIM_MAX_UPLOAD_BYTES", "1000000000"),
		"ErrMaxFetch":         env("VERBATIM_MAX_FETCH_BYTES", "0"),
		"ErrLogLevel":         env("LOG_LEVEL", "loud"),
		"ErrLibrary":          env("VERBATIM_LIBRARY", "my library"),
		"ErrLongLibrary":      env("VERBATIM_LIBRARY", strings.Repeat("x", 65)),
		"ErrGuildID":          env("DISCORD_GUILD_ID", "my server"),
		"ErrCooldown":         env("VERBATIM_COOLDOWN", "3"),
		"ErrNegativeCooldown": env("VERBATIM_COOLDOWN", "-1s"),
		"ErrShards":           env("VERBATIM_SHARDS", "two"),
		"ErrZeroShards":       env("VERBATIM_SHARDS", "0"),
		"ErrShard":            env("VERBATIM_SHARD", "first"),
		"ErrShardRange":       env("VERBATIM_SHARD", "4-2"),
	} {
		t.Run(name, func(t *testing.T) {
			if _, err := LoadConfig(getenv); err == nil {
				t.Error("want an error")
			}
		})
	}
}

func TestConfig_Validate(t *testing.T) {
	c := DefaultConfig()
	c.DB = ""
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "VERBATIM_DB") {
		t.Errorf("empty DB: err = %v", err)
	}
	c = DefaultConfig()
	c.Library = ""
	if err := c.Validate(); err == nil {
		t.Error("empty library: want an error")
	}
	for _, ok := range []string{"default", "news-2025", "a.b_c", "X"} {
		if err := validateLibrary(ok); err != nil {
			t.Errorf("validateLibrary(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"", "a b", "a/b", "é", "a;drop"} {
		if err := validateLibrary(bad); err == nil {
			t.Errorf("validateLibrary(%q) = nil, want an error", bad)
		}
	}
}

func TestReadDotEnv(t *testing.T) {
	in := `# comment
VERBATIM_DB=/data/v.db

export VERBATIM_LIBRARY="news"
LOG_LEVEL=info # trailing comment
DISCORD_TOKEN=
QUOTED='a # b'
`
	vars, err := readDotEnv(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"VERBATIM_DB": "/data/v.db", "VERBATIM_LIBRARY": "news", "LOG_LEVEL": "info",
		"DISCORD_TOKEN": "", "QUOTED": "a # b",
	}
	if len(vars) != len(want) {
		t.Errorf("got %v, want %v", vars, want)
	}
	for k, v := range want {
		if vars[k] != v {
			t.Errorf("%s = %q, want %q", k, vars[k], v)
		}
	}
	if _, err := readDotEnv(strings.NewReader("OK=1\nnot a pair\n")); err == nil || !strings.Contains(err.Error(), "line 2") {
		t.Errorf("bad line: err = %v, want line 2", err)
	}
}

func TestWithDotEnv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("VERBATIM_DB=from-file.db\nVERBATIM_LIBRARY=filelib\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv, err := withDotEnv(env("VERBATIM_DB", "from-env.db"), path)
	if err != nil {
		t.Fatal(err)
	}
	if got := getenv("VERBATIM_DB"); got != "from-env.db" {
		t.Errorf("VERBATIM_DB = %q: .env must not override the environment", got)
	}
	if got := getenv("VERBATIM_LIBRARY"); got != "filelib" {
		t.Errorf("VERBATIM_LIBRARY = %q, want the .env value", got)
	}

	getenv, err = withDotEnv(env("A", "1"), filepath.Join(t.TempDir(), "missing"))
	if err != nil || getenv("A") != "1" {
		t.Errorf("missing .env: err = %v", err)
	}
}
