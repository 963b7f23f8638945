package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// libraryList is a repeatable --library flag.
type libraryList []string

func (l *libraryList) String() string { return strings.Join(*l, ",") }

func (l *libraryList) Set(v string) error {
	if err := validateLibrary(v); err != nil {
		return err
	}
	*l = append(*l, v)
	return nil
}

const migrateSynopsis = "verbatim migrate-store [--library NAME ...] FROM TO"

// runMigrateStore copies libraries from one store to another, rows and
// ids as they are (retrieval.CopyStore): from a SQLite file to PostgreSQL
// and back, or between two of a kind. TO is created if it is a new SQLite
// file; a PostgreSQL database must exist. TO is never seeded with the
// sample library, and either receives every row or is left as it was.
func (m *Main) runMigrateStore(ctx context.Context, args []string) error {
	// Not m.flagSet: FROM and TO stand for --db, and --library may repeat.
	fset := flag.NewFlagSet("migrate-store", flag.ContinueOnError)
	fset.SetOutput(io.Discard)
	fset.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage:\n  %s\n\nFROM and TO are each a SQLite file or a postgres:// URL.\n\nFlags:\n", migrateSynopsis)
		fset.SetOutput(m.Stderr)
		fset.PrintDefaults()
		fset.SetOutput(io.Discard)
	}
	var libs libraryList
	fset.Var(&libs, "library", "copy only the library `NAME` (repeat for more; default every library)")
	pos, err := m.parse(fset, nil, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf(fset, "want FROM and TO (a SQLite file or a postgres:// URL each), got %d argument(s)", len(pos))
	}
	from, to := pos[0], pos[1]
	fromName, toName := retrieval.RedactURL(from), retrieval.RedactURL(to)
	if from == to {
		return usageErrorf(fset, "FROM and TO are both %s", fromName)
	}
	if !retrieval.IsPostgresURL(from) {
		if _, err := os.Stat(from); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fmt.Errorf("migrate-store: no database at %s", from)
			}
			return fmt.Errorf("migrate-store: %w", err)
		}
	}
	created := false
	if !retrieval.IsPostgresURL(to) {
		if same, _ := samePath(from, to); same {
			return usageErrorf(fset, "FROM and TO are the same file %s", to)
		}
		fi, err := os.Stat(to)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			created = true
		case err != nil:
			return fmt.Errorf("migrate-store: %w", err)
		case fi.IsDir():
			return fmt.Errorf("migrate-store: %s is a folder; name a database file", to)
		}
	}

	src := retrieval.NewIndex(from)
	src.Logger = m.Logger
	if err := src.Open(); err != nil {
		return fmt.Errorf("open database %s: %w", fromName, err)
	}
	defer m.closeIndex(src)
	dst := retrieval.NewIndex(to)
	dst.Logger = m.Logger
	if err := dst.Open(); err != nil {
		if created {
			removeSQLite(to)
		}
		return fmt.Errorf("open database %s: %w", toName, err)
	}

	m.Logger.Info("copying libraries", "from", fromName, "to", toName, "libraries", libs.String())
	start := time.Now()
	stats, err := retrieval.CopyStore(ctx, dst, src, libs...)
	if err == nil {
		// Fresh statistics for the planner and for the search's estimates
		// of common terms (ANALYZE on PostgreSQL), a merged FTS5 index on
		// SQLite: what a bulk load leaves undone.
		if err := dst.Optimize(ctx); err != nil {
			m.Logger.Warn("optimize after copy", "to", toName, "err", err)
		}
	}
	elapsed := time.Since(start)
	m.closeIndex(dst)
	if err != nil {
		if created {
			removeSQLite(to) // nothing was copied: leave no empty store behind
		}
		return fmt.Errorf("migrate-store: %w", err)
	}
	units := stats.Rows["units"]
	rate := ""
	if s := elapsed.Seconds(); s > 0 {
		rate = fmt.Sprintf(", %.0f units/s", float64(units)/s)
	}
	_, err = fmt.Fprintf(m.Stdout, "copied %d %s (%s): %d sources, %d units, %d quotes, %d audit entries in %.1fs%s\nfrom %s\nto   %s\n",
		len(stats.Libraries), plural(len(stats.Libraries), "library", "libraries"), strings.Join(stats.Libraries, ", "),
		stats.Rows["sources"], units, stats.Rows["quotes"], stats.Rows["audit_log"], elapsed.Seconds(), rate, fromName, toName)
	return err
}

// removeSQLite removes a SQLite database file and its companions.
func removeSQLite(path string) {
	for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
		os.Remove(path + suffix)
	}
}

// plural picks the word for n things.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
