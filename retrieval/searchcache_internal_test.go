package retrieval

import (
	"context"
	"database/sql"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMigration_Speed upgrades a database written before 0004_speed.sql
// (every earlier migration applied, units as Add wrote them) and checks that
// library_stats starts with the true counts, that its triggers keep them
// through adds, replacements and removals, that every write changes the
// version, and that a source without a source_terms row is still searched.
func TestMigration_Speed(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1&_journal_mode=WAL")
	require.NoError(t, err)
	_, err = db.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY)`)
	require.NoError(t, err)
	names, err := migrationNames()
	require.NoError(t, err)
	for _, name := range names {
		if name >= "migrations/0004" {
			break
		}
		buf, err := migrationFS.ReadFile(name)
		require.NoError(t, err)
		_, err = db.Exec(string(buf))
		require.NoError(t, err, name)
		_, err = db.Exec(`INSERT INTO migrations (name) VALUES (?)`, name)
		require.NoError(t, err)
	}
	for _, stmt := range []string{
		`INSERT INTO libraries (id, name, created_at) VALUES (1, 'news', '2025-12-01T10:00:00Z'), (2, 'empty', '2025-12-01T10:00:00Z')`,
		`INSERT INTO sources (id, library_id, title, origin, format, text, sha256, added_at, updated_at) VALUES
			(1, 1, 'Old', 'news/a.txt', 'text', 'Albatross sighted. Grain prices rose.', 'aaa', '2025-12-01T10:00:00Z', '2025-12-01T10:00:00Z')`,
		`INSERT INTO sentences (id, source_id, paragraph, span_start, span_end) VALUES (1, 1, 1, 0, 18), (2, 1, 1, 19, 37)`,
		`INSERT INTO units (kind, library_id, source_id, sentence_id, span_start, span_end, paragraph, text) VALUES
			('passage', 1, 1, 1, 0, 18, 1, 'Albatross sighted.'), ('passage', 1, 1, 2, 19, 37, 1, 'Grain prices rose.')`,
	} {
		_, err := db.Exec(stmt)
		require.NoError(t, err, stmt)
	}
	require.NoError(t, db.Close())

	ix := NewIndex(path)
	require.NoError(t, ix.Open())
	defer ix.Close()
	stats := func(lib string) libStats {
		t.Helper()
		st, err := ix.libraryStats(ctx, lib)
		require.NoError(t, err)
		return st
	}
	st := stats("news")
	assert.Equal(t, 2, st.units)
	assert.Equal(t, 2, st.libraries)
	assert.Equal(t, 0, stats("empty").units)

	// The old source has no source_terms row; a second source makes
	// weighSources weigh both.
	res, err := ix.Add(ctx, "news", Document{Metadata: Metadata{Origin: "news/b.txt"}, Text: "Grain ships sailed. Prices fell."})
	require.NoError(t, err)
	after := stats("news")
	assert.Equal(t, 4, after.units)
	assert.NotEqual(t, st.version, after.version)
	found, err := ix.Search(ctx, Query{Library: "news", Text: "grain prices"})
	require.NoError(t, err)
	assert.Equal(t, "Grain prices rose.", found[0].Text)

	// A replacement and a removal keep the count true.
	_, err = ix.Add(ctx, "news", Document{Metadata: Metadata{Origin: "news/b.txt"}, Text: "Grain ships sailed."})
	require.NoError(t, err)
	assert.Equal(t, 3, stats("news").units)
	require.NoError(t, ix.RemoveSource(ctx, "news", res[0].Source.ID))
	assert.Equal(t, 2, stats("news").units)
	var n int
	require.NoError(t, ix.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM source_terms`).Scan(&n))
	assert.Zero(t, n, "the removed source's row goes with it")

	// A new library gets its row from the trigger.
	_, err = ix.Add(ctx, "other", Document{Text: "Penguins waddle home."})
	require.NoError(t, err)
	assert.Equal(t, 1, stats("other").units)
	assert.Equal(t, 3, stats("other").libraries)
	require.NoError(t, ix.Check(ctx))
}

// migrationNames lists the embedded migrations in the order migrate applies
// them.
func migrationNames() ([]string, error) {
	ents, err := migrationFS.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, "migrations/"+e.Name())
		}
	}
	sort.Strings(names)
	return names, nil
}
