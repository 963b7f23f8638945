package retrieval

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

// Copying libraries from one store to another (SQLite or PostgreSQL, in
// any direction), row for row and with their ids: the audit log, pins,
// cited results and the rest refer to sources and quotes by id, so a copy
// that renumbered them would silently point them at other rows.

// CopyStats says what CopyStore copied.
type CopyStats struct {
	// Libraries are the names of the libraries copied, in id order.
	Libraries []string
	// Rows is the number of rows copied into each table.
	Rows map[string]int64
}

// copyTable is one table CopyStore copies, in the order it copies them:
// every table after the tables its foreign keys point to.
type copyTable struct {
	name string
	// key is the primary key, the order rows are read in.
	key string
	// owner is the column that ties a row to its library: a library id
	// itself when via is "", else the id of a row of via (sources or
	// collections), whose library_id is the library's.
	owner, via string
}

// copyTables are the tables of a library, in the order they are copied.
// library_stats is not among them: it is kept by triggers and set from
// the copied units (copyStats). CopyStore refuses a store with a table
// missing here, so that a new table cannot be left behind unnoticed.
var copyTables = []copyTable{
	{"libraries", "id", "id", ""},
	{"sources", "id", "library_id", ""},
	{"source_terms", "source_id", "source_id", "sources"},
	{"paragraphs", "id", "source_id", "sources"},
	{"sentences", "id", "source_id", "sources"},
	{"quotes", "id", "source_id", "sources"},
	{"units", "id", "library_id", ""},
	{"audit_log", "id", "library_id", ""},
	{"settings", "library_id, key", "library_id", ""},
	{"collections", "id", "library_id", ""},
	{"collection_sources", "collection_id, source_id", "collection_id", "collections"},
	{"quote_overrides", "library_id, origin, quote_text", "library_id", ""},
	{"pins", "library_id, question_key", "library_id", ""},
	{"cited", "id", "library_id", ""},
	{"dailies", "library_id, channel", "library_id", ""},
	{"daily_shown", "library_id, channel, source_id, quote_text", "library_id", ""},
	{"feedback", "library_id, message_id, user_id", "library_id", ""},
	{"gaps", "id", "library_id", ""},
}

// notCopied are the tables that are not a library's rows: the schema's
// own bookkeeping, and library_stats, which the copy sets (see copyTables).
func notCopied(table string) bool {
	return table == "migrations" || table == "library_stats" ||
		strings.HasPrefix(table, "sqlite_") || strings.HasPrefix(table, "units_fts")
}

// scope is the SQL condition selecting t's rows of the libraries with the
// given ids ("" when every library is copied). The ids are integers read
// from the database, never user text.
func (t copyTable) scope(ids string) string {
	if ids == "" {
		return ""
	}
	if t.via == "" {
		return " WHERE " + t.owner + " IN (" + ids + ")"
	}
	return " WHERE " + t.owner + " IN (SELECT id FROM " + t.via + " WHERE library_id IN (" + ids + "))"
}

// countSQL counts t's rows per library among the libraries with the
// given ids.
func (t copyTable) countSQL(ids string) string {
	if t.via == "" {
		return "SELECT " + t.owner + ", COUNT(*) FROM " + t.name +
			" WHERE " + t.owner + " IN (" + ids + ") GROUP BY " + t.owner
	}
	return "SELECT v.library_id, COUNT(*) FROM " + t.name + " t JOIN " + t.via + " v ON v.id = t." + t.owner +
		" WHERE v.library_id IN (" + ids + ") GROUP BY v.library_id"
}

// CopyStore copies libraries from src into dst, exactly: every row of
// every table of each library, ids included, so that everything referring
// to a row by id (the audit log, pins, cited results) still finds it.
// Both indexes must be open, on different databases; either may be SQLite
// or PostgreSQL. With no library named, every library of src is copied.
//
// The copy reads src in one read transaction (a consistent snapshot, which
// does not stop src's writers) and writes dst in one write transaction:
// either every row arrives or, on any error, dst is left as it was. Before
// committing it compares, table by table and library by library, how many
// rows each store holds, and rolls back on any difference.
//
// dst must not hold any library being copied (the error names it), nor any
// row with the id of a copied row of the same table: ids are kept, and a
// store numbers the rows of a table in one sequence across its libraries.
// A new, empty store therefore always takes a copy; a store holding other
// libraries takes one only if no id clashes, as when the libraries of one
// store are copied into another one by one.
//
// A named library that src does not hold is ErrUnknownLibrary.
func CopyStore(ctx context.Context, dst, src *Index, libraries ...string) (CopyStats, error) {
	var stats CopyStats
	switch {
	case dst == nil || src == nil || dst.db == nil || src.db == nil:
		return stats, errors.New("copy store: both indexes must be open")
	case dst == src || (dst.Path == src.Path && src.Path != ":memory:"):
		return stats, fmt.Errorf("copy store: %s is both source and target", RedactURL(src.Path))
	}
	err := src.readSnapshot(ctx, func(r copySide) error {
		return dst.writeCopy(ctx, func(w copyTarget) error {
			var err error
			stats, err = copyLibraries(ctx, w, r, src.dialect, dst.dialect, libraries)
			return err
		})
	})
	if err != nil {
		return CopyStats{}, fmt.Errorf("copy %s to %s: %w", RedactURL(src.Path), RedactURL(dst.Path), err)
	}
	return stats, nil
}

// copyLibraries is CopyStore inside its two transactions.
func copyLibraries(ctx context.Context, w copyTarget, r copySide, from, to dialect, names []string) (CopyStats, error) {
	stats := CopyStats{Rows: make(map[string]int64)}
	cols, err := copyColumns(ctx, r, from)
	if err != nil {
		return stats, fmt.Errorf("source: %w", err)
	}
	dstCols, err := copyColumns(ctx, w, to)
	if err != nil {
		return stats, fmt.Errorf("target: %w", err)
	}
	for _, t := range copyTables {
		a, b := slices.Sorted(slices.Values(cols[t.name])), slices.Sorted(slices.Values(dstCols[t.name]))
		if !slices.Equal(a, b) {
			return stats, fmt.Errorf("table %s has columns (%s) in the source but (%s) in the target: open both with the same version of verbatim",
				t.name, strings.Join(a, ", "), strings.Join(b, ", "))
		}
	}

	// Which libraries.
	ids, all, err := pickLibraries(ctx, r, names, &stats)
	if err != nil {
		return stats, err
	}
	idList := make([]string, len(ids))
	for i, id := range ids {
		idList[i] = strconv.FormatInt(id, 10)
	}
	in := strings.Join(idList, ",")
	scopeIDs := in
	if all {
		scopeIDs = "" // no filter: read whole tables
	}

	// What the target holds already.
	held, err := w.strings(ctx, `SELECT name FROM libraries ORDER BY name`)
	if err != nil {
		return stats, err
	}
	var clash []string
	for _, n := range stats.Libraries {
		if slices.Contains(held, n) {
			clash = append(clash, strconv.Quote(n))
		}
	}
	if len(clash) > 0 {
		return stats, fmt.Errorf("the target already holds library %s: copy into a store without it (a new SQLite file or an empty PostgreSQL database), or copy only other libraries",
			strings.Join(clash, ", "))
	}
	for _, t := range copyTables {
		if t.key != "id" {
			continue
		}
		lo, hi, ok, err := idRange(ctx, r, "SELECT MIN(id), MAX(id) FROM "+t.name+t.scope(scopeIDs))
		if err != nil {
			return stats, err
		}
		if !ok {
			continue
		}
		taken, err := w.ints(ctx, fmt.Sprintf("SELECT id FROM %s WHERE id BETWEEN %d AND %d", t.name, lo, hi))
		if err != nil {
			return stats, err
		}
		if len(taken) == 0 {
			continue
		}
		// Ids in the range are taken: any of them among the copied?
		used, err := r.ints(ctx, fmt.Sprintf("SELECT id FROM %s%s", t.name, t.scope(scopeIDs)))
		if err != nil {
			return stats, err
		}
		held := make(map[int64]bool, len(taken))
		for _, id := range taken {
			held[id] = true
		}
		for _, id := range used {
			if held[id] {
				return stats, fmt.Errorf("table %s: the target already holds a row with id %d, which a copied row has: ids are kept so that references to them stay true; copy into an empty store (a new SQLite file or an empty PostgreSQL database) instead",
					t.name, id)
			}
		}
	}

	// The rows.
	for _, t := range copyTables {
		c := cols[t.name]
		rows, err := r.q.QueryContext(ctx, "SELECT "+strings.Join(c, ", ")+" FROM "+t.name+t.scope(scopeIDs)+" ORDER BY "+t.key)
		if err != nil {
			return stats, fmt.Errorf("read %s: %w", t.name, dbError(err))
		}
		rs := newCopyRows(rows, len(c), to == dialectPostgres)
		n, err := w.insert(ctx, t.name, c, rs)
		rows.Close()
		if err == nil {
			err = rs.Err()
		}
		if err != nil {
			return stats, fmt.Errorf("copy %s (after %d rows): %w", t.name, rs.n, err)
		}
		stats.Rows[t.name] = n
	}

	// library_stats: the units counted, and a version that no cache of
	// either store can hold figures for.
	srcVersions, err := r.counts(ctx, "SELECT library_id, version FROM library_stats WHERE library_id IN ("+in+")")
	if err != nil {
		return stats, err
	}
	for _, id := range ids {
		if err := w.exec(ctx, fmt.Sprintf(`UPDATE library_stats SET
			units = (SELECT COUNT(*) FROM units WHERE library_id = %[1]d),
			version = CASE WHEN version > %[2]d THEN version ELSE %[2]d END + 1
			WHERE library_id = %[1]d`, id, srcVersions[id])); err != nil {
			return stats, fmt.Errorf("library_stats: %w", err)
		}
	}
	if to == dialectPostgres {
		// Rows inserted with their ids leave the identity sequences
		// behind; move each past its table's largest id (never back, so a
		// deleted row's id is not given out again).
		for _, t := range copyTables {
			if t.key != "id" {
				continue
			}
			if err := w.exec(ctx, fmt.Sprintf(`SELECT setval(seq, m) FROM (
				SELECT pg_get_serial_sequence('%[1]s', 'id')::regclass AS seq, (SELECT MAX(id) FROM %[1]s) AS m) x
				WHERE m IS NOT NULL AND m > COALESCE(pg_sequence_last_value(seq), 0)`, t.name)); err != nil {
				return stats, fmt.Errorf("advance the id sequence of %s: %w", t.name, err)
			}
		}
	}

	// Verify before committing: every table, every library, same count;
	// and library_stats counts the units the target now holds.
	var diffs []string
	check := func(table, wantSQL, gotSQL string) error {
		want, err := r.counts(ctx, wantSQL)
		if err != nil {
			return fmt.Errorf("verify %s: %w", table, err)
		}
		got, err := w.counts(ctx, gotSQL)
		if err != nil {
			return fmt.Errorf("verify %s: %w", table, err)
		}
		for i, id := range ids {
			if want[id] != got[id] {
				diffs = append(diffs, fmt.Sprintf("%s of library %q: %d rows in the source, %d in the target",
					table, stats.Libraries[i], want[id], got[id]))
			}
		}
		return nil
	}
	for _, t := range copyTables {
		if err := check(t.name, t.countSQL(in), t.countSQL(in)); err != nil {
			return stats, err
		}
	}
	unitsSQL := "SELECT library_id, COUNT(*) FROM units WHERE library_id IN (" + in + ") GROUP BY library_id"
	if err := check("library_stats.units", unitsSQL,
		"SELECT library_id, units FROM library_stats WHERE library_id IN ("+in+")"); err != nil {
		return stats, err
	}
	if len(diffs) > 0 {
		return stats, fmt.Errorf("verification failed, nothing copied: %s", summarize(diffs))
	}
	return stats, nil
}

// pickLibraries resolves names (all of src's libraries when empty) to ids
// in id order, filling stats.Libraries; all says every library is copied.
func pickLibraries(ctx context.Context, r copySide, names []string, stats *CopyStats) (ids []int64, all bool, err error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, name FROM libraries ORDER BY id`)
	if err != nil {
		return nil, false, dbError(err)
	}
	defer rows.Close()
	var libs []string
	var libIDs []int64
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, false, dbError(err)
		}
		libIDs, libs = append(libIDs, id), append(libs, name)
	}
	if err := rows.Err(); err != nil {
		return nil, false, dbError(err)
	}
	if len(libs) == 0 {
		return nil, false, errors.New("the source holds no library: nothing to copy")
	}
	if len(names) == 0 {
		stats.Libraries = libs
		return libIDs, true, nil
	}
	for _, n := range names {
		if !slices.Contains(libs, n) {
			return nil, false, fmt.Errorf("library %q: %w (the source holds %s)", n, ErrUnknownLibrary, quoteList(libs))
		}
	}
	for i, n := range libs {
		if slices.Contains(names, n) {
			ids = append(ids, libIDs[i])
			stats.Libraries = append(stats.Libraries, n)
		}
	}
	return ids, len(ids) == len(libs), nil
}

// quoteList renders names quoted and comma-separated.
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// idRange reads the smallest and largest of a set of ids; ok is false for
// an empty set.
func idRange(ctx context.Context, r copySide, query string) (lo, hi int64, ok bool, err error) {
	var a, b sql.NullInt64
	if err := r.q.QueryRowContext(ctx, query).Scan(&a, &b); err != nil {
		return 0, 0, false, dbError(err)
	}
	return a.Int64, b.Int64, a.Valid, nil
}

// copyColumns reads the columns of every table in copyTables (all but
// generated ones, which the target computes itself), and checks that the
// store has no table CopyStore does not know.
func copyColumns(ctx context.Context, s copyReader, d dialect) (map[string][]string, error) {
	tablesSQL := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if d == dialectPostgres {
		tablesSQL = `SELECT CAST(table_name AS TEXT) FROM information_schema.tables
			WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	tables, err := s.strings(ctx, tablesSQL)
	if err != nil {
		return nil, err
	}
	known := make(map[string]bool)
	for _, t := range copyTables {
		known[t.name] = true
	}
	for _, t := range tables {
		if !known[t] && !notCopied(t) {
			return nil, fmt.Errorf("table %s is not known to the copy (a newer schema?); nothing copied", t)
		}
	}
	cols := make(map[string][]string)
	for _, t := range copyTables {
		q := `SELECT name FROM pragma_table_info('` + t.name + `') ORDER BY cid`
		if d == dialectPostgres {
			q = `SELECT CAST(column_name AS TEXT) FROM information_schema.columns
				WHERE table_schema = current_schema() AND table_name = '` + t.name + `' AND is_generated = 'NEVER'
				ORDER BY ordinal_position`
		}
		c, err := s.strings(ctx, q)
		if err != nil {
			return nil, err
		}
		if len(c) == 0 {
			return nil, fmt.Errorf("table %s is missing (an older schema?)", t.name)
		}
		cols[t.name] = c
	}
	return cols, nil
}

// copyReader is what the copy asks of either store.
type copyReader interface {
	// strings runs a query of one text column.
	strings(ctx context.Context, query string) ([]string, error)
	// counts runs a query of two integer columns, a key and a value.
	counts(ctx context.Context, query string) (map[int64]int64, error)
	// ints runs a query of one integer column.
	ints(ctx context.Context, query string) ([]int64, error)
}

// copyTarget is the store being written, inside its write transaction.
type copyTarget interface {
	copyReader
	exec(ctx context.Context, query string) error
	// insert writes rows into table's columns cols, returning how many.
	insert(ctx context.Context, table string, cols []string, rows *copyRows) (int64, error)
}

// copySide is a store reached through database/sql: the source, and a
// SQLite target.
type copySide struct {
	q querier
}

func (s copySide) strings(ctx context.Context, query string) ([]string, error) {
	return firstColumn[string](ctx, s.q, query)
}

// firstColumn returns the first column of every row query returns.
func firstColumn[T any](ctx context.Context, q querier, query string) ([]T, error) {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		var v T
		if err := rows.Scan(&v); err != nil {
			return nil, dbError(err)
		}
		out = append(out, v)
	}
	return out, dbError(rows.Err())
}

func (s copySide) counts(ctx context.Context, query string) (map[int64]int64, error) {
	rows, err := s.q.QueryContext(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	out := make(map[int64]int64)
	for rows.Next() {
		var k, v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, dbError(err)
		}
		out[k] = v
	}
	return out, dbError(rows.Err())
}

func (s copySide) ints(ctx context.Context, query string) ([]int64, error) {
	return firstColumn[int64](ctx, s.q, query)
}

func (s copySide) exec(ctx context.Context, query string) error {
	_, err := s.q.ExecContext(ctx, query)
	return dbError(err)
}

// insert writes rows one prepared INSERT at a time: inside one SQLite
// transaction that is as fast as SQLite writes (the units_fts trigger
// indexes each unit as it goes in).
func (s copySide) insert(ctx context.Context, table string, cols []string, rows *copyRows) (int64, error) {
	tx, ok := s.q.(*sql.Tx)
	if !ok {
		return 0, errors.New("insert outside a transaction")
	}
	marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
	stmt, err := tx.PrepareContext(ctx, "INSERT INTO "+table+" ("+strings.Join(cols, ", ")+") VALUES ("+marks+")")
	if err != nil {
		return 0, dbError(err)
	}
	defer stmt.Close()
	var n int64
	for rows.Next() {
		if _, err := stmt.ExecContext(ctx, rows.vals...); err != nil {
			return n, dbError(err)
		}
		n++
	}
	return n, rows.Err()
}

// pgTarget is a PostgreSQL target: a pgx transaction, so that rows go in
// through COPY.
type pgTarget struct {
	tx pgx.Tx
}

func (p pgTarget) strings(ctx context.Context, query string) ([]string, error) {
	rows, err := p.tx.Query(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return out, dbError(err)
}

func (p pgTarget) counts(ctx context.Context, query string) (map[int64]int64, error) {
	rows, err := p.tx.Query(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	out := make(map[int64]int64)
	for rows.Next() {
		var k, v int64
		if err := rows.Scan(&k, &v); err != nil {
			return nil, dbError(err)
		}
		out[k] = v
	}
	return out, dbError(rows.Err())
}

func (p pgTarget) ints(ctx context.Context, query string) ([]int64, error) {
	rows, err := p.tx.Query(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	return out, dbError(err)
}

func (p pgTarget) exec(ctx context.Context, query string) error {
	_, err := p.tx.Exec(ctx, query)
	return dbError(err)
}

func (p pgTarget) insert(ctx context.Context, table string, cols []string, rows *copyRows) (int64, error) {
	n, err := p.tx.CopyFrom(ctx, pgx.Identifier{table}, cols, rows)
	return n, dbError(err)
}

// copyRows streams the rows of a source query to the target, as
// pgx.CopyFromSource and for copySide.insert.
type copyRows struct {
	rows *sql.Rows
	vals []any
	ptrs []any
	toPG bool
	n    int64 // rows read so far
	err  error
}

func newCopyRows(rows *sql.Rows, ncols int, toPG bool) *copyRows {
	r := &copyRows{rows: rows, vals: make([]any, ncols), ptrs: make([]any, ncols), toPG: toPG}
	for i := range r.vals {
		r.ptrs[i] = &r.vals[i]
	}
	return r
}

func (r *copyRows) Next() bool {
	if r.err != nil || !r.rows.Next() {
		return false
	}
	if err := r.rows.Scan(r.ptrs...); err != nil {
		r.err = err
		return false
	}
	if r.toPG {
		// Every text column of the schema is TEXT; SQLite may hand back
		// a value stored as a BLOB, which PostgreSQL takes as its text.
		for i, v := range r.vals {
			if b, ok := v.([]byte); ok {
				r.vals[i] = string(b)
			}
		}
	}
	r.n++
	return true
}

func (r *copyRows) Values() ([]any, error) { return r.vals, nil }

func (r *copyRows) Err() error {
	if r.err != nil {
		return dbError(r.err)
	}
	return dbError(r.rows.Err())
}

// readSnapshot runs fn on one consistent view of the index, without
// blocking its writers: on PostgreSQL a read-only REPEATABLE READ
// transaction; on SQLite a deferred read transaction on one connection
// (BeginTx would take the write lock, see dataSourceName).
func (ix *Index) readSnapshot(ctx context.Context, fn func(copySide) error) error {
	if ix.dialect == dialectPostgres {
		tx, err := ix.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead})
		if err != nil {
			return fmt.Errorf("read %s: %w", RedactURL(ix.Path), dbError(err))
		}
		defer func() { _ = tx.Rollback() }()
		return fn(copySide{tx})
	}
	conn, err := ix.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("read %s: %w", ix.Path, dbError(err))
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `BEGIN`); err != nil {
		return fmt.Errorf("read %s: %w", ix.Path, dbError(err))
	}
	defer func() {
		if _, err := conn.ExecContext(context.WithoutCancel(ctx), `ROLLBACK`); err != nil {
			// Never hand the pool a connection still in a transaction.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	// The snapshot starts with the first read: take it now.
	if _, err := conn.ExecContext(ctx, `SELECT COUNT(*) FROM libraries`); err != nil {
		return fmt.Errorf("read %s: %w", ix.Path, dbError(err))
	}
	return fn(copySide{conn})
}

// writeCopy runs fn in one write transaction on the index and commits if
// it returns nil. On PostgreSQL the transaction is pgx's own on one
// connection (with the write lock pgConn.BeginTx takes), so that rows can
// go in through COPY.
func (ix *Index) writeCopy(ctx context.Context, fn func(copyTarget) error) error {
	if ix.dialect != dialectPostgres {
		tx, err := ix.db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("write %s: %w", ix.Path, dbError(err))
		}
		defer func() { _ = tx.Rollback() }()
		if err := fn(copySide{tx}); err != nil {
			return err
		}
		return dbError(tx.Commit())
	}
	conn, err := ix.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("write %s: %w", RedactURL(ix.Path), dbError(err))
	}
	defer conn.Close()
	var fnErr error
	err = conn.Raw(func(dc any) error {
		pc, ok := dc.(*pgConn)
		if !ok {
			return fmt.Errorf("unexpected driver connection %T", dc)
		}
		c := pc.Conn.Conn()
		if err := registerCitext(ctx, c); err != nil {
			return err
		}
		tx, err := c.Begin(ctx)
		if err != nil {
			return dbError(err)
		}
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(pgWriteLock)); err != nil {
			fnErr = dbError(err)
		} else if fnErr = fn(pgTarget{tx}); fnErr == nil {
			if err := tx.Commit(ctx); err != nil {
				fnErr = dbError(err)
				return driver.ErrBadConn // in doubt: never reuse the connection
			}
			return nil
		}
		if err := tx.Rollback(context.WithoutCancel(ctx)); err != nil {
			return driver.ErrBadConn // pgx has closed it; the server rolls back
		}
		return nil
	})
	if fnErr != nil {
		return fnErr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", RedactURL(ix.Path), dbError(err))
	}
	return nil
}

// registerCitext tells pgx that citext (collections.name) travels as text,
// which COPY's binary format needs to know.
func registerCitext(ctx context.Context, c *pgx.Conn) error {
	if _, ok := c.TypeMap().TypeForName("citext"); ok {
		return nil
	}
	var oid uint32
	if err := c.QueryRow(ctx, `SELECT CAST(CAST('citext' AS regtype) AS oid)`).Scan(&oid); err != nil {
		return fmt.Errorf("look up type citext: %w", dbError(err))
	}
	c.TypeMap().RegisterType(&pgtype.Type{Name: "citext", OID: oid, Codec: pgtype.TextCodec{}})
	return nil
}
