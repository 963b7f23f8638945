package retrieval_test

import (
	"bytes"
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/yuin/goldmark"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestIndex_RecordCited(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		ix := MustStudyIndex(t)
		res, err := ix.Search(ctx, retrieval.Query{Library: "study", Text: "drone border", Limit: 4})
		require.NoError(t, err)
		require.Len(t, res, 4)
		require.NoError(t, ix.RecordCited(ctx, "study", "thread-1", res[0], res[1]))
		// Cited again, and new ones: each result once, in first-cited order.
		require.NoError(t, ix.RecordCited(ctx, "study", "thread-1", res[3], res[1], res[0], res[2]))
		got, err := ix.Cited(ctx, "study", "thread-1")
		require.NoError(t, err)
		require.Len(t, got, 4)
		for i, want := range []retrieval.Result{res[0], res[1], res[3], res[2]} {
			assert.Equal(t, want.Source.ID, got[i].Source.ID)
			assert.Equal(t, want.Start, got[i].Start)
			assert.Equal(t, want.Text, got[i].Text)
			assert.Equal(t, want.Speaker, got[i].Speaker)
			assert.Equal(t, want.Kind, got[i].Kind)
			assert.Equal(t, want.QuoteID, got[i].QuoteID)
			assert.Equal(t, want.Source.Title, got[i].Source.Title)
			MustExact(t, ix, "study", got[i])
		}
		other, err := ix.Cited(ctx, "study", "thread-2")
		require.NoError(t, err)
		assert.Empty(t, other, "another thread")
	})

	t.Run("Isolation", func(t *testing.T) {
		ix := MustStudyIndex(t)
		res, err := ix.Search(ctx, retrieval.Query{Library: "study", Text: "drone border", Limit: 2})
		require.NoError(t, err)
		require.NoError(t, ix.RecordCited(ctx, "study", "t", res...))
		got, err := ix.Cited(ctx, "other", "t")
		require.NoError(t, err)
		assert.Empty(t, got, "the same thread key in another library")
		// A result of one library cannot be recorded in another.
		err = ix.RecordCited(ctx, "other", "t", res[0])
		assert.ErrorIs(t, err, retrieval.ErrUnknownSource)
		_, err = ix.Cited(ctx, "nope", "t")
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})

	t.Run("AllOrNone", func(t *testing.T) {
		ix := MustStudyIndex(t)
		res, err := ix.Search(ctx, retrieval.Query{Library: "study", Text: "drone border", Limit: 2})
		require.NoError(t, err)
		bad := res[1]
		bad.End = bad.Start + 1_000_000 // past the end of its source
		assert.Error(t, ix.RecordCited(ctx, "study", "t", res[0], bad))
		got, err := ix.Cited(ctx, "study", "t")
		require.NoError(t, err)
		assert.Empty(t, got, "the good result was not recorded either")
		assert.Error(t, ix.RecordCited(ctx, "study", " ", res[0]), "empty thread key")
	})

	t.Run("TextFromSource", func(t *testing.T) {
		// What is recorded is the source's text, not what the caller says.
		ix := MustStudyIndex(t)
		res, err := ix.Search(ctx, retrieval.Query{Library: "study", Text: "drone border", Limit: 1})
		require.NoError(t, err)
		forged := res[0]
		forged.Text = "words nobody said"
		require.NoError(t, ix.RecordCited(ctx, "study", "t", forged))
		got, err := ix.Cited(ctx, "study", "t")
		require.NoError(t, err)
		require.Len(t, got, 1)
		assert.Equal(t, res[0].Text, got[0].Text)
	})

	t.Run("SourceChanges", func(t *testing.T) {
		ix := MustStudyIndex(t)
		srcs, err := ix.Sources(ctx, "study")
		require.NoError(t, err)
		q1 := MustQuote(t, ix, "study", "shoot down every drone")
		q2 := MustQuote(t, ix, "study", "Every drone over the border")
		q3 := MustQuote(t, ix, "study", "Drone incidents near the border")
		var rs []retrieval.Result
		for _, q := range []retrieval.Quote{q1, q2, q3} {
			rs = append(rs, retrieval.Result{Kind: retrieval.ResultQuote, Source: retrieval.SourceRef{ID: q.SourceID},
				Start: q.Start, End: q.End, Text: q.Text, Speaker: q.Speaker, QuoteID: q.ID})
		}
		require.NoError(t, ix.RecordCited(ctx, "study", "t", rs...))

		// A curator fixes q2's speaker: the packet shows the fix.
		_, err = ix.FixQuote(ctx, "study", curator, q2.ID, "Olaf Scholz", "Chancellor")
		require.NoError(t, err)
		// A curator hides q3: it is left out.
		_, err = ix.HideQuote(ctx, "study", curator, q3.ID, true)
		require.NoError(t, err)
		got, err := ix.Cited(ctx, "study", "t")
		require.NoError(t, err)
		require.Len(t, got, 2)
		assert.Equal(t, "Olaf Scholz", got[1].Speaker)
		assert.Equal(t, "Chancellor", got[1].SpeakerTitle)

		// q1's source gains a first line: its span now holds other words.
		changed := studyDocs[0]
		changed.Text = "Updated: the meeting ran late.\n" + changed.Text
		MustAdd(t, ix, "study", changed)
		got, err = ix.Cited(ctx, "study", "t")
		require.NoError(t, err)
		require.Len(t, got, 1, "a span that no longer holds the cited words is left out")
		assert.Equal(t, q2.Text, got[0].Text)

		// q2's source is removed.
		_, err = ix.RemoveSourceAs(ctx, "study", curator, srcs[1].ID)
		require.NoError(t, err)
		got, err = ix.Cited(ctx, "study", "t")
		require.NoError(t, err)
		assert.Empty(t, got)
		require.NoError(t, ix.Check(ctx))
	})
}

// renderedQuotes renders Markdown with goldmark (CommonMark) and returns
// the text of each block quote as a reader sees it: tags removed, line
// breaks as "\n", character references decoded.
func renderedQuotes(t *testing.T, md []byte) []string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, goldmark.Convert(md, &buf))
	var out []string
	quote := regexp.MustCompile(`(?s)<blockquote>\n(.*?)</blockquote>`)
	br := regexp.MustCompile(`<br />\n?`)
	para := regexp.MustCompile(`</p>\n<p>`)
	tag := regexp.MustCompile(`<[^>]+>`)
	for _, m := range quote.FindAllSubmatch(buf.Bytes(), -1) {
		s := string(m[1])
		s = para.ReplaceAllString(s, "\n\n")
		s = br.ReplaceAllString(s, "\n")
		s = tag.ReplaceAllString(s, "")
		s = strings.TrimSuffix(s, "\n")
		out = append(out, html.UnescapeString(s))
	}
	return out
}

func TestExportMarkdown(t *testing.T) {
	src := retrieval.SourceRef{ID: 7, Title: "Moscow answers", Author: "Jane Smith",
		URL: "https://example.org/moscow", Published: "2025-12-14"}
	other := retrieval.SourceRef{ID: 8, Title: "Harvest", URL: "https://example.org/harvest"}
	hostile := []string{
		"We will never accept this at all,",
		"*not bold* _nor italic_ `nor code` [nor](a link) <b>nor html</b> &amp; ~~nor struck~~ | pipe \\ slash $x$",
		"# not a heading",
		"- not a list\n+ nor this\n1. nor this\n2) nor this",
		"> not a quote\n=====\n---",
		"    not code, four spaces\nsecond line  ",
		"First paragraph.\n\nSecond paragraph.",
		"```\nnot a fence\n```",
	}
	var rs []retrieval.Result
	for i, text := range hostile {
		s := src
		if i == 1 {
			s = other
		}
		rs = append(rs, retrieval.Result{Kind: retrieval.ResultQuote, Text: text, Speaker: "Sergei Ryabkov",
			SpeakerTitle: "Deputy Foreign Minister", Source: s})
	}
	rs[2].Speaker, rs[2].SpeakerTitle = "", ""
	rs[3].Speaker, rs[3].SpeakerTitle = "Team *A* #", "" // a trailing # would close the heading

	for _, style := range retrieval.CiteStyles {
		t.Run(string(style), func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, retrieval.ExportMarkdown(&buf, "Week 3: *NATO* & Russia", rs, style))
			md := buf.Bytes()
			assert.Equal(t, hostile, renderedQuotes(t, md), "every quotation reads exactly as its source:\n%s", md)

			var rendered bytes.Buffer
			require.NoError(t, goldmark.Convert(md, &rendered))
			h := rendered.String()
			assert.Contains(t, h, "<h1>Week 3: *NATO* &amp; Russia</h1>", "the title is text, not markup")
			assert.Equal(t, len(rs)+1, strings.Count(h, "<h2>"), "a heading per quote, and Sources")
			assert.Contains(t, h, "<h2>1. Sergei Ryabkov, Deputy Foreign Minister</h2>")
			assert.Contains(t, h, "<h2>3. Unattributed</h2>")
			assert.Contains(t, h, "<h2>4. Team *A* #</h2>")
			assert.NotContains(t, h, "<strong>")
			assert.NotContains(t, h, "<code>")
			assert.NotContains(t, h, "<b>")

			// Each source once in the list, in the style's form.
			text := string(md)
			_, sources, ok := strings.Cut(text, "## Sources\n")
			require.True(t, ok)
			lines := strings.Split(strings.TrimSpace(sources), "\n")
			require.Len(t, lines, 2)
			entry := retrieval.Bibliography(style, retrieval.CiteInfo{Author: src.Author, Title: src.Title,
				URL: src.URL, Published: src.Published})
			plain := tagsOut(t, "<p>"+lines[0][2:]+"</p>")
			assert.Equal(t, entry, plain, "the rendered entry is the plain one")
		})
	}
	t.Run("Empty", func(t *testing.T) {
		var buf bytes.Buffer
		require.NoError(t, retrieval.ExportMarkdown(&buf, "", nil, retrieval.CiteAPA))
		assert.True(t, strings.HasPrefix(buf.String(), "# Study packet\n"))
		assert.NotContains(t, buf.String(), "## Sources")
	})
}

// tagsOut renders one Markdown line and returns its text.
func tagsOut(t *testing.T, line string) string {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, goldmark.Convert([]byte(strings.TrimSuffix(strings.TrimPrefix(line, "<p>"), "</p>")), &buf))
	s := regexp.MustCompile(`<[^>]+>`).ReplaceAllString(buf.String(), "")
	return strings.TrimSpace(html.UnescapeString(s))
}
