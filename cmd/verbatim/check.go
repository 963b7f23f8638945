package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// runCheck verifies the database: SQLite's integrity check, foreign keys
// and the FTS5 index against its content. It exits non-zero, saying what is
// wrong, when any fails.
func (m *Main) runCheck(ctx context.Context, args []string) error {
	fs, c := m.flagSet("check", "verbatim check [--db PATH]")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf(fs, "unexpected argument %q", pos[0])
	}
	ix, err := m.openExisting(c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)
	if err := ix.Check(ctx); err != nil {
		return fmt.Errorf("check %s: database is damaged: %w; restore the latest backup (see README, Reliability)", retrieval.RedactURL(c.db), err)
	}
	_, err = fmt.Fprintf(m.Stdout, "%s: ok (integrity, foreign keys, full-text index)\n", retrieval.RedactURL(c.db))
	return err
}

// openExisting opens the database at path, which must exist: check and
// backup must not create (and seed) a new one by mistake.
func (m *Main) openExisting(path string) (*retrieval.Index, error) {
	if retrieval.IsPostgresURL(path) {
		ix := retrieval.NewIndex(path)
		ix.Logger = m.Logger
		if err := ix.Open(); err != nil {
			return nil, fmt.Errorf("open database %s: %w", retrieval.RedactURL(path), err)
		}
		return ix, nil
	}
	if _, err := os.Stat(path); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s; name it with --db or VERBATIM_DB", path)
		}
		return nil, err
	}
	ix := retrieval.NewIndex(path)
	ix.Logger = m.Logger
	if err := ix.Open(); err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	return ix, nil
}
