package retrieval_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// TestIndex_Search_Sample asks the sample library the questions a user
// would, and checks what each answer must show.
func TestIndex_Search_Sample(t *testing.T) {
	ix := MustOpenEvalIndex(t)
	ctx := context.Background()
	srcs, err := ix.Sources(ctx, retrieval.DefaultLibrary)
	require.NoError(t, err)
	require.Len(t, srcs, 1)
	src, err := ix.Source(ctx, retrieval.DefaultLibrary, srcs[0].ID)
	require.NoError(t, err)

	ask := func(t *testing.T, q string) []retrieval.Result {
		t.Helper()
		rs, err := ix.Search(ctx, retrieval.Query{Library: retrieval.DefaultLibrary, Text: q, Limit: 5})
		require.NoError(t, err, q)
		require.NotEmpty(t, rs, q)
		for _, r := range rs {
			require.Equal(t, src.Text[r.Start:r.End], r.Text, "every result is the exact slice its offsets name")
		}
		return rs
	}

	for _, tc := range []struct {
		question, speaker string
	}{
		{"What did Stoltenberg say?", "Jens Stoltenberg"},
		{"Ryabkov's view?", "Sergei Ryabkov"},
		{"What did Russia's deputy foreign minister say about NATO troops?", "Sergei Ryabkov"},
		{"quotes from Amanda Sloat", "Amanda Sloat"},
	} {
		t.Run("Speaker/"+tc.question, func(t *testing.T) {
			rs := ask(t, tc.question)
			assert.Equal(t, retrieval.ResultQuote, rs[0].Kind)
			assert.Equal(t, tc.speaker, rs[0].Speaker, "a question naming a speaker or role puts their quote first")
		})
	}

	t.Run("WhyWar", func(t *testing.T) {
		rs := ask(t, "Why did Russia go to war in Ukraine?")
		var top []string
		for _, r := range rs[:3] {
			top = append(top, r.Text)
		}
		joined := strings.Join(top, "\n")
		assert.True(t, strings.Contains(joined, "went to war to prevent NATO") || strings.Contains(joined, "to prevent Ukraine from ever joining NATO"),
			"the top three hold an answer: %s", joined)
	})

	t.Run("SpreadAcrossSpeakers", func(t *testing.T) {
		rs := ask(t, "Ukraine NATO war")
		speakers := map[string]int{}
		for _, r := range rs {
			if r.Speaker != "" {
				speakers[r.Speaker]++
			}
		}
		for sp, n := range speakers {
			assert.LessOrEqual(t, n, 2, "%s fills the answer", sp)
		}
	})

	t.Run("NoDuplicateSpans", func(t *testing.T) {
		rs := ask(t, "security guarantees NATO membership Article 5")
		for i := range rs {
			for j := i + 1; j < len(rs); j++ {
				overlap := rs[i].Start < rs[j].End && rs[j].Start < rs[i].End
				assert.False(t, overlap, "results %d and %d overlap", i, j)
			}
		}
	})

	for _, q := range []string{
		"What is the capital of France?",
		"How do I bake sourdough bread?",
		"What did Stoltenberg say about pizza?",
	} {
		t.Run("Nothing/"+q, func(t *testing.T) {
			_, err := ix.Search(ctx, retrieval.Query{Library: retrieval.DefaultLibrary, Text: q})
			assert.True(t, errors.Is(err, retrieval.ErrNoMatch), "%q: got %v, want ErrNoMatch", q, err)
		})
	}
}
