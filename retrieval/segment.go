package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// splitParagraphs splits text into paragraphs. When the text separates
// blocks with blank lines (Markdown, HTML, most news text), each block is a
// paragraph, so hard-wrapped lines stay together; otherwise every non-empty
// line is one. Spans are trimmed of surrounding white space.
func splitParagraphs(text string) []Paragraph {
	blocks := hasBlankLine(text)
	var ps []Paragraph
	add := func(s, e int) {
		for s < e {
			r, n := utf8.DecodeRuneInString(text[s:])
			if !unicode.IsSpace(r) {
				break
			}
			s += n
		}
		for e > s {
			r, n := utf8.DecodeLastRuneInString(text[s:e])
			if !unicode.IsSpace(r) {
				break
			}
			e -= n
		}
		if e > s {
			ps = append(ps, Paragraph{Index: len(ps) + 1, Span: Span{s, e}})
		}
	}
	start := 0
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		lineEnd := i + j
		next := lineEnd + 1
		if !blocks {
			add(start, lineEnd)
			start = next
		} else if isBlank(text[i:lineEnd]) {
			add(start, i)
			start = next
		}
		i = next
	}
	add(start, len(text))
	return ps
}

func hasBlankLine(text string) bool {
	lines := strings.Split(strings.TrimSpace(text), "\n")
	for _, l := range lines {
		if isBlank(l) {
			return true
		}
	}
	return false
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// abbreviations end with a period that does not end a sentence. Lower-case
// keys, without the period.
var abbreviations = map[string]bool{
	"mr": true, "mrs": true, "ms": true, "dr": true, "prof": true, "sen": true,
	"rep": true, "gov": true, "gen": true, "lt": true, "col": true, "sgt": true,
	"capt": true, "cmdr": true, "adm": true, "maj": true, "cpl": true, "pvt": true,
	"rev": true, "hon": true, "pres": true, "supt": true, "insp": true, "det": true,
	"st": true, "jr": true, "sr": true, "mt": true, "ft": true, "ave": true,
	"inc": true, "co": true, "corp": true, "ltd": true, "bros": true, "dept": true,
	"univ": true, "assn": true, "vs": true, "v": true, "etc": true, "al": true,
	"cf": true, "e.g": true, "i.e": true, "approx": true, "est": true, "fig": true,
	"no": true, "nos": true, "vol": true, "p": true, "pp": true, "ch": true,
	"jan": true, "feb": true, "mar": true, "apr": true, "jun": true, "jul": true,
	"aug": true, "sep": true, "sept": true, "oct": true, "nov": true, "dec": true,
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true,
	"thurs": true, "fri": true, "sat": true, "sun": true,
	"ala": true, "ariz": true, "ark": true, "calif": true, "colo": true, "conn": true,
	"del": true, "fla": true, "ga": true, "ill": true, "ind": true, "kan": true,
	"ky": true, "la": true, "md": true, "mass": true, "mich": true, "minn": true,
	"miss": true, "mo": true, "mont": true, "neb": true, "nev": true, "okla": true,
	"ore": true, "pa": true, "tenn": true, "tex": true, "va": true, "vt": true,
	"wash": true, "wis": true, "wyo": true,
}

// sentenceStarters are capitalised words that begin a new sentence after an
// abbreviation with inner periods ("the U.S. The agreement …").
var sentenceStarters = map[string]bool{
	"The": true, "A": true, "An": true, "He": true, "She": true, "It": true,
	"They": true, "We": true, "I": true, "But": true, "And": true, "In": true,
	"This": true, "That": true, "There": true, "His": true, "Her": true,
	"Their": true, "Its": true, "However": true, "So": true, "Yet": true,
	"As": true, "On": true, "At": true, "For": true, "If": true, "When": true,
	"While": true, "After": true, "Before": true, "Our": true, "Some": true,
}

// splitSentences splits paragraph p of text into sentences. A sentence does
// not end inside one of the quotation spans in quotes (a quoted statement of
// several sentences stays in the sentence that frames it), after a known
// abbreviation or an initial, or before a lower-case word.
func splitSentences(text string, p Paragraph, quotes []Span) []Sentence {
	var out []Sentence
	start := p.Start
	inQuote := func(i int) bool {
		for _, q := range quotes {
			if i > q.Start && i < q.End {
				return true
			}
		}
		return false
	}
	i := p.Start
	for i < p.End {
		r, n := utf8.DecodeRuneInString(text[i:])
		if !(r == '.' || r == '!' || r == '?' || r == '…') {
			i += n
			continue
		}
		// Consume a run of terminators ("?!", "...").
		j := i + n
		for j < p.End {
			r2, n2 := utf8.DecodeRuneInString(text[j:])
			if r2 == '.' || r2 == '!' || r2 == '?' || r2 == '…' {
				j += n2
				continue
			}
			break
		}
		// Then closing quotes and brackets.
		k := j
		for k < p.End {
			r2, n2 := utf8.DecodeRuneInString(text[k:])
			if isCloser(r2) {
				k += n2
				continue
			}
			break
		}
		if k >= p.End {
			break
		}
		r2, _ := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsSpace(r2) || inQuote(k) {
			i = j
			continue
		}
		// Next non-space rune decides.
		m := k
		for m < p.End {
			r3, n3 := utf8.DecodeRuneInString(text[m:])
			if !unicode.IsSpace(r3) {
				break
			}
			m += n3
		}
		if m >= p.End {
			break
		}
		if !startsSentence(text[m:p.End]) || (r == '.' && j == i+1 && isAbbreviation(text[p.Start:i], text[m:p.End])) {
			i = j
			continue
		}
		out = append(out, Sentence{Paragraph: p.Index, Span: Span{start, k}})
		start = m
		i = m
	}
	if start < p.End {
		out = append(out, Sentence{Paragraph: p.Index, Span: Span{start, p.End}})
	}
	return out
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', '”', '’', '»', ')', ']', '}':
		return true
	}
	return false
}

// startsSentence reports whether s (the text after a terminator) can begin
// a sentence: an upper-case letter, a digit, or an opening mark followed by
// one.
func startsSentence(s string) bool {
	for _, r := range s {
		switch {
		case unicode.IsUpper(r), unicode.IsDigit(r):
			return true
		case r == '"' || r == '“' || r == '‘' || r == '\'' || r == '(' || r == '[' || r == '«' || r == '—' || r == '-':
			continue
		case unicode.IsLetter(r):
			// Scripts without case (CJK, Arabic) start sentences too.
			return !unicode.IsLower(r)
		default:
			return false
		}
	}
	return false
}

// isAbbreviation reports whether the word that ends before (the text up to
// a period) is an abbreviation, given the text that follows.
func isAbbreviation(before, after string) bool {
	w := lastWord(before)
	if w == "" {
		return false
	}
	if abbreviations[strings.ToLower(w)] {
		return true
	}
	if utf8.RuneCountInString(w) == 1 {
		r, _ := utf8.DecodeRuneInString(w)
		if unicode.IsUpper(r) {
			return true // an initial: "J. D. Vance"
		}
	}
	if strings.Contains(w, ".") {
		// "U.S.", "U.K.", "a.m.": a break only before a typical sentence start.
		return !sentenceStarters[firstWord(after)]
	}
	return false
}

// lastWord returns the trailing run of letters and periods of s.
func lastWord(s string) string {
	i := len(s)
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(s[:i])
		if !(unicode.IsLetter(r) || r == '.') {
			break
		}
		i -= n
	}
	return strings.Trim(s[i:], ".")
}

func firstWord(s string) string {
	for i, r := range s {
		if !unicode.IsLetter(r) {
			return s[:i]
		}
	}
	return s
}
