package retrieval_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestIndex_Search(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	MustAdd(t, ix, "news", newsDocs...)
	search := func(t *testing.T, text string) []retrieval.Result {
		t.Helper()
		res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: text, Limit: 10})
		require.NoError(t, err, "%q", text)
		require.NotEmpty(t, res)
		checkResults(t, ix, "news", res)
		return res
	}

	t.Run("OK", func(t *testing.T) {
		res := search(t, "What did Ryabkov say about NATO membership for Ukraine?")
		assert.Equal(t, retrieval.ResultQuote, res[0].Kind)
		assert.Equal(t, "Sergei Ryabkov", res[0].Speaker)
		assert.Equal(t, "Russia's Deputy Foreign Minister", res[0].SpeakerTitle)
		assert.Contains(t, res[0].Text, "NATO membership for Ukraine")
		assert.Equal(t, "Ryabkov on Ukraine", res[0].Source.Title)
		assert.Equal(t, "https://example.org/ryabkov", res[0].Source.URL)
		assert.Equal(t, "2026-01-10", res[0].Source.Published)
		assert.NotZero(t, res[0].QuoteID)
		assert.Equal(t, 2, res[0].Paragraph)
	})
	t.Run("Passage", func(t *testing.T) {
		res := search(t, "How busy is the Northern Sea Route?")
		assert.Equal(t, retrieval.ResultPassage, res[0].Kind)
		assert.Equal(t, "Shipping through the Northern Sea Route rose sharply last year.", res[0].Text)
		assert.Zero(t, res[0].QuoteID)
	})
	t.Run("SpeakerName", func(t *testing.T) {
		res := search(t, "What did Stoltenberg say?")
		require.GreaterOrEqual(t, len(res), 2)
		for _, r := range res[:2] {
			assert.Equal(t, retrieval.ResultQuote, r.Kind)
			assert.Equal(t, "Jens Stoltenberg", r.Speaker)
		}
	})
	t.Run("SpeakerTitle", func(t *testing.T) {
		res := search(t, "What did Russia's deputy foreign minister say?")
		assert.Equal(t, "Sergei Ryabkov", res[0].Speaker)
	})
	t.Run("RoleWordAlone", func(t *testing.T) {
		// "Russia" is one word of Ryabkov's title: a topic here, not a
		// speaker, so the passage about deterrence against Russia wins.
		res := search(t, "What about deterrence and Russia?")
		assert.Equal(t, "Officials insisted deterrence against Russia remains credible across the alliance.", res[0].Text)
	})
	t.Run("ErrNoMatch", func(t *testing.T) {
		for _, q := range []string{
			"What is the capital of France?",
			"pizza recipe",
			"Wie ist das Wetter?",
			"Is the Arctic pizza good?", // half the words, the rarer half missing
		} {
			_, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: q})
			assert.ErrorIs(t, err, retrieval.ErrNoMatch, "%q", q)
		}
	})
	t.Run("ErrEmptyQuery", func(t *testing.T) {
		_, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "What did they say about it?"})
		require.ErrorIs(t, err, retrieval.ErrEmptyQuery)
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		_, err := ix.Search(ctx, retrieval.Query{Library: "nope", Text: "Arctic"})
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
	t.Run("Hostile", func(t *testing.T) {
		for _, tt := range hostileQuestions {
			res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: tt.text})
			if err != nil {
				assert.True(t, errors.Is(err, retrieval.ErrEmptyQuery) || errors.Is(err, retrieval.ErrNoMatch),
					"%s: %v", tt.name, err)
				continue
			}
			checkResults(t, ix, "news", res)
		}
	})
	t.Run("Canceled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := ix.Search(cctx, retrieval.Query{Library: "news", Text: "Arctic"})
		require.ErrorIs(t, err, context.Canceled)
	})
}

// checkResults asserts what must hold of every answer: each result is the
// exact slice of its source's text, belongs to the library, scores no
// higher than the one before, and no two results overlap in one source.
func checkResults(t *testing.T, ix *retrieval.Index, library string, res []retrieval.Result) {
	t.Helper()
	for i, r := range res {
		src, err := ix.Source(context.Background(), library, r.Source.ID)
		require.NoError(t, err, "result %d is not in library %q", i, library)
		require.LessOrEqual(t, r.End, len(src.Text))
		assert.Equal(t, src.Text[r.Start:r.End], r.Text, "result %d", i)
		assert.Equal(t, src.Title, r.Source.Title)
		assert.Contains(t, []string{retrieval.ResultQuote, retrieval.ResultPassage}, r.Kind)
		assert.Greater(t, r.Score, 0.0)
		if i > 0 {
			assert.LessOrEqual(t, r.Score, res[i-1].Score, "result %d", i)
		}
		for _, o := range res[:i] {
			if o.Source.ID == r.Source.ID {
				assert.False(t, r.Start < o.End && o.Start < r.End, "results overlap: %q and %q", o.Text, r.Text)
			}
		}
	}
}

func TestIndex_Search_Isolation(t *testing.T) {
	// Two libraries with the same text, and a third with words the others
	// lack: no query may cross from one to another.
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	ids := map[string]map[int64]bool{}
	for _, lib := range []string{"a", "b"} {
		ids[lib] = map[int64]bool{}
		for _, r := range MustAdd(t, ix, lib, newsDocs...) {
			ids[lib][r.Source.ID] = true
		}
	}
	MustAdd(t, ix, "c", retrieval.Document{Text: "Only library c knows about zeppelins.\n"})

	for _, lib := range []string{"a", "b"} {
		for _, q := range []string{"Stoltenberg Ukraine", "Arctic sale", "deterrence", "NATO membership"} {
			res, err := ix.Search(ctx, retrieval.Query{Library: lib, Text: q, Limit: 50})
			require.NoError(t, err)
			require.NotEmpty(t, res)
			for _, r := range res {
				assert.True(t, ids[lib][r.Source.ID], "library %q returned source %d", lib, r.Source.ID)
			}
			checkResults(t, ix, lib, res)
		}
		_, err := ix.Search(ctx, retrieval.Query{Library: lib, Text: "zeppelins"})
		require.ErrorIs(t, err, retrieval.ErrNoMatch)
	}
	res, err := ix.Search(ctx, retrieval.Query{Library: "c", Text: "zeppelins"})
	require.NoError(t, err)
	require.Len(t, res, 1)
	_, err = ix.Search(ctx, retrieval.Query{Library: "c", Text: "Stoltenberg"})
	require.ErrorIs(t, err, retrieval.ErrNoMatch)
}

func TestIndex_Search_Paging(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	subjects := []string{"wheat", "oil", "gas", "banks", "chips", "ships", "steel", "gold", "coal", "fish", "timber", "diamonds"}
	var docs []retrieval.Document
	for i, s := range subjects {
		docs = append(docs, retrieval.Document{
			Metadata: retrieval.Metadata{Title: s, Origin: s},
			Text:     fmt.Sprintf("New sanctions on %s were announced in round %d.\n", s, i+1),
		})
	}
	MustAdd(t, ix, "news", docs...)

	all, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "sanctions", Limit: 100})
	require.NoError(t, err)
	require.Len(t, all, len(subjects))
	again, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "sanctions", Limit: 100})
	require.NoError(t, err)
	require.Equal(t, all, again, "stable across calls")

	var paged []retrieval.Result
	for off := 0; ; off += 5 {
		page, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "sanctions", Limit: 5, Offset: off})
		require.NoError(t, err)
		if len(page) == 0 {
			break
		}
		require.LessOrEqual(t, len(page), 5)
		paged = append(paged, page...)
	}
	assert.Equal(t, all, paged)

	def, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "sanctions"})
	require.NoError(t, err)
	assert.Len(t, def, retrieval.DefaultLimit)
}

func ExampleIndex_Search() {
	ix := retrieval.NewIndex(":memory:")
	if err := ix.Open(); err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()

	ctx := context.Background()
	_, err := ix.Add(ctx, "news", retrieval.Document{
		Metadata: retrieval.Metadata{Title: "Arctic", Origin: "news/arctic.md"},
		Text: "Greenland's government wants low tension in the Arctic.\n" +
			"Shipping through the Northern Sea Route rose sharply last year.\n",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "How busy is the Northern Sea Route?"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s (%s): %s\n", res[0].Kind, res[0].Source.Title, res[0].Text)
	// Output: passage (Arctic): Shipping through the Northern Sea Route rose sharply last year.
}

// BenchmarkSearch asks questions of a library of synthetic news sentences
// (Zipf-distributed vocabulary, one line in five a quote). Each question
// takes three words of a line in the library, so most are answered.
func BenchmarkSearch(b *testing.B) {
	for _, n := range []int{2_000, 10_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ix := MustOpenFakeIndex(b)
			docs := syntheticDocs(n)
			MustAdd(b, ix, "news", docs...)

			rng := rand.New(rand.NewPCG(3, 4))
			var questions []string
			for range 50 {
				lines := strings.Split(strings.TrimSpace(docs[rng.IntN(len(docs))].Text), "\n")
				words := strings.Fields(strings.Trim(lines[rng.IntN(len(lines))], `".`))
				w := func() string { return strings.Trim(words[rng.IntN(len(words))], `",.`) }
				questions = append(questions, fmt.Sprintf("What did Stoltenberg say about %s, %s and %s?", w(), w(), w()))
			}
			ctx := context.Background()
			answered := 0
			for i := 0; b.Loop(); i++ {
				res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: questions[i%len(questions)]})
				if err != nil && !errors.Is(err, retrieval.ErrNoMatch) {
					b.Fatal(err)
				}
				if len(res) > 0 {
					answered++
				}
			}
			b.ReportMetric(float64(answered)/float64(b.N), "answered/op")
		})
	}
}

// syntheticDocs returns documents of 50 lines each, n lines in all. The
// vocabulary is 5,000 made-up words with a Zipf distribution, the news
// words the questions use spread among them from rank 10 on, so that query
// terms are common but not in every line, as in real text.
func syntheticDocs(n int) []retrieval.Document {
	rng := rand.New(rand.NewPCG(1, 2))
	news := strings.Fields(`sanctions russia ukraine nato oil gas arctic shipping route northern sea
		defence budget minister foreign ceasefire talks geneva alliance summit troops border
		missile drone attack energy prices inflation election parliament government policy
		military aid weapons tanks aircraft navy port grain exports market trade tariffs china
		europe washington moscow kyiv brussels london berlin paris security council resolution
		vote agreement treaty nuclear arms control inspection satellite cyber hackers pipeline`)
	var vocab []string
	for i := 0; len(vocab) < 5_000; i++ {
		if k := (i - 10) / 25; i >= 10 && (i-10)%25 == 0 && k < len(news) {
			vocab = append(vocab, news[k])
			continue
		}
		vocab = append(vocab, word(i))
	}
	zipf := rand.NewZipf(rng, 1.07, 2, uint64(len(vocab)-1))
	speakers := []string{"Jens Stoltenberg, NATO Secretary General", "Sergei Lavrov, Russia's Foreign Minister",
		"Ursula von der Leyen, President of the European Commission", "the Kremlin", "Mark Rutte"}
	sentence := func() string {
		words := make([]string, 8+rng.IntN(16))
		for i := range words {
			words[i] = vocab[zipf.Uint64()]
		}
		words[0] = strings.ToUpper(words[0][:1]) + words[0][1:]
		return strings.Join(words, " ")
	}
	var docs []retrieval.Document
	for d := 0; d*50 < n; d++ {
		var b strings.Builder
		for range min(50, n-d*50) {
			if rng.IntN(5) == 0 {
				fmt.Fprintf(&b, "\"%s,\" said %s.\n", sentence(), speakers[rng.IntN(len(speakers))])
			} else {
				b.WriteString(sentence() + ".\n")
			}
		}
		docs = append(docs, retrieval.Document{
			Metadata: retrieval.Metadata{Title: fmt.Sprintf("Synthetic %d", d), Origin: fmt.Sprintf("synthetic/%d", d)},
			Text:     b.String(),
		})
	}
	return docs
}
