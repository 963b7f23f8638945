package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// sampleQuestion is the README's first command.
const sampleQuestion = "Why did Russia go to war in Ukraine?"

// cli runs the built binary against one database.
type cli struct {
	bin string
	dir string // working directory: no .env, and where a default verbatim.db would go
	db  string
}

// MustBuildCLI builds the real binary, as users get it, into a temporary
// directory.
func MustBuildCLI(t *testing.T) *cli {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the binary; skipped under -short")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "verbatim")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, goBin, "build", "-tags", "sqlite_fts5", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return &cli{bin: bin, dir: dir, db: filepath.Join(dir, "e2e.db")}
}

// run runs the binary with args (after --db) and stdin, and returns its
// output and exit code.
func (c *cli) run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	if len(args) > 0 && args[0] != "serve" {
		args = append([]string{args[0], "--db", c.db}, args[1:]...)
	}
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.dir
	cmd.Stdin = strings.NewReader(stdin)
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "VERBATIM_") && !strings.HasPrefix(kv, "LOG_LEVEL=") && !strings.HasPrefix(kv, "DISCORD_") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		t.Fatalf("run %q: %v", args, err)
	}
	return out.String(), errOut.String(), code
}

// mustRun runs the binary and fails the test unless it exits 0.
func (c *cli) mustRun(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	stdout, stderr, code := c.run(t, stdin, args...)
	if code != 0 {
		t.Fatalf("verbatim %q: exit %d\nstderr: %s", args, code, stderr)
	}
	return stdout
}

// sourceText returns `verbatim source text ID` for library.
func (c *cli) sourceText(t *testing.T, library string, id int64) string {
	t.Helper()
	return c.mustRun(t, "", "source", "text", "--library", library, strconv.FormatInt(id, 10))
}

// assertNoInternals fails if stderr shows a crash or leaks SQL.
func assertNoInternals(t *testing.T, stderr string) {
	t.Helper()
	low := strings.ToLower(stderr)
	for _, bad := range []string{"panic", "goroutine ", "sql", "fts5", "syntax error", ".go:"} {
		if strings.Contains(low, bad) {
			t.Errorf("stderr shows internals (%q):\n%s", bad, stderr)
		}
	}
	if n := strings.Count(strings.TrimSpace(stderr), "\n"); stderr != "" && n > 0 && !strings.Contains(stderr, "Usage") {
		t.Errorf("stderr has %d lines, want one:\n%s", n+1, stderr)
	}
}

// decode unmarshals JSON output strictly into v.
func decode(t *testing.T, out string, v any) {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		t.Fatalf("decode %T: %v\n%s", v, err, out)
	}
}

func TestEndToEnd(t *testing.T) {
	c := MustBuildCLI(t)
	texts := map[int64]string{} // source text by id, library "default"
	textOf := func(t *testing.T, id int64) string {
		if _, ok := texts[id]; !ok {
			texts[id] = c.sourceText(t, "default", id)
		}
		return texts[id]
	}

	t.Run("Sources", func(t *testing.T) {
		var out sourcesJSON
		decode(t, c.mustRun(t, "", "sources", "--json"), &out)
		if out.Library != "default" || len(out.Sources) == 0 {
			t.Fatalf("a new database must hold the sample library: %+v", out)
		}
		for _, s := range out.Sources {
			if !strings.HasPrefix(s.Origin, "embedded:sample/") {
				t.Errorf("source %d origin %q, want embedded:sample/…", s.ID, s.Origin)
			}
			if textOf(t, s.ID) == "" {
				t.Errorf("source %d has no text", s.ID)
			}
		}
		if human := c.mustRun(t, "", "sources"); !strings.HasPrefix(human, "ID") {
			t.Errorf("sources:\n%s", human)
		}
	})

	t.Run("AskJSON", func(t *testing.T) {
		var out answerJSON
		decode(t, c.mustRun(t, "", "ask", "--json", "-k", "5", sampleQuestion), &out)
		if out.Question != sampleQuestion {
			t.Errorf("question = %q", out.Question)
		}
		if len(out.Results) == 0 || len(out.Results) > 5 {
			t.Fatalf("got %d results for the README question, want 1 to 5", len(out.Results))
		}
		for i, r := range out.Results {
			if r.Kind != "quote" && r.Kind != "passage" {
				t.Errorf("result %d kind %q", i, r.Kind)
			}
			text := textOf(t, r.Source.ID)
			if r.Start < 0 || r.End > len(text) || r.Start >= r.End || text[r.Start:r.End] != r.Text {
				t.Errorf("result %d is not the byte-exact slice [%d:%d] of source %d: %q", i, r.Start, r.End, r.Source.ID, r.Text)
			}
			if r.Paragraph < 1 {
				t.Errorf("result %d paragraph %d", i, r.Paragraph)
			}
		}
	})

	t.Run("AskHuman", func(t *testing.T) {
		out := c.mustRun(t, "", "ask", sampleQuestion)
		if !strings.HasPrefix(out, "1. “") || !strings.Contains(out, "paragraph ") {
			t.Errorf("ask:\n%s", out)
		}
		// Flags after the question work too.
		var j answerJSON
		decode(t, c.mustRun(t, "", "ask", sampleQuestion, "--json"), &j)
	})

	t.Run("AskBatch", func(t *testing.T) {
		in := sampleQuestion + "\n\n\"\nWhat is the airspeed velocity of an unladen swallow?\n"
		stdout, stderr, code := c.run(t, in, "ask", "--batch", "-", "--json")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("got %d lines, want 3 (blank line skipped):\n%s", len(lines), stdout)
		}
		var first answerJSON
		decode(t, lines[0], &first)
		if first.Question != sampleQuestion || len(first.Results) == 0 {
			t.Errorf("line 1: %+v", first)
		}
		var second map[string]any
		if err := json.Unmarshal([]byte(lines[1]), &second); err != nil || second["error"] == nil && second["results"] == nil {
			t.Errorf("line 2 (a lone quotation mark) = %s (%v)", lines[1], err)
		}
		var third answerJSON
		decode(t, lines[2], &third)
		if third.Results == nil {
			t.Errorf("line 3: results must be a list, not null: %s", lines[2])
		}

		file := filepath.Join(t.TempDir(), "questions.txt")
		if err := os.WriteFile(file, []byte(sampleQuestion+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if out := c.mustRun(t, "", "ask", "--batch", file, "--json"); strings.Count(out, "\n") != 1 {
			t.Errorf("batch from a file:\n%s", out)
		}
	})

	t.Run("AskNothing", func(t *testing.T) {
		stdout, stderr, code := c.run(t, "", "ask", "--json", "What is the airspeed velocity of an unladen swallow?")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var out answerJSON
		decode(t, stdout, &out)
		if out.Results == nil {
			t.Errorf("results must be [], not null: %s", stdout)
		}
		if len(out.Results) == 0 {
			human := c.mustRun(t, "", "ask", "What is the airspeed velocity of an unladen swallow?")
			if !strings.HasPrefix(human, "Nothing in the library answers that.\n") {
				t.Errorf("no match:\n%s", human)
			}
		}
	})

	t.Run("Hostile", func(t *testing.T) {
		for _, q := range []string{
			`"`, `""`, `NEAR(`, `NEAR(a b`, `AND`, `a AND OR NOT b`, `*`, `war*`, `^war`, `col:war`, `{war}`, `'`, `-`, `(`,
			"😀🇺🇦", "war 😀", strings.Repeat("war peace ", 1024), "@everyone", "<@123> @here", "\x01war\x1b[31m", "Ukraine\u200b",
		} {
			stdout, stderr, code := c.run(t, "", "ask", "--json", "--", q)
			switch {
			case code == 0:
				var out answerJSON
				decode(t, stdout, &out)
			case code == 1 && stderr == "verbatim: "+errEmptyQuestion.Error()+"\n":
			default:
				t.Errorf("ask %.40q: exit %d\nstderr: %s", q, code, stderr)
			}
			assertNoInternals(t, stderr)
		}
	})

	t.Run("EmptyQuestion", func(t *testing.T) {
		_, stderr, code := c.run(t, "", "ask", "   ")
		if code != 1 || !strings.Contains(stderr, "no searchable words") {
			t.Errorf("exit %d: %s", code, stderr)
		}
	})

	t.Run("Quotes", func(t *testing.T) {
		var out quotesJSON
		decode(t, c.mustRun(t, "", "quotes", "--json"), &out)
		if out.Quotes == nil {
			t.Fatal("quotes must be a list, not null")
		}
		for i, q := range out.Quotes {
			text := textOf(t, q.Source.ID)
			if q.Start < 0 || q.End > len(text) || q.Start > q.End || text[q.Start:q.End] != q.Text {
				t.Errorf("quote %d is not the byte-exact slice [%d:%d] of source %d", i, q.Start, q.End, q.Source.ID)
			}
			if (q.SpeakerStart == nil) != (q.SpeakerEnd == nil) {
				t.Errorf("quote %d: speaker_start and speaker_end must both be null or both set", i)
			}
			if q.SpeakerStart != nil && (*q.SpeakerStart < 0 || *q.SpeakerEnd > len(text) || *q.SpeakerStart > *q.SpeakerEnd) {
				t.Errorf("quote %d: speaker mention [%d:%d] outside the text", i, *q.SpeakerStart, *q.SpeakerEnd)
			}
			if q.Source.Title == "" && q.Source.ID == 0 {
				t.Errorf("quote %d has no source", i)
			}
		}
		if len(out.Quotes) > 0 {
			id := strconv.FormatInt(out.Quotes[0].Source.ID, 10)
			var one quotesJSON
			decode(t, c.mustRun(t, "", "quotes", "--json", "--source", id), &one)
			for _, q := range one.Quotes {
				if q.Source.ID != out.Quotes[0].Source.ID {
					t.Errorf("--source %s returned a quote of source %d", id, q.Source.ID)
				}
			}
		}
		c.mustRun(t, "", "quotes", "--speaker", "nobody-by-this-name")
	})

	t.Run("UnknownLibrary", func(t *testing.T) {
		for _, args := range [][]string{
			{"ask", "--library", "nope", sampleQuestion},
			{"quotes", "--library", "nope"},
			{"sources", "--library", "nope"},
		} {
			_, stderr, code := c.run(t, "", args...)
			if code != 1 || !strings.Contains(stderr, `"nope"`) || !strings.Contains(stderr, "verbatim ingest --library nope") {
				t.Errorf("%q: exit %d: %s", args, code, stderr)
			}
			assertNoInternals(t, stderr)
		}
	})

	t.Run("UnknownSource", func(t *testing.T) {
		for _, args := range [][]string{
			{"source", "text", "999999"},
			{"source", "rm", "999999"},
			{"quotes", "--source", "999999"},
		} {
			_, stderr, code := c.run(t, "", args...)
			if code != 1 || !strings.Contains(stderr, "no source with id 999999") {
				t.Errorf("%q: exit %d: %s", args, code, stderr)
			}
			assertNoInternals(t, stderr)
		}
	})

	t.Run("Ingest", func(t *testing.T) {
		dir := t.TempDir()
		good := filepath.Join(dir, "good.txt")
		bad := filepath.Join(dir, "bad.txt")
		must(t, os.WriteFile(good, []byte("The minister said: \"We will talk about peace.\"\n\nA second paragraph about talks.\n"), 0o644))
		must(t, os.WriteFile(bad, []byte("text\x00\x01\x02\x03\xff\xfe binary"), 0o644))

		// A folder with a bad file: nothing changes, the file is named.
		_, stderr, code := c.run(t, "", "ingest", "--library", "mine", dir)
		if code == 0 || !strings.Contains(stderr, "bad.txt") {
			t.Fatalf("ingest of a folder with a bad file: exit %d, stderr:\n%s", code, stderr)
		}
		if _, stderr, code := c.run(t, "", "sources", "--library", "mine"); code != 1 || !strings.Contains(stderr, `"mine"`) {
			t.Fatalf("a failed ingest must change nothing: exit %d %s", code, stderr)
		}
		must(t, os.Remove(bad))

		// A missing path is named too.
		if _, stderr, code := c.run(t, "", "ingest", "--library", "mine", filepath.Join(dir, "missing.txt")); code == 0 || !strings.Contains(stderr, "missing.txt") {
			t.Errorf("missing file: exit %d: %s", code, stderr)
		}

		out := c.mustRun(t, "", "ingest", "--library", "mine", "--title", "Talks", "--published", "2025-03-01", good)
		if !strings.Contains(out, "1 added") {
			t.Errorf("first ingest:\n%s", out)
		}
		out = c.mustRun(t, "", "ingest", "--library", "mine", "--title", "Talks", "--published", "2025-03-01", good)
		if !strings.Contains(out, "1 unchanged") {
			t.Errorf("re-ingest:\n%s", out)
		}
		must(t, os.WriteFile(good, []byte("The minister said: \"We will not talk.\"\n"), 0o644))
		out = c.mustRun(t, "", "ingest", "--library", "mine", "--title", "Talks", good)
		if !strings.Contains(out, "1 replaced") {
			t.Errorf("ingest of changed text:\n%s", out)
		}

		var list sourcesJSON
		decode(t, c.mustRun(t, "", "sources", "--library", "mine", "--json"), &list)
		if len(list.Sources) != 1 {
			t.Fatalf("library mine: %+v", list)
		}
		s := list.Sources[0]
		if s.Origin != good || s.Title != "Talks" {
			t.Errorf("source %+v, want origin %q and title Talks", s, good)
		}
		// The stored text is canonical (ingest may trim the final newline);
		// source text prints it exactly, adding nothing.
		file := "The minister said: \"We will not talk.\"\n"
		got := c.sourceText(t, "mine", s.ID)
		if got == "" || !strings.HasPrefix(file, got) {
			t.Errorf("source text = %q, want the file's text %q (at most trimmed)", got, file)
		}
		var qs quotesJSON
		decode(t, c.mustRun(t, "", "quotes", "--library", "mine", "--json"), &qs)
		for _, q := range qs.Quotes {
			if q.End > len(got) || got[q.Start:q.End] != q.Text {
				t.Errorf("quote %q is not source text [%d:%d]", q.Text, q.Start, q.End)
			}
		}
		// The default library is untouched by ingests into another.
		var def sourcesJSON
		decode(t, c.mustRun(t, "", "sources", "--json"), &def)
		for _, d := range def.Sources {
			if d.Origin == good {
				t.Error("ingest --library mine leaked into default")
			}
		}

		out = c.mustRun(t, "", "source", "rm", "--library", "mine", strconv.FormatInt(s.ID, 10))
		if !strings.Contains(out, "removed source") {
			t.Errorf("source rm:\n%s", out)
		}
		decode(t, c.mustRun(t, "", "sources", "--library", "mine", "--json"), &list)
		if len(list.Sources) != 0 {
			t.Errorf("after rm: %+v", list.Sources)
		}
		if _, stderr, code := c.run(t, "", "source", "text", "--library", "mine", strconv.FormatInt(s.ID, 10)); code != 1 || !strings.Contains(stderr, "no source with id") {
			t.Errorf("text of a removed source: exit %d: %s", code, stderr)
		}
	})

	t.Run("EnvDB", func(t *testing.T) {
		db := filepath.Join(t.TempDir(), "env.db")
		cmd := exec.Command(c.bin, "sources", "--json")
		cmd.Dir = c.dir
		cmd.Env = append(os.Environ(), "VERBATIM_DB="+db)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		if _, err := os.Stat(db); err != nil {
			t.Errorf("VERBATIM_DB was not used: %v", err)
		}
	})

	t.Run("Eval", func(t *testing.T) {
		stdout, stderr, code := c.run(t, "", "eval")
		if !strings.Contains(stdout, "recall@3") || !strings.Contains(stdout, "MRR") {
			t.Errorf("eval printed no figures:\n%s", stdout)
		}
		if code != 0 {
			t.Errorf("eval: exit %d: %s", code, stderr)
		}
		t.Logf("verbatim eval:\n%s", stdout)
	})

	t.Run("ServeWithoutToken", func(t *testing.T) {
		_, stderr, code := c.run(t, "", "serve")
		if code != 1 || !strings.Contains(stderr, "DISCORD_TOKEN is not set") {
			t.Errorf("serve: exit %d: %s", code, stderr)
		}
	})

	t.Run("Usage", func(t *testing.T) {
		_, stderr, code := c.run(t, "", "ask")
		if code != 2 || !strings.Contains(stderr, "Usage") || !strings.Contains(stderr, "verbatim: ask: no question given") {
			t.Errorf("ask without a question: exit %d: %s", code, stderr)
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestRun_InProcess runs the real Main in-process against a temporary
// database, as wtf's cmd tests do: quicker to debug than the binary.
func TestRun_InProcess(t *testing.T) {
	getenv := env("VERBATIM_DB", filepath.Join(t.TempDir(), "inproc.db"))
	stdout, stderr, err := runMain(t, getenv, "", "ask", "--json", sampleQuestion)
	if err != nil {
		t.Fatalf("ask: %v\n%s", err, stderr)
	}
	var out answerJSON
	decode(t, stdout, &out)
	if len(out.Results) == 0 {
		t.Fatalf("no results for %q", sampleQuestion)
	}
	r := out.Results[0]
	text, _, err := runMain(t, getenv, "", "source", "text", strconv.FormatInt(r.Source.ID, 10))
	if err != nil {
		t.Fatal(err)
	}
	if r.End > len(text) || text[r.Start:r.End] != r.Text {
		t.Errorf("first result is not source %d's text[%d:%d]", r.Source.ID, r.Start, r.End)
	}

	_, _, err = runMain(t, getenv, "", "ask", "--library", "nope", sampleQuestion)
	if err == nil || !strings.Contains(err.Error(), `library "nope" does not exist`) {
		t.Errorf("unknown library: %v", err)
	}
	_, _, err = runMain(t, getenv, "", "ask", `"`)
	if !errors.Is(err, errEmptyQuestion) && err != nil {
		t.Errorf("lone quotation mark: %v", err)
	}
}
