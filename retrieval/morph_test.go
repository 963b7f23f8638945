package retrieval

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestLemma(t *testing.T) {
	for in, want := range map[string]string{
		"went": "go", "gone": "go", "go": "go", "fought": "fight", "spoke": "speak",
		"left": "left", "found": "found", "saw": "saw", // other meanings stay apart
		"nato": "nato",
	} {
		assert.Equal(t, want, lemma(in), in)
	}
	assert.ElementsMatch(t, []string{"went", "gone"}, variants("go"))
	assert.ElementsMatch(t, []string{"go", "gone"}, variants("went"))
	assert.Empty(t, variants("nato"))
	assert.Equal(t, normTerm("go"), normTerm("went"), "ranking folds irregular forms")
}

func TestPreferQuotes(t *testing.T) {
	mk := func(kind string, src int64, start, end int, frag bool, score float64) *candidate {
		c := &candidate{sourceID: src, score: score}
		c.Kind, c.Start, c.End, c.Fragment = kind, start, end, frag
		return c
	}
	sentence := mk(ResultPassage, 1, 100, 200, false, 0.9)
	quote := mk(ResultQuote, 1, 101, 199, false, 0.5)
	fragSentence := mk(ResultPassage, 1, 300, 400, false, 0.8)
	fragment := mk(ResultQuote, 1, 350, 360, true, 0.3)
	otherSource := mk(ResultPassage, 2, 100, 200, false, 0.7)

	got := preferQuotes([]*candidate{sentence, quote, fragSentence, fragment, otherSource})
	assert.Equal(t, []*candidate{quote, fragSentence, fragment, otherSource}, got,
		"the sentence that is all quote gives way to the quote; a fragment does not replace its sentence")
	assert.Equal(t, 0.9, quote.score, "the quote takes the sentence's better score")
}
