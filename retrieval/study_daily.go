package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"
)

// Daily quotes: a channel's schedule posts one quote a day from a library
// (or one collection of it), never repeating one until every quote has been
// posted. Schedules live in the database, so they survive restarts; the
// caller's scheduler asks Dailies which exist and Daily.Due when to post.

// Daily is one channel's daily quote schedule.
type Daily struct {
	Library    string
	Channel    string    // an opaque channel id
	Collection string    // "" = whole library
	Minute     int       // minutes after 00:00 UTC, 0..1439
	LastPosted time.Time // zero if never
}

// slot returns the time of d's post on the UTC day of t.
func (d Daily) slot(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC).Add(time.Duration(d.Minute) * time.Minute)
}

// Due reports whether d should post at now: today's slot (UTC) has come
// and LastPosted is before it. A post missed on an earlier day is not made
// up: after a long downtime d posts once, at today's slot.
func (d Daily) Due(now time.Time) bool {
	slot := d.slot(now)
	return !now.Before(slot) && d.LastPosted.Before(slot)
}

// Next returns when d is next due at or after now: now if it is due, else
// today's slot if it is still to come, else tomorrow's.
func (d Daily) Next(now time.Time) time.Time {
	if d.Due(now) {
		return now
	}
	if slot := d.slot(now); now.Before(slot) {
		return slot
	}
	return d.slot(now.UTC().AddDate(0, 0, 1))
}

// Clock returns d's time of day as "HH:MM" (UTC).
func (d Daily) Clock() string { return fmt.Sprintf("%02d:%02d", d.Minute/60, d.Minute%60) }

// describe names d's schedule in an audit entry.
func (d Daily) describe() string {
	from := "the whole library"
	if d.Collection != "" {
		from = fmt.Sprintf("collection %q", d.Collection)
	}
	return fmt.Sprintf("%s UTC from %s", d.Clock(), from)
}

// checkChannel checks a channel key.
func checkChannel(channel string) error {
	if strings.TrimSpace(channel) == "" {
		return errors.New("channel id is empty")
	}
	if len(channel) > maxThreadKey || !utf8.ValidString(channel) {
		return fmt.Errorf("channel id is not valid UTF-8 of at most %d bytes", maxThreadKey)
	}
	return nil
}

// SetDaily sets the daily quote schedule of d.Channel in d.Library
// (creating the library), replacing any it had, written to the audit log.
// A replaced schedule keeps its LastPosted (or d's, if later), so that
// moving the time earlier on a day already posted does not post again
// (moving it later does, at the new time: Due compares with the slot);
// changing its collection starts a new cycle of quotes. Setting the schedule a channel already has
// changes and records nothing. It returns ErrUnknownCollection, or an
// error for an empty channel or a minute outside 0..1439.
func (ix *Index) SetDaily(ctx context.Context, actor Actor, d Daily) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	if strings.TrimSpace(d.Library) == "" {
		return errors.New("library name is empty")
	}
	if err := checkChannel(d.Channel); err != nil {
		return err
	}
	if d.Minute < 0 || d.Minute > 1439 {
		return fmt.Errorf("daily time %d: it is minutes after 00:00 UTC, from 0 to 1439", d.Minute)
	}
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	now := ix.Now().UTC()
	libID, err := ensureLibrary(ctx, tx, d.Library, now)
	if err != nil {
		return err
	}
	d.Collection = strings.TrimSpace(d.Collection)
	if d.Collection != "" {
		cid, err := collectionID(ctx, tx, libID, d.Collection)
		if err != nil {
			return fmt.Errorf("library %q: %w", d.Library, err)
		}
		if err := tx.QueryRowContext(ctx, `SELECT name FROM collections WHERE id = ?`, cid).Scan(&d.Collection); err != nil {
			return dbError(err)
		}
	}
	old, found, err := findDaily(ctx, tx, libID, d.Library, d.Channel)
	if err != nil {
		return err
	}
	if found && old.LastPosted.After(d.LastPosted) {
		d.LastPosted = old.LastPosted
	}
	if found && old.Collection == d.Collection && old.Minute == d.Minute && old.LastPosted.Equal(d.LastPosted) {
		return nil // the rollback also undoes creating the library
	}
	var last any
	if !d.LastPosted.IsZero() {
		last = formatTime(d.LastPosted)
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO dailies (library_id, channel, collection, minute, last_posted) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (library_id, channel) DO UPDATE SET
			collection = excluded.collection, minute = excluded.minute, last_posted = excluded.last_posted`,
		libID, d.Channel, d.Collection, d.Minute, last); err != nil {
		return fmt.Errorf("set daily: %w", dbError(err))
	}
	if found && old.Collection != d.Collection {
		if _, err := tx.ExecContext(ctx, `DELETE FROM daily_shown WHERE library_id = ? AND channel = ?`,
			libID, d.Channel); err != nil {
			return fmt.Errorf("set daily: %w", dbError(err))
		}
	}
	detail := fmt.Sprintf("channel %s: %s", d.Channel, d.describe())
	if found {
		detail += fmt.Sprintf(" (was %s)", old.describe())
	}
	if err := audit(ctx, tx, libID, now, actor, ActionDailySet, 0, detail); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// StopDaily deletes the daily quote schedule of channel in library,
// written to the audit log. It returns ErrUnknownLibrary, or ErrNoDaily if
// the channel has none.
func (ix *Index) StopDaily(ctx context.Context, library string, actor Actor, channel string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		old, found, err := findDaily(ctx, tx, libID, library, channel)
		if err != nil {
			return err
		}
		if !found {
			return fmt.Errorf("channel %s: %w", channel, ErrNoDaily)
		}
		// The quotes it has shown go by ON DELETE CASCADE.
		if _, err := tx.ExecContext(ctx, `DELETE FROM dailies WHERE library_id = ? AND channel = ?`, libID, channel); err != nil {
			return fmt.Errorf("stop daily: %w", dbError(err))
		}
		detail := fmt.Sprintf("channel %s: was %s", channel, old.describe())
		return audit(ctx, tx, libID, ix.Now().UTC(), actor, ActionDailyStop, 0, detail)
	})
}

// dailyColumns are the columns scanDaily reads, from dailies d joined with
// libraries l.
const dailyColumns = `l.name, d.channel, d.collection, d.minute, COALESCE(d.last_posted, '')`

func scanDaily(row interface{ Scan(...any) error }) (Daily, error) {
	var d Daily
	var last string
	if err := row.Scan(&d.Library, &d.Channel, &d.Collection, &d.Minute, &last); err != nil {
		return Daily{}, err
	}
	if last != "" {
		t, err := parseTime(last)
		if err != nil {
			return Daily{}, fmt.Errorf("daily %s last_posted: %w", d.Channel, err)
		}
		d.LastPosted = t
	}
	return d, nil
}

// findDaily returns the schedule of channel in library libID, if any.
func findDaily(ctx context.Context, q querier, libID int64, library, channel string) (Daily, bool, error) {
	d, err := scanDaily(q.QueryRowContext(ctx, `
		SELECT `+dailyColumns+` FROM dailies d JOIN libraries l ON l.id = d.library_id
		WHERE d.library_id = ? AND d.channel = ?`, libID, channel))
	if errors.Is(err, sql.ErrNoRows) {
		return Daily{}, false, nil
	} else if err != nil {
		return Daily{}, false, fmt.Errorf("library %q daily %s: %w", library, channel, dbError(err))
	}
	return d, true, nil
}

// Daily returns the daily quote schedule of channel in library. It returns
// ErrUnknownLibrary, or ErrNoDaily if the channel has none.
func (ix *Index) Daily(ctx context.Context, library, channel string) (Daily, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return Daily{}, err
	}
	d, found, err := findDaily(ctx, ix.db, libID, library, channel)
	if err != nil {
		return Daily{}, err
	}
	if !found {
		return Daily{}, fmt.Errorf("channel %s: %w", channel, ErrNoDaily)
	}
	return d, nil
}

// Dailies returns every daily quote schedule of every library, by library
// and channel: what a scheduler runs.
func (ix *Index) Dailies(ctx context.Context) ([]Daily, error) {
	rows, err := ix.db.QueryContext(ctx, `
		SELECT `+dailyColumns+` FROM dailies d JOIN libraries l ON l.id = d.library_id
		ORDER BY l.name, d.channel`)
	if err != nil {
		return nil, fmt.Errorf("dailies: %w", dbError(err))
	}
	defer rows.Close()
	var out []Daily
	for rows.Next() {
		d, err := scanDaily(rows)
		if err != nil {
			return nil, dbError(err)
		}
		out = append(out, d)
	}
	return out, dbError(rows.Err())
}

// dailyCandidate is a quote a schedule may post: the quotes of one source
// with the same words count as one.
type dailyCandidate struct {
	sourceID int64
	text     string
	id       int64
	fragment bool
	shown    bool
}

// NextDaily picks the quote channel's schedule in library posts at now, in
// one transaction: a visible quote of the schedule's library or collection
// not yet posted in the current cycle, which it records as posted, setting
// LastPosted to now. A cycle is every full (non-fragment) quote, or every
// quote where there is no full one; the quotes of one source with the same
// words count as one, and keep counting as posted when the source is
// refreshed. When every quote has been posted, a new cycle starts. Which
// unposted quote comes next is random, seeded by the channel and now.
//
// It returns ErrUnknownLibrary, ErrNoDaily if the channel has no schedule,
// ErrUnknownCollection if its collection was deleted since, and
// ErrNothingToPost if there are no quotes to post.
func (ix *Index) NextDaily(ctx context.Context, library, channel string, now time.Time) (Result, error) {
	tx, err := ix.db.BeginTx(ctx, nil)
	if err != nil {
		return Result{}, dbError(err)
	}
	defer func() { _ = tx.Rollback() }()
	libID, err := libraryID(ctx, tx, library)
	if err != nil {
		return Result{}, err
	}
	d, found, err := findDaily(ctx, tx, libID, library, channel)
	if err != nil {
		return Result{}, err
	}
	if !found {
		return Result{}, fmt.Errorf("channel %s: %w", channel, ErrNoDaily)
	}
	pool, err := dailyPool(ctx, tx, libID, d)
	if err != nil {
		return Result{}, fmt.Errorf("library %q: %w", library, err)
	}
	if len(pool) == 0 {
		return Result{}, fmt.Errorf("channel %s: %w", channel, ErrNothingToPost)
	}
	var left []dailyCandidate
	for _, c := range pool {
		if !c.shown {
			left = append(left, c)
		}
	}
	if len(left) == 0 {
		// Every quote has been posted: a new cycle.
		if _, err := tx.ExecContext(ctx, `DELETE FROM daily_shown WHERE library_id = ? AND channel = ?`,
			libID, channel); err != nil {
			return Result{}, fmt.Errorf("next daily: %w", dbError(err))
		}
		left = pool
	}
	h := fnv.New64a()
	h.Write([]byte(channel))
	rng := rand.New(rand.NewPCG(h.Sum64(), uint64(now.UnixNano())))
	pick := left[rng.IntN(len(left))]

	at := formatTime(now)
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO daily_shown (library_id, channel, source_id, quote_text, shown_at) VALUES (?, ?, ?, ?, ?)`,
		libID, channel, pick.sourceID, pick.text, at); err != nil {
		return Result{}, fmt.Errorf("next daily: %w", dbError(err))
	}
	if _, err := tx.ExecContext(ctx, `UPDATE dailies SET last_posted = ? WHERE library_id = ? AND channel = ?`,
		at, libID, channel); err != nil {
		return Result{}, fmt.Errorf("next daily: %w", dbError(err))
	}
	r, _, err := quoteResult(ctx, tx, ix.dialect, library, pick.id)
	if err != nil {
		return Result{}, err
	}
	if err := tx.Commit(); err != nil {
		return Result{}, dbError(err)
	}
	return r, nil
}

// dailyPool returns the quotes d's cycle is made of, each marked if posted
// in the current cycle.
func dailyPool(ctx context.Context, tx *sql.Tx, libID int64, d Daily) ([]dailyCandidate, error) {
	query := `
		SELECT q.source_id, q.text, MIN(q.id), MIN(q.fragment),
			EXISTS (SELECT 1 FROM daily_shown ds WHERE ds.library_id = ?1 AND ds.channel = ?2
				AND ds.source_id = q.source_id AND ds.quote_text = q.text)
		FROM quotes q JOIN sources s ON s.id = q.source_id
		WHERE s.library_id = ?1 AND q.hidden = 0 AND trim(q.text) <> ''`
	args := []any{libID, d.Channel}
	if d.Collection != "" {
		cid, err := collectionID(ctx, tx, libID, d.Collection)
		if err != nil {
			return nil, err
		}
		query += ` AND q.source_id IN (SELECT source_id FROM collection_sources WHERE collection_id = ?3)`
		args = append(args, cid)
	}
	query += ` GROUP BY q.source_id, q.text ORDER BY MIN(q.id)`
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var all, full []dailyCandidate
	for rows.Next() {
		var c dailyCandidate
		if err := rows.Scan(&c.sourceID, &c.text, &c.id, &c.fragment, &c.shown); err != nil {
			return nil, dbError(err)
		}
		all = append(all, c)
		if !c.fragment {
			full = append(full, c)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, dbError(err)
	}
	if len(full) > 0 {
		return full, nil
	}
	return all, nil
}
