package retrieval

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The PostgreSQL store.
//
// An Index whose Path is a postgres:// or postgresql:// URL keeps its
// libraries in PostgreSQL instead of a SQLite file: the same tables (schema
// in pgmigrations/), the same queries, the same transactions, so that
// everything above the database — ingest, curation, study groups, the
// ranking — is one code path for both. What differs is kept to a few
// places: the full-text match (tsvector with a GIN index instead of FTS5,
// rank_pg.go), the document-frequency count, and the SQLite-only
// maintenance (Check, Backup, Optimize).
//
// The queries are written with SQLite's "?" and "?N" parameters; the
// driver registered here rewrites them to PostgreSQL's "$N" before pgx sees
// them, so no call site needs to know which store it runs on.

//go:embed pgmigrations/*.sql
var pgMigrationFS embed.FS

// dialect says which database an Index holds.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

func (d dialect) String() string {
	if d == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

// IsPostgresURL reports whether path names a PostgreSQL database rather
// than a SQLite file.
func IsPostgresURL(path string) bool {
	return strings.HasPrefix(path, "postgres://") || strings.HasPrefix(path, "postgresql://")
}

// pgDriverName is the database/sql driver that rebinds parameters for pgx.
const pgDriverName = "verbatim-pgx"

func init() {
	sql.Register(pgDriverName, pgDriver{})
}

// pgDriver is pgx's database/sql driver with queries rebound from "?" to
// "$N" parameters.
type pgDriver struct{}

func (pgDriver) Open(name string) (driver.Conn, error) {
	c, err := stdlib.GetDefaultDriver().Open(name)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: c.(*stdlib.Conn)}, nil
}

// pgConn is a pgx connection whose queries are rebound. Everything else
// (transactions, value checks, resets) is pgx's own.
type pgConn struct {
	*stdlib.Conn
}

// CheckNamedValue stores a Go bool as 0 or 1, as the SQLite driver does:
// the schema's flags are integers in both stores.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}

// BeginTx begins a transaction and, unless it is read-only, takes the
// database's write lock first (pgWriteLock), as SQLite's BEGIN IMMEDIATE
// does: writers take turns, whichever process they run in, so that a write
// that reads what it is about to change (is this text already stored? which
// quotes has this channel been shown?) cannot interleave with another. The
// lock is a transaction-level advisory lock, released at commit or rollback.
func (c *pgConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	tx, err := c.Conn.BeginTx(ctx, opts)
	if err != nil || opts.ReadOnly {
		return tx, err
	}
	if _, err := c.Conn.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`,
		[]driver.NamedValue{{Ordinal: 1, Value: int64(pgWriteLock)}}); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}

func (c *pgConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c *pgConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// rebind rewrites SQLite's parameters to PostgreSQL's: "?N" becomes "$N"
// and a bare "?" gets the number SQLite gives it, one more than the largest
// assigned before it. Question marks inside string literals,
// quoted identifiers and comments are left alone. Parameters are the only
// thing it changes: user text is never part of a query.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	largest := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(query) {
				if query[j] == c {
					if j+1 < len(query) && query[j+1] == c {
						j += 2 // doubled quote inside
						continue
					}
					break
				}
				j++
			}
			end := min(j+1, len(query))
			b.WriteString(query[i:end])
			i = end - 1
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i
			}
			b.WriteString(query[i : i+j])
			i += j - 1
		case c == '?':
			j := i + 1
			for j < len(query) && query[j] >= '0' && query[j] <= '9' {
				j++
			}
			b.WriteByte('$')
			if j > i+1 {
				n, _ := strconv.Atoi(query[i+1 : j])
				largest = max(largest, n)
				b.WriteString(query[i+1 : j])
				i = j - 1
			} else {
				largest++
				b.WriteString(strconv.Itoa(largest))
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// pgDataSourceName checks a postgres:// URL and returns it for pgx.
func pgDataSourceName(path string) (string, error) {
	u, err := url.Parse(path)
	if err != nil {
		return "", fmt.Errorf("database URL is not a URL (want postgres://user:password@host:port/dbname): %w", redactURLError(err))
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return "", errors.New("database URL names no host (want postgres://user:password@host:port/dbname)")
	}
	return path, nil
}

// redactURLError drops the URL (which may hold a password) from a parse
// error.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// RedactURL returns path with any password replaced by "xxxxx", for logs
// and error messages. A SQLite path is returned as it is.
func RedactURL(path string) string {
	if !IsPostgresURL(path) {
		return path
	}
	u, err := url.Parse(path)
	if err != nil {
		return "postgres://(unparsable URL)"
	}
	return u.Redacted()
}

// pgError is dbError for PostgreSQL: the errors a caller can act on, made
// clearer.
func pgError(err error) error {
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		return err
	}
	switch pe.Code {
	case "40001", "40P01":
		return fmt.Errorf("database busy (concurrent writers): %w", err)
	case "57014":
		return fmt.Errorf("%w: %v", context.Canceled, err)
	case "42601", "22P02":
		if strings.Contains(pe.Message, "tsquery") {
			return fmt.Errorf("postgres rejected a text-search query built from parameters (a bug): %w", err)
		}
	}
	return err
}

// pgWriteLock is the advisory lock key of the write lock (pgConn.BeginTx).
const pgWriteLock = 0x76657263

// migrations is the embedded schema of the Index's store.
func (ix *Index) migrations() fs.FS {
	if ix.dialect == dialectPostgres {
		return pgMigrationFS
	}
	return migrationFS
}

// openPostgres is Open for a postgres:// URL.
func (ix *Index) openPostgres() error {
	dsn, err := pgDataSourceName(ix.Path)
	if err != nil {
		return err
	}
	name := RedactURL(ix.Path)
	db, err := sql.Open(pgDriverName, dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, dbError(err))
	}
	db.SetMaxIdleConns(maxIdleConns)
	ix.db, ix.dialect = db, dialectPostgres

	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open %s: %w (is PostgreSQL running there, and does the database exist?)", name, dbError(err))
	}
	if err := ix.migrate(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open %s: %w", name, err)
	}
	return nil
}

// like is the operator that matches a LIKE pattern ignoring ASCII case:
// SQLite's LIKE does, PostgreSQL's ILIKE.
func (ix *Index) like() string {
	if ix.dialect == dialectPostgres {
		return "ILIKE"
	}
	return "LIKE"
}

// byteSubstr is the SQL for the bytes [start, start+n) of the TEXT column
// col, as a BLOB (SQLite) or bytea (PostgreSQL): spans count bytes, and
// substr over text counts characters.
func (d dialect) byteSubstr(col, start, n string) string {
	if d == dialectPostgres {
		return "substr(convert_to(" + col + ", 'UTF8'), (" + start + " + 1)::int, (" + n + ")::int)"
	}
	return "substr(CAST(" + col + " AS BLOB), " + start + " + 1, " + n + ")"
}

// byteLength is the SQL for the length in bytes of the TEXT column col.
func (d dialect) byteLength(col string) string {
	if d == dialectPostgres {
		return "octet_length(" + col + ")"
	}
	return "length(CAST(" + col + " AS BLOB))"
}

// nocase is the SQL ordering col regardless of ASCII case: SQLite's
// NOCASE collation; on PostgreSQL the column is citext, which does.
func (d dialect) nocase(col string) string {
	if d == dialectPostgres {
		return col
	}
	return col + " COLLATE NOCASE"
}

// pgCheck is Check on PostgreSQL, which keeps its own b-trees and foreign
// keys: it checks what this schema derives and PostgreSQL does not verify,
// that every unit's tsvector is the one its text gives (a GIN index built
// from a stale one would answer wrongly) and that each library's counts in
// library_stats are its units'.
func (ix *Index) pgCheck(ctx context.Context) error {
	var stale int
	if err := ix.db.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM units
		WHERE tsv IS DISTINCT FROM (
			setweight(to_tsvector('verbatim'::regconfig, text), 'A') ||
			setweight(to_tsvector('verbatim'::regconfig, speaker), 'B') ||
			setweight(to_tsvector('verbatim'::regconfig, speaker_title), 'C'))`).Scan(&stale); err != nil {
		return fmt.Errorf("tsvector check: %w", dbError(err))
	}
	if stale > 0 {
		return fmt.Errorf("tsvector check: %d unit(s) indexed with words their text no longer holds", stale)
	}
	rows, err := ix.db.QueryContext(ctx, `
		SELECT l.name, COALESCE(st.units, -1), (SELECT COUNT(*) FROM units u WHERE u.library_id = l.id)
		FROM libraries l LEFT JOIN library_stats st ON st.library_id = l.id`)
	if err != nil {
		return fmt.Errorf("library_stats check: %w", dbError(err))
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var name string
		var kept, counted int
		if err := rows.Scan(&name, &kept, &counted); err != nil {
			return fmt.Errorf("library_stats check: %w", dbError(err))
		}
		if kept != counted {
			problems = append(problems, fmt.Sprintf("library %q: %d units kept, %d stored", name, kept, counted))
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("library_stats check: %w", dbError(err))
	}
	if len(problems) > 0 {
		return fmt.Errorf("library_stats check: %s", summarize(problems))
	}
	return nil
}
