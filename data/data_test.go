package data_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

const samplePath = "sample/ukraine-nato-compromise.txt"

// seedPaths are where the article the sample was copied from may be found:
// the shared folder beside the repository (tests run in data/), or its
// absolute home on the development machines.
var seedPaths = []string{
	"../../shared/seeds/000_afaa2bd7b2508454.txt",
	"/work/shared/seeds/000_afaa2bd7b2508454.txt",
}

// MustParseSample parses the sample article with retrieval.ParseDocument.
func MustParseSample(tb testing.TB) (retrieval.Document, []byte) {
	tb.Helper()
	b, err := fs.ReadFile(data.Corpus, samplePath)
	require.NoError(tb, err)
	doc, err := retrieval.ParseDocument(samplePath, b, retrieval.Metadata{})
	require.NoError(tb, err)
	return doc, b
}

func TestCorpus_Sample(t *testing.T) {
	doc, raw := MustParseSample(t)
	assert.Equal(t, `Ukraine's NATO concession "is not really a compromise" (sample article)`, doc.Title)
	assert.Empty(t, doc.Author, "the sample's author is not known and must not be invented")
	assert.Empty(t, doc.URL, "the sample's URL is not known and must not be invented")
	assert.Empty(t, doc.Published, "the sample's date is not known and must not be invented")
	assert.Equal(t, "text", doc.Format)
	assert.Equal(t, samplePath, doc.Origin)
	assert.NotContains(t, doc.Text, "note:", "front matter must not leak into the text")

	var seed []byte
	for _, p := range seedPaths {
		if b, err := os.ReadFile(p); err == nil {
			seed = b
			break
		}
	}
	if seed == nil {
		t.Skipf("seed article not found at %s; cannot compare the sample with it", strings.Join(seedPaths, " or "))
	}
	_, body, ok := bytes.Cut(raw[len("---\n"):], []byte("\n---\n"))
	require.True(t, ok, "the sample starts with a front-matter header")
	assert.True(t, bytes.Equal(seed, body), "the sample after its header must be the seed article byte for byte")
	assert.Equal(t, strings.TrimSpace(string(seed)), doc.Text)
}

func TestCorpus_Load(t *testing.T) {
	docs, skipped, err := retrieval.LoadDocuments(data.Corpus, "sample", retrieval.Metadata{})
	require.NoError(t, err)
	assert.Empty(t, skipped)
	require.Len(t, docs, 1)
	assert.Equal(t, samplePath, docs[0].Origin)
}

// question is one line of eval/questions.jsonl.
type question struct {
	Question string   `json:"question"`
	Speaker  string   `json:"speaker"`
	Words    []string `json:"words"`
	None     bool     `json:"none"`
}

func TestEval_Questions(t *testing.T) {
	doc, _ := MustParseSample(t)
	f, err := data.Eval.Open("eval/questions.jsonl")
	require.NoError(t, err)
	defer f.Close()

	seen := map[string]bool{}
	answerable, none := 0, 0
	sc := bufio.NewScanner(f)
	for line := 1; sc.Scan(); line++ {
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		var q question
		require.NoError(t, dec.Decode(&q), "line %d", line)
		_, err := dec.Token()
		require.True(t, errors.Is(err, io.EOF), "line %d holds more than one JSON value", line)

		require.NotEmpty(t, q.Question, "line %d", line)
		require.False(t, seen[q.Question], "line %d repeats %q", line, q.Question)
		seen[q.Question] = true
		if q.None {
			none++
			assert.Empty(t, q.Speaker, "line %d: a none question names no speaker", line)
			assert.Empty(t, q.Words, "line %d: a none question lists no words", line)
			continue
		}
		answerable++
		require.NotEmpty(t, q.Words, "line %d: %q lists no words", line, q.Question)
		for _, w := range q.Words {
			assert.Contains(t, doc.Text, w, "line %d: words must be copied exactly from the sample", line)
		}
		if q.Speaker != "" {
			assert.Contains(t, doc.Text, q.Speaker, "line %d: the speaker's full name must appear in the sample", line)
		}
	}
	require.NoError(t, sc.Err())
	assert.GreaterOrEqual(t, answerable, 30, "answerable questions")
	assert.GreaterOrEqual(t, none, 10, "questions the sample cannot answer")
}
