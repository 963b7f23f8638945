package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestMain_Audit(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "audit.db")
	getenv := env("VERBATIM_DB", db)

	// A new database is seeded from the command line: one entry a source.
	out, stderr, err := runMain(t, getenv, "", "sources", "--json")
	if err != nil {
		t.Fatalf("sources: %v\n%s", err, stderr)
	}
	var sources sourcesJSON
	decode(t, out, &sources)
	if len(sources.Sources) == 0 {
		t.Fatalf("sample has %d sources", len(sources.Sources))
	}
	removed := sources.Sources[0].ID
	if _, stderr, err := runMain(t, getenv, "", "source", "rm", strconv.FormatInt(removed, 10)); err != nil {
		t.Fatalf("source rm: %v\n%s", err, stderr)
	}
	// Changes made through the bot carry its actors; names are theirs.
	ix := retrieval.NewIndex(db)
	if err := ix.Open(); err != nil {
		t.Fatal(err)
	}
	bob := retrieval.Actor{ID: "42", Name: "=HYPERLINK(\"http://x\")"}
	if err := ix.SetSetting(ctx, retrieval.DefaultLibrary, bob, "=1+1", "on"); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}

	t.Run("CSV", func(t *testing.T) {
		out, stderr, err := runMain(t, getenv, "", "audit", "--csv")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
		if err != nil {
			t.Fatalf("not CSV: %v\n%s", err, out)
		}
		if got := strings.Join(rows[0], ","); got != "time,actor_id,actor_name,action,source_id,detail" {
			t.Errorf("header %q", got)
		}
		if len(rows) != 1+len(sources.Sources)+2 {
			t.Fatalf("%d rows, want a header, %d adds, a removal and a setting:\n%s", len(rows), len(sources.Sources), out)
		}
		// Newest first; formulas defused.
		want := []string{"42", `'=HYPERLINK("http://x")`, retrieval.ActionSetting, "", `'=1+1: "" → "on"`}
		if got := rows[1][1:]; strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("row 1 = %q, want %q", got, want)
		}
		if !strings.HasSuffix(rows[1][0], "Z") {
			t.Errorf("time %q is not RFC 3339 UTC", rows[1][0])
		}
		rm := rows[2]
		if rm[1] != "local" || rm[2] != "command line" || rm[3] != retrieval.ActionRemove || rm[4] != strconv.FormatInt(removed, 10) {
			t.Errorf("row 2 = %q, want the removal of source %d by the command line", rm, removed)
		}
		if last := rows[len(rows)-1]; last[3] != retrieval.ActionAdd {
			t.Errorf("oldest row = %q, want an add", last)
		}
	})
	t.Run("Source", func(t *testing.T) {
		out, _, err := runMain(t, getenv, "", "audit", "--json", "--source", strconv.FormatInt(removed, 10))
		if err != nil {
			t.Fatal(err)
		}
		var got auditJSON
		decode(t, out, &got)
		if got.Library != retrieval.DefaultLibrary || len(got.Entries) != 2 ||
			got.Entries[0].Action != retrieval.ActionRemove || got.Entries[1].Action != retrieval.ActionAdd {
			t.Errorf("audit --json --source %d:\n%s", removed, out)
		}
		for _, e := range got.Entries {
			if e.SourceID != removed || e.ActorID != "local" {
				t.Errorf("entry %+v", e)
			}
		}
	})
	t.Run("JSONEmpty", func(t *testing.T) {
		out, _, err := runMain(t, getenv, "", "audit", "--json", "--source", "999999")
		if err != nil {
			t.Fatal(err)
		}
		var raw map[string]json.RawMessage
		decode(t, out, &raw)
		if string(raw["entries"]) != "[]" {
			t.Errorf("entries = %s, want []", raw["entries"])
		}
	})
	t.Run("Text", func(t *testing.T) {
		out, _, err := runMain(t, getenv, "", "audit")
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if !strings.HasPrefix(lines[0], "TIME") || !strings.Contains(lines[1], `=HYPERLINK("http://x") (42)`) ||
			!strings.Contains(lines[2], "command line") || !strings.Contains(lines[2], retrieval.ActionRemove) {
			t.Errorf("audit:\n%s", out)
		}
		out, _, err = runMain(t, getenv, "", "audit", "--source", "999999")
		if err != nil || strings.TrimSpace(out) != "No changes recorded." {
			t.Errorf("no entries: %v\n%s", err, out)
		}
	})
	t.Run("UnknownLibrary", func(t *testing.T) {
		_, _, err := runMain(t, getenv, "", "audit", "--library", "nope")
		if err == nil || !strings.Contains(err.Error(), `library "nope" does not exist`) {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"audit", "--csv", "--json"},
			{"audit", "extra"},
			{"audit", "--source", "-1"},
			{"audit", "--source", "x"},
		} {
			_, stderr, err := runMain(t, getenv, "", args...)
			if exitCode(err) != 2 || strings.Count(stderr, "Usage") != 1 {
				t.Errorf("%q: exit %d, err %v\n%s", args, exitCode(err), err, stderr)
			}
		}
	})
}
