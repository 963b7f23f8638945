package retrieval

import (
	"context"
	"errors"
	"time"
)

// Curation: the changes moderators make to a library, each written to the
// library's audit log in the same transaction as the change itself.

// Sentinel errors of curation.
var (
	// ErrUnknownQuote means no quote has that id in the library.
	ErrUnknownQuote = errors.New("unknown quote")
	// ErrUnknownCollection means the library has no collection of that name.
	ErrUnknownCollection = errors.New("unknown collection")
	// ErrCollectionExists means a collection of that name already exists.
	ErrCollectionExists = errors.New("collection already exists")
	// ErrNotRefreshable means a source has no http(s) URL origin to fetch again.
	ErrNotRefreshable = errors.New("source was not added from a link")
)

// Actor is who made a change: an opaque id (a user id on a chat platform,
// or "local" for the command line) and a display name.
type Actor struct {
	ID   string
	Name string
}

// LocalActor is the actor of changes made from the command line.
var LocalActor = Actor{ID: "local", Name: "command line"}

// Audit actions.
const (
	ActionAdd        = "source.add"
	ActionReplace    = "source.replace"
	ActionEdit       = "source.edit"
	ActionRemove     = "source.remove"
	ActionRefresh    = "source.refresh"
	ActionQuoteFix   = "quote.fix"
	ActionQuoteHide  = "quote.hide"
	ActionQuoteShow  = "quote.show"
	ActionOptOut     = "author.optout"
	ActionSetting    = "setting.set"
	ActionCollection = "collection.change"
)

// AuditEntry is one change in a library's audit log.
type AuditEntry struct {
	ID       int64
	Library  string
	Time     time.Time
	Actor    Actor
	Action   string // one of the Action constants
	SourceID int64  // 0 when the change concerns no single source
	Detail   string // what changed, for people ("title: "Old" → "New"")
}

// Collection is a named group of a library's sources.
type Collection struct {
	Name    string
	Sources []int64
}

// SourceEdit lists metadata fields to change; nil fields stay as they are.
type SourceEdit struct {
	Title, Author, URL, Published *string
}

// AddAs is Add recorded in the audit log as done by actor.
func (ix *Index) AddAs(ctx context.Context, library string, actor Actor, docs ...Document) ([]AddResult, error) {
	return nil, errors.New("not implemented")
}

// EditSource changes the metadata of source id and returns it (without
// text). It returns ErrUnknownLibrary, ErrUnknownSource, or an error
// wrapping ErrInvalidMetadata (a date that is not YYYY-MM-DD, a URL that is
// not http or https).
func (ix *Index) EditSource(ctx context.Context, library string, actor Actor, id int64, e SourceEdit) (Source, error) {
	return Source{}, errors.New("not implemented")
}

// RemoveSourceAs is RemoveSource recorded as done by actor; it returns the
// source as it was (without text).
func (ix *Index) RemoveSourceAs(ctx context.Context, library string, actor Actor, id int64) (Source, error) {
	return Source{}, errors.New("not implemented")
}

// Refresh fetches source id again with fetch (given the source's URL) and
// replaces its text in one transaction if it changed. The source keeps its
// id; quote fixes and hidden quotes whose quoted words are still in the new
// text carry over. It returns StatusUnchanged or StatusReplaced, and
// ErrNotRefreshable when the source's origin is not an http(s) URL.
func (ix *Index) Refresh(ctx context.Context, library string, actor Actor, id int64,
	fetch func(ctx context.Context, url string) (Document, error)) (AddResult, error) {
	return AddResult{}, errors.New("not implemented")
}

// FixQuote sets the speaker and role of quote id (a curator's word beats
// the attributor's: confidence 1). It returns ErrUnknownQuote.
func (ix *Index) FixQuote(ctx context.Context, library string, actor Actor, id int64, speaker, title string) (Quote, error) {
	return Quote{}, errors.New("not implemented")
}

// HideQuote hides (or, with hidden false, shows again) quote id: a hidden
// quote is never a search result nor listed by Quotes. It returns
// ErrUnknownQuote.
func (ix *Index) HideQuote(ctx context.Context, library string, actor Actor, id int64, hidden bool) (Quote, error) {
	return Quote{}, errors.New("not implemented")
}

// RemoveByAuthor removes every source of library whose Metadata.AuthorID
// is authorID (someone taking their own messages out) and returns how many.
func (ix *Index) RemoveByAuthor(ctx context.Context, library string, actor Actor, authorID string) (int, error) {
	return 0, errors.New("not implemented")
}

// History returns the audit log of library, newest first: every entry, or
// with sourceID > 0 those about that source; at most limit (<= 0: all).
// It returns ErrUnknownLibrary.
func (ix *Index) History(ctx context.Context, library string, sourceID int64, limit int) ([]AuditEntry, error) {
	return nil, errors.New("not implemented")
}

// Setting returns the value of key in library, or "" if unset.
func (ix *Index) Setting(ctx context.Context, library, key string) (string, error) {
	return "", errors.New("not implemented")
}

// SetSetting sets key to value in library (creating the library); an empty
// value removes the key.
func (ix *Index) SetSetting(ctx context.Context, library string, actor Actor, key, value string) error {
	return errors.New("not implemented")
}

// CreateCollection creates an empty collection. It returns
// ErrCollectionExists.
func (ix *Index) CreateCollection(ctx context.Context, library string, actor Actor, name string) error {
	return errors.New("not implemented")
}

// DeleteCollection deletes a collection (not its sources). It returns
// ErrUnknownCollection.
func (ix *Index) DeleteCollection(ctx context.Context, library string, actor Actor, name string) error {
	return errors.New("not implemented")
}

// CollectSources adds (or, with remove, takes out) sources to a
// collection. It returns ErrUnknownCollection or ErrUnknownSource.
func (ix *Index) CollectSources(ctx context.Context, library string, actor Actor, name string, remove bool, ids ...int64) error {
	return errors.New("not implemented")
}

// Collections lists the collections of library by name.
func (ix *Index) Collections(ctx context.Context, library string) ([]Collection, error) {
	return nil, errors.New("not implemented")
}
