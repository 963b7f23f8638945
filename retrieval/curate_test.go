package retrieval_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx" for refuseAudit
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// curator is the actor of the changes these tests make.
var curator = retrieval.Actor{ID: "1001", Name: "Ada"}

// summitURL is the origin of summit, a source added from a link.
const summitURL = "https://example.org/summit"

// The lines of summit, in fakeAnalyze's form: each quote line is one quote.
const (
	summitIntro   = "Leaders met in Vilnius for the summit.\n"
	summitDoubt   = "\"Ukraine's future is in the alliance without any doubt,\" said Jens Stoltenberg, Secretary General.\n"
	summitDrones  = "\"We will keep the sky closed to drones forever,\" said Olaf Scholz, Chancellor.\n"
	summitGrain   = "\"Grain exports must continue through the Black Sea,\" said Recep Erdogan.\n"
	summitPledges = "\"Pledges of artillery shells arrive in the spring,\" said Kaja Kallas.\n"
)

// summit is a page added from a link: its quotes are "doubt", "drones" and
// "grain".
var summit = retrieval.Document{
	Metadata: retrieval.Metadata{Title: "Vilnius summit", URL: summitURL, Origin: summitURL},
	Format:   "html",
	Text:     summitIntro + summitDoubt + summitDrones + summitGrain,
}

// MustCheckFTS runs FTS5's integrity check against the units.
func MustCheckFTS(tb testing.TB, ix *retrieval.Index) {
	tb.Helper()
	require.NoError(tb, ix.CheckFTSForTest(context.Background()))
}

// MustQuote returns the quote of library whose text contains words, hidden
// or not.
func MustQuote(tb testing.TB, ix *retrieval.Index, library, words string) retrieval.Quote {
	tb.Helper()
	for _, hidden := range []bool{false, true} {
		qs, err := ix.Quotes(context.Background(), retrieval.QuoteFilter{Library: library, Hidden: hidden})
		require.NoError(tb, err)
		for _, q := range qs {
			if strings.Contains(q.Text, words) {
				return q
			}
		}
	}
	tb.Fatalf("no quote of %q holds %q", library, words)
	return retrieval.Quote{}
}

// MustHistory returns the audit log of library (of one source, if id > 0).
func MustHistory(tb testing.TB, ix *retrieval.Index, library string, id int64) []retrieval.AuditEntry {
	tb.Helper()
	h, err := ix.History(context.Background(), library, id, 0)
	require.NoError(tb, err)
	return h
}

// quoteTexts lists the texts of the quotes of library that Quotes lists.
func quoteTexts(tb testing.TB, ix *retrieval.Index, f retrieval.QuoteFilter) []string {
	tb.Helper()
	qs, err := ix.Quotes(context.Background(), f)
	require.NoError(tb, err)
	var out []string
	for _, q := range qs {
		out = append(out, q.Text)
	}
	return out
}

// searchTexts returns the texts Search answers question with in library
// (nil for ErrNoMatch).
func searchTexts(tb testing.TB, ix *retrieval.Index, q retrieval.Query) []string {
	tb.Helper()
	if q.Limit == 0 {
		q.Limit = 20
	}
	res, err := ix.Search(context.Background(), q)
	if errors.Is(err, retrieval.ErrNoMatch) {
		return nil
	}
	require.NoError(tb, err, "%q", q.Text)
	checkResults(tb.(*testing.T), ix, q.Library, res)
	var out []string
	for _, r := range res {
		out = append(out, r.Text)
	}
	return out
}

// snapshot renders everything a library shows: sources with their text,
// visible and hidden quotes, collections, settings, history and a few
// searches. Two equal snapshots mean nothing visible changed.
func snapshot(tb testing.TB, ix *retrieval.Index, library string) string {
	tb.Helper()
	ctx := context.Background()
	var b strings.Builder
	srcs, err := ix.Sources(ctx, library)
	require.NoError(tb, err)
	for _, s := range srcs {
		full, err := ix.Source(ctx, library, s.ID)
		require.NoError(tb, err)
		fmt.Fprintf(&b, "source %+v\n", full)
	}
	for _, hidden := range []bool{false, true} {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, Hidden: hidden})
		require.NoError(tb, err)
		for _, q := range qs {
			var mention retrieval.Span
			if q.SpeakerMention != nil {
				mention = *q.SpeakerMention
			}
			q.SpeakerMention = nil // a pointer: print what it points to
			fmt.Fprintf(&b, "quote hidden=%v %+v mention %v\n", hidden, q, mention)
		}
	}
	cs, err := ix.Collections(ctx, library)
	require.NoError(tb, err)
	fmt.Fprintf(&b, "collections %+v\n", cs)
	st, err := ix.Settings(ctx, library)
	require.NoError(tb, err)
	fmt.Fprintf(&b, "settings %v\n", st)
	fmt.Fprintf(&b, "history %+v\n", MustHistory(tb, ix, library, 0))
	for _, q := range []string{"Ukraine alliance doubt", "drones sky", "grain Black Sea", "Arctic", "NATO membership"} {
		res, err := ix.Search(ctx, retrieval.Query{Library: library, Text: q, Limit: 10})
		for i := range res {
			// FTS5's bm25 counts every library's units, so scores (not
			// results or their order) move with other libraries' text.
			res[i].Score = 0
		}
		fmt.Fprintf(&b, "search %q %+v %v\n", q, res, err)
	}
	return b.String()
}

// fetchText returns a fetch func that serves text, or err.
func fetchText(text string, err error) func(context.Context, string) (retrieval.Document, error) {
	return func(_ context.Context, url string) (retrieval.Document, error) {
		if err != nil {
			return retrieval.Document{}, err
		}
		return retrieval.Document{Metadata: retrieval.Metadata{Title: "Fetched title", Origin: url, URL: url},
			Format: "html", Text: text}, nil
	}
}

func TestIndex_AddAs(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res, err := ix.AddAs(ctx, "news", curator, newsDocs[0], summit)
		require.NoError(t, err)
		h := MustHistory(t, ix, "news", 0)
		require.Len(t, h, 2)
		assert.Equal(t, retrieval.ActionAdd, h[0].Action)
		assert.Equal(t, res[1].Source.ID, h[0].SourceID, "newest first")
		assert.Equal(t, curator, h[0].Actor)
		assert.Equal(t, "news", h[0].Library)
		assert.Equal(t, `"Vilnius summit" from `+summitURL, h[0].Detail)
		assert.Equal(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), h[0].Time)
		assert.Equal(t, res[0].Source.ID, h[1].SourceID)

		// Fetched from a link: FetchedAt; from a file: none.
		assert.Equal(t, ix.Now(), res[1].Source.FetchedAt)
		assert.True(t, res[0].Source.FetchedAt.IsZero())

		// The same text again changes nothing and is not recorded.
		res, err = ix.AddAs(ctx, "news", curator, newsDocs[0])
		require.NoError(t, err)
		assert.Equal(t, retrieval.StatusUnchanged, res[0].Status)
		assert.Len(t, MustHistory(t, ix, "news", 0), 2)

		// New text for the same origin replaces the source.
		changed := newsDocs[0]
		changed.Text += "A new closing line.\n"
		res, err = ix.AddAs(ctx, "news", curator, changed)
		require.NoError(t, err)
		require.Equal(t, retrieval.StatusReplaced, res[0].Status)
		h = MustHistory(t, ix, "news", res[0].Source.ID)
		require.Len(t, h, 2)
		assert.Equal(t, retrieval.ActionReplace, h[0].Action)
		MustCheckFTS(t, ix)
	})
	t.Run("AddIsLocal", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", newsDocs[0])
		require.NoError(t, ix.RemoveSource(ctx, "news", res[0].Source.ID))
		h := MustHistory(t, ix, "news", res[0].Source.ID)
		require.Len(t, h, 2)
		for _, e := range h {
			assert.Equal(t, retrieval.LocalActor, e.Actor)
		}
		assert.Equal(t, retrieval.ActionRemove, h[0].Action)
		assert.Equal(t, retrieval.ActionAdd, h[1].Action)
	})
	t.Run("AuthorID", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		msg := retrieval.Document{Metadata: retrieval.Metadata{Title: "A message", AuthorID: "u1", Origin: "chat:1"},
			Text: "My own words about the summit.\n"}
		res := MustAdd(t, ix, "news", msg)
		assert.Equal(t, "u1", res[0].Source.AuthorID)
		// A replacement without an author id keeps the author's.
		msg.AuthorID, msg.Text = "", "My own words, edited.\n"
		res = MustAdd(t, ix, "news", msg)
		require.Equal(t, retrieval.StatusReplaced, res[0].Status)
		assert.Equal(t, "u1", res[0].Source.AuthorID)
	})
	t.Run("ErrNoActor", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		_, err := ix.AddAs(ctx, "news", retrieval.Actor{Name: "nobody"}, newsDocs[0])
		require.Error(t, err)
		libs, err := ix.Libraries(ctx)
		require.NoError(t, err)
		assert.Empty(t, libs)
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		// The second document fails after the first and its audit entry
		// were written: both roll back.
		ix := MustOpenFakeIndex(t)
		MustAdd(t, ix, "news", newsDocs[3])
		ix.SetAnalyzeForTest(func(text string) retrieval.Analysis {
			a := fakeAnalyze(text)
			if strings.HasPrefix(text, "Poison") {
				a.Paragraphs = append(a.Paragraphs, a.Paragraphs[0])
			}
			return a
		})
		before := snapshot(t, ix, "news")
		_, err := ix.AddAs(ctx, "news", curator, newsDocs[0], retrieval.Document{Text: "Poison pill.\n"})
		require.Error(t, err)
		assert.Equal(t, before, snapshot(t, ix, "news"))
		MustCheckFTS(t, ix)
	})
}

func TestIndex_EditSource(t *testing.T) {
	ctx := context.Background()
	str := func(s string) *string { return &s }
	ix := MustOpenFakeIndex(t)
	res := MustAdd(t, ix, "news", newsDocs[0], newsDocs[1])
	MustAdd(t, ix, "other", newsDocs[2])
	id := res[0].Source.ID

	t.Run("OK", func(t *testing.T) {
		later := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
		ix.Now = func() time.Time { return later }
		src, err := ix.EditSource(ctx, "news", curator, id, retrieval.SourceEdit{
			Title: str("  Ryabkov rejects NATO  "), URL: str("http://example.org/r"), Published: str("2026-01-11"),
		})
		require.NoError(t, err)
		assert.Equal(t, "Ryabkov rejects NATO", src.Title)
		assert.Equal(t, "A. Writer", src.Author, "nil fields stay")
		assert.Equal(t, "http://example.org/r", src.URL)
		assert.Equal(t, "2026-01-11", src.Published)
		assert.Equal(t, later, src.UpdatedAt)
		assert.Empty(t, src.Text)
		stored, err := ix.Source(ctx, "news", id)
		require.NoError(t, err)
		assert.Equal(t, src.Metadata, stored.Metadata)

		h := MustHistory(t, ix, "news", id)
		require.Equal(t, retrieval.ActionEdit, h[0].Action)
		assert.Equal(t, `title: "Ryabkov on Ukraine" → "Ryabkov rejects NATO"; url: "https://example.org/ryabkov" → `+
			`"http://example.org/r"; published: "2026-01-10" → "2026-01-11"`, h[0].Detail)

		// Results cite the new title.
		found, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "NATO membership"})
		require.NoError(t, err)
		assert.Equal(t, "Ryabkov rejects NATO", found[0].Source.Title)

		// Clearing optional fields.
		src, err = ix.EditSource(ctx, "news", curator, id, retrieval.SourceEdit{Author: str(""), URL: str(""), Published: str(" ")})
		require.NoError(t, err)
		assert.Empty(t, src.Author+src.URL+src.Published)
		MustCheckFTS(t, ix)
	})
	t.Run("NoChange", func(t *testing.T) {
		n := len(MustHistory(t, ix, "news", 0))
		src, err := ix.EditSource(ctx, "news", curator, id, retrieval.SourceEdit{Title: str("Ryabkov rejects NATO")})
		require.NoError(t, err)
		assert.Equal(t, "Ryabkov rejects NATO", src.Title)
		assert.Len(t, MustHistory(t, ix, "news", 0), n)
	})
	t.Run("ErrInvalidMetadata", func(t *testing.T) {
		before := snapshot(t, ix, "news")
		for name, e := range map[string]retrieval.SourceEdit{
			"EmptyTitle":  {Title: str("  ")},
			"Date":        {Published: str("11/01/2026")},
			"NoDate":      {Published: str("2026-13-01")},
			"LongDate":    {Published: str("2026-01-11T10:00:00Z")},
			"Scheme":      {URL: str("ftp://example.org/r")},
			"NoHost":      {URL: str("https://")},
			"JavaScript":  {URL: str("javascript:alert(1)")},
			"OneBadField": {Title: str("Fine"), URL: str("example.org")},
		} {
			_, err := ix.EditSource(ctx, "news", curator, id, e)
			require.ErrorIs(t, err, retrieval.ErrInvalidMetadata, name)
		}
		assert.Equal(t, before, snapshot(t, ix, "news"), "nothing changed, nothing recorded")
	})
	t.Run("ErrUnknownSource", func(t *testing.T) {
		_, err := ix.EditSource(ctx, "news", curator, 9999, retrieval.SourceEdit{Title: str("x")})
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		other, err := ix.Sources(ctx, "other")
		require.NoError(t, err)
		_, err = ix.EditSource(ctx, "news", curator, other[0].ID, retrieval.SourceEdit{Title: str("x")})
		require.ErrorIs(t, err, retrieval.ErrUnknownSource, "a source of another library")
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		_, err := ix.EditSource(ctx, "nope", curator, id, retrieval.SourceEdit{Title: str("x")})
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_RemoveSourceAs(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", summit, newsDocs[0])
		id := res[0].Source.ID
		require.NoError(t, ix.CreateCollection(ctx, "news", curator, "Summits"))
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "Summits", false, id))
		q := MustQuote(t, ix, "news", "drones")
		_, err := ix.HideQuote(ctx, "news", curator, q.ID, true)
		require.NoError(t, err)

		src, err := ix.RemoveSourceAs(ctx, "news", curator, id)
		require.NoError(t, err)
		assert.Equal(t, "Vilnius summit", src.Title)
		assert.Equal(t, id, src.ID)
		_, err = ix.Source(ctx, "news", id)
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		h := MustHistory(t, ix, "news", id)
		assert.Equal(t, retrieval.ActionRemove, h[0].Action)
		assert.Equal(t, curator, h[0].Actor)
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Empty(t, cs[0].Sources, "the source left its collection")
		MustCheckFTS(t, ix)

		// Its corrections went with it: added again, nothing is hidden.
		MustAdd(t, ix, "news", summit)
		assert.Contains(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news"}), MustQuote(t, ix, "news", "drones").Text)
		assert.Empty(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Hidden: true}))
	})
	t.Run("ErrUnknownSource", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", newsDocs[0])
		MustAdd(t, ix, "other", newsDocs[1])
		_, err := ix.RemoveSourceAs(ctx, "other", curator, res[0].Source.ID)
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		assert.Len(t, MustHistory(t, ix, "other", 0), 1, "only the add")
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		_, err := ix.RemoveSourceAs(ctx, "nope", curator, 1)
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_Refresh(t *testing.T) {
	ctx := context.Background()
	// setup adds summit, fixes the speaker of "doubt" and of "grain",
	// hides "drones" and puts the source in a collection.
	setup := func(t *testing.T) (*retrieval.Index, int64) {
		t.Helper()
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", summit, newsDocs[0])
		id := res[0].Source.ID
		_, err := ix.FixQuote(ctx, "news", curator, MustQuote(t, ix, "news", "doubt").ID, "Mircea Geoana", "Deputy Secretary General")
		require.NoError(t, err)
		_, err = ix.FixQuote(ctx, "news", curator, MustQuote(t, ix, "news", "Grain").ID, "Recep Tayyip Erdogan", "President")
		require.NoError(t, err)
		_, err = ix.HideQuote(ctx, "news", curator, MustQuote(t, ix, "news", "drones").ID, true)
		require.NoError(t, err)
		require.NoError(t, ix.CreateCollection(ctx, "news", curator, "Summits"))
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "Summits", false, id))
		return ix, id
	}

	t.Run("Unchanged", func(t *testing.T) {
		ix, id := setup(t)
		later := time.Date(2026, 3, 5, 8, 0, 0, 0, time.UTC)
		ix.Now = func() time.Time { return later }
		var asked string
		res, err := ix.Refresh(ctx, "news", curator, id, func(ctx context.Context, url string) (retrieval.Document, error) {
			asked = url
			return fetchText(summit.Text, nil)(ctx, url)
		})
		require.NoError(t, err)
		assert.Equal(t, summitURL, asked)
		assert.Equal(t, retrieval.StatusUnchanged, res.Status)
		assert.Equal(t, later, res.Source.FetchedAt)
		assert.Equal(t, 3, res.Quotes)
		assert.Equal(t, "Vilnius summit", res.Source.Title, "the fetched title does not replace the source's")
		h := MustHistory(t, ix, "news", id)
		assert.Equal(t, retrieval.ActionRefresh, h[0].Action)
		assert.Equal(t, "text unchanged", h[0].Detail)
		MustCheckFTS(t, ix)
	})
	t.Run("Changed", func(t *testing.T) {
		ix, id := setup(t)
		str := "Summit in Vilnius (edited)"
		_, err := ix.EditSource(ctx, "news", curator, id, retrieval.SourceEdit{Title: &str})
		require.NoError(t, err)

		// New intro, "grain" gone, "pledges" new; "doubt" and "drones" stay.
		v2 := "Leaders met in Vilnius again on Wednesday.\n" + summitDoubt + summitDrones + summitPledges
		res, err := ix.Refresh(ctx, "news", curator, id, fetchText(v2, nil))
		require.NoError(t, err)
		assert.Equal(t, retrieval.StatusReplaced, res.Status)
		assert.Equal(t, id, res.Source.ID, "the source keeps its id")
		assert.Equal(t, str, res.Source.Title, "a curator's edit survives")
		assert.Equal(t, 3, res.Quotes)
		src, err := ix.Source(ctx, "news", id)
		require.NoError(t, err)
		assert.Equal(t, v2, src.Text)
		h := MustHistory(t, ix, "news", id)
		assert.Equal(t, retrieval.ActionRefresh, h[0].Action)
		assert.Equal(t, "new text: 3 quotes (were 3)", h[0].Detail)
		MustCheckFTS(t, ix)

		doubt := MustQuote(t, ix, "news", "doubt")
		assert.Equal(t, "Mircea Geoana", doubt.Speaker, "the fix carried over")
		assert.Equal(t, "Deputy Secretary General", doubt.SpeakerTitle)
		assert.Equal(t, 1.0, doubt.Confidence)
		assert.Equal(t, []string{MustQuote(t, ix, "news", "drones").Text},
			quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Hidden: true}), "still hidden")
		assert.NotContains(t, strings.Join(searchTexts(t, ix, retrieval.Query{Library: "news", Text: "drones sky closed"}), "|"), "drones")
		found := searchTexts(t, ix, retrieval.Query{Library: "news", Text: "Geoana alliance doubt"})
		require.NotEmpty(t, found)
		assert.Contains(t, found[0], "without any doubt")
		assert.Equal(t, "Kaja Kallas", MustQuote(t, ix, "news", "artillery").Speaker)
		n, err := ix.CountMatchesForTest(ctx, "wednesday")
		require.NoError(t, err)
		assert.Positive(t, n)
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, []int64{id}, cs[0].Sources, "still in its collection")

		// "grain" left the text, and its fix with it: back again, it has
		// the attributor's speaker.
		_, err = ix.Refresh(ctx, "news", curator, id, fetchText(v2+summitGrain, nil))
		require.NoError(t, err)
		grain := MustQuote(t, ix, "news", "Grain")
		assert.Equal(t, "Recep Erdogan", grain.Speaker)
		assert.InDelta(t, 0.9, grain.Confidence, 1e-9)
		MustCheckFTS(t, ix)
	})
	t.Run("ReplaceByAddKeepsCorrections", func(t *testing.T) {
		ix, id := setup(t)
		changed := summit
		changed.Text = summitDoubt + summitDrones
		res := MustAdd(t, ix, "news", changed)
		require.Equal(t, retrieval.StatusReplaced, res[0].Status)
		require.Equal(t, id, res[0].Source.ID)
		assert.Equal(t, "Mircea Geoana", MustQuote(t, ix, "news", "doubt").Speaker)
		assert.Len(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Hidden: true}), 1)
		MustCheckFTS(t, ix)
	})
	t.Run("ErrNotRefreshable", func(t *testing.T) {
		ix, _ := setup(t)
		file, err := ix.Sources(ctx, "news")
		require.NoError(t, err)
		_, err = ix.Refresh(ctx, "news", curator, file[1].ID, func(context.Context, string) (retrieval.Document, error) {
			t.Fatal("fetched a source that has no link")
			return retrieval.Document{}, nil
		})
		require.ErrorIs(t, err, retrieval.ErrNotRefreshable)
	})
	t.Run("FetchError", func(t *testing.T) {
		ix, id := setup(t)
		before := snapshot(t, ix, "news")
		_, err := ix.Refresh(ctx, "news", curator, id, fetchText("", retrieval.ErrNotText))
		require.ErrorIs(t, err, retrieval.ErrNotText)
		_, err = ix.Refresh(ctx, "news", curator, id, fetchText("  \n", nil))
		require.ErrorIs(t, err, retrieval.ErrEmptyDocument)
		assert.Equal(t, before, snapshot(t, ix, "news"))
	})
	t.Run("TextOfAnotherSource", func(t *testing.T) {
		ix, id := setup(t)
		before := snapshot(t, ix, "news")
		_, err := ix.Refresh(ctx, "news", curator, id, fetchText(newsDocs[0].Text, nil))
		require.Error(t, err)
		assert.Contains(t, err.Error(), "already stored as source")
		assert.Equal(t, before, snapshot(t, ix, "news"))
	})
	t.Run("ErrUnknownSource", func(t *testing.T) {
		ix, id := setup(t)
		_, err := ix.Refresh(ctx, "news", curator, 9999, fetchText("x", nil))
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		// Removed while the page was being fetched.
		_, err = ix.Refresh(ctx, "news", curator, id, func(ctx context.Context, url string) (retrieval.Document, error) {
			require.NoError(t, ix.RemoveSource(ctx, "news", id))
			return fetchText("Brand new text.\n", nil)(ctx, url)
		})
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		_, err = ix.Refresh(ctx, "nope", curator, id, fetchText("x", nil))
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
		MustCheckFTS(t, ix)
	})
}

func TestIndex_FixQuote(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	MustAdd(t, ix, "news", newsDocs...)
	MustAdd(t, ix, "other", summit)

	t.Run("OK", func(t *testing.T) {
		q := MustQuote(t, ix, "news", "Arctic is not for sale")
		fixed, err := ix.FixQuote(ctx, "news", curator, q.ID, " Múte Bourup Egede ", "Premier")
		require.NoError(t, err)
		assert.Equal(t, q.ID, fixed.ID)
		assert.Equal(t, "Múte Bourup Egede", fixed.Speaker)
		assert.Equal(t, "Premier", fixed.SpeakerTitle)
		assert.Equal(t, retrieval.KindPerson, fixed.SpeakerKind)
		assert.Equal(t, 1.0, fixed.Confidence)
		assert.Nil(t, fixed.SpeakerMention, "the attributor's mention named someone else")
		assert.Equal(t, fixed, MustQuote(t, ix, "news", "Arctic is not for sale"))
		MustCheckFTS(t, ix)

		// The search index knows the new speaker and forgot the old.
		res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "What did Bourup say?"})
		require.NoError(t, err)
		assert.Equal(t, "Múte Bourup Egede", res[0].Speaker)
		assert.Equal(t, fixed.Text, res[0].Text)
		n, err := ix.CountMatchesForTest(ctx, "premier")
		require.NoError(t, err)
		assert.Equal(t, 1, n)

		h := MustHistory(t, ix, "news", q.SourceID)
		assert.Equal(t, retrieval.ActionQuoteFix, h[0].Action)
		assert.Equal(t, fmt.Sprintf(`quote %d: "Mute Egede" (Prime Minister of Greenland) → "Múte Bourup Egede" (Premier)`, q.ID), h[0].Detail)
	})
	t.Run("SameNameKeepsKindAndMention", func(t *testing.T) {
		q := MustQuote(t, ix, "news", "door remains open")
		fixed, err := ix.FixQuote(ctx, "news", curator, q.ID, "Jens Stoltenberg", "NATO Secretary General")
		require.NoError(t, err)
		assert.Equal(t, q.SpeakerMention, fixed.SpeakerMention)
		assert.Equal(t, 1.0, fixed.Confidence, "confirmed")
	})
	t.Run("Unattributed", func(t *testing.T) {
		q := MustQuote(t, ix, "news", "NATO membership")
		fixed, err := ix.FixQuote(ctx, "news", curator, q.ID, "", "")
		require.NoError(t, err)
		assert.Empty(t, fixed.Speaker+fixed.SpeakerTitle+fixed.SpeakerKind)
		assert.Zero(t, fixed.Confidence)
		n, err := ix.CountMatchesForTest(ctx, "ryabkov")
		require.NoError(t, err)
		assert.Equal(t, 1, n, "only the sentence still says Ryabkov, not the quote's speaker")
		MustCheckFTS(t, ix)
	})
	t.Run("ErrInvalidMetadata", func(t *testing.T) {
		q := MustQuote(t, ix, "news", "support Ukraine")
		_, err := ix.FixQuote(ctx, "news", curator, q.ID, " ", "Secretary General")
		require.ErrorIs(t, err, retrieval.ErrInvalidMetadata)
	})
	t.Run("ErrUnknownQuote", func(t *testing.T) {
		before := snapshot(t, ix, "news")
		_, err := ix.FixQuote(ctx, "news", curator, 99999, "X", "")
		require.ErrorIs(t, err, retrieval.ErrUnknownQuote)
		other := MustQuote(t, ix, "other", "drones")
		_, err = ix.FixQuote(ctx, "news", curator, other.ID, "X", "")
		require.ErrorIs(t, err, retrieval.ErrUnknownQuote, "a quote of another library")
		assert.Equal(t, before, snapshot(t, ix, "news"))
		_, err = ix.FixQuote(ctx, "nope", curator, other.ID, "X", "")
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_HideQuote(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	MustAdd(t, ix, "news", newsDocs...)
	MustAdd(t, ix, "other", newsDocs[0])
	q := MustQuote(t, ix, "news", "NATO membership")
	question := retrieval.Query{Library: "news", Text: "Will Russia accept NATO membership for Ukraine?"}
	require.Contains(t, searchTexts(t, ix, question), q.Text)

	t.Run("Hide", func(t *testing.T) {
		hidden, err := ix.HideQuote(ctx, "news", curator, q.ID, true)
		require.NoError(t, err)
		assert.Equal(t, q.ID, hidden.ID)
		MustCheckFTS(t, ix)

		assert.NotContains(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news"}), q.Text)
		assert.Empty(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Speaker: "Ryabkov"}))
		assert.Empty(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", SourceID: q.SourceID}))
		speakers, err := ix.Speakers(ctx, "news", "Ryab", 10)
		require.NoError(t, err)
		assert.Empty(t, speakers, "a speaker whose only quote is hidden is not offered")
		assert.Equal(t, []string{q.Text}, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Hidden: true}))
		// Neither the quote nor the sentence holding it is a result.
		for _, text := range searchTexts(t, ix, question) {
			assert.NotContains(t, text, "NATO membership")
		}
		assert.Nil(t, searchTexts(t, ix, retrieval.Query{Library: "news", Text: "Ryabkov circumstances"}))
		// The other sentences of the source still are.
		assert.NotEmpty(t, searchTexts(t, ix, retrieval.Query{Library: "news", Text: "Moscow rejected proposal"}))
		// Another library's copy of the quote is not hidden.
		assert.Contains(t, searchTexts(t, ix, retrieval.Query{Library: "other", Text: question.Text}), q.Text)

		h := MustHistory(t, ix, "news", q.SourceID)
		assert.Equal(t, retrieval.ActionQuoteHide, h[0].Action)
		assert.Equal(t, fmt.Sprintf(`quote %d ("Sergei Ryabkov" (Russia's Deputy Foreign Minister))`, q.ID), h[0].Detail)

		// Hiding it again changes and records nothing.
		_, err = ix.HideQuote(ctx, "news", curator, q.ID, true)
		require.NoError(t, err)
		assert.Len(t, MustHistory(t, ix, "news", q.SourceID), len(h))
	})
	t.Run("Show", func(t *testing.T) {
		_, err := ix.HideQuote(ctx, "news", curator, q.ID, false)
		require.NoError(t, err)
		MustCheckFTS(t, ix)
		assert.Contains(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news"}), q.Text)
		assert.Empty(t, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Hidden: true}))
		assert.Contains(t, searchTexts(t, ix, question), q.Text)
		assert.Equal(t, retrieval.ActionQuoteShow, MustHistory(t, ix, "news", q.SourceID)[0].Action)
	})
	t.Run("ErrUnknownQuote", func(t *testing.T) {
		_, err := ix.HideQuote(ctx, "news", curator, 99999, true)
		require.ErrorIs(t, err, retrieval.ErrUnknownQuote)
		other := MustQuote(t, ix, "other", "NATO membership")
		_, err = ix.HideQuote(ctx, "news", curator, other.ID, true)
		require.ErrorIs(t, err, retrieval.ErrUnknownQuote)
		_, err = ix.HideQuote(ctx, "nope", curator, other.ID, true)
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_RemoveByAuthor(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	msg := func(n int, author, words string) retrieval.Document {
		return retrieval.Document{
			Metadata: retrieval.Metadata{Title: fmt.Sprintf("Message %d", n), AuthorID: author, Origin: fmt.Sprintf("chat:%d", n)},
			Text:     words + "\n",
		}
	}
	res := MustAdd(t, ix, "news", newsDocs[0], msg(1, "u1", "Penguins waddle across the ice."),
		msg(2, "u2", "Walruses bask on the shore."), msg(3, "u1", "Penguins dive for krill."))
	MustAdd(t, ix, "other", msg(4, "u1", "Penguins of another library."))
	otherBefore := snapshot(t, ix, "other")

	t.Run("OK", func(t *testing.T) {
		n, err := ix.RemoveByAuthor(ctx, "news", retrieval.Actor{ID: "u1", Name: "Pat"}, "u1")
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		srcs, err := ix.Sources(ctx, "news")
		require.NoError(t, err)
		var ids []int64
		for _, s := range srcs {
			ids = append(ids, s.ID)
		}
		assert.Equal(t, []int64{res[0].Source.ID, res[2].Source.ID}, ids)
		assert.Nil(t, searchTexts(t, ix, retrieval.Query{Library: "news", Text: "penguins"}))
		assert.Equal(t, otherBefore, snapshot(t, ix, "other"), "another library's sources of the same author stay")
		MustCheckFTS(t, ix)

		h := MustHistory(t, ix, "news", res[1].Source.ID)
		require.Equal(t, retrieval.ActionOptOut, h[0].Action)
		assert.Equal(t, "u1", h[0].Actor.ID)
		assert.NotContains(t, h[0].Detail, "Penguins")
		assert.Equal(t, retrieval.ActionOptOut, MustHistory(t, ix, "news", res[3].Source.ID)[0].Action)

		n, err = ix.RemoveByAuthor(ctx, "news", curator, "u1")
		require.NoError(t, err)
		assert.Zero(t, n)
	})
	t.Run("EmptyAuthor", func(t *testing.T) {
		before := snapshot(t, ix, "news")
		_, err := ix.RemoveByAuthor(ctx, "news", curator, " ")
		require.Error(t, err)
		assert.Equal(t, before, snapshot(t, ix, "news"), "an empty id must not match every source without one")
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		_, err := ix.RemoveByAuthor(ctx, "nope", curator, "u1")
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_History(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	tick := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	ix.Now = func() time.Time { tick = tick.Add(time.Minute); return tick }
	res := MustAdd(t, ix, "news", newsDocs[0], newsDocs[1])
	require.NoError(t, ix.SetSetting(ctx, "news", curator, "greeting", "hello"))
	_, err := ix.RemoveSourceAs(ctx, "news", curator, res[0].Source.ID)
	require.NoError(t, err)

	h := MustHistory(t, ix, "news", 0)
	require.Len(t, h, 4)
	var actions []string
	for i, e := range h {
		actions = append(actions, e.Action)
		if i > 0 {
			assert.Greater(t, h[i-1].ID, e.ID)
			assert.False(t, h[i-1].Time.Before(e.Time))
		}
	}
	assert.Equal(t, []string{retrieval.ActionRemove, retrieval.ActionSetting, retrieval.ActionAdd, retrieval.ActionAdd}, actions)
	assert.Zero(t, h[1].SourceID)
	assert.Equal(t, `greeting: "" → "hello"`, h[1].Detail)

	limited, err := ix.History(ctx, "news", 0, 2)
	require.NoError(t, err)
	assert.Equal(t, h[:2], limited)
	// A removed source's history stays.
	one := MustHistory(t, ix, "news", res[0].Source.ID)
	require.Len(t, one, 2)
	assert.Equal(t, retrieval.ActionRemove, one[0].Action)

	_, err = ix.History(ctx, "nope", 0, 0)
	require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
}

func TestIndex_Settings(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)

	t.Run("OK", func(t *testing.T) {
		v, err := ix.Setting(ctx, "news", "curator_role")
		require.NoError(t, err)
		assert.Empty(t, v, "unset, in a library that does not exist yet")

		require.NoError(t, ix.SetSetting(ctx, "news", curator, "curator_role", "42"))
		require.NoError(t, ix.SetSetting(ctx, "news", curator, "scope:7", "Summits"))
		v, err = ix.Setting(ctx, "news", "curator_role")
		require.NoError(t, err)
		assert.Equal(t, "42", v)
		all, err := ix.Settings(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"curator_role": "42", "scope:7": "Summits"}, all)

		require.NoError(t, ix.SetSetting(ctx, "news", curator, "curator_role", "43"))
		require.NoError(t, ix.SetSetting(ctx, "news", curator, "curator_role", "43"), "same value")
		require.NoError(t, ix.SetSetting(ctx, "news", curator, "scope:7", ""))
		all, err = ix.Settings(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, map[string]string{"curator_role": "43"}, all)

		h := MustHistory(t, ix, "news", 0)
		require.Len(t, h, 4, "the unchanged value is not recorded")
		assert.Equal(t, `scope:7: "Summits" → ""`, h[0].Detail)
		assert.Equal(t, `curator_role: "42" → "43"`, h[1].Detail)
		for _, e := range h {
			assert.Equal(t, retrieval.ActionSetting, e.Action)
		}
	})
	t.Run("Isolation", func(t *testing.T) {
		require.NoError(t, ix.SetSetting(ctx, "other", curator, "curator_role", "99"))
		v, err := ix.Setting(ctx, "news", "curator_role")
		require.NoError(t, err)
		assert.Equal(t, "43", v)
		v, err = ix.Setting(ctx, "other", "curator_role")
		require.NoError(t, err)
		assert.Equal(t, "99", v)
		assert.Len(t, MustHistory(t, ix, "other", 0), 1)
	})
	t.Run("ErrInvalidName", func(t *testing.T) {
		for _, key := range []string{"", " key", "key ", "a\x00b", strings.Repeat("k", retrieval.MaxNameLength+1)} {
			require.ErrorIs(t, ix.SetSetting(ctx, "news", curator, key, "v"), retrieval.ErrInvalidName, "%q", key)
		}
	})
	t.Run("RemoveUnsetInNewLibrary", func(t *testing.T) {
		require.NoError(t, ix.SetSetting(ctx, "fresh", curator, "k", ""))
		libs, err := ix.Libraries(ctx)
		require.NoError(t, err)
		assert.NotContains(t, libs, "fresh", "nothing to do creates nothing")
	})
}

func TestIndex_Collections(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	res := MustAdd(t, ix, "news", newsDocs...)
	MustAdd(t, ix, "other", summit)
	ryabkov, stoltenberg, arctic := res[0].Source.ID, res[1].Source.ID, res[2].Source.ID

	t.Run("Create", func(t *testing.T) {
		require.NoError(t, ix.CreateCollection(ctx, "news", curator, " NATO "))
		require.NoError(t, ix.CreateCollection(ctx, "news", curator, "Arctic"))
		require.ErrorIs(t, ix.CreateCollection(ctx, "news", curator, "nato"), retrieval.ErrCollectionExists)
		for _, name := range []string{"", "  ", "a\nb", strings.Repeat("x", retrieval.MaxNameLength+1)} {
			require.ErrorIs(t, ix.CreateCollection(ctx, "news", curator, name), retrieval.ErrInvalidName, "%q", name)
		}
		// A collection in a library that does not exist yet creates it.
		require.NoError(t, ix.CreateCollection(ctx, "fresh", curator, "NATO"))
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, []retrieval.Collection{{Name: "Arctic"}, {Name: "NATO"}}, cs)
		h := MustHistory(t, ix, "news", 0)
		assert.Equal(t, retrieval.ActionCollection, h[0].Action)
		assert.Equal(t, `created collection "Arctic"`, h[0].Detail)
	})
	t.Run("CollectSources", func(t *testing.T) {
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "nato", false, ryabkov, stoltenberg, ryabkov))
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "NATO", false, ryabkov), "already in")
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "Arctic", false, arctic))
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, []retrieval.Collection{{Name: "Arctic", Sources: []int64{arctic}}, {Name: "NATO", Sources: []int64{ryabkov, stoltenberg}}}, cs)
		// One entry per source that joined.
		h := MustHistory(t, ix, "news", ryabkov)
		require.Equal(t, retrieval.ActionCollection, h[0].Action)
		assert.Equal(t, `added to collection "NATO"`, h[0].Detail)
		assert.Len(t, h, 2, "the add and joining once")
	})
	t.Run("Search", func(t *testing.T) {
		q := retrieval.Query{Library: "news", Text: "Ukraine NATO Arctic Greenland", Collection: "NATO"}
		for _, text := range searchTexts(t, ix, q) {
			assert.NotContains(t, text, "Arctic")
		}
		q.Collection = "arctic"
		found := searchTexts(t, ix, q)
		require.NotEmpty(t, found)
		for _, text := range found {
			assert.NotContains(t, text, "NATO")
		}
		q.Collection = ""
		all := strings.Join(searchTexts(t, ix, q), "|")
		assert.Contains(t, all, "Arctic")
		assert.Contains(t, all, "NATO")
		// Words only outside the collection find nothing in it.
		_, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "Greenland Arctic sale", Collection: "NATO"})
		require.ErrorIs(t, err, retrieval.ErrNoMatch)

		_, err = ix.Search(ctx, retrieval.Query{Library: "news", Text: "Arctic", Collection: "Nope"})
		require.ErrorIs(t, err, retrieval.ErrUnknownCollection)
		_, err = ix.Search(ctx, retrieval.Query{Library: "other", Text: "Arctic", Collection: "NATO"})
		require.ErrorIs(t, err, retrieval.ErrUnknownCollection, "collections belong to one library")
	})
	t.Run("Quotes", func(t *testing.T) {
		texts := quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Collection: "NATO"})
		assert.Len(t, texts, 3)
		assert.Equal(t, []string{"The Arctic is not for sale,"}, quoteTexts(t, ix, retrieval.QuoteFilter{Library: "news", Collection: "Arctic"}))
		assert.Equal(t, []string{"The Arctic is not for sale,"}, quoteTexts(t, ix,
			retrieval.QuoteFilter{Library: "news", Collection: "Arctic", Speaker: "egede"}))
		_, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Collection: "Nope"})
		require.ErrorIs(t, err, retrieval.ErrUnknownCollection)
	})
	t.Run("Remove", func(t *testing.T) {
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "NATO", true, ryabkov))
		require.NoError(t, ix.CollectSources(ctx, "news", curator, "NATO", true, ryabkov), "already out")
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, []int64{stoltenberg}, cs[1].Sources)
		h := MustHistory(t, ix, "news", ryabkov)
		assert.Equal(t, `taken out of collection "NATO"`, h[0].Detail)
		assert.Len(t, h, 3)
	})
	t.Run("AllOrNothing", func(t *testing.T) {
		before := snapshot(t, ix, "news")
		other, err := ix.Sources(ctx, "other")
		require.NoError(t, err)
		err = ix.CollectSources(ctx, "news", curator, "NATO", false, ryabkov, other[0].ID)
		require.ErrorIs(t, err, retrieval.ErrUnknownSource, "a source of another library")
		require.ErrorIs(t, ix.CollectSources(ctx, "news", curator, "NATO", false, arctic, 9999), retrieval.ErrUnknownSource)
		require.ErrorIs(t, ix.CollectSources(ctx, "news", curator, "Nope", false, ryabkov), retrieval.ErrUnknownCollection)
		require.ErrorIs(t, ix.CollectSources(ctx, "nope", curator, "NATO", false, ryabkov), retrieval.ErrUnknownLibrary)
		assert.Equal(t, before, snapshot(t, ix, "news"), "the sources before the bad one were not added, nor recorded")
	})
	t.Run("Delete", func(t *testing.T) {
		require.NoError(t, ix.DeleteCollection(ctx, "news", curator, "arctic"))
		require.ErrorIs(t, ix.DeleteCollection(ctx, "news", curator, "Arctic"), retrieval.ErrUnknownCollection)
		require.ErrorIs(t, ix.DeleteCollection(ctx, "nope", curator, "Arctic"), retrieval.ErrUnknownLibrary)
		cs, err := ix.Collections(ctx, "news")
		require.NoError(t, err)
		assert.Equal(t, []retrieval.Collection{{Name: "NATO", Sources: []int64{stoltenberg}}}, cs)
		_, err = ix.Source(ctx, "news", arctic)
		require.NoError(t, err, "the sources stay")
		assert.Equal(t, `deleted collection "Arctic" (1 sources)`, MustHistory(t, ix, "news", 0)[0].Detail)
		fresh, err := ix.Collections(ctx, "fresh")
		require.NoError(t, err)
		assert.Len(t, fresh, 1, "another library's collection of the same name stays")
		_, err = ix.Collections(ctx, "nope")
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

// TestCuration_AuditFailureRollsBack makes every audit insert fail and
// checks that no change is left without its entry.
func TestCuration_AuditFailureRollsBack(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	res := MustAdd(t, ix, "news", summit, newsDocs[0],
		retrieval.Document{Metadata: retrieval.Metadata{Title: "msg", AuthorID: "u1"}, Text: "Penguins.\n"})
	require.NoError(t, ix.CreateCollection(ctx, "news", curator, "NATO"))
	id := res[0].Source.ID
	doubt := MustQuote(t, ix, "news", "doubt")

	allowAudit := refuseAudit(t, ix.Path)

	before := snapshot(t, ix, "news")
	title := "New title"
	for name, change := range map[string]func() error{
		"AddAs": func() error { _, err := ix.AddAs(ctx, "news", curator, newsDocs[1]); return err },
		"EditSource": func() error {
			_, err := ix.EditSource(ctx, "news", curator, id, retrieval.SourceEdit{Title: &title})
			return err
		},
		"RemoveSourceAs": func() error { _, err := ix.RemoveSourceAs(ctx, "news", curator, id); return err },
		"Refresh": func() error {
			_, err := ix.Refresh(ctx, "news", curator, id, fetchText(summitIntro+summitPledges, nil))
			return err
		},
		"FixQuote":         func() error { _, err := ix.FixQuote(ctx, "news", curator, doubt.ID, "X", ""); return err },
		"HideQuote":        func() error { _, err := ix.HideQuote(ctx, "news", curator, doubt.ID, true); return err },
		"RemoveByAuthor":   func() error { _, err := ix.RemoveByAuthor(ctx, "news", curator, "u1"); return err },
		"SetSetting":       func() error { return ix.SetSetting(ctx, "news", curator, "k", "v") },
		"CreateCollection": func() error { return ix.CreateCollection(ctx, "news", curator, "Arctic") },
		"DeleteCollection": func() error { return ix.DeleteCollection(ctx, "news", curator, "NATO") },
		"CollectSources":   func() error { return ix.CollectSources(ctx, "news", curator, "NATO", false, id) },
	} {
		err := change()
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), "audit refused", name)
		require.Equal(t, before, snapshot(t, ix, "news"), name)
		MustCheckFTS(t, ix)
	}

	allowAudit()
	require.NoError(t, ix.SetSetting(ctx, "news", curator, "k", "v"))
}

// TestCuration_Isolation makes every kind of change in library a and checks
// that library b, holding the same documents, shows no trace of them.
func TestCuration_Isolation(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	docs := append([]retrieval.Document{summit}, newsDocs...)
	docs = append(docs, retrieval.Document{Metadata: retrieval.Metadata{Title: "msg", AuthorID: "u1"}, Text: "Penguins.\n"})
	a := MustAdd(t, ix, "a", docs...)
	MustAdd(t, ix, "b", docs...)
	require.NoError(t, ix.SetSetting(ctx, "b", curator, "curator_role", "7"))
	require.NoError(t, ix.CreateCollection(ctx, "b", curator, "Mine"))
	before := snapshot(t, ix, "b")

	id := a[0].Source.ID
	title := "Edited"
	_, err := ix.EditSource(ctx, "a", curator, id, retrieval.SourceEdit{Title: &title})
	require.NoError(t, err)
	_, err = ix.FixQuote(ctx, "a", curator, MustQuote(t, ix, "a", "doubt").ID, "Someone Else", "")
	require.NoError(t, err)
	_, err = ix.HideQuote(ctx, "a", curator, MustQuote(t, ix, "a", "drones").ID, true)
	require.NoError(t, err)
	_, err = ix.Refresh(ctx, "a", curator, id, fetchText(summitDoubt+summitDrones+summitPledges, nil))
	require.NoError(t, err)
	require.NoError(t, ix.SetSetting(ctx, "a", curator, "curator_role", "8"))
	require.NoError(t, ix.CreateCollection(ctx, "a", curator, "Mine"))
	require.NoError(t, ix.CollectSources(ctx, "a", curator, "Mine", false, id))
	require.NoError(t, ix.CreateCollection(ctx, "a", curator, "Theirs"))
	require.NoError(t, ix.DeleteCollection(ctx, "a", curator, "Theirs"))
	n, err := ix.RemoveByAuthor(ctx, "a", curator, "u1")
	require.NoError(t, err)
	require.Equal(t, 1, n)
	_, err = ix.RemoveSourceAs(ctx, "a", curator, a[1].Source.ID)
	require.NoError(t, err)
	_, err = ix.AddAs(ctx, "a", curator, retrieval.Document{Text: "Only in a.\n"})
	require.NoError(t, err)
	MustCheckFTS(t, ix)

	assert.Equal(t, before, snapshot(t, ix, "b"))
	// And b's collection of the same name restricts b's search to nothing.
	_, err = ix.Search(ctx, retrieval.Query{Library: "b", Text: "doubt alliance", Collection: "Mine"})
	require.ErrorIs(t, err, retrieval.ErrNoMatch)
}

// refuseAudit makes every insert into the audit log of the database at path
// fail, through a trigger of that database's own kind, until the function
// it returns is called.
func refuseAudit(t *testing.T, path string) (allow func()) {
	t.Helper()
	driver, create, drop := "sqlite3",
		`CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit refused'); END`,
		`DROP TRIGGER refuse_audit`
	if retrieval.IsPostgresURL(path) {
		driver, create, drop = "pgx", `
			CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'audit refused'; END $$;
			CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()`,
			`DROP TRIGGER refuse_audit ON audit_log`
	}
	db, err := sql.Open(driver, path)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	_, err = db.Exec(create)
	require.NoError(t, err)
	return func() {
		_, err := db.Exec(drop)
		require.NoError(t, err)
	}
}
