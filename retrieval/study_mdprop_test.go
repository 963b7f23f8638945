package retrieval_test

import (
	"bytes"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// TestExportMarkdown_Random renders packets of random quotations made of
// the characters Markdown cares about and checks that each reads exactly
// as written.
func TestExportMarkdown_Random(t *testing.T) {
	alphabet := []rune("ab1 \n\t*_`[]<>#-+=.!|~&$():\"'\\{}^%;,?/é“”…")
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		var b strings.Builder
		for range 1 + rng.IntN(30) {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		// A quotation is words from a source: it has some, and no blank
		// line at either end.
		text := strings.Trim(b.String(), " \t\n")
		if text == "" {
			continue
		}
		r := retrieval.Result{Kind: retrieval.ResultQuote, Text: text, Source: retrieval.SourceRef{ID: 1, Title: "T"}}
		var buf bytes.Buffer
		require.NoError(t, retrieval.ExportMarkdown(&buf, "P", []retrieval.Result{r}, retrieval.CiteAPA))
		got := renderedQuotes(t, buf.Bytes())
		require.Len(t, got, 1, "case %d %q:\n%s", i, text, buf.String())
		// Markdown has no way to show two blank lines but as one
		// paragraph break.
		want := regexp.MustCompile(`\n{3,}`).ReplaceAllString(text, "\n\n")
		require.Equal(t, want, got[0], "case %d:\n%s", i, buf.String())
	}
}
