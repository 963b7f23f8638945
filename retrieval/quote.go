package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Span is a half-open byte range [Start, End) into a source's text.
type Span struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// Len returns the number of bytes in s.
func (s Span) Len() int { return s.End - s.Start }

// Paragraph is one paragraph of a source. Index counts from 1.
type Paragraph struct {
	Index int
	Span
}

// Sentence is one sentence of a source, inside paragraph Paragraph.
type Sentence struct {
	Paragraph int
	Span
}

// Speaker kinds.
const (
	KindPerson       = "person"
	KindOrganization = "organization"
	KindGroup        = "group"    // "American officials"
	KindDocument     = "document" // "the agreement", "the 2025 National Security Strategy"
)

// Quote is one direct quotation found in a source.
//
// Text is always source.Text[Start:End]: the words between the quotation
// marks, without the marks themselves. SpeakerMention, when not nil, is the
// span of the words the attribution rests on ("Ryabkov", "she"); Speaker is
// the resolved name ("Sergei Ryabkov") and SpeakerTitle the role the text
// gives for that speaker, if any. An unattributed quote has an empty Speaker
// and zero Confidence.
type Quote struct {
	ID       int64
	SourceID int64
	Text     string
	Span
	Paragraph      int
	Speaker        string
	SpeakerTitle   string
	SpeakerKind    string
	SpeakerMention *Span
	Confidence     float64 // 0 (unattributed) to 1
	Fragment       bool    // a short phrase or scare quote, not a full statement
}

// Analysis is the result of reading a text: its paragraphs, sentences and
// attributed quotes, all with byte offsets into the text.
type Analysis struct {
	Paragraphs []Paragraph
	Sentences  []Sentence
	Quotes     []Quote

	// cues holds, for each of Quotes, how it was attributed and the
	// reported clause it belongs to: what the PolNeAR evaluation scores.
	cues []quoteCue
}

// quoteCue is what attribution learnt about one quote beyond its Quote.
type quoteCue struct {
	rule     string // the attribution rule that applied, "" if none
	content  Span   // the reported clause: `X said that <…"…">`, or the quotation with its marks
	notQuote bool   // a scare quote or a title, not reported speech
}

// Analyze segments text and extracts its attributed quotations.
func Analyze(text string) Analysis {
	var a Analysis
	a.Paragraphs = splitParagraphs(text)
	marks := findQuotations(text, a.Paragraphs)
	spans := make([]Span, len(marks))
	for i, m := range marks {
		spans[i] = m.outer
	}
	for _, p := range a.Paragraphs {
		a.Sentences = append(a.Sentences, splitSentences(text, p, spans)...)
	}
	a.Quotes, a.cues = attribute(text, a, marks)
	return a
}

// quotation is a quotation found by findQuotations: outer spans the marks
// too, inner is the quoted words (trimmed, without a trailing comma).
type quotation struct {
	outer     Span
	inner     Span
	paragraph int
	unclosed  bool // ran to the end of a paragraph without a closing mark
	turn      Span // a transcript turn's speaker (`"PENCE: …`), if Len() > 0
}

// minUnclosedWords is the length below which an opening mark that is never
// closed is taken for a stray mark rather than a quotation.
const minUnclosedWords = 4

// findQuotations finds double-quoted passages: straight and curly marks,
// „…“ and «…», single quotes nested inside them, quotations running over
// several sentences, and quotations running over several paragraphs (the
// opening mark repeated at the start of each new paragraph, no closing mark
// before the break). A closing mark with no opening mark is ignored.
func findQuotations(text string, ps []Paragraph) []quotation {
	var out []quotation
	var (
		open      = -1 // byte offset of the current opening mark, or -1
		openPara  int
		lastEnd   int // end of the paragraph where the quotation was left open
		openStyle rune
	)
	emit := func(closeStart, closeEnd int, unclosed bool) {
		q := quotation{outer: Span{open, closeEnd}, paragraph: openPara, unclosed: unclosed}
		_, n, _ := markAt(text, open, len(text))
		q.inner = trimQuote(text, Span{open + n, closeStart})
		if q.inner.Len() > 0 && (!unclosed || countWords(text[q.inner.Start:q.inner.End]) >= minUnclosedWords) {
			out = append(out, q)
		}
		open = -1
	}
	for _, p := range ps {
		if t, ok := transcriptTurn(text, p); ok {
			if open >= 0 {
				emit(lastEnd, lastEnd, true)
			}
			out = append(out, t)
			continue
		}
		if open >= 0 {
			// A quotation left open continues only if this paragraph opens
			// with a quotation mark.
			if r, _, ok := markAt(text, p.Start, p.End); !ok || isClosingOnly(r) {
				emit(lastEnd, lastEnd, true)
			}
		}
		for i := p.Start; i < p.End; {
			r, n, ok := markAt(text, i, p.End)
			if !ok {
				i += n
				continue
			}
			if open >= 0 && i == p.Start && openPara != p.Index {
				// The repeated opening mark of a continued quotation.
				i += n
				continue
			}
			opener, closer := markRole(text, i, n, p, r)
			switch {
			case open < 0 && opener:
				open, openPara, openStyle = i, p.Index, r
			case open >= 0 && closer && matches(openStyle, r):
				emit(i, i+n, false)
			case open >= 0 && closer && !opener:
				emit(i, i+n, false)
			}
			i += n
		}
		if open >= 0 {
			lastEnd = p.End
		}
	}
	if open >= 0 {
		emit(lastEnd, lastEnd, true)
	}
	return out
}

// apostrophes stands for a double quotation mark written as two
// apostrophes in a row, as the New York Times prints them.
const apostrophes = '″'

// markAt reports whether a double quotation mark starts at byte i (before
// end), and returns it and its length; otherwise n is the length of the
// rune at i.
func markAt(text string, i, end int) (r rune, n int, ok bool) {
	if text[i] == '\'' && i+1 < end && text[i+1] == '\'' {
		return apostrophes, 2, true
	}
	r, n = utf8.DecodeRuneInString(text[i:])
	return r, n, isDoubleMark(r)
}

// transcriptTurn reads paragraph p as one turn of a transcript quoted
// paragraph by paragraph: an opening mark, a speaker's name in capitals
// and a colon (`"PENCE: Well, look, …`), the turn running to the end of
// the paragraph, usually with no closing mark. The turn is one quotation
// whose words follow the colon; quotation marks inside it are part of it.
func transcriptTurn(text string, p Paragraph) (quotation, bool) {
	_, n, ok := markAt(text, p.Start, p.End)
	if !ok {
		return quotation{}, false
	}
	i := p.Start + n
	j := i
	for j < p.End && j-i <= 40 {
		c := text[j]
		if c == ':' {
			break
		}
		if !(c >= 'A' && c <= 'Z' || c == ' ' || c == '.' || c == '-' || c == '\'') {
			return quotation{}, false
		}
		j++
	}
	name := strings.TrimSpace(text[i:j])
	if j >= p.End || text[j] != ':' || len(name) < 2 || strings.Count(name, " ") > 3 {
		return quotation{}, false
	}
	body := Span{j + 1, p.End}
	if r, m := utf8.DecodeLastRuneInString(text[body.Start:body.End]); r == '"' || r == '”' {
		body.End -= m
	}
	q := quotation{outer: p.Span, paragraph: p.Index, unclosed: true, turn: Span{i, i + len(name)}}
	q.inner = trimQuote(text, body)
	return q, q.inner.Len() > 0
}

func isDoubleMark(r rune) bool {
	switch r {
	case '"', '“', '”', '„', '«', '»', '‟', apostrophes:
		return true
	}
	return false
}

func isClosingOnly(r rune) bool { return r == '”' || r == '»' }

// matches reports whether close can close a quotation opened with open.
func matches(open, close rune) bool {
	switch open {
	case '«':
		return close == '»'
	case '„':
		return close == '“' || close == '”' || close == '"'
	}
	return close != '«' && close != '„'
}

// markRole decides whether the mark at i (n bytes) can open or close a
// quotation, from the mark itself and its neighbours: an opening mark
// follows a space or the start of the paragraph and precedes a word; a
// closing mark follows a word or punctuation and precedes a space or
// punctuation. Curly marks used the wrong way round are read by context.
func markRole(text string, i, n int, p Paragraph, r rune) (opener, closer bool) {
	prev, next := ' ', ' '
	if i > p.Start {
		prev, _ = utf8.DecodeLastRuneInString(text[p.Start:i])
	}
	if i+n < p.End {
		next, _ = utf8.DecodeRuneInString(text[i+n:])
	}
	leftOpen := unicode.IsSpace(prev) || strings.ContainsRune("([{—–-/:;‘'", prev)
	rightOpen := unicode.IsSpace(next) || (unicode.IsPunct(next) && next != '‘' && next != '\'' && next != '(' && next != '[' && next != '…' && next != '.')
	opener = leftOpen && !unicode.IsSpace(next)
	closer = !unicode.IsSpace(prev) && rightOpen || (!unicode.IsSpace(prev) && i+n >= p.End)
	switch r {
	case '“', '„', '«', '‟':
		if !opener && !closer {
			opener = true
		}
		if r == '“' && !closer {
			closer = false
		}
	case '”', '»':
		if !opener && !closer {
			closer = true
		}
	case '"', apostrophes:
		if !opener && !closer {
			opener, closer = true, true // let the state decide
		}
	}
	if r == '“' || r == '„' || r == '«' {
		// A curly opening mark closes only when nothing else fits.
		if opener {
			closer = closer && !leftOpen
		}
	}
	return opener, closer
}

// trimQuote trims white space and a trailing comma from the quoted words.
func trimQuote(text string, s Span) Span {
	for s.Start < s.End {
		r, n := utf8.DecodeRuneInString(text[s.Start:])
		if !unicode.IsSpace(r) {
			break
		}
		s.Start += n
	}
	for s.End > s.Start {
		r, n := utf8.DecodeLastRuneInString(text[s.Start:s.End])
		if !(unicode.IsSpace(r) || r == ',') {
			break
		}
		s.End -= n
	}
	return s
}

func countWords(s string) int { return len(strings.Fields(s)) }

// isFragment reports whether quoted words are a short phrase or scare quote
// rather than a full statement: under four words, or under eight that do
// not start a sentence.
func isFragment(s string) bool {
	w := countWords(s)
	if w < 4 {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s)
	return w < 8 && !unicode.IsUpper(r)
}
