package retrieval

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// The cited log: every result shown in a discussion (a thread, an opaque
// key), so that the discussion can be exported as a study packet with full
// citations.

// maxThreadKey is the longest thread key, in bytes.
const maxThreadKey = 200

func checkThread(thread string) error {
	if strings.TrimSpace(thread) == "" {
		return errors.New("thread key is empty")
	}
	if len(thread) > maxThreadKey || !utf8.ValidString(thread) {
		return fmt.Errorf("thread key is not valid UTF-8 of at most %d bytes", maxThreadKey)
	}
	return nil
}

// RecordCited remembers rs as shown in thread of library, each once (by
// source and span; the first time counts for the order), all or none. The
// words are read from each result's source at its span, so the log holds
// what the source said, whatever r.Text holds. It returns
// ErrUnknownLibrary, ErrUnknownSource for a result whose source is not in
// the library, or an error for a span that is not in its source's text.
func (ix *Index) RecordCited(ctx context.Context, library, thread string, rs ...Result) error {
	if err := checkThread(thread); err != nil {
		return err
	}
	if len(rs) == 0 {
		return nil
	}
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		now := formatTime(ix.Now().UTC())
		for _, r := range rs {
			text, err := spanText(ctx, tx, ix.dialect, libID, r.Source.ID, r.Start, r.End)
			if err != nil {
				return fmt.Errorf("library %q: %w", library, err)
			}
			kind := r.Kind
			if kind != ResultQuote {
				kind = ResultPassage
			}
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO cited (library_id, thread, source_id, span_start, span_end, text, kind, paragraph, speaker,
					speaker_title, fragment, confidence, cited_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (library_id, thread, source_id, span_start, span_end) DO NOTHING`,
				libID, thread, r.Source.ID, r.Start, r.End, text, kind, r.Paragraph, r.Speaker, r.SpeakerTitle,
				r.Fragment, r.Confidence, now); err != nil {
				return fmt.Errorf("record cited: %w", dbError(err))
			}
		}
		return nil
	})
}

// spanText returns the bytes [start, end) of source id of library libID,
// or ErrUnknownSource, or an error if the span is not in its text.
func spanText(ctx context.Context, q querier, d dialect, libID, id int64, start, end int) (string, error) {
	var text []byte
	var n int
	err := q.QueryRowContext(ctx, `
		SELECT `+d.byteSubstr("text", "?1", "?2 - ?1")+`, `+d.byteLength("text")+`
		FROM sources WHERE id = ?3 AND library_id = ?4`, start, end, id, libID).Scan(&text, &n)
	if errors.Is(err, sql.ErrNoRows) {
		return "", fmt.Errorf("source %d: %w", id, ErrUnknownSource)
	} else if err != nil {
		return "", fmt.Errorf("source %d: %w", id, dbError(err))
	}
	if start < 0 || end <= start || end > n || len(text) != end-start || !utf8.Valid(text) {
		return "", fmt.Errorf("source %d: span [%d, %d) is not text of the source", id, start, end)
	}
	return string(text), nil
}

// Cited returns the results recorded for thread of library in the order
// first cited, re-read from their sources: Text is the source's text at the
// span now, the source's citation fields are current, and so are a quote's
// speaker and id (after a curator's fix). A result whose source was removed,
// whose span no longer holds the words cited (the source changed), or that
// a curator has hidden since is left out. A thread with nothing recorded
// gives an empty list. It returns ErrUnknownLibrary.
func (ix *Index) Cited(ctx context.Context, library, thread string) ([]Result, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	rows, err := ix.db.QueryContext(ctx, `
		SELECT c.kind, c.text, c.source_id, c.span_start, c.span_end, c.paragraph, c.speaker, c.speaker_title,
			c.fragment, c.confidence, s.title, s.author, s.url, s.published,
			`+ix.dialect.byteSubstr("s.text", "c.span_start", "c.span_end - c.span_start")+`,
			COALESCE(q.id, 0), COALESCE(q.speaker, c.speaker), COALESCE(q.speaker_title, c.speaker_title),
			COALESCE(q.paragraph, c.paragraph),
			EXISTS (SELECT 1 FROM quotes h WHERE h.source_id = c.source_id AND h.hidden = 1
				AND h.span_start < c.span_end AND c.span_start < h.span_end)
		FROM cited c
		JOIN sources s ON s.id = c.source_id AND s.library_id = c.library_id
		LEFT JOIN quotes q ON c.kind = 'quote' AND q.id = (
			SELECT q1.id FROM quotes q1 WHERE q1.source_id = c.source_id
				AND q1.span_start = c.span_start AND q1.span_end = c.span_end
			ORDER BY q1.id LIMIT 1)
		WHERE c.library_id = ? AND c.thread = ?
		ORDER BY c.id`, libID, thread)
	if err != nil {
		return nil, fmt.Errorf("library %q cited: %w", library, dbError(err))
	}
	defer rows.Close()
	out := []Result{}
	for rows.Next() {
		var r Result
		var was string
		var now []byte
		var hidden bool
		if err := rows.Scan(&r.Kind, &was, &r.Source.ID, &r.Start, &r.End, &r.Paragraph, &r.Speaker, &r.SpeakerTitle,
			&r.Fragment, &r.Confidence, &r.Source.Title, &r.Source.Author, &r.Source.URL, &r.Source.Published,
			&now, &r.QuoteID, &r.Speaker, &r.SpeakerTitle, &r.Paragraph, &hidden); err != nil {
			return nil, dbError(err)
		}
		if hidden || string(now) != was {
			continue
		}
		r.Text = string(now)
		out = append(out, r)
	}
	return out, dbError(rows.Err())
}

// ExportMarkdown writes rs as a Markdown study packet: a heading with
// title, then for each result its speaker and role, the quotation as a
// block quote, and its citation in style (the in-text citation or note and
// the full entry), then a list of the sources cited, each once, in style.
// Characters Markdown would read as markup are escaped (and line breaks
// kept as hard breaks), so that the rendered quotation reads exactly as
// the source (but that Markdown shows several blank lines in a row as one
// paragraph break). An unknown style is written as APA.
func ExportMarkdown(w io.Writer, title string, rs []Result, style CiteStyle) error {
	if _, err := ParseCiteStyle(string(style)); err != nil {
		style = CiteAPA
	}
	bw := bufio.NewWriter(w)
	if strings.TrimSpace(title) == "" {
		title = "Study packet"
	}
	fmt.Fprintf(bw, "# %s\n\n", mdInline(title))
	noun := "quotations"
	if len(rs) == 1 {
		noun = "quotation"
	}
	fmt.Fprintf(bw, "%d %s cited. Citation style: %s.\n", len(rs), noun, style.Name())
	var sources []CiteInfo
	seen := make(map[int64]bool)
	for i, r := range rs {
		who := "Unattributed"
		if r.Speaker != "" {
			who = r.Speaker
			if r.SpeakerTitle != "" {
				who += ", " + r.SpeakerTitle
			}
		}
		if r.Kind == ResultPassage {
			who = "Passage"
		}
		c := citeInfo(r.Source)
		fmt.Fprintf(bw, "\n## %d. %s\n\n", i+1, mdInline(who))
		bw.WriteString(mdBlockquote(r.Text))
		bw.WriteString("\n\n")
		note := inText(style, c, r.Speaker, mdItalic)
		if style == CiteChicago {
			note = "Note: " + note
		}
		fmt.Fprintf(bw, "%s\\\n", mdInlineKeep(note))
		fmt.Fprintf(bw, "%s\n", mdInlineKeep(bibliography(style, c, mdItalic)))
		if !seen[r.Source.ID] {
			seen[r.Source.ID] = true
			sources = append(sources, c)
		}
	}
	if len(sources) > 0 {
		fmt.Fprintf(bw, "\n## Sources\n\n")
		for _, c := range sources {
			fmt.Fprintf(bw, "- %s\n", mdInlineKeep(bibliography(style, c, mdItalic)))
		}
	}
	return bw.Flush()
}

// mdSpecial are the characters Markdown (CommonMark and GitHub's) may read
// as markup anywhere in a line; each is escaped with a backslash, which
// CommonMark allows before any ASCII punctuation.
const mdSpecial = "\\`*_[]<>|~&$#"

// mdItalic marks s as italic text for the Markdown citation; the markers
// are control characters that mdInlineKeep turns into "_" after escaping
// everything else (citation fields come from sources, not from us).
func mdItalic(s string) string { return "\x01" + s + "\x02" }

// mdInline escapes one line of text for Markdown.
func mdInline(s string) string {
	var b strings.Builder
	line := strings.Join(strings.Fields(s), " ")
	for i := 0; i < len(line); i++ {
		c := line[i]
		if strings.IndexByte(mdSpecial, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return endSafe(escapeLineStart(b.String()))
}

// endSafe writes a backslash that ends a line as a character reference:
// an escaped one ("\\") followed by the backslash of a hard line break
// is misread by some renderers.
func endSafe(s string) string {
	if strings.HasSuffix(s, `\\`) {
		return strings.TrimSuffix(s, `\\`) + "&#92;"
	}
	return s
}

// mdInlineKeep is mdInline keeping the italics of mdItalic.
func mdInlineKeep(s string) string {
	return strings.NewReplacer("\x01", "_", "\x02", "_").Replace(mdInline(s))
}

// mdBlockquote renders text as a Markdown block quote that reads as text:
// markup characters escaped, leading spaces kept as character references
// (four would start a code block), line breaks as hard breaks and blank
// lines as paragraph breaks.
func mdBlockquote(text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	lines := strings.Split(text, "\n")
	var b strings.Builder
	for i, line := range lines {
		if i > 0 {
			if lines[i-1] != "" && line != "" {
				b.WriteString("\\") // a hard line break
			}
			b.WriteString("\n")
		}
		if line == "" {
			b.WriteString(">")
			continue
		}
		b.WriteString("> ")
		b.WriteString(mdLine(line))
	}
	return b.String()
}

// mdLine escapes one line of a quotation, keeping its spacing.
func mdLine(line string) string {
	var b strings.Builder
	lead := true
	for i := 0; i < len(line); i++ {
		c := line[i]
		switch {
		case lead && c == ' ':
			b.WriteString("&#32;")
			continue
		case lead && c == '\t':
			b.WriteString("&#9;")
			continue
		case c == '\r':
			b.WriteString("&#13;")
			continue
		}
		lead = false
		if strings.IndexByte(mdSpecial, c) >= 0 {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	s := b.String()
	// Trailing white space would be dropped or read as a line break.
	trimmed := strings.TrimRight(s, " \t")
	s = trimmed + strings.NewReplacer(" ", "&#32;", "\t", "&#9;").Replace(s[len(trimmed):])
	return endSafe(escapeLineStart(s))
}

// escapeLineStart escapes what would start a block at the beginning of a
// line: a heading (#), a list item (-, +, *, "1." or "1)"), a block quote
// (>), a setext underline (=, -) or a fence (` or ~, escaped already).
func escapeLineStart(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i > 0 && i < len(s) && (s[i] == '.' || s[i] == ')') {
		return s[:i] + "\\" + s[i:]
	}
	if s != "" && strings.IndexByte("#-+=>", s[0]) >= 0 {
		return "\\" + s
	}
	return s
}
