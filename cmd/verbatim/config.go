package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// DefaultDB is the database file used when neither --db nor VERBATIM_DB names one.
const DefaultDB = "verbatim.db"

// Config is the configuration read from the environment. Flags given to a
// subcommand override it.
type Config struct {
	DB       string     // VERBATIM_DB: the SQLite database file, or a postgres:// URL
	Library  string     // VERBATIM_LIBRARY: the library commands use
	LogLevel slog.Level // LOG_LEVEL: debug, info, warn or error

	// For serve. DiscordToken is a secret: it has no default and is never
	// logged.
	DiscordToken   string        `json:"-"` // DISCORD_TOKEN
	DiscordGuildID string        // DISCORD_GUILD_ID: register commands in this server only
	Cooldown       time.Duration // VERBATIM_COOLDOWN: between one user's questions
	ServerRate     int           // VERBATIM_SERVER_RATE: questions per minute per server; 0 is off
	MaxQuestion    int           // VERBATIM_MAX_QUESTION: characters, at most bot.MaxQuestionLength
	MaxUpload      int64         // VERBATIM_MAX_UPLOAD_BYTES: largest attachment /source add takes
	MaxFetch       int64         // VERBATIM_MAX_FETCH_BYTES: largest page /source add url: reads
	// Shard is the gateway shards serve runs: one id, a range A-B or a
	// list of both (0,2,4-5); Shards is how many the whole bot has. Both
	// empty (0) run it unsharded. See shardSpec.
	Shard  string // VERBATIM_SHARD
	Shards int    // VERBATIM_SHARDS
}

// DefaultConfig returns the configuration used when nothing is set.
func DefaultConfig() Config {
	return Config{DB: DefaultDB, Library: retrieval.DefaultLibrary, LogLevel: slog.LevelWarn,
		Cooldown: bot.DefaultCooldown, ServerRate: bot.DefaultServerRate, MaxQuestion: bot.MaxQuestionLength,
		MaxUpload: bot.DefaultMaxUpload, MaxFetch: retrieval.DefaultFetchMaxBytes}
}

// String describes c without its token.
func (c Config) String() string {
	token := "(unset)"
	if c.DiscordToken != "" {
		token = "(set)"
	}
	return fmt.Sprintf("Config{DB: %q, Library: %q, LogLevel: %s, DiscordToken: %s, DiscordGuildID: %q, Cooldown: %s, "+
		"ServerRate: %d, MaxQuestion: %d, MaxUpload: %d, MaxFetch: %d, Shard: %q, Shards: %d}",
		retrieval.RedactURL(c.DB), c.Library, c.LogLevel, token, c.DiscordGuildID, c.Cooldown, c.ServerRate, c.MaxQuestion, c.MaxUpload, c.MaxFetch,
		c.Shard, c.Shards)
}

// GoString is String, so that %#v hides the token too.
func (c Config) GoString() string { return c.String() }

// LogValue logs c as String does, without its token (slog's JSON handler
// would otherwise print every field).
func (c Config) LogValue() slog.Value { return slog.StringValue(c.String()) }

// LoadConfig reads the configuration from getenv, falling back to
// DefaultConfig for unset variables, and validates it.
func LoadConfig(getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	if v := strings.TrimSpace(getenv("VERBATIM_DB")); v != "" {
		c.DB = v
	}
	if v := strings.TrimSpace(getenv("VERBATIM_LIBRARY")); v != "" {
		c.Library = v
	}
	if v := strings.TrimSpace(getenv("LOG_LEVEL")); v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return c, fmt.Errorf("LOG_LEVEL %q: use debug, info, warn or error", v)
		}
	}
	c.DiscordToken = strings.TrimSpace(getenv("DISCORD_TOKEN"))
	c.DiscordGuildID = strings.TrimSpace(getenv("DISCORD_GUILD_ID"))
	if v := strings.TrimSpace(getenv("VERBATIM_COOLDOWN")); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return c, fmt.Errorf("VERBATIM_COOLDOWN %q: use a duration such as 3s or 500ms (0 turns it off)", v)
		}
		c.Cooldown = d
	}
	docMax := int64(retrieval.MaxDocumentSize)
	if err := intEnv(getenv, "VERBATIM_SERVER_RATE", 0, 1<<20, &c.ServerRate,
		"a number of questions per minute (0 turns the limit off)"); err != nil {
		return c, err
	}
	if err := intEnv(getenv, "VERBATIM_MAX_QUESTION", 1, bot.MaxQuestionLength, &c.MaxQuestion,
		fmt.Sprintf("a number of characters from 1 to %d", bot.MaxQuestionLength)); err != nil {
		return c, err
	}
	if err := intEnv(getenv, "VERBATIM_MAX_UPLOAD_BYTES", 1, docMax, &c.MaxUpload,
		fmt.Sprintf("a number of bytes from 1 to %d", docMax)); err != nil {
		return c, err
	}
	if err := intEnv(getenv, "VERBATIM_MAX_FETCH_BYTES", 1, docMax, &c.MaxFetch,
		fmt.Sprintf("a number of bytes from 1 to %d", docMax)); err != nil {
		return c, err
	}
	if err := intEnv(getenv, "VERBATIM_SHARDS", 1, bot.MaxShards, &c.Shards,
		fmt.Sprintf("the number of gateway shards the whole bot runs on, from 1 to %d", bot.MaxShards)); err != nil {
		return c, err
	}
	c.Shard = strings.TrimSpace(getenv("VERBATIM_SHARD"))
	if _, err := parseShards(c.Shard, bot.MaxShards); err != nil {
		return c, fmt.Errorf("VERBATIM_SHARD %q: %w", c.Shard, err)
	}
	return c, c.Validate()
}

// parseShards reads a set of shard ids below count: "" (none), one id, a
// range "A-B", or a comma-separated list of both ("0,2,4-5"). The ids come
// back sorted, without repeats.
func parseShards(spec string, count int) ([]int, error) {
	if spec == "" {
		return nil, nil
	}
	seen := map[int]bool{}
	var ids []int
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		lo, hi, isRange := strings.Cut(item, "-")
		a, err1 := strconv.Atoi(strings.TrimSpace(lo))
		b, err2 := a, error(nil)
		if isRange {
			b, err2 = strconv.Atoi(strings.TrimSpace(hi))
		}
		switch {
		case err1 != nil || err2 != nil || a < 0 || b < 0:
			return nil, fmt.Errorf("%q is not a shard id or range: use I, A-B or a list such as 0,2,4-5", item)
		case a > b:
			return nil, fmt.Errorf("range %q runs backwards: write the lower id first", item)
		case b >= count:
			return nil, fmt.Errorf("shard %d is out of range: with %d shards the ids run from 0 to %d", b, count, count-1)
		}
		for id := a; id <= b; id++ {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// intEnv sets *dst from the integer variable name, if set, which must lie
// in [lo, hi]; want says what to put there.
func intEnv[T int | int64](getenv func(string) string, name string, lo, hi T, dst *T, want string) error {
	raw := strings.TrimSpace(getenv(name))
	if raw == "" {
		return nil
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n < int64(lo) || n > int64(hi) {
		return fmt.Errorf("%s %q: use %s", name, raw, want)
	}
	*dst = T(n)
	return nil
}

// Validate reports the first problem with c.
func (c Config) Validate() error {
	if c.DB == "" {
		return errors.New("database path is empty: set --db or VERBATIM_DB")
	}
	if c.DiscordGuildID != "" && !isSnowflake(c.DiscordGuildID) {
		return fmt.Errorf("DISCORD_GUILD_ID %q is not a server id: copy it with Developer Mode on (right-click the server, Copy Server ID)", c.DiscordGuildID)
	}
	return validateLibrary(c.Library)
}

// isSnowflake reports whether s looks like a Discord id: digits only.
func isSnowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// validateLibrary rejects library names that would be awkward to type or to
// show: empty, too long, or holding anything but letters, digits, '-', '_'
// and '.'.
func validateLibrary(name string) error {
	if name == "" {
		return errors.New("library name is empty: set --library or VERBATIM_LIBRARY")
	}
	if len(name) > 64 {
		return fmt.Errorf("library name %q is longer than 64 bytes", name)
	}
	for _, r := range name {
		ok := r == '-' || r == '_' || r == '.' ||
			('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !ok {
			return fmt.Errorf("library name %q: use only letters, digits, '-', '_' and '.'", name)
		}
	}
	return nil
}

// readDotEnv parses a .env file: KEY=VALUE lines, blank lines and lines
// starting with '#' ignored, an optional "export " prefix, and values
// optionally wrapped in single or double quotes. It is deliberately tiny (no
// variable expansion, no multi-line values): the project needs five plain
// settings, and a dependency for that would be more to audit than to write.
func readDotEnv(r io.Reader) (map[string]string, error) {
	vars := map[string]string{}
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, val, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			return nil, fmt.Errorf("line %d: want KEY=VALUE", n)
		}
		val = strings.TrimSpace(val)
		if len(val) >= 2 && (val[0] == '"' || val[0] == '\'') && val[len(val)-1] == val[0] {
			val = val[1 : len(val)-1]
		} else if i := strings.Index(val, " #"); i >= 0 {
			val = strings.TrimSpace(val[:i]) // trailing comment on an unquoted value
		}
		vars[key] = val
	}
	return vars, sc.Err()
}

// withDotEnv returns a getenv that prefers getenv and falls back to the
// variables of the .env file at path, if there is one. Variables already
// set in the environment are never overridden.
func withDotEnv(getenv func(string) string, path string) (func(string) string, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return getenv, nil
	} else if err != nil {
		return nil, err
	}
	defer f.Close()
	vars, err := readDotEnv(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vars[k]
	}, nil
}
