package retrieval_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestIndex_Check(t *testing.T) {
	ctx := context.Background()
	t.Run("OK", func(t *testing.T) {
		ix := MustOpenIndex(t)
		MustAdd(t, ix, "news", newsDocs...)
		require.NoError(t, ix.Check(ctx))
	})
	t.Run("StaleFTS", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "v.db")
		ix := MustOpenIndexAt(t, path)
		MustAdd(t, ix, "news", newsDocs...)
		// Change a unit behind the triggers' back, as a bug or a hand edit
		// would: the FTS index no longer matches its content.
		db := mustRawDB(t, path)
		_, err := db.Exec(`DROP TRIGGER units_au`)
		require.NoError(t, err)
		_, err = db.Exec(`UPDATE units SET text = 'zebra crossing' WHERE id = (SELECT MIN(id) FROM units)`)
		require.NoError(t, err)
		err = ix.Check(ctx)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "fts5 integrity-check")
	})
}

// TestIndex_Backup takes backups while another goroutine keeps adding
// sources, then restores each as the README says (copy it over the
// database file) and opens it: it passes every check, and each source in it
// is complete, with exactly the sentences, quotes and search units Add
// reported for it.
func TestIndex_Backup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ix := MustOpenIndexAt(t, filepath.Join(dir, "live.db"))

	var (
		mu      sync.Mutex
		results = map[string]retrieval.AddResult{} // by origin
		stop    = make(chan struct{})
		done    = make(chan error, 1)
	)
	go func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				done <- nil
				return
			default:
			}
			docs := []retrieval.Document{writeDoc(i, 0), writeDoc(i, 1), writeDoc(i, 2)}
			res, err := ix.Add(ctx, "live", docs...)
			if err != nil {
				done <- err
				return
			}
			mu.Lock()
			for _, r := range res {
				results[r.Source.Origin] = r
			}
			mu.Unlock()
		}
	}()

	const backups = 4
	var paths []string
	for i := 0; i < backups; i++ {
		time.Sleep(30 * time.Millisecond)
		p := filepath.Join(dir, fmt.Sprintf("backup-%d.db", i))
		require.NoError(t, ix.Backup(ctx, p))
		paths = append(paths, p)
	}
	err := ix.Backup(ctx, paths[0])
	require.ErrorIs(t, err, fs.ErrExist, "a backup never overwrites a file")
	close(stop)
	require.NoError(t, <-done)

	for i, p := range paths {
		// Restore: copy the backup over a stopped bot's database file.
		restored := filepath.Join(dir, fmt.Sprintf("restored-%d.db", i))
		mustCopy(t, p, restored)
		rx := MustOpenIndexAt(t, restored)
		require.NoError(t, rx.Check(ctx), "backup %d", i)
		srcs, err := rx.Sources(ctx, "live")
		if i == 0 && errors.Is(err, retrieval.ErrUnknownLibrary) {
			continue // taken before the first Add committed
		}
		require.NoError(t, err)
		require.Zero(t, len(srcs)%3, "backup %d holds %d sources: an Add of 3 was split", i, len(srcs))
		db := mustRawDB(t, restored)
		for _, s := range srcs {
			mu.Lock()
			r, ok := results[s.Origin]
			mu.Unlock()
			require.True(t, ok, "backup %d: source %s was never reported added", i, s.Origin)
			var sentences, quotes, units int
			require.NoError(t, db.QueryRow(`SELECT
				(SELECT COUNT(*) FROM sentences WHERE source_id = ?1),
				(SELECT COUNT(*) FROM quotes WHERE source_id = ?1),
				(SELECT COUNT(*) FROM units WHERE source_id = ?1)`, s.ID).Scan(&sentences, &quotes, &units))
			assert.Equal(t, r.Sentences, sentences, "backup %d source %s sentences", i, s.Origin)
			assert.Equal(t, r.Quotes, quotes, "backup %d source %s quotes", i, s.Origin)
			assert.Equal(t, r.Sentences+r.Quotes, units, "backup %d source %s search units", i, s.Origin)
		}
		res, err := rx.Search(ctx, retrieval.Query{Library: "live", Text: "harbour wages"})
		require.NoError(t, err, "backup %d answers questions", i)
		assert.NotEmpty(t, res)
		t.Logf("backup %d: %d sources, all complete", i, len(srcs))
	}
}

// writeDoc is the j-th document of the i-th Add in TestIndex_Backup.
func writeDoc(i, j int) retrieval.Document {
	text := fmt.Sprintf("Report %d-%d on the harbour.\n\n"+
		"\"Wages at the harbour will rise by %d percent,\" said Anna Novak, head of the port authority.\n\n"+
		"Dock workers said the deal was fair. Shipping firms said they would wait and see.\n", i, j, i+j)
	return retrieval.Document{Metadata: retrieval.Metadata{Origin: fmt.Sprintf("live/%d-%d.txt", i, j), Title: fmt.Sprintf("Report %d-%d", i, j)}, Text: text}
}

func mustCopy(t *testing.T, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	require.NoError(t, err)
	defer in.Close()
	out, err := os.Create(to)
	require.NoError(t, err)
	_, err = io.Copy(out, in)
	require.NoError(t, err)
	require.NoError(t, out.Close())
}

// mustRawDB opens path with the driver alone, for what the Index does not
// offer; it is closed when the test ends.
func mustRawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1&_busy_timeout=5000")
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

// TestIndex_Open_UpgradeEveryVersion builds a database at every earlier
// schema version (migration 0001 only, 0001+0002, ... up to all of them),
// fills it with rows as the code of that time wrote them, opens it with this
// code, and checks that every migration is then recorded, every row of every
// table that existed is still there with the same values, the database
// passes every check, and the old rows can be searched and curated.
func TestIndex_Open_UpgradeEveryVersion(t *testing.T) {
	ents, err := os.ReadDir("migrations")
	require.NoError(t, err)
	var names []string
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".sql") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names)
	require.NotEmpty(t, names)

	for k := 1; k <= len(names); k++ {
		t.Run(strings.TrimSuffix(names[k-1], ".sql"), func(t *testing.T) {
			ctx := context.Background()
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite3", "file:"+path+"?_foreign_keys=1&_journal_mode=WAL")
			require.NoError(t, err)
			_, err = db.Exec(`CREATE TABLE migrations (name TEXT PRIMARY KEY)`)
			require.NoError(t, err)
			for _, name := range names[:k] {
				buf, err := os.ReadFile(filepath.Join("migrations", name))
				require.NoError(t, err)
				_, err = db.Exec(string(buf))
				require.NoError(t, err, name)
				_, err = db.Exec(`INSERT INTO migrations (name) VALUES (?)`, "migrations/"+name)
				require.NoError(t, err)
			}
			fill := oldRows()
			if slices.Contains(names[:k], "0003_study.sql") {
				fill = append(fill, studyRows()...)
			}
			for _, stmt := range fill {
				_, err := db.Exec(stmt)
				require.NoError(t, err, stmt)
			}
			before := schemaRows(t, db)
			require.NoError(t, db.Close())

			ix := MustOpenIndexAt(t, path)
			require.NoError(t, ix.Check(ctx))

			db = mustRawDB(t, path)
			var applied []string
			rows, err := db.Query(`SELECT name FROM migrations ORDER BY name`)
			require.NoError(t, err)
			for rows.Next() {
				var n string
				require.NoError(t, rows.Scan(&n))
				applied = append(applied, strings.TrimPrefix(n, "migrations/"))
			}
			require.NoError(t, rows.Err())
			assert.Equal(t, names, applied, "every migration is recorded once")

			after := schemaRowsAgain(t, db, before)
			for table, want := range before {
				assert.Equal(t, want.rows, after[table], "rows of %s changed in the upgrade", table)
			}

			srcs, err := ix.Sources(ctx, "news")
			require.NoError(t, err)
			require.Len(t, srcs, 2)
			res, err := ix.Search(ctx, retrieval.Query{Library: "news", Text: "never accept"})
			require.NoError(t, err)
			assert.Equal(t, "We will never accept this at all,", res[0].Text)
			mustStudyOnUpgrade(t, ix, res[0])
			_, err = ix.HideQuote(ctx, "news", retrieval.LocalActor, 1, true)
			require.NoError(t, err)
			_, err = ix.RemoveSourceAs(ctx, "news", retrieval.LocalActor, 2)
			require.NoError(t, err)
			MustAdd(t, ix, "news", retrieval.Document{Metadata: retrieval.Metadata{Origin: "new.txt"}, Text: "Penguins waddle home."})
			require.NoError(t, ix.Check(ctx))
		})
	}
}

// oldRows fills a database at schema 0001 (or later: migrations only add)
// with one library, a file source with a quote and a source from a link,
// as Add wrote them.
func oldRows() []string {
	const (
		said = "\"We will never accept this at all,\" said Sergei Ryabkov."
		text = "Moscow answered on Tuesday.\n" + said + "\n"
		qs   = len("Moscow answered on Tuesday.\n") + 1
		qe   = qs + len("We will never accept this at all,")
	)
	return []string{
		`INSERT INTO libraries (id, name, created_at) VALUES (1, 'news', '2025-12-01T10:00:00Z')`,
		`INSERT INTO sources (id, library_id, title, origin, format, text, sha256, added_at, updated_at) VALUES
			(1, 1, 'From a file', 'news/a.txt', 'text', '` + text + `', 'aaa', '2025-12-01T10:00:00Z', '2025-12-01T10:00:00Z'),
			(2, 1, 'From a link', 'https://example.org/b', 'html', 'Penguins waddle.', 'bbb', '2025-12-01T10:00:00Z', '2025-12-02T10:00:00Z')`,
		`INSERT INTO paragraphs (source_id, idx, span_start, span_end) VALUES (1, 1, 0, 27), (1, 2, 28, ` +
			fmt.Sprint(len(text)-1) + `), (2, 1, 0, 16)`,
		`INSERT INTO sentences (id, source_id, paragraph, span_start, span_end) VALUES (1, 1, 1, 0, 27), (2, 1, 2, 28, ` +
			fmt.Sprint(len(text)-1) + `), (3, 2, 1, 0, 16)`,
		fmt.Sprintf(`INSERT INTO quotes (id, source_id, text, span_start, span_end, paragraph, speaker, speaker_kind, confidence)
			VALUES (1, 1, 'We will never accept this at all,', %d, %d, 2, 'Sergei Ryabkov', 'person', 0.9)`, qs, qe),
		fmt.Sprintf(`INSERT INTO units (kind, library_id, source_id, quote_id, sentence_id, span_start, span_end, paragraph, text, speaker)
			VALUES ('passage', 1, 1, NULL, 1, 0, 27, 1, 'Moscow answered on Tuesday.', ''),
			('passage', 1, 1, NULL, 2, 28, %d, 2, '%s', ''),
			('passage', 1, 2, NULL, 3, 0, 16, 1, 'Penguins waddle.', ''),
			('quote', 1, 1, 1, NULL, %d, %d, 2, 'We will never accept this at all,', 'Sergei Ryabkov')`,
			len(text)-1, strings.ReplaceAll(said, "'", "''"), qs, qe),
	}
}

// studyRows fills the study tables of migration 0003 (and later) with a
// pin, a cited result, a daily schedule with a posted quote, a vote and
// gaps, for the quote and sources of oldRows.
func studyRows() []string {
	const (
		qs = len("Moscow answered on Tuesday.\n") + 1
		qe = qs + len("We will never accept this at all,")
	)
	return []string{
		`INSERT INTO pins (library_id, question_key, question, source_id, quote_id, quote_text, actor_id, actor_name, pinned_at)
			VALUES (1, 'accept never', 'Never accept?', 1, 1, 'We will never accept this at all,', '1001', 'Ada', '2025-12-03T10:00:00Z')`,
		fmt.Sprintf(`INSERT INTO cited (library_id, thread, source_id, span_start, span_end, text, kind, paragraph, speaker, cited_at)
			VALUES (1, 'thread-1', 1, %d, %d, 'We will never accept this at all,', 'quote', 2, 'Sergei Ryabkov', '2025-12-03T10:00:00Z')`, qs, qe),
		`INSERT INTO dailies (library_id, channel, collection, minute, last_posted) VALUES (1, 'chan-1', '', 540, '2025-12-03T09:00:00Z')`,
		`INSERT INTO daily_shown (library_id, channel, source_id, quote_text, shown_at)
			VALUES (1, 'chan-1', 1, 'We will never accept this at all,', '2025-12-03T09:00:00Z')`,
		`INSERT INTO feedback (library_id, message_id, user_id, vote, question, voted_at)
			VALUES (1, 'm1', 'u1', -1, 'Why did Russia go to war?', '2025-12-03T10:00:00Z')`,
		`INSERT INTO gaps (library_id, question_key, question, asked_at, down, message_id, user_id) VALUES
			(1, 'go russia war', 'Why did Russia go to war?', '2025-12-03T10:00:00Z', 1, 'm1', 'u1'),
			(1, 'go russia war', 'why did russia go to WAR', '2025-12-03T11:00:00Z', 0, NULL, NULL)`,
	}
}

// mustStudyOnUpgrade checks that the study features work on an upgraded
// database: on its old rows, and on rows of studyRows where the database
// had them.
func mustStudyOnUpgrade(t *testing.T, ix *retrieval.Index, r retrieval.Result) {
	t.Helper()
	ctx := context.Background()
	pins, err := ix.Pins(ctx, "news")
	require.NoError(t, err)
	if len(pins) == 1 { // from studyRows
		assert.Equal(t, "Never accept?", pins[0].Question)
		cited, err := ix.Cited(ctx, "news", "thread-1")
		require.NoError(t, err)
		require.Len(t, cited, 1)
		assert.Equal(t, r.Text, cited[0].Text)
		gaps, err := ix.Gaps(ctx, "news", 0)
		require.NoError(t, err)
		require.Len(t, gaps, 1)
		assert.Equal(t, retrieval.Gap{Question: "why did russia go to WAR", Asked: 2, Down: 1,
			Last: time.Date(2025, 12, 3, 11, 0, 0, 0, time.UTC)}, gaps[0])
		up, down, err := ix.Feedback(ctx, "news", "m1")
		require.NoError(t, err)
		assert.Equal(t, [2]int{0, 1}, [2]int{up, down})
		ds, err := ix.Dailies(ctx)
		require.NoError(t, err)
		require.Len(t, ds, 1)
		assert.Equal(t, "chan-1", ds[0].Channel)
		// The one quote was posted in this cycle: the next post starts a
		// new one with it.
		next, err := ix.NextDaily(ctx, "news", "chan-1", time.Date(2025, 12, 4, 9, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		assert.Equal(t, r.Text, next.Text)
	} else {
		require.Empty(t, pins)
		require.NoError(t, ix.Pin(ctx, "news", retrieval.LocalActor, "Never accept?", r.QuoteID))
		require.NoError(t, ix.RecordCited(ctx, "news", "thread-1", r))
		require.NoError(t, ix.RecordGap(ctx, "news", "Why did Russia go to war?"))
		require.NoError(t, ix.RecordFeedback(ctx, "news", "m1", "u1", "Why did Russia go to war?", -1))
		require.NoError(t, ix.SetDaily(ctx, retrieval.LocalActor, retrieval.Daily{Library: "news", Channel: "chan-1"}))
		next, err := ix.NextDaily(ctx, "news", "chan-1", time.Date(2025, 12, 4, 9, 0, 0, 0, time.UTC))
		require.NoError(t, err)
		assert.Equal(t, r.Text, next.Text)
	}
	p, ok, err := ix.Pinned(ctx, "news", "", "never ACCEPT")
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, r.Text, p.Text)
	assert.True(t, p.Pinned)
}

// tableRows is a table's columns and its rows, each rendered as one
// string, sorted.
type tableRows struct {
	cols []string
	rows []string
}

// schemaRows reads every ordinary table of db (not the FTS index, whose
// consistency Check verifies, nor the migrations table).
func schemaRows(t *testing.T, db *sql.DB) map[string]tableRows {
	t.Helper()
	rows, err := db.Query(`SELECT name FROM sqlite_master WHERE type = 'table'
		AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'units_fts%' AND name <> 'migrations'`)
	require.NoError(t, err)
	var tables []string
	for rows.Next() {
		var n string
		require.NoError(t, rows.Scan(&n))
		tables = append(tables, n)
	}
	require.NoError(t, rows.Err())
	out := map[string]tableRows{}
	for _, table := range tables {
		cr, err := db.Query(`SELECT name FROM pragma_table_info(?)`, table)
		require.NoError(t, err)
		var cols []string
		for cr.Next() {
			var c string
			require.NoError(t, cr.Scan(&c))
			cols = append(cols, c)
		}
		require.NoError(t, cr.Err())
		out[table] = tableRows{cols: cols, rows: readRows(t, db, table, cols)}
	}
	return out
}

// schemaRowsAgain reads the tables and columns of before from db.
func schemaRowsAgain(t *testing.T, db *sql.DB, before map[string]tableRows) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for table, tr := range before {
		out[table] = readRows(t, db, table, tr.cols)
	}
	return out
}

func readRows(t *testing.T, db *sql.DB, table string, cols []string) []string {
	t.Helper()
	quoted := make([]string, len(cols))
	for i, c := range cols {
		quoted[i] = `"` + c + `"`
	}
	rows, err := db.Query(`SELECT ` + strings.Join(quoted, ", ") + ` FROM "` + table + `"`)
	require.NoError(t, err, table)
	defer rows.Close()
	var out []string
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		parts := make([]string, len(vals))
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts[i] = fmt.Sprintf("%v", v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	require.NoError(t, rows.Err())
	sort.Strings(out)
	return out
}
