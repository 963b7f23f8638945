package retrieval

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Check verifies the database: SQLite's PRAGMA integrity_check (b-trees,
// indexes, constraints), PRAGMA foreign_key_check, and FTS5's own
// integrity check of units_fts against the units it is built from (rank=1:
// stale or missing tokens fail it). It returns nil when all pass, and
// otherwise an error naming the check and the first problems it found.
func (ix *Index) Check(ctx context.Context) error {
	if ix.db == nil {
		return errors.New("check: index is not open")
	}
	if ix.dialect == dialectPostgres {
		return ix.pgCheck(ctx)
	}
	problems, err := ix.pragmaRows(ctx, `PRAGMA integrity_check`)
	if err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if len(problems) != 1 || problems[0] != "ok" {
		return fmt.Errorf("integrity_check: %s", summarize(problems))
	}
	fk, err := ix.pragmaRows(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	if len(fk) > 0 {
		return fmt.Errorf("foreign_key_check: %d row(s) point at nothing: %s", len(fk), summarize(fk))
	}
	if _, err := ix.db.ExecContext(ctx, `INSERT INTO units_fts (units_fts, rank) VALUES ('integrity-check', 1)`); err != nil {
		return fmt.Errorf("fts5 integrity-check of units_fts: %w", dbError(err))
	}
	return nil
}

// pragmaRows runs a PRAGMA and returns each row's columns joined by " ".
func (ix *Index) pragmaRows(ctx context.Context, pragma string) ([]string, error) {
	rows, err := ix.db.QueryContext(ctx, pragma)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, dbError(err)
	}
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, dbError(err)
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, " "))
	}
	return out, dbError(rows.Err())
}

// summarize shows at most the first five problems of a check.
func summarize(problems []string) string {
	if len(problems) == 0 {
		return "no result"
	}
	if len(problems) > 5 {
		return strings.Join(problems[:5], "; ") + fmt.Sprintf("; and %d more", len(problems)-5)
	}
	return strings.Join(problems, "; ")
}

// Backup writes a consistent copy of the database to path, which must not
// exist yet (the error then wraps fs.ErrExist). The copy is a SQLite file
// whichever the store: a PostgreSQL store is copied with CopyStore, from
// one snapshot, and restored with it (verbatim migrate-store). It is safe while the index
// serves and is written to: the copy is the database as of one moment, and
// writers are not blocked in WAL mode.
//
// The copy is made with VACUUM INTO rather than the driver's online-backup
// API: VACUUM INTO runs inside one read transaction on any pooled
// connection, so it never restarts when a writer commits mid-copy (the
// backup API restarts a stepped copy on every write from another
// connection) and it needs no access to the driver's raw connection. The
// copy is also compacted. It is written to a temporary file next to path,
// synced, and only then linked into place, so a crash or an error never
// leaves a partial file at path.
func (ix *Index) Backup(ctx context.Context, path string) error {
	if ix.db == nil {
		return errors.New("backup: index is not open")
	}
	if ix.Path == ":memory:" {
		return errors.New("backup: an in-memory database has nothing to back up")
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup %s: %w", path, fs.ErrExist)
	}
	var rnd [6]byte
	if _, err := rand.Read(rnd[:]); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(rnd[:]))
	defer os.Remove(tmp)
	if ix.dialect == dialectPostgres {
		// A SQLite file holding every library, ids and all: what
		// migrate-store makes, and what it restores from.
		if err := ix.backupToSQLite(ctx, tmp); err != nil {
			return fmt.Errorf("backup %s: %w", path, err)
		}
	} else if _, err := ix.db.ExecContext(ctx, `VACUUM INTO ?`, tmp); err != nil {
		return fmt.Errorf("backup %s: %w", path, dbError(err))
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	// Link fails if path appeared meanwhile, where Rename would replace it.
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup %s: %w", path, fs.ErrExist)
		}
		// A file system without hard links: check, then rename.
		if _, err := os.Lstat(path); err == nil {
			return fmt.Errorf("backup %s: %w", path, fs.ErrExist)
		}
		if err := os.Rename(tmp, path); err != nil {
			return fmt.Errorf("backup %s: %w", path, err)
		}
	}
	return syncDir(filepath.Dir(path))
}

// syncFile flushes the file at name to stable storage.
func syncFile(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// syncDir flushes a directory entry change; where directories cannot be
// synced, it does nothing.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return nil
	}
	defer d.Close()
	_ = d.Sync()
	return nil
}

// backupToSQLite copies every library of ix into a new SQLite file at path.
func (ix *Index) backupToSQLite(ctx context.Context, path string) error {
	dst := NewIndex(path)
	dst.Logger = ix.Logger
	if err := dst.Open(); err != nil {
		return err
	}
	_, err := CopyStore(ctx, dst, ix)
	if err == nil {
		err = dst.Optimize(ctx)
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	return err
}
