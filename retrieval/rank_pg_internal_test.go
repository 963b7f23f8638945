package retrieval

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/internal/pgtest"
)

// TestCandidates_Boosts runs a bounded plan with boosts (what planMatch
// makes in a large library: the rare word matched, the common ones lifting
// the hits that also hold them) on both stores. The one sentence holding
// every word is longer than the 300 holding only the rare word, so on the
// rare word alone it ranks below the cut: the boosts must bring it among
// the candidates (on SQLite by adding to its bm25, on PostgreSQL by
// lifting it in beside the best).
func TestCandidates_Boosts(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "verbatim.db")
			if store == "postgres" {
				path = pgtest.URL(t)
			}
			ix := mustOpenAt(t, path)
			var b strings.Builder
			for i := range 300 {
				fmt.Fprintf(&b, "Cafes %d.\n\n", i)
			}
			const target = "The cafes were shut for three months from October to December."
			b.WriteString(target + "\n")
			ctx := context.Background()
			if _, err := ix.Add(ctx, "lib", Document{Text: b.String()}); err != nil {
				t.Fatal(err)
			}
			st, err := ix.libraryStats(ctx, "lib")
			if err != nil {
				t.Fatal(err)
			}
			has := func(plan matchPlan) bool {
				t.Helper()
				cands, err := ix.candidates(ctx, st, 0, plan)
				if err != nil {
					t.Fatal(err)
				}
				if len(cands) < maxCandidates || len(cands) > maxCandidates+pgLifted {
					t.Fatalf("%d candidates, want %d to %d", len(cands), maxCandidates, maxCandidates+pgLifted)
				}
				for _, c := range cands {
					if c.Text == target {
						return true
					}
				}
				return false
			}
			plan := matchPlan{expr: `"cafes"`, groups: [][]string{{"cafes"}}, limit: -1, strict: true}
			if has(plan) {
				t.Fatal("the target is among the candidates without boosts: the test proves nothing")
			}
			plan.boosts = []boost{
				{expr: `"cafes" AND "december"`, group: []string{"december"}, weight: 0.3},
				{expr: `"cafes" AND "three"`, group: []string{"three"}, weight: 0.2},
			}
			if !has(plan) {
				t.Error("the boosts did not bring the sentence holding every word among the candidates")
			}
		})
	}
}

// TestPGDF counts a rare term exactly and estimates a common one from
// PostgreSQL's statistics, close to its true count.
func TestPGDF(t *testing.T) {
	ix := mustOpenAt(t, pgtest.URL(t))
	var b strings.Builder
	for i := range 4500 {
		fmt.Fprintf(&b, "December note %d.\n\n", i)
	}
	for i := range 1500 {
		fmt.Fprintf(&b, "Other line %d.\n\n", i)
	}
	b.WriteString("Cafes shut.\n")
	ctx := context.Background()
	if _, err := ix.Add(ctx, "lib", Document{Text: b.String()}); err != nil {
		t.Fatal(err)
	}
	st, err := ix.libraryStats(ctx, "lib")
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if df, err := ix.pgDF(ctx, st, []string{"cafes"}); err != nil || df != 1 {
		t.Errorf("cafes: df %d, %v; want 1", df, err)
	}
	df, err := ix.pgDF(ctx, st, []string{"december"})
	if err != nil {
		t.Fatal(err)
	}
	if df < 4500*8/10 || df > 4500*12/10 {
		t.Errorf("december: estimated df %d, want 4500 ± 20 %%", df)
	}
}

// mustOpenAt opens the index at path (a file or a postgres:// URL) and
// closes it when the test ends.
func mustOpenAt(t *testing.T, path string) *Index {
	t.Helper()
	ix := NewIndex(path)
	if err := ix.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}
