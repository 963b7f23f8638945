package retrieval

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestGoldLibrary_Locate checks the mapping the retrieval evaluation rests
// on: every unit the index holds (sentences and quotes) maps back to the
// gold sentence (or title) that holds its text, and every gold sentence is
// held by some unit.
func TestGoldLibrary_Locate(t *testing.T) {
	ctx := context.Background()
	f, err := os.Open(filepath.Join("testdata", "evalret", "wikiqa.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	wikiqa, err := ParseWikiQA(f)
	if err != nil {
		t.Fatal(err)
	}
	scifact, err := ParseSciFact(os.DirFS(filepath.Join("testdata", "evalret", "scifact")))
	if err != nil {
		t.Fatal(err)
	}
	// Two identical documents share one source, and both map to it.
	wikiqa.Docs = append(wikiqa.Docs, GoldDoc{ID: "D9", Title: "Copy", Sentences: wikiqa.Docs[0].Sentences})

	for _, set := range []GoldSet{wikiqa, scifact} {
		t.Run(set.Name, func(t *testing.T) {
			ix := NewIndex(filepath.Join(t.TempDir(), "gold.db"))
			if err := ix.Open(); err != nil {
				t.Fatal(err)
			}
			defer ix.Close()
			gl, err := addGoldSet(ctx, ix, set.Name, set)
			if err != nil {
				t.Fatal(err)
			}
			byID := make(map[string]GoldDoc)
			for _, d := range set.Docs {
				byID[d.ID] = d
			}
			rows, err := ix.db.QueryContext(ctx, `SELECT source_id, span_start, kind, text FROM units`)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			held := make(map[goldHit]bool)
			quotes := 0
			for rows.Next() {
				var src int64
				var start int
				var kind, text string
				if err := rows.Scan(&src, &start, &kind, &text); err != nil {
					t.Fatal(err)
				}
				if kind == ResultQuote {
					quotes++
				}
				sent, ok := gl.locate(src, start)
				if !ok {
					t.Errorf("unit %q of source %d at %d maps to no gold sentence", text, src, start)
					continue
				}
				for _, id := range gl.docs[src] {
					d := byID[id]
					gold := d.Title
					if sent >= 0 {
						gold = d.Sentences[sent]
					}
					gold = strings.Join(strings.Fields(gold), " ")
					if !strings.Contains(gold, text) {
						t.Errorf("unit %q maps to %s sentence %d %q, which does not hold it", text, id, sent, gold)
					}
				}
				held[goldHit{source: src, sent: sent}] = true
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			for _, d := range set.Docs {
				src, ok := gl.source[d.ID]
				if !ok {
					t.Errorf("document %s has no source", d.ID)
					continue
				}
				for i, s := range d.Sentences {
					if strings.TrimSpace(s) != "" && !held[goldHit{source: src, sent: i}] {
						t.Errorf("%s sentence %d %q is in no unit", d.ID, i, s)
					}
				}
			}
			if set.Name == "wikiqa" {
				if quotes == 0 {
					t.Error("the fixture's quotation gave no quote unit: the test no longer covers quotes")
				}
				if gl.source["D9"] != gl.source["D1"] || len(gl.docs[gl.source["D1"]]) != 2 {
					t.Errorf("identical documents D1 and D9: sources %d and %d", gl.source["D1"], gl.source["D9"])
				}
			}
		})
	}
}
