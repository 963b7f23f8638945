package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"
)

// DefaultLibrary is the library the command line uses when none is named.
const DefaultLibrary = "default"

// Index is a SQLite database holding libraries of sources, their passages,
// sentences and quotes, with an FTS5 index over them.
type Index struct {
	// Path is the database file; ":memory:" is allowed for tests.
	Path string
	// Now returns the current time; it defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger

	db *sql.DB
}

// NewIndex returns an Index for the database file at path. Call Open before use.
func NewIndex(path string) *Index {
	return &Index{Path: path, Now: time.Now, Logger: slog.Default()}
}

// Open opens (creating if needed) the database and applies migrations.
func (ix *Index) Open() error { return errors.New("not implemented") }

// Close closes the database.
func (ix *Index) Close() error { return nil }

// AddStatus says what Add did with a document.
type AddStatus string

// Add statuses.
const (
	StatusAdded     AddStatus = "added"
	StatusUnchanged AddStatus = "unchanged" // same text already stored
	StatusReplaced  AddStatus = "replaced"  // same origin, new text
)

// AddResult reports what adding one document did.
type AddResult struct {
	Source    Source // without Text
	Status    AddStatus
	Passages  int
	Sentences int
	Quotes    int
	Speakers  int
}

// Add adds docs to library (created if missing) in one transaction: either
// every document is stored or, on error, nothing changes. A document whose
// text is already in the library is left alone (StatusUnchanged); a
// document whose Origin is already in the library with other text replaces
// that source (StatusReplaced).
func (ix *Index) Add(ctx context.Context, library string, docs ...Document) ([]AddResult, error) {
	return nil, errors.New("not implemented")
}

// Sources lists the sources of library, without their text.
// It returns ErrUnknownLibrary if the library does not exist.
func (ix *Index) Sources(ctx context.Context, library string) ([]Source, error) {
	return nil, errors.New("not implemented")
}

// Source returns one source of library with its text.
// It returns ErrUnknownLibrary or ErrUnknownSource.
func (ix *Index) Source(ctx context.Context, library string, id int64) (Source, error) {
	return Source{}, errors.New("not implemented")
}

// RemoveSource deletes a source and everything derived from it.
// It returns ErrUnknownLibrary or ErrUnknownSource.
func (ix *Index) RemoveSource(ctx context.Context, library string, id int64) error {
	return errors.New("not implemented")
}

// QuoteFilter selects quotes for Quotes.
type QuoteFilter struct {
	Library  string
	Speaker  string // case-insensitive substring of the speaker's name; empty for all
	SourceID int64  // 0 for all
}

// Quotes lists the quotes of a library in source and text order.
// It returns ErrUnknownLibrary if the library does not exist.
func (ix *Index) Quotes(ctx context.Context, f QuoteFilter) ([]Quote, error) {
	return nil, errors.New("not implemented")
}

// Libraries lists the names of all libraries.
func (ix *Index) Libraries(ctx context.Context) ([]string, error) {
	return nil, errors.New("not implemented")
}

// Search answers q from its library, best first.
// It returns ErrEmptyQuery when the question has no searchable word,
// ErrUnknownLibrary when the library does not exist, and ErrNoMatch when
// nothing clears the relevance floor.
func (ix *Index) Search(ctx context.Context, q Query) ([]Result, error) {
	return nil, errors.New("not implemented")
}
