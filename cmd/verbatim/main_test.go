package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// runMain runs the real command in-process with a map-backed environment,
// as main does, and returns what it printed and the error main would print.
func runMain(t *testing.T, getenv func(string) string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var out, errOut bytes.Buffer
	m := &Main{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: getenv}
	err = m.Run(context.Background(), args)
	return out.String(), errOut.String(), err
}

func TestMain_Usage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "never-created.db")
	for _, tt := range []struct {
		name string
		args []string
		want string // in the error
	}{
		{"NoCommand", nil, "no command"},
		{"UnknownCommand", []string{"frobnicate"}, "unknown command"},
		{"AskNoQuestion", []string{"ask"}, "no question"},
		{"AskBadK", []string{"ask", "-k", "0", "why?"}, "-k 0"},
		{"AskKTooBig", []string{"ask", "-k", "51", "why?"}, "-k 51"},
		{"AskBatchAndQuestion", []string{"ask", "--batch", "-", "why?"}, "not both"},
		{"AskUnknownFlag", []string{"ask", "--nope", "why?"}, "flag provided but not defined"},
		{"AskBadLibrary", []string{"ask", "--library", "a b", "why?"}, "library name"},
		{"IngestNoPath", []string{"ingest"}, "no file"},
		{"IngestBadDate", []string{"ingest", "--published", "2025-13-01", "x.txt"}, "YYYY-MM-DD"},
		{"QuotesExtraArg", []string{"quotes", "extra"}, "unexpected argument"},
		{"QuotesBadSource", []string{"quotes", "--source", "x"}, "invalid value"},
		{"SourcesExtraArg", []string{"sources", "extra"}, "unexpected argument"},
		{"SourceNoSub", []string{"source"}, "text ID"},
		{"SourceBadSub", []string{"source", "cat", "1"}, "text ID"},
		{"SourceNoID", []string{"source", "text"}, "exactly one"},
		{"SourceBadID", []string{"source", "rm", "abc"}, "positive number"},
		{"SourceZeroID", []string{"source", "text", "0"}, "positive number"},
		{"EvalSmallK", []string{"eval", "-k", "2"}, "-k 2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, stderr, err := runMain(t, env("VERBATIM_DB", db), "", tt.args...)
			if code := exitCode(err); code != 2 {
				t.Fatalf("exit %d (err %v), want 2", code, err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %q, want it to mention %q", err, tt.want)
			}
			if n := strings.Count(stderr, "Usage"); n != 1 {
				t.Errorf("stderr shows the usage %d times, want once:\n%s", n, stderr)
			}
		})
	}
}

func TestMain_Help(t *testing.T) {
	_, stderr, err := runMain(t, env(), "", "ask", "-h")
	if !errors.Is(err, flag.ErrHelp) || exitCode(err) != 0 {
		t.Errorf("ask -h: err = %v, exit %d", err, exitCode(err))
	}
	if !strings.Contains(stderr, "-json") || !strings.Contains(stderr, "-batch") {
		t.Errorf("ask -h does not list the flags:\n%s", stderr)
	}
	stdout, _, err := runMain(t, env(), "", "help")
	if err != nil || !strings.Contains(stdout, "verbatim ask") {
		t.Errorf("help: err = %v, stdout:\n%s", err, stdout)
	}
}

func TestMain_ServeWithoutToken(t *testing.T) {
	_, _, err := runMain(t, env(), "", "serve")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "DISCORD_TOKEN is not set") || !strings.Contains(err.Error(), ".env") {
		t.Errorf("serve: err = %v, exit %d; want an error saying what to set and where", err, exitCode(err))
	}
}

func TestMain_BadConfig(t *testing.T) {
	_, _, err := runMain(t, env("LOG_LEVEL", "loud"), "", "sources")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "LOG_LEVEL") {
		t.Errorf("err = %v, exit %d", err, exitCode(err))
	}
}

func TestParse(t *testing.T) {
	m := &Main{Stderr: &bytes.Buffer{}, Config: DefaultConfig()}
	for _, tt := range []struct {
		args    []string
		pos     []string
		json    bool
		k       int
		db, lib string
	}{
		{[]string{"why?"}, []string{"why?"}, false, 5, "verbatim.db", "default"},
		{[]string{"why", "now?", "--json"}, []string{"why", "now?"}, true, 5, "verbatim.db", "default"},
		{[]string{"-k", "3", "why?", "--db", "x.db", "--library=news"}, []string{"why?"}, false, 3, "x.db", "news"},
		{[]string{"--json", "--", "-k", "--db"}, []string{"-k", "--db"}, true, 5, "verbatim.db", "default"},
	} {
		fs, c := m.flagSet("ask", "ask")
		asJSON := fs.Bool("json", false, "")
		k := fs.Int("k", 5, "")
		pos, err := m.parse(fs, c, tt.args)
		if err != nil {
			t.Errorf("%q: %v", tt.args, err)
			continue
		}
		if !reflect.DeepEqual(pos, tt.pos) || *asJSON != tt.json || *k != tt.k || c.db != tt.db || c.library != tt.lib {
			t.Errorf("%q: pos %q json %v k %d db %q lib %q", tt.args, pos, *asJSON, *k, c.db, c.library)
		}
	}
}

func TestExitCode(t *testing.T) {
	for _, tt := range []struct {
		err  error
		want int
	}{
		{nil, 0},
		{flag.ErrHelp, 0},
		{&usageError{errors.New("x")}, 2},
		{errors.New("x"), 1},
	} {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v) = %d, want %d", tt.err, got, tt.want)
		}
	}
}

func TestSamplePath(t *testing.T) {
	for in, want := range map[string]string{
		"sample/a.txt":  "sample/a.txt",
		"a.txt":         "sample/a.txt",
		"/sample/a.txt": "sample/a.txt",
		"sub/a.txt":     "sample/sub/a.txt",
	} {
		if got := samplePath(in); got != want {
			t.Errorf("samplePath(%q) = %q, want %q", in, got, want)
		}
	}
}
