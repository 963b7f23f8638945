package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Curation: the changes moderators make to a library, each written to the
// library's audit log in the same transaction as the change itself, so that
// a change is never without its entry nor an entry without its change.
//
// Every method that changes a library takes the Actor making the change and
// returns an error, changing nothing, if the actor has no ID. Quote
// corrections (FixQuote, HideQuote) are kept by the source's origin and the
// quote's exact words, so they apply again when the source is replaced or
// refreshed and its new text still holds those words; they go with the
// source when it is removed.

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
	// ErrInvalidName means a collection name or setting key is empty, longer
	// than MaxNameLength characters, or holds a control character.
	ErrInvalidName = errors.New("invalid name")
)

// MaxNameLength is the longest collection name or setting key, in
// characters.
const MaxNameLength = 100

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
	Sources []int64 // in id order
}

// SourceEdit lists metadata fields to change; nil fields stay as they are.
type SourceEdit struct {
	Title, Author, URL, Published *string
}

// AddAs is Add recorded in the audit log as done by actor: one entry for
// each source added (ActionAdd) or replaced (ActionReplace), none for a
// document already stored. Its errors are Add's.
func (ix *Index) AddAs(ctx context.Context, library string, actor Actor, docs ...Document) ([]AddResult, error) {
	if strings.TrimSpace(library) == "" {
		return nil, errors.New("library name is empty")
	}
	if err := checkActor(actor); err != nil {
		return nil, err
	}
	prepared, err := ix.prepareAll(docs)
	if err != nil {
		return nil, err
	}

	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()

	now := ix.Now().UTC()
	libID, err := ensureLibrary(ctx, tx, library, now)
	if err != nil {
		return nil, err
	}
	results := make([]AddResult, 0, len(prepared))
	for i, p := range prepared {
		res, err := addDoc(ctx, tx, libID, library, actor, p, now)
		if err != nil {
			return nil, fmt.Errorf("document %d (%s): %w", i+1, docName(p.Document), err)
		}
		results = append(results, res)
	}
	if err := tx.Commit(); err != nil {
		return nil, dbError(err)
	}
	return results, nil
}

// EditSource changes the metadata of source id and returns it (without
// text). Values are trimmed of surrounding space; an empty Author, URL or
// Published clears the field. An edit that changes nothing writes nothing.
// It returns ErrUnknownLibrary, ErrUnknownSource, or an error wrapping
// ErrInvalidMetadata (an empty title, a date that is not YYYY-MM-DD, a URL
// that is not an http or https link).
func (ix *Index) EditSource(ctx context.Context, library string, actor Actor, id int64, e SourceEdit) (Source, error) {
	if err := checkActor(actor); err != nil {
		return Source{}, err
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Source{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return Source{}, err
	}
	src, err := findSource(ctx, tx, libID, id, false)
	if err != nil {
		return Source{}, fmt.Errorf("library %q: %w", library, err)
	}
	src.Library = library

	var changes []string
	for _, f := range []struct {
		name  string
		field *string
		edit  *string
		check func(string) error
	}{
		{"title", &src.Title, e.Title, checkTitle},
		{"author", &src.Author, e.Author, nil},
		{"url", &src.URL, e.URL, checkURL},
		{"published", &src.Published, e.Published, checkDate},
	} {
		if f.edit == nil {
			continue
		}
		v := strings.TrimSpace(*f.edit)
		if f.check != nil {
			if err := f.check(v); err != nil {
				return Source{}, fmt.Errorf("source %d: %w", id, err)
			}
		}
		if v != *f.field {
			changes = append(changes, fmt.Sprintf("%s: %q → %q", f.name, *f.field, v))
			*f.field = v
		}
	}
	if len(changes) == 0 {
		return src, nil
	}
	now := ix.Now().UTC()
	if _, err := tx.ExecContext(ctx,
		`UPDATE sources SET title = ?, author = ?, url = ?, published = ?, updated_at = ? WHERE id = ?`,
		src.Title, src.Author, src.URL, src.Published, formatTime(now), id); err != nil {
		return Source{}, fmt.Errorf("edit source %d: %w", id, dbError(err))
	}
	if err := audit(ctx, tx, libID, now, actor, ActionEdit, id, strings.Join(changes, "; ")); err != nil {
		return Source{}, err
	}
	if err := tx.Commit(); err != nil {
		return Source{}, dbError(err)
	}
	src.UpdatedAt = now
	return src, nil
}

func checkTitle(s string) error {
	if s == "" {
		return fmt.Errorf("%w: the title is empty", ErrInvalidMetadata)
	}
	return nil
}

func checkURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%w: url %q is not an http or https link", ErrInvalidMetadata, s)
	}
	return nil
}

func checkDate(s string) error {
	if s == "" {
		return nil
	}
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return fmt.Errorf("%w: published date %q is not a date: write it as YYYY-MM-DD, for example 2025-12-14",
			ErrInvalidMetadata, s)
	}
	return nil
}

// RemoveSourceAs is RemoveSource recorded as done by actor; it returns the
// source as it was (without text). It returns ErrUnknownLibrary or
// ErrUnknownSource.
func (ix *Index) RemoveSourceAs(ctx context.Context, library string, actor Actor, id int64) (Source, error) {
	if err := checkActor(actor); err != nil {
		return Source{}, err
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Source{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return Source{}, err
	}
	src, err := findSource(ctx, tx, libID, id, false)
	if err != nil {
		return Source{}, fmt.Errorf("library %q: %w", library, err)
	}
	src.Library = library
	if err := removeSource(ctx, tx, libID, src); err != nil {
		return Source{}, err
	}
	if err := audit(ctx, tx, libID, ix.Now().UTC(), actor, ActionRemove, id, describeSource(src)); err != nil {
		return Source{}, err
	}
	return src, dbError(tx.Commit())
}

// removeSource deletes src and the corrections to its quotes. Paragraphs,
// sentences, quotes, units and collection memberships go by ON DELETE
// CASCADE; the units' delete trigger takes them out of the FTS index.
func removeSource(ctx context.Context, tx *sql.Tx, libID int64, src Source) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ? AND library_id = ?`, src.ID, libID); err != nil {
		return fmt.Errorf("remove source %d: %w", src.ID, dbError(err))
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM quote_overrides WHERE library_id = ? AND origin = ?`,
		libID, overrideKey(src.Origin, src.SHA256)); err != nil {
		return fmt.Errorf("remove source %d: %w", src.ID, dbError(err))
	}
	return nil
}

// Refresh fetches source id again with fetch (given the source's origin,
// the URL it was fetched from) and replaces its text in one transaction if
// it changed. The source keeps its id, its metadata (a curator's edits
// survive; only the text and format come from the new fetch) and its
// collections; quote fixes and hidden quotes whose quoted words are still
// in the new text carry over. Either way its FetchedAt becomes now and the
// refresh is written to the audit log.
//
// The fetch runs outside any transaction. It returns StatusUnchanged or
// StatusReplaced; ErrUnknownLibrary, ErrUnknownSource (also when the source
// is removed during the fetch), ErrNotRefreshable when the source's origin
// is not an http(s) URL, fetch's error wrapped, the errors of Add for a
// document it cannot store, or an error when the new text is already stored
// as another source of the library.
func (ix *Index) Refresh(ctx context.Context, library string, actor Actor, id int64,
	fetch func(ctx context.Context, url string) (Document, error)) (AddResult, error) {
	if err := checkActor(actor); err != nil {
		return AddResult{}, err
	}
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return AddResult{}, err
	}
	src, err := findSource(ctx, ix.db, libID, id, false)
	if err != nil {
		return AddResult{}, fmt.Errorf("library %q: %w", library, err)
	}
	if !isWebURL(src.Origin) {
		return AddResult{}, fmt.Errorf("source %d: %w", id, ErrNotRefreshable)
	}
	doc, err := fetch(ctx, src.Origin)
	if err != nil {
		return AddResult{}, fmt.Errorf("refresh source %d: %w", id, err)
	}
	doc.Metadata = src.Metadata
	p, err := ix.prepare(doc)
	if err != nil {
		return AddResult{}, fmt.Errorf("refresh source %d (%s): %w", id, src.Origin, err)
	}

	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return AddResult{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	cur, err := findSource(ctx, tx, libID, id, false)
	if err != nil {
		return AddResult{}, fmt.Errorf("library %q: %w", library, err)
	}
	now := ix.Now().UTC()
	res := AddResult{Status: StatusUnchanged}
	detail := "text unchanged"
	if cur.SHA256 == p.sha {
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET fetched_at = ? WHERE id = ?`, formatTime(now), id); err != nil {
			return AddResult{}, fmt.Errorf("refresh source %d: %w", id, dbError(err))
		}
	} else {
		var other int64
		err := tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE library_id = ? AND sha256 = ?`, libID, p.sha).Scan(&other)
		if err == nil {
			return AddResult{}, fmt.Errorf("refresh source %d: its new text is already stored as source %d; remove one of them", id, other)
		} else if !errors.Is(err, sql.ErrNoRows) {
			return AddResult{}, dbError(err)
		}
		var old AddResult
		if err := countDerived(ctx, tx, id, &old); err != nil {
			return AddResult{}, err
		}
		if err := deleteDerived(ctx, tx, id); err != nil {
			return AddResult{}, fmt.Errorf("refresh source %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx,
			`UPDATE sources SET format = ?, text = ?, sha256 = ?, updated_at = ?, fetched_at = ? WHERE id = ?`,
			p.Format, p.Text, p.sha, formatTime(now), formatTime(now), id); err != nil {
			return AddResult{}, fmt.Errorf("refresh source %d: %w", id, dbError(err))
		}
		if err := applyOverrides(ctx, tx, libID, &p); err != nil {
			return AddResult{}, fmt.Errorf("source %d: %w", id, err)
		}
		if err := insertDerived(ctx, tx, libID, id, p); err != nil {
			return AddResult{}, fmt.Errorf("source %d: %w", id, err)
		}
		res.Status = StatusReplaced
		detail = fmt.Sprintf("new text: %d quotes (were %d)", len(p.analysis.Quotes), old.Quotes)
	}
	if err := audit(ctx, tx, libID, now, actor, ActionRefresh, id, detail); err != nil {
		return AddResult{}, err
	}
	if res.Source, err = findSource(ctx, tx, libID, id, false); err != nil {
		return AddResult{}, err
	}
	res.Source.Library = library
	if err := countDerived(ctx, tx, id, &res); err != nil {
		return AddResult{}, err
	}
	if err := tx.Commit(); err != nil {
		return AddResult{}, dbError(err)
	}
	return res, nil
}

// FixQuote sets the speaker and role of quote id (a curator's word beats
// the attributor's: confidence 1; an empty speaker makes the quote
// unattributed, confidence 0). Every quote of the same source with the same
// words gets the fix, and so will they when the source is analysed again.
// It returns the quote as fixed, ErrUnknownLibrary, ErrUnknownQuote, or an
// error wrapping ErrInvalidMetadata for a role without a speaker.
func (ix *Index) FixQuote(ctx context.Context, library string, actor Actor, id int64, speaker, title string) (Quote, error) {
	if err := checkActor(actor); err != nil {
		return Quote{}, err
	}
	speaker, title = strings.TrimSpace(speaker), strings.TrimSpace(title)
	if speaker == "" && title != "" {
		return Quote{}, fmt.Errorf("%w: role %q has no speaker", ErrInvalidMetadata, title)
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Quote{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return Quote{}, err
	}
	q, err := findQuote(ctx, tx, libID, id)
	if err != nil {
		return Quote{}, fmt.Errorf("library %q: %w", library, err)
	}
	o := fixOverride(q.Quote, speaker, title)
	sameName := strings.EqualFold(q.Speaker, speaker)
	if _, err := tx.ExecContext(ctx, `
		UPDATE quotes SET speaker = ?, speaker_title = ?, speaker_kind = ?, confidence = ?,
			mention_start = CASE WHEN ?5 <> 0 THEN mention_start END, mention_end = CASE WHEN ?5 <> 0 THEN mention_end END
		WHERE source_id = ?6 AND text = ?7`,
		o.speaker, o.title, o.kind, o.confidence(), sameName, q.SourceID, q.Text); err != nil {
		return Quote{}, fmt.Errorf("fix quote %d: %w", id, dbError(err))
	}
	// Through units_au, which keeps units_fts true.
	if _, err := tx.ExecContext(ctx, `
		UPDATE units SET speaker = ?, speaker_title = ?, speaker_kind = ?, confidence = ?
		WHERE quote_id IN (SELECT id FROM quotes WHERE source_id = ? AND text = ?)`,
		o.speaker, o.title, o.kind, o.confidence(), q.SourceID, q.Text); err != nil {
		return Quote{}, fmt.Errorf("fix quote %d: %w", id, dbError(err))
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO quote_overrides (library_id, origin, quote_text, fixed, speaker, speaker_title, speaker_kind)
		VALUES (?, ?, ?, 1, ?, ?, ?)
		ON CONFLICT (library_id, origin, quote_text) DO UPDATE
		SET fixed = 1, speaker = excluded.speaker, speaker_title = excluded.speaker_title,
			speaker_kind = excluded.speaker_kind`,
		libID, q.key, q.Text, o.speaker, o.title, o.kind); err != nil {
		return Quote{}, fmt.Errorf("fix quote %d: %w", id, dbError(err))
	}
	detail := fmt.Sprintf("quote %d: %s → %s", id, describeSpeaker(q.Speaker, q.SpeakerTitle), describeSpeaker(speaker, title))
	if err := audit(ctx, tx, libID, ix.Now().UTC(), actor, ActionQuoteFix, q.SourceID, detail); err != nil {
		return Quote{}, err
	}
	fixed, err := findQuote(ctx, tx, libID, id)
	if err != nil {
		return Quote{}, err
	}
	if err := tx.Commit(); err != nil {
		return Quote{}, dbError(err)
	}
	return fixed.Quote, nil
}

// HideQuote hides (or, with hidden false, shows again) quote id: a hidden
// quote is never a search result nor listed by Quotes (unless asked for with
// QuoteFilter.Hidden), and neither are the sentences that hold its words.
// Every quote of the same source with the same words is hidden with it. It
// returns the quote, ErrUnknownLibrary or ErrUnknownQuote; hiding a hidden
// quote (or showing a shown one) changes and records nothing.
func (ix *Index) HideQuote(ctx context.Context, library string, actor Actor, id int64, hidden bool) (Quote, error) {
	if err := checkActor(actor); err != nil {
		return Quote{}, err
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Quote{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return Quote{}, err
	}
	q, err := findQuote(ctx, tx, libID, id)
	if err != nil {
		return Quote{}, fmt.Errorf("library %q: %w", library, err)
	}
	if q.hidden == hidden {
		return q.Quote, nil
	}
	if _, err := tx.ExecContext(ctx, `UPDATE quotes SET hidden = ? WHERE source_id = ? AND text = ?`,
		hidden, q.SourceID, q.Text); err != nil {
		return Quote{}, fmt.Errorf("hide quote %d: %w", id, dbError(err))
	}
	if err := syncHiddenUnits(ctx, tx, q.SourceID); err != nil {
		return Quote{}, fmt.Errorf("hide quote %d: %w", id, err)
	}
	key := []any{libID, q.key, q.Text}
	stmts := []string{`
		INSERT INTO quote_overrides (library_id, origin, quote_text, hidden) VALUES (?, ?, ?, 1)
		ON CONFLICT (library_id, origin, quote_text) DO UPDATE SET hidden = 1`}
	action := ActionQuoteHide
	if !hidden {
		action = ActionQuoteShow
		stmts = []string{
			`UPDATE quote_overrides SET hidden = 0 WHERE library_id = ? AND origin = ? AND quote_text = ?`,
			`DELETE FROM quote_overrides WHERE library_id = ? AND origin = ? AND quote_text = ? AND fixed = 0`,
		}
	}
	for _, stmt := range stmts {
		if _, err := tx.ExecContext(ctx, stmt, key...); err != nil {
			return Quote{}, fmt.Errorf("hide quote %d: %w", id, dbError(err))
		}
	}
	detail := fmt.Sprintf("quote %d (%s)", id, describeSpeaker(q.Speaker, q.SpeakerTitle))
	if err := audit(ctx, tx, libID, ix.Now().UTC(), actor, action, q.SourceID, detail); err != nil {
		return Quote{}, err
	}
	return q.Quote, dbError(tx.Commit())
}

// syncHiddenUnits makes the hidden flag of each unit of source id agree with
// its quotes: a quote unit is hidden with its quote, a passage unit when it
// overlaps a hidden quote. Only units whose flag changes are written, each
// through units_au.
func syncHiddenUnits(ctx context.Context, tx *sql.Tx, id int64) error {
	_, err := tx.ExecContext(ctx, `
		UPDATE units SET hidden = 1 - hidden
		WHERE source_id = ?1 AND hidden <> CASE
			WHEN kind = 'quote' THEN (SELECT q.hidden FROM quotes q WHERE q.id = units.quote_id)
			WHEN EXISTS (SELECT 1 FROM quotes q WHERE q.source_id = ?1 AND q.hidden = 1
				AND q.span_start < units.span_end AND units.span_start < q.span_end) THEN 1
			ELSE 0
		END`, id)
	return dbError(err)
}

// RemoveByAuthor removes every source of library whose Metadata.AuthorID
// is authorID (someone taking their own messages out) and returns how many,
// with one audit entry (ActionOptOut) for each. It returns
// ErrUnknownLibrary, or an error if authorID is empty.
func (ix *Index) RemoveByAuthor(ctx context.Context, library string, actor Actor, authorID string) (int, error) {
	if err := checkActor(actor); err != nil {
		return 0, err
	}
	if strings.TrimSpace(authorID) == "" {
		return 0, errors.New("author id is empty")
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return 0, err
	}
	rows, err := tx.QueryContext(ctx,
		`SELECT `+sourceColumns+` FROM sources WHERE library_id = ? AND author_id = ? ORDER BY id`, libID, authorID)
	if err != nil {
		return 0, dbError(err)
	}
	var srcs []Source
	for rows.Next() {
		s, err := scanSource(rows, false)
		if err != nil {
			rows.Close()
			return 0, dbError(err)
		}
		srcs = append(srcs, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, dbError(err)
	}
	now := ix.Now().UTC()
	for _, s := range srcs {
		if err := removeSource(ctx, tx, libID, s); err != nil {
			return 0, err
		}
		// No title: the author asked for their words to go.
		detail := fmt.Sprintf("source of author %s removed at their request", authorID)
		if err := audit(ctx, tx, libID, now, actor, ActionOptOut, s.ID, detail); err != nil {
			return 0, err
		}
	}
	if err := tx.Commit(); err != nil {
		return 0, dbError(err)
	}
	return len(srcs), nil
}

// History returns the audit log of library, newest (last written) first:
// every entry, or with sourceID > 0 those about that source (including
// ones written before it was removed); at most limit (<= 0: all).
// It returns ErrUnknownLibrary.
func (ix *Index) History(ctx context.Context, library string, sourceID int64, limit int) ([]AuditEntry, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	query := `SELECT id, time, actor_id, actor_name, action, COALESCE(source_id, 0), detail
		FROM audit_log WHERE library_id = ?`
	args := []any{libID}
	if sourceID > 0 {
		query += ` AND source_id = ?`
		args = append(args, sourceID)
	}
	query += ` ORDER BY id DESC`
	if limit > 0 {
		query += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := ix.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("library %q history: %w", library, dbError(err))
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		e := AuditEntry{Library: library}
		var t string
		if err := rows.Scan(&e.ID, &t, &e.Actor.ID, &e.Actor.Name, &e.Action, &e.SourceID, &e.Detail); err != nil {
			return nil, dbError(err)
		}
		if e.Time, err = parseTime(t); err != nil {
			return nil, fmt.Errorf("audit entry %d time: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, dbError(rows.Err())
}

// Setting returns the value of key in library, or "" if unset (also when the
// library does not exist: a library that does not exist has no settings).
func (ix *Index) Setting(ctx context.Context, library, key string) (string, error) {
	var v string
	err := ix.db.QueryRowContext(ctx, `
		SELECT st.value FROM settings st JOIN libraries l ON l.id = st.library_id
		WHERE l.name = ? AND st.key = ?`, library, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("library %q setting %q: %w", library, key, dbError(err))
	}
	return v, nil
}

// Settings returns every setting of library by key; a library that does
// not exist has none.
func (ix *Index) Settings(ctx context.Context, library string) (map[string]string, error) {
	rows, err := ix.db.QueryContext(ctx, `
		SELECT st.key, st.value FROM settings st JOIN libraries l ON l.id = st.library_id
		WHERE l.name = ?`, library)
	if err != nil {
		return nil, fmt.Errorf("library %q settings: %w", library, dbError(err))
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, dbError(err)
		}
		out[k] = v
	}
	return out, dbError(rows.Err())
}

// SetSetting sets key to value in library (creating the library); an empty
// value removes the key. Setting the value a key already has changes and
// records nothing. It returns an error wrapping ErrInvalidName for a key
// that is empty, has surrounding space or a control character, or is longer
// than MaxNameLength.
func (ix *Index) SetSetting(ctx context.Context, library string, actor Actor, key, value string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if err := checkName("setting key", key); err != nil {
		return err
	}
	if strings.TrimSpace(library) == "" {
		return errors.New("library name is empty")
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	now := ix.Now().UTC()
	libID, err := ensureLibrary(ctx, tx, library, now)
	if err != nil {
		return err
	}
	var old string
	err = tx.QueryRowContext(ctx, `SELECT value FROM settings WHERE library_id = ? AND key = ?`, libID, key).Scan(&old)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return dbError(err)
	}
	if old == value {
		return nil // the rollback also undoes creating the library
	}
	if value == "" {
		_, err = tx.ExecContext(ctx, `DELETE FROM settings WHERE library_id = ? AND key = ?`, libID, key)
	} else {
		_, err = tx.ExecContext(ctx, `
			INSERT INTO settings (library_id, key, value) VALUES (?, ?, ?)
			ON CONFLICT (library_id, key) DO UPDATE SET value = excluded.value`, libID, key, value)
	}
	if err != nil {
		return fmt.Errorf("set %q: %w", key, dbError(err))
	}
	if err := audit(ctx, tx, libID, now, actor, ActionSetting, 0, fmt.Sprintf("%s: %q → %q", key, old, value)); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// CreateCollection creates an empty collection (and the library, if
// needed). Names are trimmed of surrounding space and compared without
// regard to (ASCII) case. It returns ErrCollectionExists, or an error
// wrapping ErrInvalidName for an empty name, one longer than MaxNameLength
// or one with a control character.
func (ix *Index) CreateCollection(ctx context.Context, library string, actor Actor, name string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	name = strings.TrimSpace(name)
	if err := checkName("collection name", name); err != nil {
		return err
	}
	if strings.TrimSpace(library) == "" {
		return errors.New("library name is empty")
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	now := ix.Now().UTC()
	libID, err := ensureLibrary(ctx, tx, library, now)
	if err != nil {
		return err
	}
	if _, err := collectionID(ctx, tx, libID, name); err == nil {
		return fmt.Errorf("collection %q: %w", name, ErrCollectionExists)
	} else if !errors.Is(err, ErrUnknownCollection) {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO collections (library_id, name) VALUES (?, ?)`, libID, name); err != nil {
		return fmt.Errorf("create collection %q: %w", name, dbError(err))
	}
	if err := audit(ctx, tx, libID, now, actor, ActionCollection, 0, fmt.Sprintf("created collection %q", name)); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// inLibrary runs fn in one write transaction on the existing library
// named library (libID its id), and commits if fn returns nil. It returns
// ErrUnknownLibrary when there is no such library.
func (ix *Index) inLibrary(ctx context.Context, library string, fn func(tx *sql.Tx, libID int64) error) error {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return err
	}
	if err := fn(tx, libID); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// DeleteCollection deletes a collection (not its sources). Settings naming
// it are left as they are. It returns ErrUnknownLibrary or
// ErrUnknownCollection.
func (ix *Index) DeleteCollection(ctx context.Context, library string, actor Actor, name string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		cid, err := collectionID(ctx, tx, libID, name)
		if err != nil {
			return fmt.Errorf("library %q: %w", library, err)
		}
		var stored string
		var n int
		if err := tx.QueryRowContext(ctx, `
			SELECT name, (SELECT COUNT(*) FROM collection_sources WHERE collection_id = ?1)
			FROM collections WHERE id = ?1`, cid).Scan(&stored, &n); err != nil {
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM collections WHERE id = ?`, cid); err != nil {
			return fmt.Errorf("delete collection %q: %w", stored, dbError(err))
		}
		detail := fmt.Sprintf("deleted collection %q (%d sources)", stored, n)
		return audit(ctx, tx, libID, ix.Now().UTC(), actor, ActionCollection, 0, detail)
	})
}

// CollectSources adds (or, with remove, takes out) sources to a
// collection, all or none: one audit entry is written for each source that
// joins or leaves it, none for one already in (or already out of) it. It
// returns ErrUnknownLibrary, ErrUnknownCollection or ErrUnknownSource (an id
// that is not a source of the library).
func (ix *Index) CollectSources(ctx context.Context, library string, actor Actor, name string, remove bool, ids ...int64) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		cid, err := collectionID(ctx, tx, libID, name)
		if err != nil {
			return fmt.Errorf("library %q: %w", library, err)
		}
		var stored string
		if err := tx.QueryRowContext(ctx, `SELECT name FROM collections WHERE id = ?`, cid).Scan(&stored); err != nil {
			return dbError(err)
		}
		stmt, detail := `INSERT INTO collection_sources (collection_id, source_id) VALUES (?, ?) ON CONFLICT DO NOTHING`,
			fmt.Sprintf("added to collection %q", stored)
		if remove {
			stmt, detail = `DELETE FROM collection_sources WHERE collection_id = ? AND source_id = ?`,
				fmt.Sprintf("taken out of collection %q", stored)
		}
		now := ix.Now().UTC()
		for _, id := range ids {
			if _, err := findSource(ctx, tx, libID, id, false); err != nil {
				return fmt.Errorf("library %q: %w", library, err)
			}
			r, err := tx.ExecContext(ctx, stmt, cid, id)
			if err != nil {
				return fmt.Errorf("collection %q: %w", stored, dbError(err))
			}
			if n, err := r.RowsAffected(); err != nil {
				return dbError(err)
			} else if n == 0 {
				continue
			}
			if err := audit(ctx, tx, libID, now, actor, ActionCollection, id, detail); err != nil {
				return err
			}
		}
		return nil
	})
}

// Collections lists the collections of library by name, ignoring case. It
// returns ErrUnknownLibrary.
func (ix *Index) Collections(ctx context.Context, library string) ([]Collection, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	rows, err := ix.db.QueryContext(ctx, `
		SELECT c.name, cs.source_id
		FROM collections c LEFT JOIN collection_sources cs ON cs.collection_id = c.id
		WHERE c.library_id = ?
		ORDER BY `+ix.dialect.nocase("c.name")+`, c.id, cs.source_id`, libID)
	if err != nil {
		return nil, fmt.Errorf("library %q collections: %w", library, dbError(err))
	}
	defer rows.Close()
	var out []Collection
	for rows.Next() {
		var name string
		var id sql.NullInt64
		if err := rows.Scan(&name, &id); err != nil {
			return nil, dbError(err)
		}
		if len(out) == 0 || out[len(out)-1].Name != name {
			out = append(out, Collection{Name: name})
		}
		if id.Valid {
			c := &out[len(out)-1]
			c.Sources = append(c.Sources, id.Int64)
		}
	}
	return out, dbError(rows.Err())
}

// collectionID returns the id of the collection of library libID named name
// (trimmed, any case), or ErrUnknownCollection.
func collectionID(ctx context.Context, q querier, libID int64, name string) (int64, error) {
	name = strings.TrimSpace(name)
	var id int64
	err := q.QueryRowContext(ctx, `SELECT id FROM collections WHERE library_id = ? AND name = ?`, libID, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("collection %q: %w", name, ErrUnknownCollection)
	} else if err != nil {
		return 0, fmt.Errorf("collection %q: %w", name, dbError(err))
	}
	return id, nil
}

// checkActor refuses a change by no one: every audit entry names someone.
func checkActor(a Actor) error {
	if strings.TrimSpace(a.ID) == "" {
		return errors.New("the actor of a change has no id")
	}
	return nil
}

// checkName checks a collection name or setting key.
func checkName(what, s string) error {
	switch {
	case s == "":
		return fmt.Errorf("%w: the %s is empty", ErrInvalidName, what)
	case s != strings.TrimSpace(s):
		return fmt.Errorf("%w: the %s %q starts or ends with space", ErrInvalidName, what, s)
	case !utf8.ValidString(s):
		return fmt.Errorf("%w: the %s is not valid UTF-8", ErrInvalidName, what)
	case utf8.RuneCountInString(s) > MaxNameLength:
		return fmt.Errorf("%w: the %s is longer than %d characters", ErrInvalidName, what, MaxNameLength)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return fmt.Errorf("%w: the %s %q has a control character", ErrInvalidName, what, s)
	}
	return nil
}

// audit writes one entry to the audit log of library libID, in tx, so that
// it commits or rolls back with the change it records.
func audit(ctx context.Context, tx *sql.Tx, libID int64, now time.Time, actor Actor, action string, sourceID int64, detail string) error {
	var src any
	if sourceID > 0 {
		src = sourceID
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO audit_log (library_id, time, actor_id, actor_name, action, source_id, detail)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		libID, formatTime(now), actor.ID, actor.Name, action, src, detail); err != nil {
		return fmt.Errorf("audit %s: %w", action, dbError(err))
	}
	return nil
}

// describeSource names a source in an audit entry.
func describeSource(s Source) string {
	title := s.Title
	if title == "" {
		title = "untitled"
	}
	if s.Origin == "" {
		return fmt.Sprintf("%q", title)
	}
	return fmt.Sprintf("%q from %s", title, s.Origin)
}

// describeSpeaker names a speaker and role in an audit entry.
func describeSpeaker(speaker, title string) string {
	switch {
	case speaker == "":
		return "no speaker"
	case title == "":
		return fmt.Sprintf("%q", speaker)
	}
	return fmt.Sprintf("%q (%s)", speaker, title)
}

// overrideKey is the key of a source's quote corrections: its origin, or
// for a source without one (which can never be replaced) its text's digest.
func overrideKey(origin, sha string) string {
	if origin != "" {
		return origin
	}
	return "sha256:" + sha
}

// override is a curator's correction of the quotes with some exact words.
type override struct {
	fixed                bool
	speaker, title, kind string
	hidden               bool
}

func (o override) confidence() float64 {
	if o.speaker == "" {
		return 0
	}
	return 1
}

// fixOverride is the correction setting q's speaker and title. The kind of
// speaker stays when the name does; a new name is taken to be a person's,
// which is what curators name most.
func fixOverride(q Quote, speaker, title string) override {
	o := override{fixed: true, speaker: speaker, title: title, kind: q.SpeakerKind}
	switch {
	case speaker == "":
		o.kind = ""
	case !strings.EqualFold(speaker, q.Speaker) || o.kind == "":
		o.kind = KindPerson
	}
	return o
}

// applyOverrides applies the stored corrections of p's source to its
// analysis (speakers fixed, quotes hidden) and forgets the corrections of
// quotes whose words p no longer holds.
func applyOverrides(ctx context.Context, tx *sql.Tx, libID int64, p *preparedDoc) error {
	key := overrideKey(p.Origin, p.sha)
	rows, err := tx.QueryContext(ctx, `
		SELECT quote_text, fixed, speaker, speaker_title, speaker_kind, hidden
		FROM quote_overrides WHERE library_id = ? AND origin = ?`, libID, key)
	if err != nil {
		return dbError(err)
	}
	ovs := make(map[string]override)
	for rows.Next() {
		var text string
		var o override
		if err := rows.Scan(&text, &o.fixed, &o.speaker, &o.title, &o.kind, &o.hidden); err != nil {
			rows.Close()
			return dbError(err)
		}
		ovs[text] = o
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err)
	}
	if len(ovs) == 0 {
		return nil
	}
	quotes := slices.Clone(p.analysis.Quotes)
	p.hidden = make([]bool, len(quotes))
	used := make(map[string]bool)
	for i := range quotes {
		q := &quotes[i]
		o, ok := ovs[q.Text]
		if !ok {
			continue
		}
		used[q.Text] = true
		p.hidden[i] = o.hidden
		if o.fixed {
			if !strings.EqualFold(o.speaker, q.Speaker) {
				q.SpeakerMention = nil
			}
			q.Speaker, q.SpeakerTitle, q.SpeakerKind, q.Confidence = o.speaker, o.title, o.kind, o.confidence()
		}
	}
	p.analysis.Quotes = quotes
	for text := range ovs {
		if used[text] {
			continue
		}
		if _, err := tx.ExecContext(ctx,
			`DELETE FROM quote_overrides WHERE library_id = ? AND origin = ? AND quote_text = ?`,
			libID, key, text); err != nil {
			return dbError(err)
		}
	}
	return nil
}

// isHidden reports whether a curator hid quote i of p's analysis.
func (p preparedDoc) isHidden(i int) bool { return i < len(p.hidden) && p.hidden[i] }

// quoteRow is a quote with what curation needs to know about it.
type quoteRow struct {
	Quote
	hidden bool
	key    string // overrideKey of its source
}

// findQuote returns quote id of library libID, hidden or not, or
// ErrUnknownQuote.
func findQuote(ctx context.Context, q querier, libID, id int64) (quoteRow, error) {
	var r quoteRow
	var ms, me sql.NullInt64
	var origin, sha string
	err := q.QueryRowContext(ctx, `
		SELECT q.id, q.source_id, q.text, q.span_start, q.span_end, q.paragraph, q.speaker, q.speaker_title,
			q.speaker_kind, q.mention_start, q.mention_end, q.confidence, q.fragment, q.hidden,
			COALESCE(s.origin, ''), s.sha256
		FROM quotes q JOIN sources s ON s.id = q.source_id
		WHERE q.id = ? AND s.library_id = ?`, id, libID).Scan(
		&r.ID, &r.SourceID, &r.Text, &r.Start, &r.End, &r.Paragraph, &r.Speaker, &r.SpeakerTitle,
		&r.SpeakerKind, &ms, &me, &r.Confidence, &r.Fragment, &r.hidden, &origin, &sha)
	if errors.Is(err, sql.ErrNoRows) {
		return quoteRow{}, fmt.Errorf("quote %d: %w", id, ErrUnknownQuote)
	} else if err != nil {
		return quoteRow{}, fmt.Errorf("quote %d: %w", id, dbError(err))
	}
	if ms.Valid && me.Valid {
		r.SpeakerMention = &Span{Start: int(ms.Int64), End: int(me.Int64)}
	}
	r.key = overrideKey(origin, sha)
	return r, nil
}
