package retrieval

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
}

// Analyze segments text and extracts its attributed quotations.
func Analyze(text string) Analysis {
	var a Analysis
	a.Paragraphs = splitParagraphs(text)
	for _, p := range a.Paragraphs {
		a.Sentences = append(a.Sentences, splitSentences(text, p)...)
	}
	a.Quotes = attribute(text, a, extractQuotes(text, a.Paragraphs))
	return a
}
