package retrieval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// The study library: three sources on drones and grain in fakeAnalyze's
// form, with the same speaker written two ways across sources.
var studyDocs = []retrieval.Document{
	{
		Metadata: retrieval.Metadata{Title: "Drone defence", Author: "Jane Smith", URL: "https://example.org/drones",
			Published: "2025-12-14", Origin: "https://example.org/drones"},
		Text: "Ministers met to discuss drone defence.\n" +
			"\"We will shoot down every drone that crosses the border,\" said Olaf Scholz, Chancellor.\n" +
			"\"Drone attacks on grain ports must stop at once,\" said Recep Erdogan.\n" +
			"\"A drone wall along the border is only a slogan,\" said Kaja Kallas, Prime Minister.\n" +
			"\"Drone production will double next year in the factories,\" said Olaf Scholz, Chancellor.\n" +
			"\"Nobody here wants drone strikes near the border towns,\" said a resident.\n" +
			"\"We should talk about drone sharing with neighbours later,\" people said.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Border drones", Origin: "news/border.txt"},
		Text: "The border saw more drone flights this week.\n" +
			"\"Every drone over the border is a provocation against us,\" said olaf  SCHOLZ.\n" +
			"\"Drone incidents near the border are exaggerated by the press,\" said Maria Zakharova, Spokesperson.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Harvest", Origin: "news/harvest.txt"},
		Text: "Farmers finished the harvest early.\n" +
			"\"The harvest of wheat was the best in a decade,\" said Ivan Petrov, Farmer.\n",
	},
}

// MustStudyIndex opens a fake-analysed index holding studyDocs in library
// "study" and, as a second server's library "other", a source on the same
// topic by a speaker "study" does not have.
func MustStudyIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	ix := MustOpenFakeIndex(tb)
	MustAdd(tb, ix, "study", studyDocs...)
	MustAdd(tb, ix, "other", retrieval.Document{
		Metadata: retrieval.Metadata{Title: "Other server", Origin: "other.txt"},
		Text:     "\"Drone flights over the border must end now,\" said Other Speaker.\n",
	})
	return ix
}

// MustSourceText returns the text of source id of library.
func MustSourceText(tb testing.TB, ix *retrieval.Index, library string, id int64) string {
	tb.Helper()
	s, err := ix.Source(context.Background(), library, id)
	require.NoError(tb, err)
	return s.Text
}

// MustExact checks that r.Text is the exact slice of its source's text.
func MustExact(tb testing.TB, ix *retrieval.Index, library string, r retrieval.Result) {
	tb.Helper()
	text := MustSourceText(tb, ix, library, r.Source.ID)
	require.True(tb, r.Start >= 0 && r.Start <= r.End && r.End <= len(text), "span [%d, %d)", r.Start, r.End)
	require.Equal(tb, text[r.Start:r.End], r.Text)
}

func TestIndex_Compare(t *testing.T) {
	ctx := context.Background()
	ix := MustStudyIndex(t)

	t.Run("OK", func(t *testing.T) {
		res, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone border"}, 10)
		require.NoError(t, err)
		seen := map[string]bool{}
		var names []string
		for _, r := range res {
			assert.Equal(t, retrieval.ResultQuote, r.Kind)
			require.NotEmpty(t, r.Speaker, "only attributed quotes")
			k := strings.ToLower(strings.Join(strings.Fields(r.Speaker), " "))
			assert.False(t, seen[k], "speaker %q twice", r.Speaker)
			seen[k] = true
			names = append(names, r.Speaker)
			MustExact(t, ix, "study", r)
			assert.NotEqual(t, "Other Speaker", r.Speaker, "another library's speaker")
			assert.NotEqual(t, "Ivan Petrov", r.Speaker, "off the topic")
		}
		// Scholz (either spelling), Zakharova, Kallas and Erdogan all speak
		// of drones; the resident's line is attributed to no one.
		assert.True(t, seen["olaf scholz"], "%v", names)
		assert.True(t, seen["maria zakharova"], "%v", names)
		assert.True(t, seen["kaja kallas"], "%v", names)
		for i := 1; i < len(res); i++ {
			assert.GreaterOrEqual(t, res[i-1].Score, res[i].Score, "most relevant first")
		}
		// Each speaker's card is the quote of theirs that Search ranks
		// first, and their order is Search's.
		all, err := ix.Search(ctx, retrieval.Query{Library: "study", Text: "drone border", Limit: 100})
		require.NoError(t, err)
		var want []retrieval.Result
		firsts := map[string]bool{}
		for _, r := range all {
			k := strings.ToLower(strings.Join(strings.Fields(r.Speaker), " "))
			if r.Kind == retrieval.ResultQuote && k != "" && !firsts[k] {
				firsts[k] = true
				want = append(want, r)
			}
		}
		assert.Equal(t, want, res)
	})

	t.Run("Limit", func(t *testing.T) {
		res, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone border"}, 2)
		require.NoError(t, err)
		require.Len(t, res, 2)
		full, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone border"}, 10)
		require.NoError(t, err)
		assert.Equal(t, full[:2], res, "a shorter comparison is a prefix of a longer one")
	})

	t.Run("Hidden", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "Drone incidents near the border")
		_, err := ix.HideQuote(ctx, "study", curator, q.ID, true)
		require.NoError(t, err)
		res, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone border"}, 10)
		require.NoError(t, err)
		for _, r := range res {
			assert.NotEqual(t, "Maria Zakharova", r.Speaker, "her only quote is hidden")
		}
	})

	t.Run("Collection", func(t *testing.T) {
		ix := MustStudyIndex(t)
		srcs, err := ix.Sources(ctx, "study")
		require.NoError(t, err)
		require.NoError(t, ix.CreateCollection(ctx, "study", curator, "Border"))
		require.NoError(t, ix.CollectSources(ctx, "study", curator, "Border", false, srcs[1].ID))
		res, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone border", Collection: "border"}, 10)
		require.NoError(t, err)
		require.NotEmpty(t, res)
		for _, r := range res {
			assert.Equal(t, srcs[1].ID, r.Source.ID, "only the collection's sources")
		}
		_, err = ix.Compare(ctx, retrieval.Query{Library: "study", Text: "drone", Collection: "nope"}, 10)
		assert.ErrorIs(t, err, retrieval.ErrUnknownCollection)
	})

	t.Run("ErrNoMatch", func(t *testing.T) {
		_, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "submarine cables"}, 10)
		assert.ErrorIs(t, err, retrieval.ErrNoMatch)
		// Relevant, but only an unattributed quote and passages hold it.
		_, err = ix.Compare(ctx, retrieval.Query{Library: "study", Text: "sharing neighbours"}, 10)
		assert.ErrorIs(t, err, retrieval.ErrNoMatch)
	})

	t.Run("Errors", func(t *testing.T) {
		_, err := ix.Compare(ctx, retrieval.Query{Library: "study", Text: "the of and"}, 10)
		assert.ErrorIs(t, err, retrieval.ErrEmptyQuery)
		_, err = ix.Compare(ctx, retrieval.Query{Library: "nope", Text: "drone"}, 10)
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})

	t.Run("Isolation", func(t *testing.T) {
		res, err := ix.Compare(ctx, retrieval.Query{Library: "other", Text: "drone border"}, 10)
		require.NoError(t, err)
		require.Len(t, res, 1)
		assert.Equal(t, "Other Speaker", res[0].Speaker)
		MustExact(t, ix, "other", res[0])
	})
}

func TestIndex_ParagraphCount(t *testing.T) {
	ctx := context.Background()
	ix := MustStudyIndex(t)
	srcs, err := ix.Sources(ctx, "study")
	require.NoError(t, err)
	n, err := ix.ParagraphCount(ctx, "study", srcs[0].ID)
	require.NoError(t, err)
	assert.Equal(t, 7, n)
	// Every paragraph from 1 to n can be read, and n+1 cannot.
	for i := 1; i <= n; i++ {
		_, err := ix.Passage(ctx, "study", srcs[0].ID, i)
		require.NoError(t, err, i)
	}
	_, err = ix.Passage(ctx, "study", srcs[0].ID, n+1)
	assert.ErrorIs(t, err, retrieval.ErrUnknownSource)

	_, err = ix.ParagraphCount(ctx, "other", srcs[0].ID)
	assert.ErrorIs(t, err, retrieval.ErrUnknownSource, "another library's source")
	_, err = ix.ParagraphCount(ctx, "nope", srcs[0].ID)
	assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
}
