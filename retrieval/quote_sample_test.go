package retrieval_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// TestAnalyze_Sample compares the quotes extracted from the embedded sample
// article with testdata/sample_quotes.golden (go test -run Sample -update
// rewrites it).
func TestAnalyze_Sample(t *testing.T) {
	docs, _, err := retrieval.LoadDocuments(data.Corpus, "sample", retrieval.Metadata{})
	require.NoError(t, err)
	require.NotEmpty(t, docs)
	var b strings.Builder
	for _, d := range docs {
		a := retrieval.Analyze(d.Text)
		MustCheckSlices(t, d.Text, a)
		for _, q := range a.Quotes {
			mention := "-"
			if q.SpeakerMention != nil {
				mention = fmt.Sprintf("%q@%d", d.Text[q.SpeakerMention.Start:q.SpeakerMention.End], q.SpeakerMention.Start)
			}
			fmt.Fprintf(&b, "p%d [%d:%d] fragment=%v conf=%.2f\n  %q\n  speaker=%q title=%q kind=%s mention=%s\n",
				q.Paragraph, q.Start, q.End, q.Fragment, q.Confidence, q.Text, q.Speaker, q.SpeakerTitle, q.SpeakerKind, mention)
		}
	}
	golden := filepath.Join("testdata", "sample_quotes.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create %s", golden)
	assert.Equal(t, string(want), b.String())
}
