package retrieval

import (
	"context"
	"fmt"
)

// Test hooks for the external tests (package retrieval_test). They are
// compiled only into the test binary.

// SetAnalyzeForTest makes ix read documents with f instead of Analyze, so a
// test controls exactly which quotes and speakers a document yields.
func (ix *Index) SetAnalyzeForTest(f func(text string) Analysis) { ix.analyze = f }

// CheckFTSForTest runs FTS5's integrity check, comparing the index with the
// units it is built from (rank=1): stale or missing tokens fail it.
func (ix *Index) CheckFTSForTest(ctx context.Context) error {
	if ix.dialect == dialectPostgres {
		return ix.pgCheck(ctx)
	}
	_, err := ix.db.ExecContext(ctx, `INSERT INTO units_fts (units_fts, rank) VALUES ('integrity-check', 1)`)
	return err
}

// CountForTest counts the rows of table that belong to source id (for
// "sources", the source row itself).
func (ix *Index) CountForTest(ctx context.Context, table string, id int64) (int, error) {
	col := "source_id"
	switch table {
	case "sources":
		col = "id"
	case "paragraphs", "sentences", "quotes", "units":
	default:
		return 0, fmt.Errorf("unknown table %q", table)
	}
	var n int
	err := ix.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table+` WHERE `+col+` = ?`, id).Scan(&n)
	return n, err
}

// CountMatchesForTest counts every FTS5 hit for a term in any library,
// straight from the index, with no join to units: it sees stale tokens.
func (ix *Index) CountMatchesForTest(ctx context.Context, term string) (int, error) {
	var n int
	if ix.dialect == dialectPostgres {
		err := ix.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units WHERE tsv @@ plainto_tsquery('verbatim', ?)`, term).Scan(&n)
		return n, err
	}
	err := ix.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM units_fts WHERE units_fts MATCH ?`, matchTerms([]string{term})).Scan(&n)
	return n, err
}
