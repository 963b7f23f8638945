package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
)

func TestTruncate(t *testing.T) {
	family := "👨\u200d👩\u200d👧" // one grapheme, five runes
	for _, tt := range []struct {
		name string
		in   string
		max  int
		want string
		cut  bool
	}{
		{"Fits", "short text", 20, "short text", false},
		{"ExactFit", "12345", 5, "12345", false},
		{"Empty", "", 3, "", false},
		{"ZeroRoom", "abc", 0, "", true},
		{"RoomForEllipsisOnly", "abc", 1, "…", true},
		{"SentenceBoundary", "One two three. Four five six seven.", 20, "One two three. …", true},
		{"SentenceWithClosingQuote", `He said "no." Then he left the room.`, 20, `He said "no." …`, true},
		{"QuestionMark", "Why not then? Because the rules say otherwise.", 20, "Why not then? …", true},
		{"SentenceTooShortToKeep", "Why not? Because the rules say otherwise.", 20, "Why not? Because…", true},
		{"WordBoundary", "alpha beta gamma delta", 12, "alpha beta…", true},
		{"WordBoundaryAtCut", "alpha beta gamma", 11, "alpha beta…", true},
		{"TrailingComma", "alpha, beta gamma", 9, "alpha…", true},
		{"TrailingDash", "alpha — beta gamma", 10, "alpha…", true},
		{"SentenceTooEarly", "Hi. Then a very long sentence follows here", 30, "Hi. Then a very long sentence…", true},
		{"NoSpace", "supercalifragilistic", 10, "supercali…", true},
		{"MultiByte", "ééééééééé", 5, "éééé…", true},
		{"CombiningMark", "e\u0301e\u0301e\u0301e\u0301", 4, "e\u0301…", true},
		{"ZWJEmoji", "ab" + family + family, 6, "ab…", true},
		{"FlagPair", "🇺🇦🇺🇦🇺🇦", 4, "🇺🇦…", true},
		{"Cyrillic", "Россия никогда не согласится", 16, "Россия никогда…", true},
		{"Newlines", "line one\nline two\nline three", 15, "line one\nline…", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, cut := truncate(tt.in, tt.max)
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.cut, cut)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), max(tt.max, 0))
			assert.True(t, utf8.ValidString(got))
		})
	}
}

// TestTruncate_Properties checks, for every length of a few awkward texts,
// that the result fits, is valid UTF-8 and is a prefix of the input plus
// the ellipsis.
func TestTruncate_Properties(t *testing.T) {
	texts := []string{
		"The quick brown fox jumps over the lazy dog. It was not amused!",
		"«Мы никогда не согласимся», — сказал он. Потом добавил: «Никогда».",
		"e\u0301t\u0301e\u0301 🇺🇦🇵🇱 👍🏽 done.",
		strings.Repeat("word ", 50),
		"日本語のテキストには空白がありません。それでも切れます。",
	}
	for _, s := range texts {
		for n := 0; n <= utf8.RuneCountInString(s)+1; n++ {
			got, cut := truncate(s, n)
			if utf8.RuneCountInString(got) > n || !utf8.ValidString(got) {
				t.Fatalf("truncate(%q, %d) = %q: too long or invalid", s, n, got)
			}
			if !cut {
				assert.Equal(t, s, got)
				continue
			}
			body := strings.TrimSuffix(strings.TrimSuffix(got, ellipsis), " ")
			if !strings.HasPrefix(s, body) {
				t.Fatalf("truncate(%q, %d) = %q: not a prefix", s, n, got)
			}
		}
	}
}

func TestEscapeMarkdown(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain words", "plain words"},
		{"**bold** and _it_", `\*\*bold\*\* and \_it\_`},
		{"||spoiler|| ~~x~~ `code`", `\|\|spoiler\|\| \~\~x\~\~ \` + "`code\\`"},
		{"<@123> <t:1:R> <:e:1>", `\<@123\> \<t\:1\:R\> \<\:e\:1\>`},
		{"[link](https://x)", `\[link\](https\://x)`},
		{"@everyone stays text", "@everyone stays text"},
		{"# heading", `\# heading`},
		{"> quote\n  - item\na - b # c", "\\> quote\n  \\- item\na - b # c"},
		{`back\slash`, `back\\slash`},
	} {
		assert.Equal(t, tt.want, escapeMarkdown(tt.in), "in %q", tt.in)
	}
}

func TestFitEscaped(t *testing.T) {
	t.Run("Fits", func(t *testing.T) {
		got, cut := fitEscaped("a*b", 10)
		assert.Equal(t, `a\*b`, got)
		assert.False(t, cut)
	})
	t.Run("EscapesCountAgainstTheBudget", func(t *testing.T) {
		in := strings.Repeat("**x** ", 40)
		for _, max := range []int{5, 17, 50, 100, 239} {
			got, cut := fitEscaped(in, max)
			assert.True(t, cut)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), max)
			assert.False(t, strings.HasSuffix(strings.TrimSuffix(got, ellipsis), `\`), "cut inside an escape: %q", got)
		}
	})
}
