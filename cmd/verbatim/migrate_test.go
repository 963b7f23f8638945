package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/internal/pgtest"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// mustSources lists the sources of the default library of the store at
// path, as the sources command prints them.
func mustSources(t *testing.T, path string) string {
	t.Helper()
	ix := retrieval.NewIndex(path)
	if err := ix.Open(); err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	srcs, err := ix.Sources(context.Background(), retrieval.DefaultLibrary)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, s := range srcs {
		b.WriteString(s.Title + "|" + s.Origin + "|" + s.SHA256 + "\n")
	}
	return b.String()
}

func TestMain_MigrateStore(t *testing.T) {
	dir := t.TempDir()
	from := filepath.Join(dir, "from.db")
	// A store with the sample library in it.
	if _, _, err := runMain(t, env("VERBATIM_DB", from), "", "sources"); err != nil {
		t.Fatal(err)
	}
	ask := func(db string) string {
		t.Helper()
		out, _, err := runMain(t, env("VERBATIM_DB", db), "", "ask", "--json", "-k", "5", "what did they say about war?")
		if err != nil {
			t.Fatalf("ask %s: %v", retrieval.RedactURL(db), err)
		}
		return out
	}
	want := ask(from)
	wantSources := mustSources(t, from)

	t.Run("SQLiteToSQLite", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "to.db")
		out, _, err := runMain(t, env(), "", "migrate-store", from, to)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "copied 1 library (default)") || !strings.Contains(out, "units") {
			t.Errorf("summary: %q", out)
		}
		if got := ask(to); got != want {
			t.Errorf("answers differ after the copy:\n got %s\nwant %s", got, want)
		}
		if got := mustSources(t, to); got != wantSources {
			t.Errorf("sources differ:\n got %s\nwant %s", got, wantSources)
		}
		// Again into the same store: refused, and the store is as it was.
		_, _, err = runMain(t, env(), "", "migrate-store", from, to)
		if err == nil || !strings.Contains(err.Error(), `already holds library "default"`) {
			t.Errorf("second copy: err %v, want a refusal naming the library", err)
		}
		if got := ask(to); got != want {
			t.Errorf("answers changed by a refused copy")
		}
	})

	t.Run("ThroughPostgres", func(t *testing.T) {
		url := pgtest.URL(t)
		if _, _, err := runMain(t, env(), "", "migrate-store", from, url); err != nil {
			t.Fatal(err)
		}
		// The PostgreSQL store was not seeded: it holds the copy alone.
		if got := mustSources(t, url); got != wantSources {
			t.Errorf("sources in PostgreSQL differ:\n got %s\nwant %s", got, wantSources)
		}
		back := filepath.Join(t.TempDir(), "back.db")
		out, _, err := runMain(t, env(), "", "migrate-store", "--library", retrieval.DefaultLibrary, url, back)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out, "copied 1 library (default)") {
			t.Errorf("summary: %q", out)
		}
		if got := ask(back); got != want {
			t.Errorf("answers differ after SQLite -> PostgreSQL -> SQLite:\n got %s\nwant %s", got, want)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		to := filepath.Join(t.TempDir(), "to.db")
		if _, _, err := runMain(t, env(), "", "migrate-store", from); exitCode(err) != 2 {
			t.Errorf("one argument: err %v, want a usage error", err)
		}
		if _, _, err := runMain(t, env(), "", "migrate-store", from, from); exitCode(err) != 2 {
			t.Errorf("onto itself: err %v, want a usage error", err)
		}
		missing := filepath.Join(t.TempDir(), "missing.db")
		if _, _, err := runMain(t, env(), "", "migrate-store", missing, to); err == nil || !strings.Contains(err.Error(), "no database") {
			t.Errorf("missing FROM: err %v", err)
		}
		_, _, err := runMain(t, env(), "", "migrate-store", "--library", "nope", from, to)
		if err == nil || !strings.Contains(err.Error(), "unknown library") {
			t.Errorf("unknown library: err %v", err)
		}
		for _, p := range []string{missing, to} {
			if _, err := os.Stat(p); err == nil {
				t.Errorf("a failed copy left %s behind", p)
			}
		}
		// A password in a URL never reaches the message.
		_, _, err = runMain(t, env(), "", "migrate-store", from, "postgres://u:s3cret@127.0.0.1:1/x?connect_timeout=2")
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("unreachable PostgreSQL: err %v, want an error without the password", err)
		}
	})
}
