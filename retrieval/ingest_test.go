package retrieval_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// MustReadFixture returns the bytes of testdata/ingest/name.
func MustReadFixture(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "ingest", name))
	require.NoError(tb, err)
	return b
}

func TestParseDocument(t *testing.T) {
	for _, tt := range []struct {
		name    string // test name
		file    string // fixture, or the name given with data
		data    string // used when there is no fixture of that name
		meta    retrieval.Metadata
		want    retrieval.Document
		without []string // text that must not survive extraction
	}{
		{
			name: "FrontMatterText",
			file: "frontmatter.txt",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{
					Title:     "The Harbour Speech",
					Author:    "Ada Lovelace",
					URL:       "https://example.org/harbour",
					Published: "2024-03-05", // from 2024-03-05T18:30:00+01:00, in its own zone
					Origin:    "frontmatter.txt",
				},
				Format: "text",
				Text:   "“We will build the harbour,” she said.\nThe crowd cheered.",
			},
			without: []string{"note", "---"},
		},
		{
			name: "BOMAndCRLF",
			file: "bom_crlf.txt",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "bom_crlf", Origin: "bom_crlf.txt"},
				Format:   "text",
				Text:     "First line of a note, not a title.\nSecond line.\n\nThird line after a CR.",
			},
			without: []string{"\ufeff", "\r"},
		},
		{
			name: "HeadlineTitle",
			file: "headline.txt",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "US duo in first spam conviction", Origin: "headline.txt"},
				Format:   "text",
				Text: "US duo in first spam conviction\n\n" +
					"A brother and sister in the US have been convicted of sending hundreds of thousands of unsolicited e-mail messages.\n\n" +
					`"He's been successful ripping people off all these years," AP quoted prosecutor Russell McGuire as saying.`,
			},
		},
		{
			name: "SentenceIsNoTitle",
			file: "plain.txt",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "plain", Origin: "plain.txt"},
				Format:   "text",
				Text:     "This file starts with a sentence, so its first line is no title.\nIt goes on for a second line.",
			},
		},
		{
			name: "QuestionHeadlineTitle",
			file: "337.txt",
			data: "Can Yahoo dominate next decade?\n\nYahoo has been one of the giants.\n",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "Can Yahoo dominate next decade?", Origin: "337.txt"},
				Format:   "text",
				Text:     "Can Yahoo dominate next decade?\n\nYahoo has been one of the giants.",
			},
		},
		{
			name: "SingleLineIsNoTitle",
			file: "quote.text",
			data: "Short line without a period\n",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "quote", Origin: "quote.text"},
				Format:   "text",
				Text:     "Short line without a period",
			},
		},
		{
			name: "UnclosedFrontMatterIsText",
			file: "rule.txt",
			data: "---\ntitle: not a header after all\n\nThe text goes on.",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "rule", Origin: "rule.txt"},
				Format:   "text",
				Text:     "---\ntitle: not a header after all\n\nThe text goes on.",
			},
		},
		{
			name: "LeadingRuleIsText",
			file: "rule.txt",
			data: "---\nJust prose here\n---\nMore prose.",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "rule", Origin: "rule.txt"},
				Format:   "text",
				Text:     "---\nJust prose here\n---\nMore prose.",
			},
		},
		{
			name: "UpperCaseExtension",
			file: "NOTES.TXT",
			data: "Hello there.",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "NOTES", Origin: "NOTES.TXT"},
				Format:   "text",
				Text:     "Hello there.",
			},
		},
		{
			name: "Markdown",
			file: "article.md",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "The Harbour Speech", Origin: "article.md"},
				Format:   "markdown",
				Text: "The Harbour Speech\n\n" +
					"Mayor Jane Doe spoke on Tuesday. She said: “We will build the new harbour by 2030.”\n\n" +
					"What she promised\n\n" +
					"A new pier\nJobs for 1,000 people\nnested detail\n\n" +
					"First step\nSecond step\n\n" +
					"“Nothing is impossible,” said Doe.\n\n" +
					"A quoted second paragraph.\n\n" +
					"fmt.Println(\"code stays\")\n\n" +
					"Escaped *stars* & entities © and an image: Hard break here\nnext line, and a raw inline tag.\n\n" +
					"Name | Role\nDoe | Mayor\n\n" +
					"Visit https://example.org/more.",
			},
			without: []string{"Buy our newsletter", "**", "](", "```", "alt text", "<span>"},
		},
		{
			name: "MarkdownFrontMatter",
			file: "frontmatter.md",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{Title: "Front Matter Wins", Published: "2024-03-05", Origin: "frontmatter.md"},
				Format:   "markdown",
				Text:     "Heading Title\n\nBody text.",
			},
		},
		{
			name: "HTML",
			file: "article.html",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{
					Title:     "Mayor promises a new harbour",
					Author:    "Sam Reporter",
					URL:       "https://example.org/news/harbour",
					Published: "2024-03-05",
					Origin:    "article.html",
				},
				Format: "html",
				Text: "Mayor Jane Doe told a crowd of several hundred people on Tuesday that the city would build a new harbour before the end of the decade, in a speech that lasted almost an hour.\n\n" +
					"“We will build the harbour, and we will build it on time,” Doe said, to loud applause from the dock workers who had gathered at the waterfront since dawn.\n\n" +
					"The council has set aside money for the first phase of the work, which will begin next spring with the dredging of the old channel and the repair of the sea wall.\n\n" +
					"“Nothing is impossible when a city works together,” she added.\n\n" +
					"Critics said the plan was too expensive.\nOthers said it was long overdue.",
			},
			without: []string{"NAV", "SCRIPT", "ASIDE", "FOOTER", "color: red", "The Example Times"},
		},
		{
			name: "HTMLMetaFallbacks",
			file: "meta.html",
			want: retrieval.Document{
				Metadata: retrieval.Metadata{
					Title:     "Council vote on the bridge", // <title>, whitespace collapsed
					Author:    "Kim Writer",                 // article:author is a URL, so dc.creator
					URL:       "https://example.org/bridge", // canonical link
					Published: "2024-03-07",                 // from "March 7, 2024"
					Origin:    "meta.html",
				},
				Format: "html",
				Text:   "The council voted to repair the bridge.",
			},
		},
		{
			name: "ExplicitMetaWins",
			file: "frontmatter.txt",
			meta: retrieval.Metadata{
				Title:     "Given title",
				Author:    "Given Author",
				URL:       "https://example.com/given",
				Published: "2020-01-02T23:00:00-05:00",
				Origin:    "upload://harbour",
			},
			want: retrieval.Document{
				Metadata: retrieval.Metadata{
					Title:     "Given title",
					Author:    "Given Author",
					URL:       "https://example.com/given",
					Published: "2020-01-02",
					Origin:    "upload://harbour",
				},
				Format: "text",
				Text:   "“We will build the harbour,” she said.\nThe crowd cheered.",
			},
		},
		{
			name: "ExplicitMetaFillsGaps",
			file: "article.html",
			meta: retrieval.Metadata{Author: "Desk Editor", Published: "  "},
			want: retrieval.Document{
				Metadata: retrieval.Metadata{
					Title:     "Mayor promises a new harbour",
					Author:    "Desk Editor",
					URL:       "https://example.org/news/harbour",
					Published: "2024-03-05",
					Origin:    "article.html",
				},
				Format: "html",
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.data == "" {
				data = MustReadFixture(t, tt.file)
			}
			doc, err := retrieval.ParseDocument(tt.file, data, tt.meta)
			require.NoError(t, err)
			want := tt.want
			if want.Text == "" {
				want.Text = doc.Text // this case checks metadata only
			}
			assert.Equal(t, want, doc)
			for _, s := range tt.without {
				assert.NotContains(t, doc.Text, s)
			}
			assert.Equal(t, strings.TrimSpace(doc.Text), doc.Text)
		})
	}
}

func TestParseDocument_Dates(t *testing.T) {
	for in, want := range map[string]string{
		"2024-03-05":                     "2024-03-05",
		"2024-03-05T23:30:00Z":           "2024-03-05",
		"2024-03-05T23:30:00.123+09:00":  "2024-03-05",
		"2024-03-05T01:30:00-08:00":      "2024-03-05",
		"2024-03-05T01:30:00+0000":       "2024-03-05",
		"2024-03-05 14:00":               "2024-03-05",
		"2024/03/05":                     "2024-03-05",
		"Tue, 05 Mar 2024 10:00:00 GMT":  "2024-03-05",
		"Tue, 5 Mar 2024 10:00:00 +0100": "2024-03-05",
		"March 5, 2024":                  "2024-03-05",
		"mar 5, 2024":                    "2024-03-05",
		"5 March 2024":                   "2024-03-05",
		" 2024-03-05 ":                   "2024-03-05",
	} {
		t.Run(in, func(t *testing.T) {
			doc, err := retrieval.ParseDocument("a.txt", []byte("Text."), retrieval.Metadata{Published: in})
			require.NoError(t, err)
			assert.Equal(t, want, doc.Published)
		})
	}
}

func TestParseDocument_Errors(t *testing.T) {
	for _, tt := range []struct {
		name     string
		file     string // fixture, or the name given with data
		data     string
		meta     retrieval.Metadata
		sentinel error // nil: an *IngestError with no sentinel
		line     int
		message  []string // phrases the message must hold
	}{
		{name: "ErrUnsupportedFormat", file: "notes.pdf", data: "%PDF", sentinel: retrieval.ErrUnsupportedFormat,
			message: []string{`".pdf"`, ".txt", ".md", ".html"}},
		{name: "ErrUnsupportedFormatNoExtension", file: "README", data: "Text.", sentinel: retrieval.ErrUnsupportedFormat,
			message: []string{"no extension", ".markdown"}},
		{name: "ErrBinaryNUL", file: "binary.txt", sentinel: retrieval.ErrBinary,
			message: []string{"NUL byte", "export it as plain text"}},
		{name: "ErrBinaryControl", file: "control.txt", data: "ab\x01\x02\x03\x04cd\x05\x06\x07\x08", sentinel: retrieval.ErrBinary,
			message: []string{"control characters", "export"}},
		{name: "ErrInvalidUTF8", file: "latin1.txt", sentinel: retrieval.ErrInvalidUTF8, line: 3,
			message: []string{"offset 37", "line 3", "convert the file to UTF-8"}},
		{name: "ErrInvalidUTF8UTF16", file: "utf16.txt", sentinel: retrieval.ErrInvalidUTF8,
			message: []string{"UTF-16", "UTF-8"}},
		{name: "ErrEmptyDocumentMarkdown", file: "empty.md", sentinel: retrieval.ErrEmptyDocument,
			message: []string{"no text"}},
		{name: "ErrEmptyDocumentHTML", file: "nav_only.html", sentinel: retrieval.ErrEmptyDocument},
		{name: "ErrEmptyDocumentBlank", file: "blank.txt", data: "\ufeff \r\n\t\n", sentinel: retrieval.ErrEmptyDocument},
		{name: "ErrEmptyDocumentOnlyFrontMatter", file: "fm.txt", data: "---\ntitle: T\n---\n", sentinel: retrieval.ErrEmptyDocument},
		{name: "ErrInvalidMetadataFrontMatterDate", file: "bad_date.md", sentinel: retrieval.ErrInvalidMetadata, line: 3,
			message: []string{`"someday soon"`, "YYYY-MM-DD"}},
		{name: "ErrInvalidMetadataFrontMatterLine", file: "bad_frontmatter.txt", sentinel: retrieval.ErrInvalidMetadata, line: 3,
			message: []string{"key: value", "this line has no colon"}},
		{name: "ErrInvalidMetadataExplicitDate", file: "ok.txt", data: "Text.", meta: retrieval.Metadata{Published: "05/03/2024"},
			sentinel: retrieval.ErrInvalidMetadata, message: []string{`"05/03/2024"`, "YYYY-MM-DD"}},
		{name: "TooLarge", file: "huge.txt", data: strings.Repeat("a", retrieval.MaxDocumentSize+1),
			message: []string{"limit", "split it"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			data := []byte(tt.data)
			if tt.data == "" {
				data = MustReadFixture(t, tt.file)
			}
			_, err := retrieval.ParseDocument(tt.file, data, tt.meta)
			require.Error(t, err)
			var ie *retrieval.IngestError
			require.ErrorAs(t, err, &ie)
			assert.Equal(t, tt.file, ie.File)
			assert.Equal(t, tt.line, ie.Line)
			assert.True(t, strings.HasPrefix(err.Error(), tt.file+":"), "message %q names the file first", err)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			for _, s := range tt.message {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

// TestParseDocument_DeepNesting feeds documents whose nesting would make
// the HTML and Markdown parsers take minutes (their work grows with depth
// for every element) or exhaust a recursive walker's stack.
func TestParseDocument_DeepNesting(t *testing.T) {
	var indented strings.Builder
	for i := range 1000 {
		indented.WriteString(strings.Repeat("  ", i) + "- item\n")
	}
	const n = 100_000
	for _, tt := range []struct{ name, data string }{
		{"divs.html", strings.Repeat("<div>", n) + "deep text" + strings.Repeat("</div>", n)},
		{"unclosed.html", "<p>top text</p>" + strings.Repeat("<div><span>", n) + "deep text"},
		{"selfclosing.html", strings.Repeat("<div/>", n) + "deep text"},
		{"bold.html", strings.Repeat("<b>", n) + "deep text"},
		{"tables.html", strings.Repeat("<table><tr><td>", n/5) + "deep text"},
		{"quotes.md", strings.Repeat(">", n) + " deep text"},
		{"lists.md", strings.Repeat("- ", n) + "deep text"},
		{"emphasis.md", strings.Repeat("*a ", n) + "deep text" + strings.Repeat(" a*", n)},
		{"indented.md", indented.String() + "\ndeep text"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			type result struct {
				doc retrieval.Document
				err error
			}
			done := make(chan result, 1)
			start := time.Now()
			go func() {
				doc, err := retrieval.ParseDocument(tt.name, []byte(tt.data), retrieval.Metadata{})
				done <- result{doc, err}
			}()
			select {
			case r := <-done:
				require.NoError(t, r.err)
				assert.Contains(t, r.doc.Text, "deep text")
				t.Logf("%d bytes in %v", len(tt.data), time.Since(start))
			case <-time.After(30 * time.Second):
				t.Fatal("still parsing after 30s: nesting is not bounded")
			}
		})
	}
}

func TestLoadDocuments(t *testing.T) {
	fixtures := os.DirFS(filepath.Join("testdata", "ingest"))

	t.Run("Directory", func(t *testing.T) {
		docs, skipped, err := retrieval.LoadDocuments(fixtures, "library", retrieval.Metadata{})
		require.NoError(t, err)
		var got []string
		for _, d := range docs {
			got = append(got, d.Origin+" "+d.Format+" "+d.Title+": "+d.Text)
		}
		assert.Equal(t, []string{
			"library/a.txt text a: Alpha text says hello.",
			"library/b.md markdown Beta: Beta\n\nBeta text.",
			"library/sub/c.html html Gamma: Gamma text.",
		}, got)
		require.Len(t, skipped, 4)
		assert.Equal(t, retrieval.Skipped{Path: "library/.drafts", Reason: "hidden directory"}, skipped[0])
		assert.Equal(t, retrieval.Skipped{Path: "library/.hidden.txt", Reason: "hidden file"}, skipped[1])
		assert.Equal(t, "library/README", skipped[2].Path)
		assert.Contains(t, skipped[2].Reason, "no extension")
		assert.Equal(t, "library/notes.pdf", skipped[3].Path)
		assert.Contains(t, skipped[3].Reason, ".pdf")
	})

	t.Run("File", func(t *testing.T) {
		docs, skipped, err := retrieval.LoadDocuments(fixtures, "library/b.md", retrieval.Metadata{})
		require.NoError(t, err)
		assert.Empty(t, skipped)
		require.Len(t, docs, 1)
		assert.Equal(t, "library/b.md", docs[0].Origin)
	})

	t.Run("HiddenFileNamedDirectly", func(t *testing.T) {
		docs, _, err := retrieval.LoadDocuments(fixtures, "library/.hidden.txt", retrieval.Metadata{})
		require.NoError(t, err)
		require.Len(t, docs, 1)
		assert.Equal(t, "hidden text", docs[0].Text)
	})

	t.Run("MetaAppliesToEveryFile", func(t *testing.T) {
		meta := retrieval.Metadata{Author: "Library Author", Published: "2024-01-02", Origin: "/srv/lib/"}
		docs, _, err := retrieval.LoadDocuments(fixtures, "library", meta)
		require.NoError(t, err)
		require.Len(t, docs, 3)
		for _, d := range docs {
			assert.Equal(t, "Library Author", d.Author)
			assert.Equal(t, "2024-01-02", d.Published)
		}
		assert.Equal(t, "/srv/lib/a.txt", docs[0].Origin)
		assert.Equal(t, "/srv/lib/sub/c.html", docs[2].Origin)
		assert.Equal(t, "Gamma", docs[2].Title, "the document's own title stays when meta has none")

		docs, _, err = retrieval.LoadDocuments(fixtures, "library/a.txt", retrieval.Metadata{Origin: "/srv/a.txt"})
		require.NoError(t, err)
		assert.Equal(t, "/srv/a.txt", docs[0].Origin)
	})

	t.Run("Root", func(t *testing.T) {
		fsys := fstest.MapFS{
			"b.txt":     {Data: []byte("Bee.")},
			"a/z.md":    {Data: []byte("Zed.")},
			".git/HEAD": {Data: []byte("ref")},
		}
		docs, skipped, err := retrieval.LoadDocuments(fsys, ".", retrieval.Metadata{})
		require.NoError(t, err)
		require.Len(t, docs, 2)
		assert.Equal(t, "a/z.md", docs[0].Origin, "lexical order")
		assert.Equal(t, "b.txt", docs[1].Origin)
		assert.Equal(t, []retrieval.Skipped{{Path: ".git", Reason: "hidden directory"}}, skipped)
	})

	t.Run("AllOrNothing", func(t *testing.T) {
		docs, _, err := retrieval.LoadDocuments(fixtures, "broken", retrieval.Metadata{})
		require.Error(t, err)
		assert.Nil(t, docs, "one bad file means no documents at all")
		assert.ErrorIs(t, err, retrieval.ErrInvalidUTF8)
		assert.ErrorIs(t, err, retrieval.ErrEmptyDocument)
		assert.Contains(t, err.Error(), "broken/bad.txt:1:")
		assert.Contains(t, err.Error(), "broken/empty.html:")
		assert.NotContains(t, err.Error(), "good.txt")

		var joined interface{ Unwrap() []error }
		require.ErrorAs(t, err, &joined)
		require.Len(t, joined.Unwrap(), 2)
		for _, e := range joined.Unwrap() {
			var ie *retrieval.IngestError
			assert.ErrorAs(t, e, &ie)
		}
	})

	t.Run("ErrUnsupportedFormatNamedDirectly", func(t *testing.T) {
		docs, _, err := retrieval.LoadDocuments(fixtures, "library/notes.pdf", retrieval.Metadata{})
		assert.Nil(t, docs)
		assert.ErrorIs(t, err, retrieval.ErrUnsupportedFormat)
		assert.Contains(t, err.Error(), "library/notes.pdf")
	})

	t.Run("ErrInvalidMetadata", func(t *testing.T) {
		docs, _, err := retrieval.LoadDocuments(fixtures, "library", retrieval.Metadata{Published: "soon"})
		assert.Nil(t, docs)
		assert.ErrorIs(t, err, retrieval.ErrInvalidMetadata)
		var ie *retrieval.IngestError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "library", ie.File, "a bad date given for a directory is reported once")
	})

	t.Run("Symlinks", func(t *testing.T) {
		dir := t.TempDir()
		require.NoError(t, os.WriteFile(filepath.Join(dir, "real.txt"), []byte("Real text."), 0o644))
		require.NoError(t, os.Mkdir(filepath.Join(dir, "sub"), 0o755))
		require.NoError(t, os.Symlink("real.txt", filepath.Join(dir, "link.txt")))
		require.NoError(t, os.Symlink(".", filepath.Join(dir, "sub", "loop")))
		docs, skipped, err := retrieval.LoadDocuments(os.DirFS(dir), ".", retrieval.Metadata{})
		require.NoError(t, err)
		require.Len(t, docs, 2)
		assert.Equal(t, "link.txt", docs[0].Origin)
		assert.Equal(t, "Real text.", docs[0].Text)
		require.Len(t, skipped, 1)
		assert.Equal(t, "sub/loop", skipped[0].Path)
	})

	t.Run("NotFound", func(t *testing.T) {
		_, _, err := retrieval.LoadDocuments(fixtures, "missing", retrieval.Metadata{})
		assert.ErrorIs(t, err, fs.ErrNotExist)
		var ie *retrieval.IngestError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "missing", ie.File)
	})

	t.Run("InvalidPath", func(t *testing.T) {
		_, _, err := retrieval.LoadDocuments(fixtures, "../ingest", retrieval.Metadata{})
		var ie *retrieval.IngestError
		require.ErrorAs(t, err, &ie)
		assert.Contains(t, err.Error(), "invalid path")
	})

	t.Run("TooLarge", func(t *testing.T) {
		fsys := fstest.MapFS{"big.txt": {Data: []byte(strings.Repeat("a", retrieval.MaxDocumentSize+1))}}
		_, _, err := retrieval.LoadDocuments(fsys, ".", retrieval.Metadata{})
		var ie *retrieval.IngestError
		require.ErrorAs(t, err, &ie)
		assert.Equal(t, "big.txt", ie.File)
		assert.Contains(t, err.Error(), "limit")
		assert.False(t, errors.Is(err, retrieval.ErrEmptyDocument))
	})
}
