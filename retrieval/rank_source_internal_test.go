package retrieval

import (
	"strings"
	"testing"
)

// TestTokenSpans checks that tokenSpans splits text exactly as tokenize.
func TestTokenSpans(t *testing.T) {
	for _, text := range []string{
		"", "a", "Hello, world!", "don't stop", "Café au lait — naïve 20.04", "日本語 and ünïcode",
		"bad \xff byte", "x\u00a0y", "C++ me@x.com <@1234>", "a1b2 ³ ª",
	} {
		var want, got []string
		tokenize(text, func(tok string) { want = append(want, tok) })
		tokenSpans(text, func(from, to int) { got = append(got, strings.ToLower(text[from:to])) })
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("tokenSpans(%q) = %q, tokenize gives %q", text, got, want)
		}
	}
}

// TestNormTermPrefix checks the rule weighSources skips words by: the
// normal form of a plain word starts with the word's first two letters,
// but for irregular verb forms and the Snowball exceptions it lists.
func TestNormTermPrefix(t *testing.T) {
	words := strings.Fields(`running runs ran happily happiness skies dying lying tying news
		generously communication arsenal organizations studies cried flies agreed
		nationalization ugly early only gently singly idly bias cosmos atlas andes howe
		went gone sought thought brought taught caught children mice feet data`)
	for _, w := range words {
		n := normTerm(w)
		if _, ok := irregularNorms[w]; ok {
			continue
		}
		if p := w[:2]; p == "dy" || p == "ly" || p == "ty" {
			continue
		}
		if len(n) < 2 || n[:2] != w[:2] {
			t.Errorf("normTerm(%q) = %q does not keep its first two letters", w, n)
		}
	}
}
