package retrieval

import (
	"context"
	"fmt"
)

// This file serves the speed benchmark (verbatim bench, issue 6) only: it
// gives the benchmark the naive query that Search must beat and the units a
// peer engine must index. Nothing in the bot uses it.

// plainSQL is the naive FTS5 query: the question's terms OR-ed, every hit
// scored by bm25 with default weights, top k. CROSS JOIN keeps FTS5 as the
// outer loop, so the library filter is one primary-key probe per hit.
const plainSQL = `
	SELECT u.id
	FROM units_fts
	CROSS JOIN units u ON u.id = units_fts.rowid
	WHERE units_fts MATCH ?1 AND u.library_id = ?2
	ORDER BY bm25(units_fts)
	LIMIT ?3`

// PlainSearch answers question the naive way, as a baseline for Search: a
// MATCH of MatchQuery(question) ordered by bm25, with no term pruning and no
// reranking. It returns the ids of the best k units of library, best first.
// It returns ErrEmptyQuery when the question has no searchable word and
// ErrUnknownLibrary when the library does not exist.
func (ix *Index) PlainSearch(ctx context.Context, library, question string, k int) ([]int64, error) {
	match, err := MatchQuery(question)
	if err != nil {
		return nil, err
	}
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	query, arg := plainSQL, any(match)
	if ix.dialect == dialectPostgres {
		query, arg = pgPlainSQL, QueryTerms(question)
	}
	rows, err := ix.db.QueryContext(ctx, query, arg, libID, k)
	if err != nil {
		return nil, fmt.Errorf("plain search %q: %w", library, dbError(err))
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("plain search %q: %w", library, dbError(err))
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("plain search %q: %w", library, dbError(err))
	}
	return ids, nil
}

// Unit is one searchable unit as stored: a quote or a sentence (Kind is
// ResultQuote or ResultPassage), with the span of its source it covers.
type Unit struct {
	ID       int64
	Kind     string
	SourceID int64
	Start    int
	End      int
	Text     string
}

// EachUnit calls fn with every unit of library, hidden ones included, in id
// order, so that a peer engine can index exactly what FTS5 indexes. It stops
// at the first error fn returns and returns it. It returns ErrUnknownLibrary
// when the library does not exist.
func (ix *Index) EachUnit(ctx context.Context, library string, fn func(Unit) error) error {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return err
	}
	rows, err := ix.db.QueryContext(ctx,
		`SELECT id, kind, source_id, span_start, span_end, text FROM units WHERE library_id = ? ORDER BY id`, libID)
	if err != nil {
		return fmt.Errorf("units of %q: %w", library, dbError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var u Unit
		if err := rows.Scan(&u.ID, &u.Kind, &u.SourceID, &u.Start, &u.End, &u.Text); err != nil {
			return fmt.Errorf("units of %q: %w", library, dbError(err))
		}
		if err := fn(u); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("units of %q: %w", library, dbError(err))
	}
	return nil
}
