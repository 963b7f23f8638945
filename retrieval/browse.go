package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file holds small read-only lookups for browsing a library rather
// than searching it: the speakers it quotes (for completing a name as it is
// typed) and one paragraph of a source (to show a result in its context).

// Passage is one paragraph of a source with the citation fields of the
// source. Text is always the source's Text[Start:End].
type Passage struct {
	Source    SourceRef
	Paragraph int // counts from 1
	Span
	Text string
}

// Speakers returns the distinct speakers quoted in library whose name, or
// any word of it, starts with prefix, ignoring case; an empty or blank
// prefix matches every speaker. Speakers quoted more often come first, then
// names in byte order, and at most limit names are returned (limit <= 0
// means no limit). Unattributed quotes have no speaker and are never
// counted.
//
// It returns ErrUnknownLibrary if the library does not exist. A library
// with no matching speaker gives an empty list and no error.
func (ix *Index) Speakers(ctx context.Context, library, prefix string, limit int) ([]string, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	// The prefix is matched in Go, not with LIKE: SQLite folds ASCII case
	// only, and a library quotes few enough distinct people (hundreds, not
	// millions) that reading all their names is cheap.
	rows, err := ix.db.QueryContext(ctx, `
		SELECT q.speaker, COUNT(*) AS n
		FROM quotes q JOIN sources s ON s.id = q.source_id
		WHERE s.library_id = ? AND q.speaker <> '' AND q.hidden = 0
		GROUP BY q.speaker`, libID)
	if err != nil {
		return nil, fmt.Errorf("library %q speakers: %w", library, dbError(err))
	}
	defer rows.Close()
	type speaker struct {
		name string
		n    int
	}
	var found []speaker
	want := foldPrefix(prefix)
	for rows.Next() {
		var s speaker
		if err := rows.Scan(&s.name, &s.n); err != nil {
			return nil, dbError(err)
		}
		if nameHasPrefix(s.name, want) {
			found = append(found, s)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].n != found[j].n {
			return found[i].n > found[j].n
		}
		return found[i].name < found[j].name
	})
	if limit > 0 && len(found) > limit {
		found = found[:limit]
	}
	out := make([]string, len(found))
	for i, s := range found {
		out[i] = s.name
	}
	return out, nil
}

// foldPrefix normalises a typed prefix for nameHasPrefix: lower case, inner
// runs of white space as one space, no white space at either end.
func foldPrefix(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// nameHasPrefix reports whether name, or the text from any word of it
// onwards, starts with the folded prefix want: "put" and "vladimir p" both
// find "Vladimir Putin".
func nameHasPrefix(name, want string) bool {
	if want == "" {
		return true
	}
	name = foldPrefix(name)
	for i := 0; i < len(name); {
		if strings.HasPrefix(name[i:], want) {
			return true
		}
		// Skip to the start of the next word.
		for i < len(name) {
			r, n := utf8.DecodeRuneInString(name[i:])
			i += n
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				break
			}
		}
		for i < len(name) {
			r, n := utf8.DecodeRuneInString(name[i:])
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				break
			}
			i += n
		}
	}
	return false
}

// Passage returns paragraph number paragraph (counting from 1) of source
// sourceID in library, with the source's citation fields. Only the
// paragraph's bytes are read, not the whole source.
//
// It returns ErrUnknownLibrary if the library does not exist, and
// ErrUnknownSource if the library has no such source or the source no such
// paragraph, so that a reference kept from an earlier answer to a source
// removed since fails the same way whichever part is gone.
func (ix *Index) Passage(ctx context.Context, library string, sourceID int64, paragraph int) (Passage, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return Passage{}, err
	}
	src, err := findSource(ctx, ix.db, libID, sourceID, false)
	if err != nil {
		return Passage{}, fmt.Errorf("library %q: %w", library, err)
	}
	// substr over a BLOB counts bytes, which is what the spans count; over
	// TEXT it would count characters.
	var p Passage
	var text []byte
	err = ix.db.QueryRowContext(ctx, `
		SELECT p.span_start, p.span_end, `+ix.dialect.byteSubstr("s.text", "p.span_start", "p.span_end - p.span_start")+`
		FROM paragraphs p JOIN sources s ON s.id = p.source_id
		WHERE p.source_id = ? AND p.idx = ? AND s.library_id = ?`,
		sourceID, paragraph, libID).Scan(&p.Start, &p.End, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return Passage{}, fmt.Errorf("library %q: source %d paragraph %d: %w", library, sourceID, paragraph, ErrUnknownSource)
	} else if err != nil {
		return Passage{}, fmt.Errorf("library %q: source %d paragraph %d: %w", library, sourceID, paragraph, dbError(err))
	}
	if len(text) != p.Len() || !utf8.Valid(text) {
		// Add checks every span before storing it; this guards the read.
		return Passage{}, fmt.Errorf("library %q: source %d paragraph %d: stored span [%d, %d) does not fit the text",
			library, sourceID, paragraph, p.Start, p.End)
	}
	p.Source = src.Ref()
	p.Paragraph = paragraph
	p.Text = string(text)
	return p, nil
}
