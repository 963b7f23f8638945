package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Discord counts message lengths in characters; these helpers count runes,
// which is what Discord's own validation counts for every text we send.

// ellipsis marks text that was cut.
const ellipsis = "…"

// truncate shortens s to at most max runes, ellipsis included, and reports
// whether it cut anything. It prefers to end after a sentence, then at a
// word boundary, and gives up at most half of the room to find one; only a
// single word longer than that is cut inside, and then never inside a
// character or a grapheme cluster it can recognise (combining marks, emoji
// joined with ZWJ, modifiers, flag pairs).
func truncate(s string, max int) (string, bool) {
	if utf8.RuneCountInString(s) <= max {
		return s, false
	}
	if max <= 0 {
		return "", true
	}
	if max == 1 {
		return ellipsis, true
	}
	// cut is the byte offset after max-1 runes: the most text that leaves
	// room for the ellipsis.
	cut := runeOffset(s, max-1)
	head := s[:cut]
	half := cut / 2

	// A sentence end: terminal punctuation, maybe closing quotes or
	// brackets, then white space. " …" takes two runes, hence max-2.
	if end := lastSentenceEnd(s, runeOffset(s, max-2)); end > half {
		return s[:end] + " " + ellipsis, true
	}
	// The last white space at or before the cut (the character right after
	// the cut may be the space that ends a word).
	if i := lastSpace(s, cut); i > half {
		w := strings.TrimRightFunc(s[:i], func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune(",;:-–—(", r)
		})
		if len(w) > 0 {
			return w + ellipsis, true
		}
	}
	return head[:graphemeStart(s, cut)] + ellipsis, true
}

// runeOffset returns the byte offset after the first n runes of s.
func runeOffset(s string, n int) int {
	i := 0
	for ; n > 0 && i < len(s); n-- {
		_, size := utf8.DecodeRuneInString(s[i:])
		i += size
	}
	return i
}

// lastSentenceEnd returns the largest offset j <= limit where a white
// space starts right after the end of a sentence, or -1.
func lastSentenceEnd(s string, limit int) int {
	for j := limit; j > 0; {
		if j < len(s) {
			if r, _ := utf8.DecodeRuneInString(s[j:]); isSpace(r) && endsSentence(s[:j]) {
				return j
			}
		}
		_, n := utf8.DecodeLastRuneInString(s[:j])
		j -= n
	}
	return -1
}

// endsSentence reports whether t ends with terminal punctuation, maybe
// followed by closing quotation marks or brackets.
func endsSentence(t string) bool {
	t = strings.TrimRight(t, "\"'”’»)]")
	r, _ := utf8.DecodeLastRuneInString(t)
	return strings.ContainsRune(".!?…", r)
}

// lastSpace returns the offset of the last white space in s at or before
// cut (looking at the rune starting at cut too), or -1.
func lastSpace(s string, cut int) int {
	if cut < len(s) {
		if r, _ := utf8.DecodeRuneInString(s[cut:]); isSpace(r) {
			return cut
		}
	}
	for i := cut; i > 0; {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		i -= n
		if isSpace(r) {
			return i
		}
	}
	return -1
}

func isSpace(r rune) bool { return unicode.IsSpace(r) }

// graphemeStart moves the byte offset i back until it does not split a
// grapheme cluster: not before a combining mark, variation selector, emoji
// modifier or ZWJ, not after a ZWJ, and not inside a regional-indicator
// pair.
func graphemeStart(s string, i int) int {
	for i > 0 && i < len(s) {
		next, _ := utf8.DecodeRuneInString(s[i:])
		prev, n := utf8.DecodeLastRuneInString(s[:i])
		if isExtend(next) || prev == '\u200d' {
			i -= n
			continue
		}
		if isRegional(next) && isRegional(prev) {
			// Count the indicators before i: an odd count means i sits
			// inside a pair.
			k, j := 0, i
			for j > 0 {
				r, m := utf8.DecodeLastRuneInString(s[:j])
				if !isRegional(r) {
					break
				}
				k++
				j -= m
			}
			if k%2 == 1 {
				i -= n
				continue
			}
		}
		break
	}
	return i
}

func isExtend(r rune) bool {
	return unicode.Is(unicode.Mn, r) || unicode.Is(unicode.Me, r) || unicode.Is(unicode.Mc, r) ||
		r == '\u200d' || (r >= 0xfe00 && r <= 0xfe0f) || (r >= 0x1f3fb && r <= 0x1f3ff) ||
		(r >= 0xe0020 && r <= 0xe007f)
}

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// markdownSpecial are the characters that Discord's markdown may read
// anywhere in a line.
const markdownSpecial = "\\*_~`|[]<>:"

// escapeMarkdown makes s display as itself in Discord markdown: quoted text
// must read exactly as the source has it, not as bold, spoilers, links,
// mentions, timestamps or custom emoji. Headings, block quotes and lists
// are markdown only at the start of a line, so '#', '>', '-' and '+' are
// escaped there.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + len(s)/8)
	lineStart := true
	for _, r := range s {
		switch {
		case r == '\n':
			lineStart = true
			b.WriteRune(r)
			continue
		case lineStart && (r == ' ' || r == '\t'):
			b.WriteRune(r)
			continue
		case lineStart && strings.ContainsRune("#>-+", r):
			b.WriteByte('\\')
		case strings.ContainsRune(markdownSpecial, r):
			b.WriteByte('\\')
		}
		lineStart = false
		b.WriteRune(r)
	}
	return b.String()
}

// fitEscaped returns s cut and escaped so that the escaped text is at most
// max runes, and whether it had to cut. It cuts the raw text (never an
// escape sequence), shrinking the budget by however much escaping added.
func fitEscaped(s string, max int) (string, bool) {
	budget := max
	for {
		cut, shortened := truncate(s, budget)
		esc := escapeMarkdown(cut)
		over := utf8.RuneCountInString(esc) - max
		if over <= 0 || budget <= 1 {
			if over > 0 {
				return "", true
			}
			return esc, shortened
		}
		budget -= over
	}
}

// oneLine collapses every run of white space in s to a single space and
// trims it, for text shown on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// clip is truncate without the report, for labels and other short text.
func clip(s string, max int) string {
	out, _ := truncate(s, max)
	return out
}
