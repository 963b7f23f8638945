package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// TestMain_HostileInput runs the real commands on hostile questions and
// files. Each must end in a clear answer or a clear error (never SQL,
// FTS5 or a Go panic), refused files quickly, and the stored library must
// be exactly as before and pass every integrity check.
func TestMain_HostileInput(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "hostile.db")
	getenv := env("VERBATIM_DB", db)
	if _, _, err := runMain(t, getenv, "", "sources"); err != nil { // creates and seeds it
		t.Fatal(err)
	}
	library := func() string {
		t.Helper()
		src, _, err := runMain(t, getenv, "", "sources", "--json")
		if err != nil {
			t.Fatal(err)
		}
		q, _, err := runMain(t, getenv, "", "quotes", "--json")
		if err != nil {
			t.Fatal(err)
		}
		return src + q
	}
	before := library()

	// Files: each in its own folder, ingested into the library "hostile".
	file := func(name string, data []byte) string {
		t.Helper()
		d := t.TempDir()
		p := filepath.Join(d, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	huge := filepath.Join(t.TempDir(), "huge.txt")
	if f, err := os.Create(huge); err != nil {
		t.Fatal(err)
	} else {
		// 100 MB, sparse: only its size is real.
		if err := f.Truncate(100 << 20); err != nil {
			t.Fatal(err)
		}
		f.Close()
	}
	var zipBomb bytes.Buffer
	zw := zip.NewWriter(&zipBomb)
	w, _ := zw.Create("bomb.txt")
	w.Write(bytes.Repeat([]byte("A"), 50<<20)) // 50 MB in ~50 KB
	zw.Close()
	var gz bytes.Buffer
	gw := gzip.NewWriter(&gz)
	gw.Write([]byte("<html><body>" + strings.Repeat("<p>\"Packed,\" said Ann.</p>", 1<<16) + "</body></html>"))
	gw.Close()
	nested := "<html><body>" + strings.Repeat("<div>", 100000) + "\"Deep,\" said Ann." + strings.Repeat("</div>", 100000) + "</body></html>"

	const fast = 5 * time.Second
	for _, tt := range []struct {
		name string
		args []string
		// wantErr: the command must fail and its error mention this; ""
		// means it may answer or fail, as long as it is clear.
		wantErr string
		max     time.Duration
	}{
		{name: "HugeQuestion", args: []string{"ask", strings.Repeat("why did prices rise ", 1<<20/20)}},
		{name: "ControlCharacters", args: []string{"ask", "why\x00\x01\x07\x1b[31m did\r\n\tprices\x7f rise?"}},
		{name: "InvalidUTF8", args: []string{"ask", "why \xff\xfe did \xc3\x28 prices rise?"}},
		{name: "RightToLeftAndZeroWidth", args: []string{"ask", "\u202ewhy\u200b did\u200d prices\ufeff rise\u2067?\u2069 مرحبا"}},
		{name: "FTS5Syntax", args: []string{"ask", `"unbalanced NEAR(war peace, 2) text:secret OR AND NOT ^war* - + {a b}`}},
		{name: "SQLSyntax", args: []string{"ask", "'; DROP TABLE sources; -- \" OR 1=1 /* */ UNION SELECT text FROM sources"}},
		{name: "Mentions", args: []string{"ask", "@everyone @here <@&123> <@!456> <#789> why did the war start?"}},
		{name: "OnlyPunctuation", args: []string{"ask", "?!…—\"'()[]{}"}},
		{name: "HugeLibraryName", args: []string{"ask", "--library", strings.Repeat("x", 10000), "why?"}, wantErr: "longer than 64"},
		{name: "File100MB", args: []string{"ingest", "--library", "hostile", huge}, wantErr: "limit", max: 2 * time.Second},
		{name: "ZipBombAsText", args: []string{"ingest", "--library", "hostile", file("bomb.txt", zipBomb.Bytes())}, wantErr: "binary"},
		{name: "GzipAsHTML", args: []string{"ingest", "--library", "hostile", file("page.html", gz.Bytes())}, wantErr: "binary"},
		{name: "InvalidUTF8File", args: []string{"ingest", "--library", "hostile", file("bad.txt", []byte("caf\xe9 \"ol\xe9,\" said Ann"))}, wantErr: "UTF-8"},
		{name: "ControlCharFile", args: []string{"ingest", "--library", "hostile", file("ctl.txt", bytes.Repeat([]byte("\x01\x02\x03a"), 1000))}, wantErr: "binary"},
		// Last: it is accepted, so "hostile" exists from here on.
		{name: "DeeplyNestedHTML", args: []string{"ingest", "--library", "hostile", file("deep.html", []byte(nested))}, max: 20 * time.Second},
	} {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			stdout, stderr, err := runMain(t, getenv, "", tt.args...)
			took := time.Since(start)
			max := tt.max
			if max == 0 {
				max = fast
			}
			if took > max {
				t.Errorf("took %v, want under %v", took, max)
			}
			switch {
			case tt.wantErr != "" && err == nil:
				t.Fatalf("accepted, want an error mentioning %q; stdout:\n%.500s", tt.wantErr, stdout)
			case tt.wantErr != "" && !strings.Contains(err.Error()+stderr, tt.wantErr):
				t.Errorf("err = %.300q (stderr %.300q), want it to mention %q", err, stderr, tt.wantErr)
			case err == nil && strings.TrimSpace(stdout) == "":
				t.Errorf("no error and no answer")
			}
			if err != nil {
				msg := strings.ToLower(err.Error() + stderr)
				for _, leak := range []string{"sqlite3", "sql logic", "fts5", "panic", "goroutine", "a bug", "no such column", "syntax error"} {
					if strings.Contains(msg, leak) {
						t.Errorf("error shows internals (%q): %.500s", leak, msg)
					}
				}
				if exitCode(err) == 0 {
					t.Errorf("error %v exits 0", err)
				}
			}
			t.Logf("%v: err=%.120v stdout=%.120q", took.Round(time.Millisecond), err, stdout)

			if got := library(); got != before {
				t.Errorf("the default library changed")
			}
			if tt.wantErr != "" && tt.args[0] == "ingest" {
				if _, _, err := runMain(t, getenv, "", "sources", "--library", "hostile"); err == nil || !strings.Contains(err.Error(), "does not exist") {
					t.Errorf("a refused file was stored: sources --library hostile: %v", err)
				}
			}
			ix := retrieval.NewIndex(db)
			if err := ix.Open(); err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			if err := ix.Check(context.Background()); err != nil {
				t.Fatalf("database damaged: %v", err)
			}
		})
	}
}
