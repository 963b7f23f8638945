package retrieval_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to read a PostgreSQL store as it is
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/internal/pgtest"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// copyQuestions are asked of a store and its copy.
var copyQuestions = []string{
	"NATO membership for Ukraine",
	"Is the Arctic for sale?",
	"deterrence",
	"door open to new members",
	"strategic stability talks",
}

// mustFillStore writes something into every table of a library store:
// two libraries ("news" and "other") with sources, quotes and passages,
// the curation tables (a hidden quote, a fixed speaker, a collection,
// settings, audit entries) and the study tables (a pin, cited results, a
// daily schedule that has posted, feedback, gaps). A source removed again
// leaves a gap in the ids, which a copy must keep.
func mustFillStore(t *testing.T, ix *retrieval.Index) {
	t.Helper()
	ctx := context.Background()
	curator := retrieval.Actor{ID: "u-7", Name: "Curator"}
	res, err := ix.AddAs(ctx, "news", curator, newsDocs...)
	require.NoError(t, err)
	_, err = ix.AddAs(ctx, "other", curator, retrieval.Document{
		Metadata: retrieval.Metadata{Title: "Doomed", Origin: "other/doomed.md"},
		Text:     "\"This source will be removed again,\" said Nobody Inparticular.\n",
	})
	require.NoError(t, err)
	_, err = ix.AddAs(ctx, "other", curator, retrieval.Document{
		Metadata: retrieval.Metadata{Title: "Kept", Origin: "other/kept.md"},
		Text:     "\"The Arctic ice is thinning faster than the models said,\" said Ada Polar, a glaciologist.\nShips now cross in summer.\n",
	})
	require.NoError(t, err)
	others, err := ix.Sources(ctx, "other")
	require.NoError(t, err)
	for _, s := range others {
		if s.Title == "Doomed" {
			_, err := ix.RemoveSourceAs(ctx, "other", curator, s.ID)
			require.NoError(t, err)
		}
	}

	quotes, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news"})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(quotes), 3)
	_, err = ix.HideQuote(ctx, "news", curator, quotes[len(quotes)-1].ID, true)
	require.NoError(t, err)
	_, err = ix.FixQuote(ctx, "news", curator, quotes[1].ID, "Jens Stoltenberg", "Secretary General of NATO")
	require.NoError(t, err)
	require.NoError(t, ix.SetSetting(ctx, "news", curator, "curator_role", "42"))
	require.NoError(t, ix.CreateCollection(ctx, "news", curator, "Arctic"))
	require.NoError(t, ix.CollectSources(ctx, "news", curator, "Arctic", false, res[2].Source.ID))

	rs, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "NATO membership for Ukraine"})
	require.NoError(t, err)
	require.NotEmpty(t, rs)
	require.NoError(t, ix.Pin(ctx, "news", curator, "Never accept?", quotes[0].ID))
	require.NoError(t, ix.RecordCited(ctx, "news", "thread-1", rs[0]))
	require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "news", Channel: "chan-1", Minute: 540}))
	_, err = ix.NextDaily(ctx, "news", "chan-1", time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	require.NoError(t, ix.RecordFeedback(ctx, "news", "m1", "u1", "Why did Russia go to war?", -1))
	require.NoError(t, ix.RecordGap(ctx, "news", "Who owns the Arctic?"))
	require.NoError(t, ix.RecordGap(ctx, "other", "Who owns the Arctic?"))
}

// storeDump is every row of every table of a store, each table's rows in
// primary-key order and each value with its Go type, so that two dumps
// are equal only if the stores hold the same values of the same types.
// The full-text index (SQLite's units_fts, PostgreSQL's units.tsv) and
// the migrations table differ by design and are left out, and so is
// library_stats.version, which a copy moves on so that no cache mistakes
// the copy for what it cached before.
type storeDump map[string][]string

// mustDump dumps the store at path (a SQLite file or a postgres:// URL),
// read through its own connection.
func mustDump(t *testing.T, path string) storeDump {
	t.Helper()
	pg := retrieval.IsPostgresURL(path)
	driver, dsn := "sqlite3", "file:"+path+"?mode=ro"
	if pg {
		driver, dsn = "pgx", path
	}
	db, err := sql.Open(driver, dsn)
	require.NoError(t, err)
	defer db.Close()

	tablesSQL := `SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'units_fts%' AND name <> 'migrations' ORDER BY name`
	if pg {
		tablesSQL = `SELECT CAST(table_name AS TEXT) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'migrations'
			ORDER BY table_name`
	}
	tables := mustStrings(t, db, tablesSQL)
	require.NotEmpty(t, tables)
	out := storeDump{}
	for _, table := range tables {
		colsSQL := `SELECT name FROM pragma_table_info('` + table + `') ORDER BY cid`
		keySQL := `SELECT name FROM pragma_table_info('` + table + `') WHERE pk > 0 ORDER BY pk`
		if pg {
			colsSQL = `SELECT CAST(column_name AS TEXT) FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = '` + table + `' AND is_generated = 'NEVER'
				ORDER BY ordinal_position`
			keySQL = `SELECT CAST(a.attname AS TEXT) FROM pg_index i
				JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
				WHERE i.indrelid = CAST('` + table + `' AS regclass) AND i.indisprimary
				ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)`
		}
		cols := mustStrings(t, db, colsSQL)
		key := mustStrings(t, db, keySQL)
		if table == "library_stats" {
			cols = []string{"library_id", "units"}
		}
		require.NotEmpty(t, key, "primary key of %s", table)
		rows, err := db.Query(`SELECT ` + strings.Join(cols, ", ") + ` FROM ` + table + ` ORDER BY ` + strings.Join(key, ", "))
		require.NoError(t, err, table)
		lines := []string{strings.Join(cols, ",")}
		vals, ptrs := make([]any, len(cols)), make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		for rows.Next() {
			require.NoError(t, rows.Scan(ptrs...))
			var b strings.Builder
			for i, v := range vals {
				if i > 0 {
					b.WriteByte('|')
				}
				fmt.Fprintf(&b, "%T=%#v", v, v)
			}
			lines = append(lines, b.String())
		}
		require.NoError(t, rows.Err())
		rows.Close()
		out[table] = lines
	}
	return out
}

func mustStrings(t *testing.T, db *sql.DB, query string) []string {
	t.Helper()
	rows, err := db.Query(query)
	require.NoError(t, err, query)
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		require.NoError(t, rows.Scan(&s))
		out = append(out, s)
	}
	require.NoError(t, rows.Err())
	return out
}

// requireSameDump fails unless a and b hold the same rows, table by table.
func requireSameDump(t *testing.T, a, b storeDump) {
	t.Helper()
	require.ElementsMatch(t, keys(a), keys(b), "tables")
	for table, rows := range a {
		require.Equal(t, rows, b[table], "table %s", table)
	}
}

func keys(d storeDump) []string {
	var out []string
	for k := range d {
		out = append(out, k)
	}
	return out
}

// mustAnswers asks every copyQuestion of library in ix.
func mustAnswers(t *testing.T, ix *retrieval.Index, library string) [][]retrieval.Result {
	t.Helper()
	var out [][]retrieval.Result
	for _, q := range copyQuestions {
		rs, err := ix.Search(context.Background(), retrieval.Query{Library: library, Text: q, Limit: 10})
		if errors.Is(err, retrieval.ErrNoMatch) {
			rs, err = nil, nil
		}
		require.NoError(t, err, q)
		out = append(out, rs)
	}
	return out
}

// mustCurationSurvives checks the curation and study state mustFillStore
// left, through the API, on a copy.
func mustCurationSurvives(t *testing.T, ix *retrieval.Index) {
	t.Helper()
	ctx := context.Background()
	hidden, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Hidden: true})
	require.NoError(t, err)
	require.Len(t, hidden, 1)
	fixed, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: "news", Speaker: "Stoltenberg"})
	require.NoError(t, err)
	var titles []string
	for _, q := range fixed {
		titles = append(titles, q.SpeakerTitle)
	}
	assert.Contains(t, titles, "Secretary General of NATO")
	colls, err := ix.Collections(ctx, "news")
	require.NoError(t, err)
	require.Len(t, colls, 1)
	assert.Equal(t, "Arctic", colls[0].Name)
	pins, err := ix.Pins(ctx, "news")
	require.NoError(t, err)
	require.Len(t, pins, 1)
	p, ok, err := ix.Pinned(ctx, "news", "", "never ACCEPT")
	require.NoError(t, err)
	require.True(t, ok)
	assert.True(t, p.Pinned)
	hist, err := ix.History(ctx, "news", 0, 0)
	require.NoError(t, err)
	assert.NotEmpty(t, hist)
	cited, err := ix.Cited(ctx, "news", "thread-1")
	require.NoError(t, err)
	assert.Len(t, cited, 1)
	v, err := ix.Setting(ctx, "news", "curator_role")
	require.NoError(t, err)
	assert.Equal(t, "42", v)
	require.NoError(t, ix.Check(ctx))
}

// mustOpenSource builds the filled SQLite store every copy test starts from.
func mustOpenSource(t *testing.T) (*retrieval.Index, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "src.db")
	ix := MustOpenIndexAt(t, path)
	mustFillStore(t, ix)
	return ix, path
}

func TestCopyStore(t *testing.T) {
	ctx := context.Background()

	t.Run("SQLiteToSQLite", func(t *testing.T) {
		src, srcPath := mustOpenSource(t)
		dstPath := filepath.Join(t.TempDir(), "dst.db")
		dst := MustOpenIndexAt(t, dstPath)
		stats, err := retrieval.CopyStore(ctx, dst, src)
		require.NoError(t, err)
		assert.Equal(t, []string{"news", "other"}, stats.Libraries)

		before := mustDump(t, srcPath)
		for table, rows := range before {
			assert.Greater(t, len(rows), 1, "the fixture leaves table %s empty: the test would not see it copied", table)
		}
		requireSameDump(t, before, mustDump(t, dstPath))
		for table, rows := range before {
			if table != "library_stats" {
				assert.EqualValues(t, len(rows)-1, stats.Rows[table], table)
			}
		}
		assert.Equal(t, mustAnswers(t, src, "news"), mustAnswers(t, dst, "news"))
		assert.Equal(t, mustAnswers(t, src, "other"), mustAnswers(t, dst, "other"))
		mustCurationSurvives(t, dst)
	})

	t.Run("RoundTripPostgres", func(t *testing.T) {
		url := pgtest.URL(t)
		src, srcPath := mustOpenSource(t)
		pg := MustOpenIndexAt(t, url)
		_, err := retrieval.CopyStore(ctx, pg, src)
		require.NoError(t, err)
		backPath := filepath.Join(t.TempDir(), "back.db")
		back := MustOpenIndexAt(t, backPath)
		_, err = retrieval.CopyStore(ctx, back, pg)
		require.NoError(t, err)

		want := mustDump(t, srcPath)
		requireSameDump(t, want, mustDump(t, url))
		requireSameDump(t, want, mustDump(t, backPath))
		assert.Equal(t, mustAnswers(t, src, "news"), mustAnswers(t, back, "news"))
		mustCurationSurvives(t, pg)
		mustCurationSurvives(t, back)

		// PostgreSQL ranks its own way; what it returns is still the
		// source's words at the source's offsets, under the same ids.
		srcQuotes, err := src.Quotes(ctx, retrieval.QuoteFilter{Library: "news"})
		require.NoError(t, err)
		byID := map[int64]retrieval.Quote{}
		for _, q := range srcQuotes {
			byID[q.ID] = q
		}
		for _, rs := range mustAnswers(t, pg, "news") {
			for _, r := range rs {
				s, err := src.Source(ctx, "news", r.Source.ID)
				require.NoError(t, err)
				assert.Equal(t, s.Text[r.Start:r.End], r.Text)
				if r.QuoteID != 0 {
					assert.Equal(t, byID[r.QuoteID].Text, r.Text)
				}
			}
		}

		// The identity sequences moved past the copied ids: new rows get
		// new ids.
		res := MustAdd(t, pg, "news", retrieval.Document{Metadata: retrieval.Metadata{Origin: "news/new.md"},
			Text: "\"A new source after the copy,\" said Someone New.\n"})
		var maxID int64
		for _, q := range srcQuotes {
			maxID = max(maxID, q.SourceID)
		}
		assert.Greater(t, res[0].Source.ID, maxID)
	})

	t.Run("OneLibrary", func(t *testing.T) {
		src, _ := mustOpenSource(t)
		dst := MustOpenIndexAt(t, filepath.Join(t.TempDir(), "dst.db"))
		stats, err := retrieval.CopyStore(ctx, dst, src, "other")
		require.NoError(t, err)
		assert.Equal(t, []string{"other"}, stats.Libraries)
		libs, err := dst.Libraries(ctx)
		require.NoError(t, err)
		assert.Equal(t, []string{"other"}, libs)
		assert.Equal(t, mustAnswers(t, src, "other"), mustAnswers(t, dst, "other"))
		assert.EqualValues(t, 1, stats.Rows["sources"])
		assert.EqualValues(t, 1, stats.Rows["gaps"])

		// The other one follows into the same store: its ids are its own.
		_, err = retrieval.CopyStore(ctx, dst, src, "news")
		require.NoError(t, err)
		mustCurationSurvives(t, dst)
	})

	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		src, _ := mustOpenSource(t)
		dst := MustOpenIndexAt(t, filepath.Join(t.TempDir(), "dst.db"))
		_, err := retrieval.CopyStore(ctx, dst, src, "nope")
		require.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})

	for _, store := range []string{"sqlite", "postgres"} {
		target := func(t *testing.T) string {
			if store == "postgres" {
				return pgtest.URL(t)
			}
			return filepath.Join(t.TempDir(), "dst.db")
		}

		t.Run("TargetHoldsLibrary/"+store, func(t *testing.T) {
			src, _ := mustOpenSource(t)
			dstPath := target(t)
			dst := MustOpenIndexAt(t, dstPath)
			MustAdd(t, dst, "news", newsDocs[0])
			before := mustDump(t, dstPath)
			_, err := retrieval.CopyStore(ctx, dst, src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), `already holds library "news"`)
			requireSameDump(t, before, mustDump(t, dstPath))
		})

		t.Run("IDsTaken/"+store, func(t *testing.T) {
			src, _ := mustOpenSource(t)
			dstPath := target(t)
			dst := MustOpenIndexAt(t, dstPath)
			MustAdd(t, dst, "mine", newsDocs[3])
			before := mustDump(t, dstPath)
			_, err := retrieval.CopyStore(ctx, dst, src, "news")
			require.Error(t, err)
			assert.Contains(t, err.Error(), "already holds a row with id")
			requireSameDump(t, before, mustDump(t, dstPath))
		})

		t.Run("RefusedMidway/"+store, func(t *testing.T) {
			// The target refuses the last table's rows, after every other
			// table has gone in: nothing of the copy may remain.
			src, _ := mustOpenSource(t)
			dstPath := target(t)
			dst := MustOpenIndexAt(t, dstPath)
			before := mustDump(t, dstPath)
			mustRefuseGaps(t, dstPath)
			_, err := retrieval.CopyStore(ctx, dst, src)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "gaps")
			assert.Contains(t, err.Error(), "refused by test")
			requireSameDump(t, before, mustDump(t, dstPath))
			libs, err := dst.Libraries(ctx)
			require.NoError(t, err)
			assert.Empty(t, libs)
			require.NoError(t, dst.Check(ctx))
		})
	}

	t.Run("CancelledMidway/postgres", func(t *testing.T) {
		// A COPY that is under way when the context ends: the target's
		// transaction is gone with its connection, and the index works on.
		src, _ := mustOpenSource(t)
		dstPath := pgtest.URL(t)
		dst := MustOpenIndexAt(t, dstPath)
		before := mustDump(t, dstPath)
		admin, err := sql.Open("pgx", dstPath)
		require.NoError(t, err)
		defer admin.Close()
		_, err = admin.Exec(`CREATE FUNCTION stall() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN PERFORM pg_sleep(60); RETURN NEW; END $$;
			CREATE TRIGGER stall BEFORE INSERT ON gaps FOR EACH ROW EXECUTE FUNCTION stall()`)
		require.NoError(t, err)

		cctx, cancel := context.WithCancel(ctx)
		defer cancel()
		done := make(chan error, 1)
		go func() {
			_, err := retrieval.CopyStore(cctx, dst, src)
			done <- err
		}()
		// Wait until the copy is stalled inside the last table, then stop it.
		for {
			var n int
			require.NoError(t, admin.QueryRow(`SELECT COUNT(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event = 'PgSleep'`).Scan(&n))
			if n > 0 {
				break
			}
			select {
			case err := <-done:
				t.Fatalf("copy ended before it was cancelled: %v", err)
			case <-time.After(20 * time.Millisecond):
			}
		}
		cancel()
		err = <-done
		require.ErrorIs(t, err, context.Canceled)
		_, err = admin.Exec(`DROP TRIGGER stall ON gaps`)
		require.NoError(t, err)
		requireSameDump(t, before, mustDump(t, dstPath))
		// The index's pool is whole: a copy now goes through.
		_, err = retrieval.CopyStore(ctx, dst, src)
		require.NoError(t, err)
		mustCurationSurvives(t, dst)
	})

	t.Run("SameStore", func(t *testing.T) {
		src, _ := mustOpenSource(t)
		_, err := retrieval.CopyStore(ctx, src, src)
		require.Error(t, err)
	})
}

// mustRefuseGaps makes the store at path refuse every insert into gaps,
// the last table a copy writes.
func mustRefuseGaps(t *testing.T, path string) {
	t.Helper()
	if retrieval.IsPostgresURL(path) {
		db, err := sql.Open("pgx", path)
		require.NoError(t, err)
		defer db.Close()
		_, err = db.Exec(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN RAISE EXCEPTION 'refused by test'; END $$;
			CREATE TRIGGER refuse BEFORE INSERT ON gaps FOR EACH ROW EXECUTE FUNCTION refuse()`)
		require.NoError(t, err)
		return
	}
	db, err := sql.Open("sqlite3", "file:"+path)
	require.NoError(t, err)
	defer db.Close()
	_, err = db.Exec(`CREATE TRIGGER refuse BEFORE INSERT ON gaps BEGIN SELECT RAISE(ABORT, 'refused by test'); END`)
	require.NoError(t, err)
}
