package retrieval_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// BenchmarkCompare_Sample runs /compare on the evaluation questions of the
// sample library; compare with BenchmarkSearch_Sample in the same run.
func BenchmarkCompare_Sample(b *testing.B) {
	ix := MustOpenEvalIndex(b)
	f, err := data.Eval.Open("eval/questions.jsonl")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	qs, err := retrieval.ParseEvalQuestions(f)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	speakers := 0
	for i := 0; b.Loop(); i++ {
		rs, err := ix.Compare(ctx, retrieval.Query{Library: retrieval.DefaultLibrary, Text: qs[i%len(qs)].Question}, 5)
		if err != nil && !errors.Is(err, retrieval.ErrNoMatch) && !errors.Is(err, retrieval.ErrEmptyQuery) {
			b.Fatal(err)
		}
		speakers += len(rs)
	}
	b.ReportMetric(float64(speakers)/float64(b.N), "speakers/op")
}

// BenchmarkNextDaily_Sample posts the daily quote of the sample library,
// one day per iteration (a cycle restarts whenever every quote was posted).
func BenchmarkNextDaily_Sample(b *testing.B) {
	ix := MustOpenEvalIndex(b)
	ctx := context.Background()
	if err := ix.SetDaily(ctx, curator, retrieval.Daily{Library: retrieval.DefaultLibrary, Channel: "c"}); err != nil {
		b.Fatal(err)
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		if _, err := ix.NextDaily(ctx, retrieval.DefaultLibrary, "c", day.AddDate(0, 0, i)); err != nil {
			b.Fatal(err)
		}
	}
}
