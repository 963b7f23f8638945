package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// runBackup writes a consistent copy of the database to PATH while the bot
// may be serving from it. An existing PATH is kept unless --force; with
// --force the new copy replaces it only once complete.
func (m *Main) runBackup(ctx context.Context, args []string) error {
	fset, c := m.flagSet("backup", "verbatim backup [--db PATH] [--force] BACKUP")
	force := fset.Bool("force", false, "replace BACKUP if it exists")
	pos, err := m.parse(fset, c, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf(fset, "want exactly one backup path, got %d", len(pos))
	}
	dst := pos[0]
	if same, _ := samePath(dst, c.db); same {
		return usageErrorf(fset, "backup path %s is the database itself", dst)
	}
	if fi, err := os.Stat(dst); err == nil {
		if fi.IsDir() {
			return fmt.Errorf("backup %s: is a folder; name a file", dst)
		}
		if !*force {
			return fmt.Errorf("backup %s: file exists; choose another name or add --force to replace it", dst)
		}
	}
	ix, err := m.openExisting(c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	target := dst
	if *force {
		// Write beside dst and rename over it, so a failed backup leaves the
		// old one intact.
		target = filepath.Join(filepath.Dir(dst), "."+filepath.Base(dst)+".new")
		os.Remove(target)
		defer os.Remove(target)
	}
	if err := ix.Backup(ctx, target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup %s: file exists; choose another name or add --force to replace it", dst)
		}
		return fmt.Errorf("backup: %w", err)
	}
	if target != dst {
		if err := os.Rename(target, dst); err != nil {
			return fmt.Errorf("backup: %w", err)
		}
	}
	fi, err := os.Stat(dst)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	restore := "stop the bot, then copy it over " + c.db
	if retrieval.IsPostgresURL(c.db) {
		restore = "stop the bot, then verbatim migrate-store " + dst + " into an empty PostgreSQL database"
	}
	_, err = fmt.Fprintf(m.Stdout, "backed up %s to %s (%d bytes, a SQLite file); restore: %s\n",
		retrieval.RedactURL(c.db), dst, fi.Size(), restore)
	return err
}

// samePath reports whether a and b name the same file.
func samePath(a, b string) (bool, error) {
	fa, err := os.Stat(a)
	if err != nil {
		return false, err
	}
	fb, err := os.Stat(b)
	if err != nil {
		return false, err
	}
	return os.SameFile(fa, fb), nil
}
