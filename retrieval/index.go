package retrieval

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	_ "github.com/mattn/go-sqlite3" // registers the "sqlite3" driver
)

// DefaultLibrary is the library the command line uses when none is named.
const DefaultLibrary = "default"

// busyTimeout is how long a connection waits for another writer's lock
// before it gives up with "database is locked".
const busyTimeout = 5 * time.Second

//go:embed migrations/*.sql
var migrationFS embed.FS

// Index is a SQLite database holding libraries of sources, their passages,
// sentences and quotes, with an FTS5 index over them.
//
// An Index is safe for concurrent use once open.
type Index struct {
	// Path is the database file; ":memory:" is allowed for tests.
	Path string
	// Now returns the current time; it defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	db      *sql.DB
	dialect dialect

	// cacheMu guards the prepared statements and the document-frequency
	// cache (searchcache.go).
	cacheMu sync.Mutex
	stmts   map[string]*sql.Stmt
	dfs     map[dfKey]dfEntry

	// analyze reads a document; nil means Analyze. Tests swap it to control
	// exactly which quotes a document yields.
	analyze func(text string) Analysis
}

// NewIndex returns an Index for the database at path: a SQLite file, or a
// PostgreSQL database when path is a postgres:// URL (see postgres.go).
// Call Open before use.
func NewIndex(path string) *Index {
	return &Index{Path: path, Now: time.Now, Logger: slog.Default()}
}

// Open opens (creating if needed) the database and applies migrations.
func (ix *Index) Open() error {
	if ix.Path == "" {
		return errors.New("index path is empty")
	}
	if ix.Now == nil {
		ix.Now = time.Now
	}
	if ix.Logger == nil {
		ix.Logger = slog.Default()
	}
	if IsPostgresURL(ix.Path) {
		return ix.openPostgres()
	}
	db, err := sql.Open("sqlite3", dataSourceName(ix.Path))
	if err != nil {
		return fmt.Errorf("open %s: %w", ix.Path, dbError(err))
	}
	if ix.Path == ":memory:" {
		// Every connection to ":memory:" is a separate, empty database, so
		// the pool must hold exactly one, forever.
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
	} else {
		// Readers run side by side under WAL. Keep a few connections
		// open between questions rather than database/sql's default two:
		// each holds its page cache and its prepared statements, which a
		// reopened connection would build again.
		db.SetMaxIdleConns(maxIdleConns)
	}
	ix.db = db

	ctx := context.Background()
	if err := ix.checkPragmas(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open %s: %w", ix.Path, err)
	}
	if err := ix.migrate(ctx); err != nil {
		_ = db.Close()
		return fmt.Errorf("open %s: %w", ix.Path, err)
	}
	return nil
}

// pageCacheKiB is each connection's page cache. SQLite's default, 2 MiB,
// holds a small part of a large library's FTS5 index and of the b-trees an
// ingest appends to; each miss is a read from the OS. Pages are allocated
// as they are used, so a small database never takes it all.
const pageCacheKiB = 32 << 10

// maxIdleConns is how many connections the pool keeps open when idle.
const maxIdleConns = 4

// dataSourceName builds the go-sqlite3 DSN for path.
//
// The PRAGMAs go in the DSN rather than in one Exec after opening because
// foreign_keys, busy_timeout and synchronous are per connection and
// database/sql opens connections whenever it likes: the driver runs these on
// every new connection. _txlock=immediate makes every transaction (we only
// open them to write) take the write lock at BEGIN, so a second writer waits
// out busy_timeout instead of failing on a read-to-write upgrade.
func dataSourceName(path string) string {
	params := fmt.Sprintf("_journal_mode=WAL&_foreign_keys=1&_busy_timeout=%d&_synchronous=NORMAL&_txlock=immediate&_cache_size=%d",
		busyTimeout.Milliseconds(), -pageCacheKiB)
	if path == ":memory:" {
		return path + "?" + params
	}
	// A file: URI, so that '?' or '#' in a path cannot be read as parameters.
	return "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + params
}

// checkPragmas verifies that the connection settings in the DSN took effect,
// so that a driver change cannot silently turn off foreign keys (and with
// them the cascades that keep the FTS index true).
func (ix *Index) checkPragmas(ctx context.Context) error {
	var fk int
	if err := ix.db.QueryRowContext(ctx, `PRAGMA foreign_keys`).Scan(&fk); err != nil {
		return fmt.Errorf("pragma foreign_keys: %w", dbError(err))
	}
	if fk != 1 {
		return errors.New("pragma foreign_keys is off")
	}
	var mode string
	if err := ix.db.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil {
		return fmt.Errorf("pragma journal_mode: %w", dbError(err))
	}
	if want := "wal"; ix.Path != ":memory:" && !strings.EqualFold(mode, want) {
		return fmt.Errorf("pragma journal_mode is %q, want %q", mode, want)
	}
	return nil
}

// migrate applies the embedded migrations that have not been applied yet,
// in lexical order.
//
// Each step is a write transaction, so processes opening one new database
// at once take turns (SQLite's write lock, PostgreSQL's advisory write lock
// in pgConn.BeginTx): the second finds each migration recorded. Even the
// migrations table is created in one, as CREATE TABLE IF NOT EXISTS is not
// safe against a second PostgreSQL session doing the same.
func (ix *Index) migrate(ctx context.Context) error {
	if err := ix.createMigrationsTable(ctx); err != nil {
		return fmt.Errorf("create migrations table: %w", dbError(err))
	}
	names, err := fs.Glob(ix.migrations(), "*migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	for _, name := range names {
		if err := ix.migrateFile(ctx, name); err != nil {
			return fmt.Errorf("migration %q: %w", name, err)
		}
	}
	return nil
}

// createMigrationsTable creates the table recording applied migrations.
func (ix *Index) createMigrationsTable(ctx context.Context) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY)`); err != nil {
		return err
	}
	return tx.Commit()
}

// migrateFile applies one migration in its own transaction and records it,
// unless it is already recorded.
func (ix *Index) migrateFile(ctx context.Context, name string) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer func() { _ = tx.Rollback() }()

	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM migrations WHERE name = ?`, name).Scan(&n); err != nil {
		return dbError(err)
	}
	if n != 0 {
		return nil
	}
	buf, err := fs.ReadFile(ix.migrations(), name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(buf)); err != nil {
		return dbError(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO migrations (name) VALUES (?)`, name); err != nil {
		return dbError(err)
	}
	if err := tx.Commit(); err != nil {
		return dbError(err)
	}
	ix.Logger.Debug("applied migration", "name", name, "path", ix.Path)
	return nil
}

// Optimize merges the FTS5 index's segments into one b-tree, the fastest
// form to query (FTS5.md §1.6: about 2× for OR queries after many small
// transactions). It rewrites the whole index, so it belongs after a bulk
// ingest or in a maintenance job, not after every document.
func (ix *Index) Optimize(ctx context.Context) error {
	if ix.dialect == dialectPostgres {
		if _, err := ix.db.ExecContext(ctx, `ANALYZE`); err != nil {
			return fmt.Errorf("optimize: %w", dbError(err))
		}
		return nil
	}
	if _, err := ix.db.ExecContext(ctx, `INSERT INTO units_fts (units_fts) VALUES ('optimize')`); err != nil {
		return fmt.Errorf("optimize: %w", dbError(err))
	}
	if _, err := ix.db.ExecContext(ctx, `PRAGMA optimize`); err != nil {
		return fmt.Errorf("optimize: %w", dbError(err))
	}
	return nil
}

// Close closes the database.
func (ix *Index) Close() error {
	if ix.db == nil {
		return nil
	}
	ix.closeStmts()
	err := ix.db.Close()
	ix.db = nil
	return dbError(err)
}

// dbError is the one place that reads the driver's error strings and turns
// the ones a caller can act on into something clearer. Everything else is
// returned as it came.
func dbError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if pe := pgError(err); pe != err {
		return pe
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "no such module: fts5"):
		return fmt.Errorf("sqlite was built without FTS5 (build with -tags sqlite_fts5): %w", err)
	case strings.Contains(msg, "database is locked"), strings.Contains(msg, "database table is locked"):
		return fmt.Errorf("database busy for more than %v: %w", busyTimeout, err)
	case strings.Contains(msg, "interrupted"):
		// sqlite3_interrupt: the context was cancelled mid-statement.
		return fmt.Errorf("%w: %v", context.Canceled, err)
	case strings.Contains(msg, "fts5: syntax error"),
		strings.Contains(msg, "unterminated string"),
		strings.Contains(msg, "no such column"):
		// MatchQuery exists to make this impossible.
		return fmt.Errorf("fts5 rejected a query built by MatchQuery (a bug): %w", err)
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// AddStatus says what Add did with a document.
type AddStatus string

// Add statuses.
const (
	StatusAdded     AddStatus = "added"
	StatusUnchanged AddStatus = "unchanged" // same text already stored
	StatusReplaced  AddStatus = "replaced"  // same origin, new text
)

// AddResult reports what adding one document did. Passages counts
// paragraphs; each sentence is one searchable passage. For an unchanged
// document the counts are those of the source already stored.
type AddResult struct {
	Source    Source // without Text
	Status    AddStatus
	Passages  int
	Sentences int
	Quotes    int
	Speakers  int // distinct non-empty speaker names
}

// preparedDoc is a validated document with its analysis, ready to write.
type preparedDoc struct {
	Document
	analysis Analysis
	sha      string
	// hidden[i] says a curator hid analysis.Quotes[i]; nil for none.
	hidden []bool
	// terms is the source's row of source_terms; nil until computed.
	terms *sourceSummary
}

// Add adds docs to library (created if missing) in one transaction: either
// every document is stored or, on error, nothing changes. A document whose
// text is already in the library is left alone (StatusUnchanged); a
// document whose Origin is already in the library with other text replaces
// that source (StatusReplaced), keeping its id, its collections and the
// curators' corrections to quotes whose words it still holds.
//
// Documents are checked before anything is written: an empty text is
// ErrEmptyDocument and text that is not UTF-8 is ErrInvalidUTF8.
//
// Add is AddAs by LocalActor: each added or replaced source is written to
// the audit log.
func (ix *Index) Add(ctx context.Context, library string, docs ...Document) ([]AddResult, error) {
	return ix.AddAs(ctx, library, LocalActor, docs...)
}

// docName names a document in an error message.
func docName(d Document) string {
	switch {
	case d.Origin != "":
		return d.Origin
	case d.Title != "":
		return d.Title
	}
	return "untitled"
}

// prepare validates d and analyses its text. It checks the analysis against
// the invariants of doc.go, so that a bug in segmentation or attribution
// fails loudly here rather than storing a quote that is not in its source.
func (ix *Index) prepare(d Document) (preparedDoc, error) {
	if strings.TrimSpace(d.Text) == "" {
		return preparedDoc{}, ErrEmptyDocument
	}
	if !utf8.ValidString(d.Text) {
		return preparedDoc{}, ErrInvalidUTF8
	}
	if d.Format == "" {
		d.Format = "text"
	}
	analyze := ix.analyze
	if analyze == nil {
		analyze = Analyze
	}
	a := analyze(d.Text)
	for _, p := range a.Paragraphs {
		if err := checkSpan(d.Text, p.Span); err != nil {
			return preparedDoc{}, fmt.Errorf("paragraph %d: %w", p.Index, err)
		}
	}
	for _, s := range a.Sentences {
		if err := checkSpan(d.Text, s.Span); err != nil {
			return preparedDoc{}, fmt.Errorf("sentence: %w", err)
		}
	}
	for _, q := range a.Quotes {
		if err := checkSpan(d.Text, q.Span); err != nil {
			return preparedDoc{}, fmt.Errorf("quote: %w", err)
		}
		if q.Text != d.Text[q.Start:q.End] {
			return preparedDoc{}, fmt.Errorf("quote at %d: text is not the slice of its span", q.Start)
		}
		if m := q.SpeakerMention; m != nil {
			if err := checkSpan(d.Text, *m); err != nil {
				return preparedDoc{}, fmt.Errorf("speaker mention: %w", err)
			}
		}
	}
	sum := sha256.Sum256([]byte(d.Text))
	st := summarizeSource(d.Text)
	return preparedDoc{Document: d, analysis: a, sha: hex.EncodeToString(sum[:]), terms: &st}, nil
}

// prepareAll prepares docs (see prepare) on every CPU at once: analysis is
// pure computation, most of an ingest's CPU time, and independent from one
// document to the next. The first error in document order is returned,
// wrapped with the document's number and name.
func (ix *Index) prepareAll(docs []Document) ([]preparedDoc, error) {
	prepared := make([]preparedDoc, len(docs))
	errs := make([]error, len(docs))
	workers := min(runtime.GOMAXPROCS(0), len(docs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= len(docs) {
					return
				}
				prepared[i], errs[i] = ix.prepare(docs[i])
			}
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, docName(docs[i]), err)
		}
	}
	return prepared, nil
}

// checkSpan reports whether s is a well-formed span of text that starts and
// ends on character boundaries.
func checkSpan(text string, s Span) error {
	if s.Start < 0 || s.End < s.Start || s.End > len(text) {
		return fmt.Errorf("span [%d, %d) outside text of %d bytes", s.Start, s.End, len(text))
	}
	if !utf8.ValidString(text[s.Start:s.End]) ||
		(s.Start < len(text) && !utf8.RuneStart(text[s.Start])) ||
		(s.End < len(text) && !utf8.RuneStart(text[s.End])) {
		return fmt.Errorf("span [%d, %d) splits a character", s.Start, s.End)
	}
	return nil
}

// ensureLibrary returns the id of the named library, creating it if needed.
func ensureLibrary(ctx context.Context, tx *sql.Tx, name string, now time.Time) (int64, error) {
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO libraries (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`,
		name, formatTime(now)); err != nil {
		return 0, fmt.Errorf("library %q: %w", name, dbError(err))
	}
	return libraryID(ctx, tx, name)
}

// libraryID returns the id of the named library, or ErrUnknownLibrary.
func libraryID(ctx context.Context, q querier, name string) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM libraries WHERE name = ?`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("library %q: %w", name, ErrUnknownLibrary)
	} else if err != nil {
		return 0, fmt.Errorf("library %q: %w", name, dbError(err))
	}
	return id, nil
}

// addDoc stores one prepared document in library libID and records what it
// did in the audit log as done by actor.
func addDoc(ctx context.Context, tx *sql.Tx, libID int64, library string, actor Actor, p preparedDoc, now time.Time) (AddResult, error) {
	// The same text anywhere in the library: nothing to do, but a page
	// fetched again was fetched now.
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE library_id = ? AND sha256 = ?`, libID, p.sha).Scan(&id)
	if err == nil {
		if isWebURL(p.Origin) {
			if _, err := tx.ExecContext(ctx, `UPDATE sources SET fetched_at = ? WHERE id = ? AND origin = ?`,
				formatTime(now), id, p.Origin); err != nil {
				return AddResult{}, fmt.Errorf("source %d: %w", id, dbError(err))
			}
		}
		src, err := findSource(ctx, tx, libID, id, false)
		if err != nil {
			return AddResult{}, err
		}
		src.Library = library
		res := AddResult{Source: src, Status: StatusUnchanged}
		if err := countDerived(ctx, tx, id, &res); err != nil {
			return AddResult{}, err
		}
		return res, nil
	} else if !errors.Is(err, sql.ErrNoRows) {
		return AddResult{}, dbError(err)
	}

	status := StatusAdded
	if p.Origin != "" {
		err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE library_id = ? AND origin = ?`, libID, p.Origin).Scan(&id)
		switch {
		case err == nil:
			status = StatusReplaced
		case !errors.Is(err, sql.ErrNoRows):
			return AddResult{}, dbError(err)
		}
	}

	var fetched any // NULL unless the document came from a link
	if isWebURL(p.Origin) {
		fetched = formatTime(now)
	}
	if status == StatusReplaced {
		// Keep the source's id and added_at: drop what was derived from the
		// old text and rewrite the row. A replacement without an author id
		// keeps the old one, so that its author can still take it out.
		if err := deleteDerived(ctx, tx, id); err != nil {
			return AddResult{}, fmt.Errorf("replace source %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `
			UPDATE sources
			SET title = ?, author = ?, url = ?, published = ?, format = ?, text = ?, sha256 = ?, updated_at = ?,
				author_id = CASE WHEN ?9 = '' THEN author_id ELSE ?9 END, fetched_at = ?
			WHERE id = ?`,
			p.Title, p.Author, p.URL, p.Published, p.Format, p.Text, p.sha, formatTime(now), p.AuthorID, fetched, id,
		); err != nil {
			return AddResult{}, fmt.Errorf("replace source %d: %w", id, dbError(err))
		}
	} else {
		err := tx.QueryRowContext(ctx, `
			INSERT INTO sources (library_id, title, author, url, published, origin, format, text, sha256, added_at,
				updated_at, author_id, fetched_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			RETURNING id`,
			libID, p.Title, p.Author, p.URL, p.Published, nullString(p.Origin), p.Format, p.Text, p.sha,
			formatTime(now), formatTime(now), p.AuthorID, fetched,
		).Scan(&id)
		if err != nil {
			return AddResult{}, fmt.Errorf("insert source: %w", dbError(err))
		}
	}

	if err := applyOverrides(ctx, tx, libID, &p); err != nil {
		return AddResult{}, fmt.Errorf("source %d: %w", id, err)
	}
	if err := insertDerived(ctx, tx, libID, id, p); err != nil {
		return AddResult{}, fmt.Errorf("source %d: %w", id, err)
	}
	src, err := findSource(ctx, tx, libID, id, false)
	if err != nil {
		return AddResult{}, err
	}
	src.Library = library
	action := ActionAdd
	if status == StatusReplaced {
		action = ActionReplace
	}
	if err := audit(ctx, tx, libID, now, actor, action, id, describeSource(src)); err != nil {
		return AddResult{}, err
	}
	res := AddResult{
		Source:    src,
		Status:    status,
		Passages:  len(p.analysis.Paragraphs),
		Sentences: len(p.analysis.Sentences),
		Quotes:    len(p.analysis.Quotes),
	}
	speakers := make(map[string]bool)
	for _, q := range p.analysis.Quotes {
		if q.Speaker != "" {
			speakers[q.Speaker] = true
		}
	}
	res.Speakers = len(speakers)
	return res, nil
}

// insertDerived writes the paragraphs, sentences, quotes and search units of
// source id. The units of hidden quotes, and of the sentences overlapping
// them, are written hidden.
func insertDerived(ctx context.Context, tx *sql.Tx, libID, id int64, p preparedDoc) error {
	a, text := p.analysis, p.Text
	var hiddenSpans []Span
	for i, q := range a.Quotes {
		if p.isHidden(i) {
			hiddenSpans = append(hiddenSpans, q.Span)
		}
	}
	// The inserts below run without ctx's cancellation: go-sqlite3 runs
	// each Exec under a cancellable context on a goroutine of its own, a
	// hand-off between threads per row that cost more than the insert
	// itself. ctx is checked between rows instead, and the caller's
	// transaction takes everything back.
	ectx := context.WithoutCancel(ctx)
	para, err := tx.PrepareContext(ctx, `INSERT INTO paragraphs (source_id, idx, span_start, span_end) VALUES (?, ?, ?, ?)`)
	if err != nil {
		return dbError(err)
	}
	defer para.Close()
	for _, pg := range a.Paragraphs {
		if _, err := para.ExecContext(ectx, id, pg.Index, pg.Start, pg.End); err != nil {
			return fmt.Errorf("insert paragraph: %w", dbError(err))
		}
	}

	sum := p.terms
	if sum == nil {
		st := summarizeSource(text)
		sum = &st
	}
	if _, err := tx.ExecContext(ectx, `INSERT INTO source_terms (source_id, tokens, terms) VALUES (?, ?, ?)
		ON CONFLICT (source_id) DO UPDATE SET tokens = excluded.tokens, terms = excluded.terms`,
		id, sum.tokens, sum.terms); err != nil {
		return fmt.Errorf("insert source terms: %w", dbError(err))
	}

	unit, err := tx.PrepareContext(ctx, `
		INSERT INTO units (kind, library_id, source_id, quote_id, sentence_id, span_start, span_end, paragraph,
			text, speaker, speaker_title, speaker_kind, fragment, confidence, hidden)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
	if err != nil {
		return dbError(err)
	}
	defer unit.Close()

	sent, err := tx.PrepareContext(ctx,
		`INSERT INTO sentences (source_id, paragraph, span_start, span_end) VALUES (?, ?, ?, ?) RETURNING id`)
	if err != nil {
		return dbError(err)
	}
	defer sent.Close()
	for _, s := range a.Sentences {
		if err := ctx.Err(); err != nil {
			return err
		}
		var sid int64
		if err := sent.QueryRowContext(ectx, id, s.Paragraph, s.Start, s.End).Scan(&sid); err != nil {
			return fmt.Errorf("insert sentence: %w", dbError(err))
		}
		if strings.TrimSpace(text[s.Start:s.End]) == "" {
			continue // nothing to search
		}
		if _, err := unit.ExecContext(ectx, ResultPassage, libID, id, nil, sid, s.Start, s.End, s.Paragraph,
			text[s.Start:s.End], "", "", "", false, 0.0, overlapsAny(s.Span, hiddenSpans)); err != nil {
			return fmt.Errorf("insert passage: %w", dbError(err))
		}
	}

	quote, err := tx.PrepareContext(ctx, `
		INSERT INTO quotes (source_id, text, span_start, span_end, paragraph, speaker, speaker_title, speaker_kind,
			mention_start, mention_end, confidence, fragment, hidden)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`)
	if err != nil {
		return dbError(err)
	}
	defer quote.Close()
	for i, q := range a.Quotes {
		var ms, me any
		if m := q.SpeakerMention; m != nil {
			ms, me = m.Start, m.End
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		hidden := p.isHidden(i)
		var qid int64
		if err := quote.QueryRowContext(ectx, id, q.Text, q.Start, q.End, q.Paragraph, q.Speaker, q.SpeakerTitle,
			q.SpeakerKind, ms, me, q.Confidence, q.Fragment, hidden).Scan(&qid); err != nil {
			return fmt.Errorf("insert quote: %w", dbError(err))
		}
		if strings.TrimSpace(q.Text) == "" {
			continue
		}
		if _, err := unit.ExecContext(ectx, ResultQuote, libID, id, qid, nil, q.Start, q.End, q.Paragraph,
			q.Text, q.Speaker, q.SpeakerTitle, q.SpeakerKind, q.Fragment, q.Confidence, hidden); err != nil {
			return fmt.Errorf("insert quote unit: %w", dbError(err))
		}
	}
	return nil
}

// deleteDerived deletes what was derived from the text of source id; the
// units' delete trigger takes the units out of the FTS index.
func deleteDerived(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, table := range []string{"units", "quotes", "sentences", "paragraphs"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE source_id = ?`, id); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// overlapsAny reports whether s shares a byte with any of spans.
func overlapsAny(s Span, spans []Span) bool {
	for _, o := range spans {
		if o.Start < s.End && s.Start < o.End {
			return true
		}
	}
	return false
}

// countDerived fills the counts of res from what is stored for source id.
func countDerived(ctx context.Context, q querier, id int64, res *AddResult) error {
	err := q.QueryRowContext(ctx, `
		SELECT
			(SELECT COUNT(*) FROM paragraphs WHERE source_id = ?1),
			(SELECT COUNT(*) FROM sentences WHERE source_id = ?1),
			(SELECT COUNT(*) FROM quotes WHERE source_id = ?1),
			(SELECT COUNT(DISTINCT speaker) FROM quotes WHERE source_id = ?1 AND speaker <> '')`,
		id).Scan(&res.Passages, &res.Sentences, &res.Quotes, &res.Speakers)
	return dbError(err)
}

// sourceColumns are the columns scanSource reads, with or without the text.
const sourceColumns = `id, title, author, url, published, COALESCE(origin, ''), format, sha256, added_at, updated_at,
	author_id, COALESCE(fetched_at, '')`

// scanSource reads one row of sourceColumns (plus text, when withText).
func scanSource(row interface{ Scan(...any) error }, withText bool) (Source, error) {
	var s Source
	var added, updated, fetched string
	dest := []any{&s.ID, &s.Title, &s.Author, &s.URL, &s.Published, &s.Origin, &s.Format, &s.SHA256, &added, &updated,
		&s.AuthorID, &fetched}
	if withText {
		dest = append(dest, &s.Text)
	}
	if err := row.Scan(dest...); err != nil {
		return Source{}, err
	}
	var err error
	if s.AddedAt, err = parseTime(added); err != nil {
		return Source{}, fmt.Errorf("source %d added_at: %w", s.ID, err)
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return Source{}, fmt.Errorf("source %d updated_at: %w", s.ID, err)
	}
	if fetched != "" {
		if s.FetchedAt, err = parseTime(fetched); err != nil {
			return Source{}, fmt.Errorf("source %d fetched_at: %w", s.ID, err)
		}
	}
	return s, nil
}

// findSource returns source id of library libID, or ErrUnknownSource.
func findSource(ctx context.Context, q querier, libID, id int64, withText bool) (Source, error) {
	cols := sourceColumns
	if withText {
		cols += ", text"
	}
	row := q.QueryRowContext(ctx, `SELECT `+cols+` FROM sources WHERE id = ? AND library_id = ?`, id, libID)
	s, err := scanSource(row, withText)
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, fmt.Errorf("source %d: %w", id, ErrUnknownSource)
	} else if err != nil {
		return Source{}, fmt.Errorf("source %d: %w", id, dbError(err))
	}
	return s, nil
}

// Sources lists the sources of library in the order they were added,
// without their text.
// It returns ErrUnknownLibrary if the library does not exist.
func (ix *Index) Sources(ctx context.Context, library string) ([]Source, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE library_id = ? ORDER BY id`, libID)
	if err != nil {
		return nil, fmt.Errorf("library %q: %w", library, dbError(err))
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		s, err := scanSource(rows, false)
		if err != nil {
			return nil, dbError(err)
		}
		s.Library = library
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return out, nil
}

// Source returns one source of library with its text.
// It returns ErrUnknownLibrary or ErrUnknownSource.
func (ix *Index) Source(ctx context.Context, library string, id int64) (Source, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return Source{}, err
	}
	s, err := findSource(ctx, ix.db, libID, id, true)
	if err != nil {
		return Source{}, fmt.Errorf("library %q: %w", library, err)
	}
	s.Library = library
	return s, nil
}

// RemoveSource deletes a source and everything derived from it, and the
// curators' corrections to its quotes. It is RemoveSourceAs by LocalActor.
// It returns ErrUnknownLibrary or ErrUnknownSource.
func (ix *Index) RemoveSource(ctx context.Context, library string, id int64) error {
	_, err := ix.RemoveSourceAs(ctx, library, LocalActor, id)
	return err
}

// QuoteFilter selects quotes for Quotes.
type QuoteFilter struct {
	Library  string
	Speaker  string // case-insensitive substring of the speaker's name; empty for all
	SourceID int64  // 0 for all
	// Collection, if set, keeps only the quotes of that collection's sources.
	Collection string
	// Hidden lists the quotes curators hid (to show them again) instead of
	// the visible ones.
	Hidden bool
}

// Quotes lists the quotes of a library in source and text order. Quotes a
// curator hid are left out unless f.Hidden asks for them alone.
// It returns ErrUnknownLibrary if the library does not exist and
// ErrUnknownCollection if f.Collection names no collection of it.
func (ix *Index) Quotes(ctx context.Context, f QuoteFilter) ([]Quote, error) {
	libID, err := libraryID(ctx, ix.db, f.Library)
	if err != nil {
		return nil, err
	}
	query := `
		SELECT q.id, q.source_id, q.text, q.span_start, q.span_end, q.paragraph, q.speaker, q.speaker_title,
			q.speaker_kind, q.mention_start, q.mention_end, q.confidence, q.fragment
		FROM quotes q JOIN sources s ON s.id = q.source_id
		WHERE s.library_id = ? AND q.hidden = ?`
	args := []any{libID, f.Hidden}
	if f.Collection != "" {
		cid, err := collectionID(ctx, ix.db, libID, f.Collection)
		if err != nil {
			return nil, fmt.Errorf("library %q: %w", f.Library, err)
		}
		query += ` AND q.source_id IN (SELECT source_id FROM collection_sources WHERE collection_id = ?)`
		args = append(args, cid)
	}
	if f.SourceID != 0 {
		query += ` AND q.source_id = ?`
		args = append(args, f.SourceID)
	}
	// SQLite's LIKE folds ASCII case only; a name with other letters is
	// matched in Go below instead.
	foldInGo := false
	if f.Speaker != "" {
		if isASCII(f.Speaker) {
			query += ` AND q.speaker ` + ix.like() + ` ? ESCAPE '\'`
			args = append(args, "%"+escapeLike(f.Speaker)+"%")
		} else {
			foldInGo = true
		}
	}
	query += ` ORDER BY q.source_id, q.span_start, q.id`

	rows, err := ix.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("library %q: %w", f.Library, dbError(err))
	}
	defer rows.Close()
	var out []Quote
	want := strings.ToLower(f.Speaker)
	for rows.Next() {
		var q Quote
		var ms, me sql.NullInt64
		if err := rows.Scan(&q.ID, &q.SourceID, &q.Text, &q.Start, &q.End, &q.Paragraph, &q.Speaker,
			&q.SpeakerTitle, &q.SpeakerKind, &ms, &me, &q.Confidence, &q.Fragment); err != nil {
			return nil, dbError(err)
		}
		if ms.Valid && me.Valid {
			q.SpeakerMention = &Span{Start: int(ms.Int64), End: int(me.Int64)}
		}
		if foldInGo && !strings.Contains(strings.ToLower(q.Speaker), want) {
			continue
		}
		out = append(out, q)
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	return out, nil
}

// escapeLike escapes LIKE's wildcards in s for use with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Libraries lists the names of all libraries in name order.
func (ix *Index) Libraries(ctx context.Context) ([]string, error) {
	rows, err := ix.db.QueryContext(ctx, `SELECT name FROM libraries ORDER BY name`)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return nil, dbError(err)
		}
		out = append(out, name)
	}
	return out, dbError(rows.Err())
}

// Times are stored as RFC 3339 text in UTC, which sorts as it reads.
func formatTime(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

func parseTime(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }

// nullString stores "" as NULL, so that documents without an origin never
// collide on UNIQUE (library_id, origin).
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}
