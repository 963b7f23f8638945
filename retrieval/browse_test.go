package retrieval_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// browseDocs holds speakers quoted different numbers of times, a name with
// a non-ASCII initial and an unattributed quote.
var browseDocs = []retrieval.Document{
	{
		Metadata: retrieval.Metadata{Title: "Talks", Author: "A. Writer", URL: "https://example.org/talks",
			Published: "2026-01-10", Origin: "talks.md"},
		Text: "Delegations met in Geneva on Monday.\n" +
			"\"We will not accept these terms at all,\" said Sergei Ryabkov, Deputy Foreign Minister.\n" +
			"\"The door to talks remains open for now,\" said Sergei Ryabkov.\n" +
			"\"Europe must pay for its own defence,\" said Émile Durand, a French senator.\n" +
			"\"Nobody here expected a breakthrough today,\" one diplomat remarked.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Summit", Origin: "summit.md"},
		Text: "«Привет» means hello.\n" +
			"\"Allies will stand together through the winter,\" said Jens Stoltenberg, NATO Secretary General.\n" +
			"\"We will not accept any threat to allies,\" said Sergei Ryabkov.\n",
	},
}

func TestIndex_Speakers(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	MustAdd(t, ix, "news", browseDocs...)
	// Another library's speakers never show up in "news".
	MustAdd(t, ix, "other", retrieval.Document{
		Metadata: retrieval.Metadata{Origin: "x.md"},
		Text:     "\"Secret words from another library entirely,\" said Sergei Otherlib.\n",
	})

	t.Run("OK", func(t *testing.T) {
		got, err := ix.Speakers(ctx, "news", "", 0)
		require.NoError(t, err)
		// Ryabkov is quoted three times, the others once each (by name).
		assert.Equal(t, []string{"Sergei Ryabkov", "Jens Stoltenberg", "Émile Durand"}, got)
	})
	for _, tt := range []struct {
		name, prefix string
		want         []string
	}{
		{"FirstName", "serg", []string{"Sergei Ryabkov"}},
		{"LaterWord", "RYAB", []string{"Sergei Ryabkov"}},
		{"TwoWords", "sergei  r", []string{"Sergei Ryabkov"}},
		{"NonASCIICase", "émi", []string{"Émile Durand"}},
		{"Blank", "   ", []string{"Sergei Ryabkov", "Jens Stoltenberg", "Émile Durand"}},
		{"MidWord", "abkov", nil},
		{"NoMatch", "zelensky", nil},
		{"LikeWildcards", "%", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ix.Speakers(ctx, "news", tt.prefix, 10)
			require.NoError(t, err)
			if tt.want == nil {
				assert.Empty(t, got)
			} else {
				assert.Equal(t, tt.want, got)
			}
		})
	}
	t.Run("Limit", func(t *testing.T) {
		got, err := ix.Speakers(ctx, "news", "", 2)
		require.NoError(t, err)
		assert.Equal(t, []string{"Sergei Ryabkov", "Jens Stoltenberg"}, got)
	})
	t.Run("OtherLibrary", func(t *testing.T) {
		got, err := ix.Speakers(ctx, "other", "s", 10)
		require.NoError(t, err)
		assert.Equal(t, []string{"Sergei Otherlib"}, got)
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		_, err := ix.Speakers(ctx, "missing", "", 10)
		assert.True(t, errors.Is(err, retrieval.ErrUnknownLibrary), "got %v", err)
	})
	t.Run("Cancelled", func(t *testing.T) {
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := ix.Speakers(cctx, "news", "", 10)
		assert.Error(t, err)
	})
}

func TestIndex_Passage(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	res := MustAdd(t, ix, "news", browseDocs...)
	other := MustAdd(t, ix, "other", retrieval.Document{
		Metadata: retrieval.Metadata{Origin: "x.md"},
		Text:     "Only in the other library.\n",
	})
	talks, summit := res[0].Source, res[1].Source

	t.Run("OK", func(t *testing.T) {
		p, err := ix.Passage(ctx, "news", talks.ID, 2)
		require.NoError(t, err)
		src, err := ix.Source(ctx, "news", talks.ID)
		require.NoError(t, err)
		assert.Equal(t, src.Text[p.Start:p.End], p.Text)
		assert.Equal(t, "\"We will not accept these terms at all,\" said Sergei Ryabkov, Deputy Foreign Minister.", p.Text)
		assert.Equal(t, 2, p.Paragraph)
		assert.Equal(t, src.Ref(), p.Source)
	})
	t.Run("MultiByte", func(t *testing.T) {
		// Spans count bytes; a character count would cut this short.
		for n := 1; n <= 3; n++ {
			p, err := ix.Passage(ctx, "news", summit.ID, n)
			require.NoError(t, err)
			src, err := ix.Source(ctx, "news", summit.ID)
			require.NoError(t, err)
			assert.Equal(t, src.Text[p.Start:p.End], p.Text, "paragraph %d", n)
		}
	})
	for _, tt := range []struct {
		name      string
		library   string
		source    int64
		paragraph int
		want      error
	}{
		{"NoParagraph", "news", talks.ID, 99, retrieval.ErrUnknownSource},
		{"ParagraphZero", "news", talks.ID, 0, retrieval.ErrUnknownSource},
		{"NoSource", "news", 12345, 1, retrieval.ErrUnknownSource},
		{"OtherLibrarysSource", "news", other[0].Source.ID, 1, retrieval.ErrUnknownSource},
		{"SourceViaOtherLibrary", "other", talks.ID, 1, retrieval.ErrUnknownSource},
		{"ErrUnknownLibrary", "missing", talks.ID, 1, retrieval.ErrUnknownLibrary},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ix.Passage(ctx, tt.library, tt.source, tt.paragraph)
			assert.True(t, errors.Is(err, tt.want), "got %v, want %v", err, tt.want)
		})
	}
	t.Run("Removed", func(t *testing.T) {
		require.NoError(t, ix.RemoveSource(ctx, "news", summit.ID))
		_, err := ix.Passage(ctx, "news", summit.ID, 1)
		assert.True(t, errors.Is(err, retrieval.ErrUnknownSource), "got %v", err)
	})
}
