package retrieval_test

import (
	"bufio"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// sharedDir returns ../shared/<sub> from the module root, or skips the
// benchmark or test when the shared data is not beside the repository.
func sharedDir(tb testing.TB, sub string) string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", sub)
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("%s is not here (it sits beside the repository in CI): %v", dir, err)
	}
	return dir
}

// BenchmarkAnalyze measures segmentation, quote extraction and attribution
// on the sample article (MB/s is bytes of source text).
func BenchmarkAnalyze(b *testing.B) {
	docs, _, err := retrieval.LoadDocuments(data.Corpus, "sample", retrieval.Metadata{})
	if err != nil {
		b.Fatal(err)
	}
	text := docs[0].Text
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		retrieval.Analyze(text)
	}
}

// BenchmarkSearch_Sample asks the evaluation questions of the sample
// library in turn.
func BenchmarkSearch_Sample(b *testing.B) {
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
	benchmarkQuestions(b, ix, retrieval.DefaultLibrary, func(i int) string { return qs[i%len(qs)].Question })
}

// BenchmarkSearch_BBC asks the headlines of three BBC sections (business,
// politics, tech: 1,328 articles) as questions of a library made of them.
func BenchmarkSearch_BBC(b *testing.B) {
	root := sharedDir(b, filepath.Join("corpora", "bbc"))
	ix := MustOpenIndex(b)
	var headlines []string
	for _, section := range []string{"business", "politics", "tech"} {
		docs, _, err := retrieval.LoadDocuments(os.DirFS(root), section, retrieval.Metadata{})
		if err != nil {
			b.Fatal(err)
		}
		if _, err := ix.Add(context.Background(), "bbc", docs...); err != nil {
			b.Fatal(err)
		}
		for _, d := range docs {
			sc := bufio.NewScanner(strings.NewReader(d.Text))
			if sc.Scan() {
				headlines = append(headlines, sc.Text())
			}
		}
	}
	benchmarkQuestions(b, ix, "bbc", func(i int) string { return headlines[(i*7919)%len(headlines)] })
}

func benchmarkQuestions(b *testing.B, ix *retrieval.Index, library string, question func(int) string) {
	ctx := context.Background()
	answered := 0
	for i := 0; b.Loop(); i++ {
		rs, err := ix.Search(ctx, retrieval.Query{Library: library, Text: question(i), Limit: 5})
		if err != nil && !errors.Is(err, retrieval.ErrNoMatch) && !errors.Is(err, retrieval.ErrEmptyQuery) {
			b.Fatal(err)
		}
		if len(rs) > 0 {
			answered++
		}
	}
	b.ReportMetric(float64(answered)/float64(b.N), "answered/op")
}
