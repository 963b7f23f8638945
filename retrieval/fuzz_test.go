package retrieval_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// FuzzMatchQuery checks that any text either has no searchable word
// (ErrEmptyQuery) or becomes an expression a real FTS5 table accepts in
// MATCH. The committed corpus is in testdata/fuzz/FuzzMatchQuery.
func FuzzMatchQuery(f *testing.F) {
	for _, tt := range hostileQuestions {
		f.Add(tt.text)
	}
	db := MustOpenFTS(f)
	stmt, err := db.Prepare(`SELECT COUNT(*) FROM t WHERE t MATCH ?`)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { _ = stmt.Close() })

	f.Fuzz(func(t *testing.T, text string) {
		m, err := retrieval.MatchQuery(text)
		if err != nil {
			if !errors.Is(err, retrieval.ErrEmptyQuery) {
				t.Fatalf("MatchQuery(%q): %v", text, err)
			}
			return
		}
		if !utf8.ValidString(m) {
			t.Fatalf("MatchQuery(%q) = %q: not UTF-8", text, m)
		}
		if n := strings.Count(m, " OR ") + 1; n > 32 {
			t.Fatalf("MatchQuery(%q) has %d terms", text, n)
		}
		var n int
		if err := stmt.QueryRow(m).Scan(&n); err != nil {
			t.Fatalf("MATCH %q (from %q): %v", m, text, err)
		}
	})
}
