package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// The JSON shapes below are the command line's contract with scripts. They
// are declared here, not taken from retrieval's struct tags, so that a change
// inside retrieval cannot silently change what scripts read.

// sourceJSON cites a source.
type sourceJSON struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	URL       string `json:"url"`
	Published string `json:"published"`
}

func newSourceJSON(r retrieval.SourceRef) sourceJSON {
	return sourceJSON{ID: r.ID, Title: r.Title, Author: r.Author, URL: r.URL, Published: r.Published}
}

// resultJSON is one answer of ask --json.
type resultJSON struct {
	Kind         string     `json:"kind"`
	Text         string     `json:"text"`
	Speaker      string     `json:"speaker"`
	SpeakerTitle string     `json:"speaker_title"`
	Source       sourceJSON `json:"source"`
	Start        int        `json:"start"`
	End          int        `json:"end"`
	Paragraph    int        `json:"paragraph"`
	Score        float64    `json:"score"`
	Fragment     bool       `json:"fragment"`
}

// answerJSON is the output of ask --json for one question. Results is never
// null: nothing found is [].
type answerJSON struct {
	Question string       `json:"question"`
	Results  []resultJSON `json:"results"`
}

// errorJSON is the output of ask --batch for a question that cannot be asked.
type errorJSON struct {
	Question string `json:"question"`
	Error    string `json:"error"`
}

func newAnswerJSON(question string, results []retrieval.Result) answerJSON {
	a := answerJSON{Question: question, Results: make([]resultJSON, 0, len(results))}
	for _, r := range results {
		a.Results = append(a.Results, resultJSON{
			Kind:         r.Kind,
			Text:         r.Text,
			Speaker:      r.Speaker,
			SpeakerTitle: r.SpeakerTitle,
			Source:       newSourceJSON(r.Source),
			Start:        r.Start,
			End:          r.End,
			Paragraph:    r.Paragraph,
			Score:        r.Score,
			Fragment:     r.Fragment,
		})
	}
	return a
}

// quoteJSON is one quote of quotes --json. SpeakerStart and SpeakerEnd are
// null when the attribution rests on no words of the text.
type quoteJSON struct {
	ID           int64      `json:"id"`
	Text         string     `json:"text"`
	Start        int        `json:"start"`
	End          int        `json:"end"`
	Paragraph    int        `json:"paragraph"`
	Speaker      string     `json:"speaker"`
	SpeakerTitle string     `json:"speaker_title"`
	SpeakerStart *int       `json:"speaker_start"`
	SpeakerEnd   *int       `json:"speaker_end"`
	Confidence   float64    `json:"confidence"`
	Fragment     bool       `json:"fragment"`
	Source       sourceJSON `json:"source"`
}

type quotesJSON struct {
	Quotes []quoteJSON `json:"quotes"`
}

func newQuotesJSON(quotes []retrieval.Quote, sources map[int64]retrieval.Source) quotesJSON {
	out := quotesJSON{Quotes: make([]quoteJSON, 0, len(quotes))}
	for _, q := range quotes {
		j := quoteJSON{
			ID:           q.ID,
			Text:         q.Text,
			Start:        q.Start,
			End:          q.End,
			Paragraph:    q.Paragraph,
			Speaker:      q.Speaker,
			SpeakerTitle: q.SpeakerTitle,
			Confidence:   q.Confidence,
			Fragment:     q.Fragment,
			Source:       newSourceJSON(sourceRef(sources, q.SourceID)),
		}
		if m := q.SpeakerMention; m != nil {
			start, end := m.Start, m.End
			j.SpeakerStart, j.SpeakerEnd = &start, &end
		}
		out.Quotes = append(out.Quotes, j)
	}
	return out
}

// sourceRef cites source id, or only its id if it is not in sources.
func sourceRef(sources map[int64]retrieval.Source, id int64) retrieval.SourceRef {
	if s, ok := sources[id]; ok {
		return s.Ref()
	}
	return retrieval.SourceRef{ID: id}
}

// sourceListJSON is one source of sources --json.
type sourceListJSON struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	URL       string `json:"url"`
	Published string `json:"published"`
	Origin    string `json:"origin"`
}

type sourcesJSON struct {
	Library string           `json:"library"`
	Sources []sourceListJSON `json:"sources"`
}

func newSourcesJSON(library string, sources []retrieval.Source) sourcesJSON {
	out := sourcesJSON{Library: library, Sources: make([]sourceListJSON, 0, len(sources))}
	for _, s := range sources {
		out.Sources = append(out.Sources, sourceListJSON{
			ID: s.ID, Title: s.Title, Author: s.Author, URL: s.URL, Published: s.Published, Origin: s.Origin,
		})
	}
	return out
}

// quoted wraps text in quotation marks, unless it is a passage that already
// opens with one (a sentence that starts with a quotation): another pair
// around it would read as a quote of a quote.
func quoted(text string) string {
	if strings.HasPrefix(text, "“") || strings.HasPrefix(text, `"`) {
		return text
	}
	return "“" + text + "”"
}

// renderResults prints results for a person: the exact words in quotation
// marks, who said them, and where they come from.
func renderResults(w io.Writer, results []retrieval.Result) error {
	var b strings.Builder
	for i, r := range results {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "%d. %s\n", i+1, quoted(indent(printable(r.Text), "   ")))
		b.WriteString("   " + attribution(r) + "\n")
		writeCitation(&b, r.Source, r.Paragraph, r.Fragment)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// attribution says who a result's words belong to.
func attribution(r retrieval.Result) string {
	switch {
	case r.Kind == retrieval.ResultPassage && r.Speaker == "":
		return "(passage)"
	case r.Kind == retrieval.ResultPassage:
		return "— " + speakerName(r.Speaker, r.SpeakerTitle) + " (passage)"
	case r.Speaker == "":
		return "— unattributed"
	default:
		return "— " + speakerName(r.Speaker, r.SpeakerTitle)
	}
}

func speakerName(speaker, title string) string {
	if title == "" {
		return printable(speaker)
	}
	return printable(speaker + ", " + title)
}

// writeCitation writes the source lines of a result or quote: title, then
// author and date, then link, then the paragraph.
func writeCitation(b *strings.Builder, s retrieval.SourceRef, paragraph int, fragment bool) {
	title := s.Title
	if title == "" {
		title = "untitled source #" + strconv.FormatInt(s.ID, 10)
	}
	b.WriteString("   " + printable(title) + "\n")
	if line := joinNonEmpty(" · ", s.Author, s.Published); line != "" {
		b.WriteString("   " + printable(line) + "\n")
	}
	if s.URL != "" {
		b.WriteString("   " + printable(s.URL) + "\n")
	}
	loc := "paragraph " + strconv.Itoa(paragraph)
	if fragment {
		loc += " · fragment"
	}
	b.WriteString("   " + loc + "\n")
}

// renderNoMatch prints the plain answer for ErrNoMatch.
func renderNoMatch(w io.Writer, library string) error {
	_, err := fmt.Fprintf(w, "Nothing in the library answers that.\nTry other words, or see what library %q holds with: verbatim sources --library %s\n", library, library)
	return err
}

// renderQuotes prints quotes for a person.
func renderQuotes(w io.Writer, quotes []retrieval.Quote, sources map[int64]retrieval.Source) error {
	var b strings.Builder
	for i, q := range quotes {
		if i > 0 {
			b.WriteByte('\n')
		}
		fmt.Fprintf(&b, "“%s”\n", indent(printable(q.Text), "   "))
		if q.Speaker == "" {
			b.WriteString("   — unattributed\n")
		} else {
			fmt.Fprintf(&b, "   — %s (confidence %.2f)\n", speakerName(q.Speaker, q.SpeakerTitle), q.Confidence)
		}
		writeCitation(&b, sourceRef(sources, q.SourceID), q.Paragraph, q.Fragment)
	}
	if len(quotes) == 0 {
		b.WriteString("No quotes.\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// renderSources prints a table of sources.
func renderSources(w io.Writer, sources []retrieval.Source) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tAUTHOR\tPUBLISHED\tORIGIN")
	for _, s := range sources {
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\n", s.ID, cell(s.Title), cell(s.Author), cell(s.Published), cell(s.Origin))
	}
	return tw.Flush()
}

// cell makes s fit one table cell: one line, tabs as spaces, "-" if empty.
func cell(s string) string {
	s = strings.Join(strings.Fields(printable(s)), " ")
	if s == "" {
		return "-"
	}
	if r := []rune(s); len(r) > 60 {
		s = string(r[:59]) + "…"
	}
	return s
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// indent indents every line of s after the first with prefix.
func indent(s, prefix string) string {
	return strings.ReplaceAll(s, "\n", "\n"+prefix)
}

// printable replaces control characters other than newline and tab, so that
// text from a source cannot drive the terminal (escape sequences). Only the
// human output does this; JSON and "source text" keep every byte.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r != '\n' && r != '\t' && unicode.IsControl(r) {
			return '\uFFFD'
		}
		return r
	}, s)
}
