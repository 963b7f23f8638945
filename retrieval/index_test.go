package retrieval_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/internal/pgtest"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// MustOpenIndex opens an index in a fresh database file under t.TempDir()
// and closes it when the test ends. The clock is fixed.
//
// With VERBATIM_TEST_STORE=postgres the index is a fresh PostgreSQL
// database instead (internal/pgtest), so that every test written against
// MustOpenIndex is also a test of the PostgreSQL store.
func MustOpenIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	if pgtest.OnPostgres() {
		return MustOpenIndexAt(tb, pgtest.URL(tb))
	}
	return MustOpenIndexAt(tb, filepath.Join(tb.TempDir(), "verbatim.db"))
}

// MustOpenIndexAt opens the index at path and closes it when the test ends.
func MustOpenIndexAt(tb testing.TB, path string) *retrieval.Index {
	tb.Helper()
	ix := retrieval.NewIndex(path)
	ix.Now = func() time.Time { return time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC) }
	require.NoError(tb, ix.Open())
	tb.Cleanup(func() { require.NoError(tb, ix.Close()) })
	return ix
}

// MustOpenFakeIndex is MustOpenIndex with fakeAnalyze in place of Analyze,
// so that a test knows exactly which quotes each document yields.
func MustOpenFakeIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	ix := MustOpenIndex(tb)
	ix.SetAnalyzeForTest(fakeAnalyze)
	return ix
}

// MustAdd adds docs to library and returns the results.
func MustAdd(tb testing.TB, ix *retrieval.Index, library string, docs ...retrieval.Document) []retrieval.AddResult {
	tb.Helper()
	res, err := ix.Add(context.Background(), library, docs...)
	require.NoError(tb, err)
	require.Len(tb, res, len(docs))
	return res
}

// fakeAnalyze is a predictable stand-in for Analyze: every line is one
// paragraph and one sentence, and a line may hold one straight-quoted quote
// attributed in the form
//
//	"Quote text," said Speaker Name, Speaker Title.
//
// A speaker starting with "the " or written in capitals is an organization,
// anyone else a person; a quote of fewer than four words is a fragment.
func fakeAnalyze(text string) retrieval.Analysis {
	var a retrieval.Analysis
	start := 0
	for _, line := range strings.SplitAfter(text, "\n") {
		s, e := start, start+len(strings.TrimRight(line, "\r\n"))
		start += len(line)
		for s < e && text[s] == ' ' {
			s++
		}
		if s == e {
			continue
		}
		p := retrieval.Paragraph{Index: len(a.Paragraphs) + 1, Span: retrieval.Span{Start: s, End: e}}
		a.Paragraphs = append(a.Paragraphs, p)
		a.Sentences = append(a.Sentences, retrieval.Sentence{Paragraph: p.Index, Span: p.Span})

		body := text[s:e]
		open := strings.IndexByte(body, '"')
		if open < 0 {
			continue
		}
		closing := strings.IndexByte(body[open+1:], '"')
		if closing < 0 {
			continue
		}
		qs, qe := s+open+1, s+open+1+closing
		q := retrieval.Quote{
			Text:      text[qs:qe],
			Span:      retrieval.Span{Start: qs, End: qe},
			Paragraph: p.Index,
			Fragment:  len(strings.Fields(text[qs:qe])) < 4,
		}
		rest := text[qe+1 : e]
		if i := strings.Index(rest, "said "); i >= 0 {
			who := strings.TrimSuffix(rest[i+len("said "):], ".")
			name, title, _ := strings.Cut(who, ", ")
			ms := qe + 1 + i + len("said ")
			q.Speaker, q.SpeakerTitle = name, title
			q.SpeakerMention = &retrieval.Span{Start: ms, End: ms + len(name)}
			q.SpeakerKind = retrieval.KindPerson
			if strings.HasPrefix(name, "the ") || name == strings.ToUpper(name) {
				q.SpeakerKind = retrieval.KindOrganization
			}
			q.Confidence = 0.9
		}
		a.Quotes = append(a.Quotes, q)
	}
	return a
}

func TestFakeAnalyze(t *testing.T) {
	text := "Intro line.\n\"We will never accept this at all,\" said Sergei Ryabkov, Russia's Deputy Foreign Minister.\n"
	a := fakeAnalyze(text)
	require.Len(t, a.Paragraphs, 2)
	require.Len(t, a.Quotes, 1)
	q := a.Quotes[0]
	assert.Equal(t, "We will never accept this at all,", q.Text)
	assert.Equal(t, q.Text, text[q.Start:q.End])
	assert.Equal(t, "Sergei Ryabkov", q.Speaker)
	assert.Equal(t, "Sergei Ryabkov", text[q.SpeakerMention.Start:q.SpeakerMention.End])
	assert.Equal(t, "Russia's Deputy Foreign Minister", q.SpeakerTitle)
	assert.False(t, q.Fragment)
}

// newsDocs is a small library of news-like documents in fakeAnalyze's form.
var newsDocs = []retrieval.Document{
	{
		Metadata: retrieval.Metadata{Title: "Ryabkov on Ukraine", Author: "A. Writer", URL: "https://example.org/ryabkov",
			Published: "2026-01-10", Origin: "news/ryabkov.md"},
		Format: "markdown",
		Text: "Moscow rejected the proposal on Tuesday.\n" +
			"\"Russia will never accept NATO membership for Ukraine under any circumstances,\" said Sergei Ryabkov, Russia's Deputy Foreign Minister.\n" +
			"Talks on strategic stability remain frozen.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Stoltenberg in Brussels", URL: "https://example.org/stoltenberg", Origin: "news/stoltenberg.md"},
		Text: "Allies met in Brussels to discuss air defence.\n" +
			"\"NATO will support Ukraine for as long as it takes,\" said Jens Stoltenberg, NATO Secretary General.\n" +
			"\"Our door remains open to new members,\" said Jens Stoltenberg.\n" +
			"The summit ended with a joint declaration.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Arctic", Origin: "news/arctic.md"},
		Text: "Greenland's government said the Arctic must remain a region of low tension.\n" +
			"\"The Arctic is not for sale,\" said Mute Egede, Prime Minister of Greenland.\n" +
			"Shipping through the Northern Sea Route rose sharply last year.\n",
	},
	{
		Metadata: retrieval.Metadata{Title: "Fragments", Origin: "news/fragments.md"},
		Text: "Critics called the plan a \"strategic blunder\" that weakens deterrence.\n" +
			"Officials insisted deterrence against Russia remains credible across the alliance.\n",
	},
}

func TestIndex_Open(t *testing.T) {
	t.Run("Reopen", func(t *testing.T) {
		// Migrations run again on every Open and must be a no-op the
		// second time; the data stays.
		path := filepath.Join(t.TempDir(), "verbatim.db")
		ix := retrieval.NewIndex(path)
		require.NoError(t, ix.Open())
		MustAdd(t, ix, "news", newsDocs[0])
		require.NoError(t, ix.Close())

		ix2 := MustOpenIndexAt(t, path)
		srcs, err := ix2.Sources(context.Background(), "news")
		require.NoError(t, err)
		require.Len(t, srcs, 1)
		assert.Equal(t, "Ryabkov on Ukraine", srcs[0].Title)

		ix3 := MustOpenIndexAt(t, path) // two open at once, same file
		libs, err := ix3.Libraries(context.Background())
		require.NoError(t, err)
		assert.Equal(t, []string{"news"}, libs)
	})
	t.Run("Memory", func(t *testing.T) {
		ix := MustOpenIndexAt(t, ":memory:")
		MustAdd(t, ix, "news", newsDocs...)
		res, err := ix.Search(context.Background(), retrieval.Query{Library: "news", Text: "Arctic shipping"})
		require.NoError(t, err)
		require.NotEmpty(t, res)
	})
	t.Run("PathWithQuestionMark", func(t *testing.T) {
		ix := MustOpenIndexAt(t, filepath.Join(t.TempDir(), "odd?name#1.db"))
		MustAdd(t, ix, "news", newsDocs[0])
	})
	t.Run("ErrEmptyPath", func(t *testing.T) {
		require.Error(t, retrieval.NewIndex("").Open())
	})
}

func TestIndex_Add(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", newsDocs...)
		for _, r := range res {
			assert.Equal(t, retrieval.StatusAdded, r.Status)
			assert.NotZero(t, r.Source.ID)
			assert.Equal(t, "news", r.Source.Library)
			assert.Empty(t, r.Source.Text)
			assert.Len(t, r.Source.SHA256, 64)
			assert.Equal(t, time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), r.Source.AddedAt)
		}
		assert.Equal(t, "markdown", res[0].Source.Format)
		assert.Equal(t, "text", res[1].Source.Format, "empty format defaults to text")
		assert.Equal(t, "news/ryabkov.md", res[0].Source.Origin)
		assert.Equal(t, "2026-01-10", res[0].Source.Published)

		// Stoltenberg: 4 lines, 2 quotes, 1 distinct speaker.
		assert.Equal(t, 4, res[1].Passages)
		assert.Equal(t, 4, res[1].Sentences)
		assert.Equal(t, 2, res[1].Quotes)
		assert.Equal(t, 1, res[1].Speakers)

		src, err := ix.Source(ctx, "news", res[1].Source.ID)
		require.NoError(t, err)
		assert.Equal(t, newsDocs[1].Text, src.Text)
	})

	t.Run("Unchanged", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		first := MustAdd(t, ix, "news", newsDocs[1])
		doc := newsDocs[1]
		doc.Origin = "elsewhere/copy.md" // same text, other origin: still the same source
		again := MustAdd(t, ix, "news", newsDocs[1], doc)
		for _, r := range again {
			assert.Equal(t, retrieval.StatusUnchanged, r.Status)
			assert.Equal(t, first[0].Source.ID, r.Source.ID)
			assert.Equal(t, 2, r.Quotes)
			assert.Equal(t, 1, r.Speakers)
		}
		srcs, err := ix.Sources(ctx, "news")
		require.NoError(t, err)
		assert.Len(t, srcs, 1)
	})

	t.Run("Replaced", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		first := MustAdd(t, ix, "news", newsDocs[2])
		doc := newsDocs[2]
		doc.Title = "Arctic, corrected"
		doc.Text = "Icebreakers escorted tankers along the Northern Sea Route.\n"
		ix.Now = func() time.Time { return time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC) }
		res := MustAdd(t, ix, "news", doc)
		assert.Equal(t, retrieval.StatusReplaced, res[0].Status)
		assert.Equal(t, first[0].Source.ID, res[0].Source.ID, "a replaced source keeps its id")
		assert.Equal(t, "Arctic, corrected", res[0].Source.Title)
		assert.Equal(t, first[0].Source.AddedAt, res[0].Source.AddedAt)
		assert.True(t, res[0].Source.UpdatedAt.After(res[0].Source.AddedAt))
		assert.Equal(t, 0, res[0].Quotes)

		// The old text is gone from the index, the new one is found.
		_, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "Is the Arctic for sale?"})
		require.ErrorIs(t, err, retrieval.ErrNoMatch)
		found, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "icebreakers tankers"})
		require.NoError(t, err)
		require.Len(t, found, 1)
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news"})
		require.NoError(t, err)
		assert.Empty(t, qs)
		require.NoError(t, ix.CheckFTSForTest(ctx))
		n, err := ix.CountMatchesForTest(ctx, "sale")
		require.NoError(t, err)
		assert.Zero(t, n, "stale tokens of the old text")
	})

	t.Run("ErrEmptyDocument", func(t *testing.T) {
		ix := MustOpenIndex(t)
		_, err := ix.Add(ctx, "news", newsDocs[0], retrieval.Document{Text: " \n\t "})
		require.ErrorIs(t, err, retrieval.ErrEmptyDocument)
		_, err = ix.Sources(ctx, "news")
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary, "nothing written, not even the library")
	})

	t.Run("ErrInvalidUTF8", func(t *testing.T) {
		ix := MustOpenIndex(t)
		_, err := ix.Add(ctx, "news", retrieval.Document{Text: "bad \xff byte"})
		require.ErrorIs(t, err, retrieval.ErrInvalidUTF8)
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		// The third document fails while being written, after the first two
		// were inserted: the whole batch must roll back.
		ix := MustOpenFakeIndex(t)
		MustAdd(t, ix, "news", newsDocs[3])
		ix.SetAnalyzeForTest(func(text string) retrieval.Analysis {
			a := fakeAnalyze(text)
			if strings.HasPrefix(text, "Poison") {
				a.Paragraphs = append(a.Paragraphs, a.Paragraphs[0]) // duplicate index
			}
			return a
		})
		poison := retrieval.Document{Text: "Poison pill paragraph.\n"}
		changed := newsDocs[3]
		changed.Text = "Completely different text about submarines.\n"
		_, err := ix.Add(ctx, "news", newsDocs[0], changed, poison)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "document 3")

		srcs, err := ix.Sources(ctx, "news")
		require.NoError(t, err)
		require.Len(t, srcs, 1)
		assert.Equal(t, "Fragments", srcs[0].Title)
		src, err := ix.Source(ctx, "news", srcs[0].ID)
		require.NoError(t, err)
		assert.Equal(t, newsDocs[3].Text, src.Text, "the replacement rolled back too")
		_, err = ix.Search(ctx, retrieval.Query{Library: "news", Text: "submarines"})
		require.ErrorIs(t, err, retrieval.ErrNoMatch)
		require.NoError(t, ix.CheckFTSForTest(ctx))
	})

	t.Run("BadAnalysis", func(t *testing.T) {
		// A quote outside its text breaks doc.go's invariant: refuse it.
		ix := MustOpenIndex(t)
		ix.SetAnalyzeForTest(func(text string) retrieval.Analysis {
			return retrieval.Analysis{Quotes: []retrieval.Quote{{Text: "x", Span: retrieval.Span{Start: 0, End: len(text) + 1}}}}
		})
		_, err := ix.Add(ctx, "news", retrieval.Document{Text: "short"})
		require.Error(t, err)
	})

	t.Run("Canceled", func(t *testing.T) {
		ix := MustOpenIndex(t)
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		_, err := ix.Add(cctx, "news", newsDocs...)
		require.ErrorIs(t, err, context.Canceled)
	})
}

func TestIndex_RemoveSource(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", newsDocs...)
		id := res[1].Source.ID
		require.NoError(t, ix.RemoveSource(ctx, "news", id))

		for _, table := range []string{"sources", "paragraphs", "sentences", "quotes", "units"} {
			n, err := ix.CountForTest(ctx, table, id)
			require.NoError(t, err)
			assert.Zero(t, n, table)
		}
		require.NoError(t, ix.CheckFTSForTest(ctx))
		n, err := ix.CountMatchesForTest(ctx, "stoltenberg")
		require.NoError(t, err)
		assert.Zero(t, n, "stale tokens of the removed source")

		_, err = ix.Source(ctx, "news", id)
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Speaker: "Stoltenberg"})
		require.NoError(t, err)
		assert.Empty(t, qs)
		srcs, err := ix.Sources(ctx, "news")
		require.NoError(t, err)
		assert.Len(t, srcs, len(newsDocs)-1)
	})
	t.Run("ErrUnknownSource", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		res := MustAdd(t, ix, "news", newsDocs[0])
		MustAdd(t, ix, "other", newsDocs[1])
		require.ErrorIs(t, ix.RemoveSource(ctx, "news", 9999), retrieval.ErrUnknownSource)
		// A source of another library is unknown here.
		require.ErrorIs(t, ix.RemoveSource(ctx, "other", res[0].Source.ID), retrieval.ErrUnknownSource)
		_, err := ix.Source(ctx, "other", res[0].Source.ID)
		require.ErrorIs(t, err, retrieval.ErrUnknownSource)
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		ix := MustOpenIndex(t)
		require.ErrorIs(t, ix.RemoveSource(ctx, "nope", 1), retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_Quotes(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	res := MustAdd(t, ix, "news", newsDocs...)
	MustAdd(t, ix, "names", retrieval.Document{Text: "" +
		"\"Percent signs are literal here,\" said Ann 100% Sure.\n" +
		"\"Underscores are literal too,\" said Bob_Smith.\n" +
		"\"Umlauts fold their case as well,\" said Özil Über.\n"})

	t.Run("All", func(t *testing.T) {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news"})
		require.NoError(t, err)
		require.Len(t, qs, 5)
		for i := 1; i < len(qs); i++ {
			a, b := qs[i-1], qs[i]
			assert.True(t, a.SourceID < b.SourceID || (a.SourceID == b.SourceID && a.Start < b.Start), "order")
		}
		for _, q := range qs {
			src, err := ix.Source(ctx, "news", q.SourceID)
			require.NoError(t, err)
			assert.Equal(t, src.Text[q.Start:q.End], q.Text)
			if q.SpeakerMention != nil {
				assert.Equal(t, q.Speaker, src.Text[q.SpeakerMention.Start:q.SpeakerMention.End])
			}
		}
		assert.Equal(t, "strategic blunder", qs[4].Text)
		assert.True(t, qs[4].Fragment)
		assert.Empty(t, qs[4].Speaker)
		assert.Nil(t, qs[4].SpeakerMention)
	})
	t.Run("Speaker", func(t *testing.T) {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Speaker: "stOLTENberg"})
		require.NoError(t, err)
		require.Len(t, qs, 2)
		for _, q := range qs {
			assert.Equal(t, "Jens Stoltenberg", q.Speaker)
		}
	})
	t.Run("SourceID", func(t *testing.T) {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", SourceID: res[0].Source.ID})
		require.NoError(t, err)
		require.Len(t, qs, 1)
		assert.Equal(t, "Sergei Ryabkov", qs[0].Speaker)
		assert.Equal(t, "Russia's Deputy Foreign Minister", qs[0].SpeakerTitle)
		assert.Equal(t, retrieval.KindPerson, qs[0].SpeakerKind)
		assert.InDelta(t, 0.9, qs[0].Confidence, 1e-9)
	})
	t.Run("Wildcards", func(t *testing.T) {
		for filter, want := range map[string]int{"%": 1, "_": 1, "100% s": 1, "b_s": 1, "\\": 0, "%%": 0, "a%e": 0} {
			qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "names", Speaker: filter})
			require.NoError(t, err)
			assert.Len(t, qs, want, "filter %q", filter)
		}
	})
	t.Run("NonASCII", func(t *testing.T) {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "names", Speaker: "öZIL ü"})
		require.NoError(t, err)
		require.Len(t, qs, 1)
		assert.Equal(t, "Özil Über", qs[0].Speaker)
	})
	t.Run("OtherLibrary", func(t *testing.T) {
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "names", SourceID: res[0].Source.ID})
		require.NoError(t, err)
		assert.Empty(t, qs)
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		_, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "nope"})
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})
}

func TestIndex_Sources(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenIndex(t)
	libs, err := ix.Libraries(ctx)
	require.NoError(t, err)
	assert.Empty(t, libs)

	MustAdd(t, ix, "zeta", newsDocs[0])
	MustAdd(t, ix, "alpha", newsDocs[1], newsDocs[2])
	libs, err = ix.Libraries(ctx)
	require.NoError(t, err)
	assert.Equal(t, []string{"alpha", "zeta"}, libs)

	srcs, err := ix.Sources(ctx, "alpha")
	require.NoError(t, err)
	require.Len(t, srcs, 2)
	assert.Equal(t, "Stoltenberg in Brussels", srcs[0].Title)
	assert.Equal(t, "Arctic", srcs[1].Title)
	for _, s := range srcs {
		assert.Empty(t, s.Text)
		assert.Equal(t, "alpha", s.Library)
	}

	_, err = ix.Sources(ctx, "nope")
	require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	_, err = ix.Source(ctx, "nope", srcs[0].ID)
	require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
}

func TestIndex_Concurrent(t *testing.T) {
	// Readers search while a writer adds and removes sources: WAL lets them
	// run side by side, busy_timeout and immediate transactions make
	// writers wait for each other instead of failing.
	ctx := context.Background()
	ix := MustOpenFakeIndex(t)
	MustAdd(t, ix, "news", newsDocs...)

	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for w := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				doc := retrieval.Document{
					Metadata: retrieval.Metadata{Origin: fmt.Sprintf("w%d/%d", w, i)},
					Text:     fmt.Sprintf("Writer %d added note %d about Arctic shipping.\n", w, i),
				}
				res, err := ix.Add(ctx, "news", doc)
				if err != nil {
					errs <- err
					return
				}
				if i%2 == 0 {
					if err := ix.RemoveSource(ctx, "news", res[0].Source.ID); err != nil {
						errs <- err
						return
					}
				}
			}
		}()
	}
	for range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 20 {
				_, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "Arctic shipping"})
				if err != nil && !errors.Is(err, retrieval.ErrNoMatch) {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	srcs, err := ix.Sources(ctx, "news")
	require.NoError(t, err)
	assert.Len(t, srcs, len(newsDocs)+10)
	require.NoError(t, ix.CheckFTSForTest(ctx))
}

// TestIndex_Open_Upgrade opens, with this code, a database written before
// curation existed (only migration 0001 applied, rows as Add wrote them
// then) and checks that 0002 upgrades it in place.
func TestIndex_Open_Upgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1&_journal_mode=WAL")
	require.NoError(t, err)
	schema, err := os.ReadFile("migrations/0001_init.sql")
	require.NoError(t, err)
	const (
		said = "\"We will never accept this at all,\" said Sergei Ryabkov."
		text = "Moscow answered on Tuesday.\n" + said + "\n"
		qs   = len("Moscow answered on Tuesday.\n") + 1 // the quote's start
		qe   = qs + len("We will never accept this at all,")
	)
	for _, stmt := range []string{
		`CREATE TABLE migrations (name TEXT PRIMARY KEY)`,
		string(schema),
		`INSERT INTO migrations (name) VALUES ('migrations/0001_init.sql')`,
		`INSERT INTO libraries (id, name, created_at) VALUES (1, 'news', '2025-12-01T10:00:00Z')`,
		`INSERT INTO sources (id, library_id, title, origin, format, text, sha256, added_at, updated_at) VALUES
			(1, 1, 'From a file', 'news/a.txt', 'text', '` + text + `', 'aaa', '2025-12-01T10:00:00Z', '2025-12-01T10:00:00Z'),
			(2, 1, 'From a link', 'https://example.org/b', 'html', 'Penguins waddle.', 'bbb', '2025-12-01T10:00:00Z', '2025-12-02T10:00:00Z')`,
		`INSERT INTO paragraphs (source_id, idx, span_start, span_end) VALUES (1, 1, 0, 27), (1, 2, 28, ` +
			fmt.Sprint(len(text)-1) + `), (2, 1, 0, 16)`,
		`INSERT INTO sentences (id, source_id, paragraph, span_start, span_end) VALUES (1, 1, 1, 0, 27), (2, 1, 2, 28, ` +
			fmt.Sprint(len(text)-1) + `), (3, 2, 1, 0, 16)`,
		fmt.Sprintf(`INSERT INTO quotes (id, source_id, text, span_start, span_end, paragraph, speaker, speaker_kind, confidence)
			VALUES (1, 1, 'We will never accept this at all,', %d, %d, 2, 'Sergei Ryabkov', 'person', 0.9)`, qs, qe),
		fmt.Sprintf(`INSERT INTO units (kind, library_id, source_id, quote_id, sentence_id, span_start, span_end, paragraph, text, speaker)
			VALUES ('passage', 1, 1, NULL, 1, 0, 27, 1, 'Moscow answered on Tuesday.', ''),
			('passage', 1, 1, NULL, 2, 28, %d, 2, '%s', ''),
			('passage', 1, 2, NULL, 3, 0, 16, 1, 'Penguins waddle.', ''),
			('quote', 1, 1, 1, NULL, %d, %d, 2, 'We will never accept this at all,', 'Sergei Ryabkov')`,
			len(text)-1, strings.ReplaceAll(said, "'", "''"), qs, qe),
	} {
		_, err := db.Exec(stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, db.Close())

	ix := MustOpenIndexAt(t, path)
	require.NoError(t, ix.CheckFTSForTest(ctx))
	srcs, err := ix.Sources(ctx, "news")
	require.NoError(t, err)
	require.Len(t, srcs, 2)
	assert.Empty(t, srcs[0].AuthorID)
	assert.True(t, srcs[0].FetchedAt.IsZero(), "a file was never fetched")
	assert.Equal(t, time.Date(2025, 12, 2, 10, 0, 0, 0, time.UTC), srcs[1].FetchedAt, "a link was fetched when last written")
	h, err := ix.History(ctx, "news", 0, 0)
	require.NoError(t, err)
	assert.Empty(t, h)

	// The old rows work with the new code.
	res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "never accept"})
	require.NoError(t, err)
	require.Equal(t, "We will never accept this at all,", res[0].Text)
	_, err = ix.FixQuote(ctx, "news", retrieval.LocalActor, 1, "Maria Zakharova", "")
	require.NoError(t, err)
	_, err = ix.HideQuote(ctx, "news", retrieval.LocalActor, 1, true)
	require.NoError(t, err)
	_, err = ix.Search(ctx, retrieval.Query{Library: "news", Text: "never accept"})
	require.ErrorIs(t, err, retrieval.ErrNoMatch)
	require.NoError(t, ix.CreateCollection(ctx, "news", retrieval.LocalActor, "Old"))
	require.NoError(t, ix.CollectSources(ctx, "news", retrieval.LocalActor, "Old", false, 1, 2))
	_, err = ix.RemoveSourceAs(ctx, "news", retrieval.LocalActor, 2)
	require.NoError(t, err)
	require.NoError(t, ix.CheckFTSForTest(ctx))
	require.NoError(t, ix.Close())

	// Opening again applies nothing more and keeps the changes.
	ix2 := MustOpenIndexAt(t, path)
	q, err := ix2.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Hidden: true})
	require.NoError(t, err)
	require.Len(t, q, 1)
	assert.Equal(t, "Maria Zakharova", q[0].Speaker)
	require.NoError(t, ix2.CheckFTSForTest(ctx))
}
