package retrieval_test

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// fuzzNames picks the format of a fuzz input by its first argument.
var fuzzNames = []string{"fuzz.txt", "fuzz.md", "fuzz.html"}

var isDate = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)

// FuzzParseDocument checks that any input either fails with an
// *IngestError naming the file, or yields a Document that keeps the
// canonical-text invariants. Seeds live in testdata/fuzz/FuzzParseDocument.
//
//	go test -tags sqlite_fts5 -run '^$' -fuzz FuzzParseDocument ./retrieval/
func FuzzParseDocument(f *testing.F) {
	for i, fixture := range []string{"frontmatter.txt", "article.md", "article.html"} {
		f.Add(uint8(i), MustReadFixture(f, fixture))
	}
	f.Fuzz(func(t *testing.T, format uint8, data []byte) {
		name := fuzzNames[int(format)%len(fuzzNames)]
		doc, err := retrieval.ParseDocument(name, data, retrieval.Metadata{})
		if err != nil {
			var ie *retrieval.IngestError
			if !errors.As(err, &ie) || ie.File != name {
				t.Fatalf("error %q is not an *IngestError for %s", err, name)
			}
			for _, s := range []error{retrieval.ErrEmptyDocument, retrieval.ErrBinary, retrieval.ErrInvalidUTF8, retrieval.ErrInvalidMetadata} {
				if errors.Is(err, s) {
					return
				}
			}
			if len(data) <= retrieval.MaxDocumentSize {
				t.Fatalf("error %q wraps no sentinel", err)
			}
			return
		}
		switch {
		case doc.Text == "":
			t.Fatal("empty text without ErrEmptyDocument")
		case !utf8.ValidString(doc.Text):
			t.Fatalf("text is not UTF-8: %q", doc.Text)
		case strings.ContainsRune(doc.Text, '\r'):
			t.Fatalf("text keeps a CR: %q", doc.Text)
		case strings.TrimSpace(doc.Text) != doc.Text:
			t.Fatalf("text has surrounding whitespace: %q", doc.Text)
		case doc.Title == "":
			t.Fatal("no title")
		case doc.Published != "" && !isDate.MatchString(doc.Published):
			t.Fatalf("published %q is not YYYY-MM-DD", doc.Published)
		case doc.Origin != name:
			t.Fatalf("origin %q, want %q", doc.Origin, name)
		}
		again, err := retrieval.ParseDocument(name, data, retrieval.Metadata{})
		if err != nil || again != doc {
			t.Fatalf("parsing twice differs: %+v, %v", again, err)
		}
	})
}
