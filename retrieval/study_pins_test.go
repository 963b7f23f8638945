package retrieval_test

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestQuestionKey(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{"Why did Russia go to war?", "why did russia go to WAR"},
		{"Why did Russia go to war?", "  war: Russia... go?! "},
		{"What did Scholz say about drones?", "drones Scholz"},
		{"Wars in Ukraine", "the war in ukraine"},
		{"José Martí", "jose marti"},
	} {
		assert.Equal(t, retrieval.QuestionKey(tc.a), retrieval.QuestionKey(tc.b), "%q vs %q", tc.a, tc.b)
		assert.NotEmpty(t, retrieval.QuestionKey(tc.a))
	}
	assert.NotEqual(t, retrieval.QuestionKey("Why did Russia go to war?"), retrieval.QuestionKey("Why did Ukraine go to war?"))
	assert.Empty(t, retrieval.QuestionKey("what is it?"), "stop words only")
}

func TestIndex_Pin(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		require.NoError(t, ix.Pin(ctx, "study", curator, "Will they shoot down drones?", q.ID))

		for _, asked := range []string{"Will they shoot down drones?", "shoot DOWN the drone", "drones: shoot down?"} {
			r, ok, err := ix.Pinned(ctx, "study", "", asked)
			require.NoError(t, err)
			require.True(t, ok, asked)
			assert.True(t, r.Pinned)
			assert.Equal(t, retrieval.ResultQuote, r.Kind)
			assert.Equal(t, q.ID, r.QuoteID)
			assert.Equal(t, "Olaf Scholz", r.Speaker)
			assert.Equal(t, "Drone defence", r.Source.Title)
			MustExact(t, ix, "study", r)
		}
		_, ok, err := ix.Pinned(ctx, "study", "", "shoot down balloons")
		require.NoError(t, err)
		assert.False(t, ok, "another question")

		pins, err := ix.Pins(ctx, "study")
		require.NoError(t, err)
		require.Len(t, pins, 1)
		assert.Equal(t, "Will they shoot down drones?", pins[0].Question)
		assert.Equal(t, q.ID, pins[0].QuoteID)
		assert.Equal(t, curator, pins[0].By)
		assert.Equal(t, ix.Now().UTC(), pins[0].At)

		h := MustHistory(t, ix, "study", 0)
		require.NotEmpty(t, h)
		assert.Equal(t, retrieval.ActionPin, h[0].Action)
		assert.Equal(t, curator, h[0].Actor)
		assert.Equal(t, q.SourceID, h[0].SourceID)
		assert.Contains(t, h[0].Detail, "Will they shoot down drones?")

		// Pinning again for a rewording replaces the answer.
		q2 := MustQuote(t, ix, "study", "Drone production will double")
		require.NoError(t, ix.Pin(ctx, "study", curator, "shoot down drones", q2.ID))
		r, ok, err := ix.Pinned(ctx, "study", "", "Will they shoot down drones?")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, q2.ID, r.QuoteID)
		pins, err = ix.Pins(ctx, "study")
		require.NoError(t, err)
		require.Len(t, pins, 1)

		require.NoError(t, ix.Unpin(ctx, "study", curator, "SHOOT down drones!"))
		_, ok, err = ix.Pinned(ctx, "study", "", "Will they shoot down drones?")
		require.NoError(t, err)
		assert.False(t, ok)
		h = MustHistory(t, ix, "study", 0)
		assert.Equal(t, retrieval.ActionUnpin, h[0].Action)
		assert.ErrorIs(t, ix.Unpin(ctx, "study", curator, "shoot down drones"), retrieval.ErrNoPin)
	})

	t.Run("Isolation", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		other := MustQuote(t, ix, "other", "Drone flights")
		require.NoError(t, ix.Pin(ctx, "study", curator, "drones", q.ID))
		_, ok, err := ix.Pinned(ctx, "other", "", "drones")
		require.NoError(t, err)
		assert.False(t, ok, "a pin of one library is not another's")
		pins, err := ix.Pins(ctx, "other")
		require.NoError(t, err)
		assert.Empty(t, pins)
		assert.ErrorIs(t, ix.Pin(ctx, "other", curator, "drones", q.ID), retrieval.ErrUnknownQuote,
			"a quote of another library")
		assert.ErrorIs(t, ix.Unpin(ctx, "other", curator, "drones"), retrieval.ErrNoPin)
		require.NoError(t, ix.Pin(ctx, "other", curator, "drones", other.ID))
		r, ok, err := ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, q.ID, r.QuoteID, "each library keeps its own answer")
	})

	t.Run("Collection", func(t *testing.T) {
		// A channel scoped to a collection sees only the pins whose source
		// is in it, as its searches see only the collection's quotes.
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		require.NoError(t, ix.Pin(ctx, "study", curator, "drones", q.ID))
		srcs, err := ix.Sources(ctx, "study")
		require.NoError(t, err)
		var otherSrc int64
		for _, s := range srcs {
			if s.ID != q.SourceID {
				otherSrc = s.ID
			}
		}
		require.NotZero(t, otherSrc, "the study library has a second source")
		require.NoError(t, ix.CreateCollection(ctx, "study", curator, "Without"))
		require.NoError(t, ix.CollectSources(ctx, "study", curator, "Without", false, otherSrc))
		require.NoError(t, ix.CreateCollection(ctx, "study", curator, "With"))
		require.NoError(t, ix.CollectSources(ctx, "study", curator, "With", false, q.SourceID))

		_, ok, err := ix.Pinned(ctx, "study", "Without", "drones")
		require.NoError(t, err)
		assert.False(t, ok, "the pinned quote's source is outside the collection")
		r, ok, err := ix.Pinned(ctx, "study", " with ", "drones")
		require.NoError(t, err)
		require.True(t, ok, "its source is in the collection (named in any case)")
		assert.Equal(t, q.ID, r.QuoteID)
		assert.True(t, r.Pinned)
		_, ok, err = ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		assert.True(t, ok, "no collection: the whole library")
		_, ok, err = ix.Pinned(ctx, "study", "No such collection", "drones")
		require.NoError(t, err)
		assert.False(t, ok, "a collection that does not exist holds no pin")

		// Taking the source out of the collection takes its pin out too.
		require.NoError(t, ix.CollectSources(ctx, "study", curator, "With", true, q.SourceID))
		_, ok, err = ix.Pinned(ctx, "study", "With", "drones")
		require.NoError(t, err)
		assert.False(t, ok)
	})

	t.Run("Errors", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		before := MustHistory(t, ix, "study", 0)
		assert.ErrorIs(t, ix.Pin(ctx, "study", curator, "what is it?", q.ID), retrieval.ErrEmptyQuery)
		assert.ErrorIs(t, ix.Pin(ctx, "study", curator, "drones", 99999), retrieval.ErrUnknownQuote)
		assert.ErrorIs(t, ix.Pin(ctx, "nope", curator, "drones", q.ID), retrieval.ErrUnknownLibrary)
		assert.Error(t, ix.Pin(ctx, "study", retrieval.Actor{}, "drones", q.ID), "no actor")
		assert.Equal(t, before, MustHistory(t, ix, "study", 0), "failed pins write nothing")
		pins, err := ix.Pins(ctx, "study")
		require.NoError(t, err)
		assert.Empty(t, pins)
		_, ok, err := ix.Pinned(ctx, "nope", "", "drones")
		require.NoError(t, err)
		assert.False(t, ok)
		_, err = ix.Pins(ctx, "nope")
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})

	t.Run("Hidden", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		require.NoError(t, ix.Pin(ctx, "study", curator, "drones", q.ID))
		_, err := ix.HideQuote(ctx, "study", curator, q.ID, true)
		require.NoError(t, err)
		_, ok, err := ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		assert.False(t, ok, "a hidden quote is not shown, pinned or not")
		assert.ErrorIs(t, ix.Pin(ctx, "study", curator, "border", q.ID), retrieval.ErrQuoteHidden)
		_, err = ix.HideQuote(ctx, "study", curator, q.ID, false)
		require.NoError(t, err)
		_, ok, err = ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		assert.True(t, ok, "shown again, pinned again")
	})

	t.Run("SourceChanges", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		require.NoError(t, ix.Pin(ctx, "study", curator, "drones", q.ID))
		// The page changes: a new first line moves every quote and gives
		// it a new id; the pinned words are still there.
		changed := studyDocs[0]
		changed.Text = "Updated: the meeting ran late.\n" + changed.Text
		res := MustAdd(t, ix, "study", changed)
		require.Equal(t, retrieval.StatusReplaced, res[0].Status)
		moved := MustQuote(t, ix, "study", "shoot down every drone")
		require.NotEqual(t, q.ID, moved.ID)
		r, ok, err := ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, moved.ID, r.QuoteID)
		MustExact(t, ix, "study", r)
		pins, err := ix.Pins(ctx, "study")
		require.NoError(t, err)
		require.Len(t, pins, 1)
		assert.Equal(t, moved.ID, pins[0].QuoteID)

		// Now the words are gone: nothing is shown.
		gone := studyDocs[0]
		gone.Text = strings.ReplaceAll(gone.Text, "shoot down every drone", "count every drone")
		MustAdd(t, ix, "study", gone)
		_, ok, err = ix.Pinned(ctx, "study", "", "drones")
		require.NoError(t, err)
		assert.False(t, ok)

		// Removing the source removes its pins.
		_, err = ix.RemoveSourceAs(ctx, "study", curator, q.SourceID)
		require.NoError(t, err)
		pins, err = ix.Pins(ctx, "study")
		require.NoError(t, err)
		assert.Empty(t, pins)
		require.NoError(t, ix.Check(ctx))
	})

	t.Run("HostileQuestion", func(t *testing.T) {
		ix := MustStudyIndex(t)
		q := MustQuote(t, ix, "study", "shoot down every drone")
		question := `drones'); DELETE FROM pins; -- "OR" NEAR(x) *`
		require.NoError(t, ix.Pin(ctx, "study", curator, question, q.ID))
		pins, err := ix.Pins(ctx, "study")
		require.NoError(t, err)
		require.Len(t, pins, 1)
		assert.Equal(t, question, pins[0].Question, "stored as written")
		_, ok, err := ix.Pinned(ctx, "study", "", question)
		require.NoError(t, err)
		assert.True(t, ok)
	})
}
