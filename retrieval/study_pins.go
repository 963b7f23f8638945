package retrieval

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
	"unicode/utf8"
)

// Pinned answers: a curator's chosen quote for a recurring question, shown
// first and marked as pinned whenever the question is asked again in any
// wording with the same terms.

// Audit actions of pins and daily schedules.
const (
	ActionPin        = "pin.set"
	ActionUnpin      = "pin.remove"
	ActionDailySet   = "daily.set"
	ActionDailyStop  = "daily.stop"
	maxQuestionBytes = 1000 // the longest wording of a question stored
)

// Pin is a curator's answer to a question.
type Pin struct {
	Question string // the wording the curator pinned it for
	QuoteID  int64  // the quote now holding the pinned words (the pinned id if they are gone)
	By       Actor
	At       time.Time
}

// QuestionKey is the form in which questions are compared for pins and
// gaps: the terms of QueryTerms (case, punctuation and stop words
// ignored), each normalised as ranking normalises it (diacritics removed,
// English words stemmed), without repeats, sorted, joined by spaces. So
// "Why did Russia go to war?" and "why did russia go to WAR" have the same
// key, as do "war in Ukraine" and "Ukraine's wars". A question with no
// searchable word has the key "".
func QuestionKey(question string) string {
	terms := QueryTerms(question)
	seen := make(map[string]bool, len(terms))
	keys := make([]string, 0, len(terms))
	for _, t := range terms {
		if n := normTerm(t); !seen[n] {
			seen[n] = true
			keys = append(keys, n)
		}
	}
	sort.Strings(keys)
	return strings.Join(keys, " ")
}

// storedQuestion is a question's wording as stored: trimmed, white space
// collapsed, and cut (at a character boundary) to maxQuestionBytes.
func storedQuestion(q string) string {
	q = strings.Join(strings.Fields(q), " ")
	if len(q) <= maxQuestionBytes {
		return q
	}
	cut := maxQuestionBytes
	for cut > 0 && !utf8.RuneStart(q[cut]) {
		cut--
	}
	return q[:cut]
}

// Pin makes quote quoteID the answer to question in library (replacing any
// answer pinned for the same question key, see QuestionKey), written to
// the audit log. It returns ErrUnknownLibrary, ErrUnknownQuote,
// ErrQuoteHidden for a quote a curator hid, or ErrEmptyQuery for a question
// with no searchable word.
func (ix *Index) Pin(ctx context.Context, library string, actor Actor, question string, quoteID int64) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	key := QuestionKey(question)
	if key == "" {
		return fmt.Errorf("pin: %w", ErrEmptyQuery)
	}
	question = storedQuestion(question)
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		q, err := findQuote(ctx, tx, libID, quoteID)
		if err != nil {
			return fmt.Errorf("library %q: %w", library, err)
		}
		if q.hidden {
			return fmt.Errorf("quote %d: %w", quoteID, ErrQuoteHidden)
		}
		now := ix.Now().UTC()
		var old sql.NullInt64
		if err := tx.QueryRowContext(ctx, `SELECT quote_id FROM pins WHERE library_id = ? AND question_key = ?`,
			libID, key).Scan(&old); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO pins (library_id, question_key, question, source_id, quote_id, quote_text, actor_id, actor_name, pinned_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (library_id, question_key) DO UPDATE SET
				question = excluded.question, source_id = excluded.source_id, quote_id = excluded.quote_id,
				quote_text = excluded.quote_text, actor_id = excluded.actor_id, actor_name = excluded.actor_name,
				pinned_at = excluded.pinned_at`,
			libID, key, question, q.SourceID, q.ID, q.Text, actor.ID, actor.Name, formatTime(now)); err != nil {
			return fmt.Errorf("pin quote %d: %w", quoteID, dbError(err))
		}
		detail := fmt.Sprintf("%q → quote %d (%s)", question, quoteID, describeSpeaker(q.Speaker, q.SpeakerTitle))
		if old.Valid {
			detail += fmt.Sprintf(", was quote %d", old.Int64)
		}
		return audit(ctx, tx, libID, now, actor, ActionPin, q.SourceID, detail)
	})
}

// Unpin removes the answer pinned for question (any wording with its
// QuestionKey), written to the audit log. It returns ErrUnknownLibrary, or
// ErrNoPin if none is pinned.
func (ix *Index) Unpin(ctx context.Context, library string, actor Actor, question string) error {
	if err := checkActor(actor); err != nil {
		return err
	}
	key := QuestionKey(question)
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		var stored string
		var sourceID, quoteID int64
		err := tx.QueryRowContext(ctx, `SELECT question, source_id, quote_id FROM pins WHERE library_id = ? AND question_key = ?`,
			libID, key).Scan(&stored, &sourceID, &quoteID)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("question %q: %w", storedQuestion(question), ErrNoPin)
		} else if err != nil {
			return dbError(err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM pins WHERE library_id = ? AND question_key = ?`, libID, key); err != nil {
			return fmt.Errorf("unpin %q: %w", stored, dbError(err))
		}
		detail := fmt.Sprintf("%q (was quote %d)", stored, quoteID)
		return audit(ctx, tx, libID, ix.Now().UTC(), actor, ActionUnpin, sourceID, detail)
	})
}

// pinQuoteSQL resolves a pin's quote: the pinned id while it still holds
// the pinned words in the pinned source, else the first quote of that
// source with those words (its source was analysed again), else 0.
const pinQuoteSQL = `COALESCE(
	(SELECT q.id FROM quotes q WHERE q.id = p.quote_id AND q.source_id = p.source_id AND q.text = p.quote_text),
	(SELECT MIN(q.id) FROM quotes q WHERE q.source_id = p.source_id AND q.text = p.quote_text),
	0)`

// Pins lists the answers pinned in library, oldest first. A pin whose
// words are gone from its source (changed since) keeps its pinned QuoteID;
// Pinned no longer shows it. It returns ErrUnknownLibrary.
func (ix *Index) Pins(ctx context.Context, library string) ([]Pin, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	rows, err := ix.db.QueryContext(ctx, `
		SELECT p.question, p.quote_id, `+pinQuoteSQL+`, p.actor_id, p.actor_name, p.pinned_at
		FROM pins p WHERE p.library_id = ? ORDER BY p.pinned_at, p.question_key`, libID)
	if err != nil {
		return nil, fmt.Errorf("library %q pins: %w", library, dbError(err))
	}
	defer rows.Close()
	var out []Pin
	for rows.Next() {
		var p Pin
		var now int64
		var at string
		if err := rows.Scan(&p.Question, &p.QuoteID, &now, &p.By.ID, &p.By.Name, &at); err != nil {
			return nil, dbError(err)
		}
		if now != 0 {
			p.QuoteID = now
		}
		if p.At, err = parseTime(at); err != nil {
			return nil, fmt.Errorf("pin %q time: %w", p.Question, err)
		}
		out = append(out, p)
	}
	return out, dbError(rows.Err())
}

// Pinned returns the answer pinned in library for question (any wording
// with its QuestionKey) as a Result with Pinned set, its Text read from its
// source at its span. With a collection, as Query.Collection scopes Search,
// only a pin whose source is in that collection counts: a group reading
// one collection is never shown a pinned quote from outside it. ok is false
// when none is pinned, when the pinned words are no longer in their source
// or a curator hid them, when the pin's source is not in collection, and
// when the library or the collection does not exist (they have no pins).
func (ix *Index) Pinned(ctx context.Context, library, collection, question string) (r Result, ok bool, err error) {
	key := QuestionKey(question)
	if key == "" {
		return Result{}, false, nil
	}
	var quoteID int64
	err = ix.db.QueryRowContext(ctx, `
		SELECT `+pinQuoteSQL+` FROM pins p JOIN libraries l ON l.id = p.library_id
		WHERE l.name = ? AND p.question_key = ?`, library, key).Scan(&quoteID)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && quoteID == 0) {
		return Result{}, false, nil
	} else if err != nil {
		return Result{}, false, fmt.Errorf("library %q pin: %w", library, dbError(err))
	}
	r, hidden, err := quoteResult(ctx, ix.db, ix.dialect, library, quoteID)
	if err != nil {
		return Result{}, false, err
	}
	if hidden {
		return Result{}, false, nil
	}
	if collection = strings.TrimSpace(collection); collection != "" {
		var in bool
		if err := ix.db.QueryRowContext(ctx, `
			SELECT EXISTS (SELECT 1 FROM collection_sources cs
				JOIN collections c ON c.id = cs.collection_id JOIN libraries l ON l.id = c.library_id
				WHERE l.name = ? AND c.name = ? AND cs.source_id = ?)`,
			library, collection, r.Source.ID).Scan(&in); err != nil {
			return Result{}, false, fmt.Errorf("library %q pin in collection %q: %w", library, collection, dbError(err))
		}
		if !in {
			return Result{}, false, nil
		}
	}
	r.Pinned = true
	return r, true, nil
}

// quoteResult returns quote id of library as a quote Result whose text is
// read from its source's text at the quote's span, and whether a curator
// hid it. It returns ErrUnknownQuote.
func quoteResult(ctx context.Context, q querier, d dialect, library string, id int64) (Result, bool, error) {
	var r Result
	var hidden bool
	var text []byte
	err := q.QueryRowContext(ctx, `
		SELECT q.id, q.source_id, q.span_start, q.span_end, q.paragraph, q.speaker, q.speaker_title, q.fragment,
			q.confidence, q.hidden, s.title, s.author, s.url, s.published,
			`+d.byteSubstr("s.text", "q.span_start", "q.span_end - q.span_start")+`
		FROM quotes q JOIN sources s ON s.id = q.source_id JOIN libraries l ON l.id = s.library_id
		WHERE q.id = ? AND l.name = ?`, id, library).Scan(
		&r.QuoteID, &r.Source.ID, &r.Start, &r.End, &r.Paragraph, &r.Speaker, &r.SpeakerTitle, &r.Fragment,
		&r.Confidence, &hidden, &r.Source.Title, &r.Source.Author, &r.Source.URL, &r.Source.Published, &text)
	if errors.Is(err, sql.ErrNoRows) {
		return Result{}, false, fmt.Errorf("library %q: quote %d: %w", library, id, ErrUnknownQuote)
	} else if err != nil {
		return Result{}, false, fmt.Errorf("library %q: quote %d: %w", library, id, dbError(err))
	}
	if len(text) != r.End-r.Start || !utf8.Valid(text) {
		// Add checks every span before storing it; this guards the read.
		return Result{}, false, fmt.Errorf("library %q: quote %d: stored span [%d, %d) does not fit its source",
			library, id, r.Start, r.End)
	}
	r.Kind = ResultQuote
	r.Text = string(text)
	return r, hidden, nil
}
