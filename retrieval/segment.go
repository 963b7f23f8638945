package retrieval

import "strings"

// splitParagraphs splits text at line breaks; blank lines are skipped.
// (Placeholder: replaced by the full segmenter.)
func splitParagraphs(text string) []Paragraph {
	var ps []Paragraph
	start := 0
	for start < len(text) {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		s, e := start, end
		for s < e && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r') {
			s++
		}
		for e > s && (text[e-1] == ' ' || text[e-1] == '\t' || text[e-1] == '\r') {
			e--
		}
		if e > s {
			ps = append(ps, Paragraph{Index: len(ps) + 1, Span: Span{s, e}})
		}
		start = end + 1
	}
	return ps
}

func splitSentences(text string, p Paragraph) []Sentence {
	return []Sentence{{Paragraph: p.Index, Span: p.Span}}
}
