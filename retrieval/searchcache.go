package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// What Search would otherwise compute on every question: the library's
// unit count and version (from library_stats, kept by triggers), each
// term's document frequency (cached in memory until the library's version
// changes), the stems of words (which never change) and the prepared
// statements.

// libStats is what one question needs to know about its library.
type libStats struct {
	id        int64
	units     int   // units of the library, hidden ones included
	version   int64 // changes with every write to the library's units
	libraries int   // libraries in the database
}

// libStatsSQL reads libStats in one statement.
const libStatsSQL = `
	SELECT l.id, COALESCE(st.units, 0), COALESCE(st.version, 0), (SELECT COUNT(*) FROM libraries)
	FROM libraries l LEFT JOIN library_stats st ON st.library_id = l.id
	WHERE l.name = ?`

// libraryStats returns the stats of the named library, or
// ErrUnknownLibrary.
func (ix *Index) libraryStats(ctx context.Context, name string) (libStats, error) {
	var st libStats
	stmt, err := ix.stmt(ctx, libStatsSQL)
	if err != nil {
		return st, err
	}
	err = stmt.QueryRowContext(ctx, name).Scan(&st.id, &st.units, &st.version, &st.libraries)
	if errors.Is(err, sql.ErrNoRows) {
		return st, fmt.Errorf("library %q: %w", name, ErrUnknownLibrary)
	} else if err != nil {
		return st, dbError(err)
	}
	return st, nil
}

// stmt returns query prepared once on the pool: database/sql keeps one
// prepared statement per connection, so SQLite parses and plans it only
// the first time each connection runs it.
func (ix *Index) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	if s, ok := ix.stmts[query]; ok {
		return s, nil
	}
	s, err := ix.db.PrepareContext(ctx, query)
	if err != nil {
		return nil, dbError(err)
	}
	if ix.stmts == nil {
		ix.stmts = make(map[string]*sql.Stmt)
	}
	ix.stmts[query] = s
	return s, nil
}

// closeStmts closes the prepared statements.
func (ix *Index) closeStmts() {
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	for _, s := range ix.stmts {
		_ = s.Close()
	}
	ix.stmts = nil
	ix.dfs = nil
}

// maxCachedDFs bounds the document-frequency cache; when it is full it is
// emptied (terms are asked again in a few questions' time).
const maxCachedDFs = 1 << 16

// dfKey names one FTS5 expression counted in one library.
type dfKey struct {
	library int64
	match   string
}

// dfEntry is a cached count and the library version it was counted at.
type dfEntry struct {
	version int64
	df      int
}

// cachedDF returns the cached document frequency of match in st's library
// at st's version.
func (ix *Index) cachedDF(st libStats, match string) (int, bool) {
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	e, ok := ix.dfs[dfKey{st.id, match}]
	if !ok || e.version != st.version {
		return 0, false
	}
	return e.df, true
}

// storeDF caches the document frequency of match in st's library.
func (ix *Index) storeDF(st libStats, match string, df int) {
	ix.cacheMu.Lock()
	defer ix.cacheMu.Unlock()
	if ix.dfs == nil || len(ix.dfs) >= maxCachedDFs {
		ix.dfs = make(map[dfKey]dfEntry)
	}
	ix.dfs[dfKey{st.id, match}] = dfEntry{st.version, df}
}

// maxSharedNorms bounds sharedNorms; a language has far fewer words in
// use, so it fills only under a flood of made-up tokens, and is then
// emptied.
const maxSharedNorms = 1 << 18

// sharedNorms remembers normTerm across questions: the stems of a word
// never change, and stemming was a tenth of a question's time.
var sharedNorms = struct {
	sync.RWMutex
	m map[string]string
}{m: make(map[string]string)}

// sharedNorm is normTerm through sharedNorms.
func sharedNorm(tok string) string {
	sharedNorms.RLock()
	n, ok := sharedNorms.m[tok]
	sharedNorms.RUnlock()
	if ok {
		return n
	}
	n = normTerm(tok)
	sharedNorms.Lock()
	if len(sharedNorms.m) >= maxSharedNorms {
		sharedNorms.m = make(map[string]string)
	}
	sharedNorms.m[strings.Clone(tok)] = n // tok may be a slice of a long text
	sharedNorms.Unlock()
	return n
}
