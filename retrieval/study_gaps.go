package retrieval

import (
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Feedback and gaps: readers' votes on answers, and the questions a library
// had no good answer for, so that moderators know which sources to add.

// maxGapsPerLibrary bounds the gaps a library keeps; the oldest go first.
// Questions are users' text, and a busy server asks many. A variable so
// that a test can lower it.
var maxGapsPerLibrary = 10000

// Gap is a question, in all its wordings with one QuestionKey, that went
// without a good answer.
type Gap struct {
	Question string    // the most recent wording
	Asked    int       // times asked without a good answer (normalised question)
	Down     int       // thumbs-down votes among them
	Last     time.Time // when last asked (or voted down)
}

// gapKey is the key a gap is counted under: the question's QuestionKey or,
// for a question with no searchable word, its folded wording.
func gapKey(question string) string {
	if k := QuestionKey(question); k != "" {
		return k
	}
	return strings.ToLower(strings.Join(strings.Fields(question), " "))
}

// RecordFeedback records userID's vote (+1 or -1) on the answer messageID
// to question in library: one vote per user and message, which a later
// vote replaces. A -1 also records question as a gap (counted once per
// user and message, in Gap.Down); changing it to +1 takes that back. It
// returns ErrUnknownLibrary, or an error for another vote or an empty id.
func (ix *Index) RecordFeedback(ctx context.Context, library, messageID, userID, question string, vote int) error {
	if vote != 1 && vote != -1 {
		return fmt.Errorf("vote %d: a vote is +1 or -1", vote)
	}
	if strings.TrimSpace(messageID) == "" || strings.TrimSpace(userID) == "" {
		return errors.New("feedback needs a message id and a user id")
	}
	question = storedQuestion(question)
	return ix.inLibrary(ctx, library, func(tx *sql.Tx, libID int64) error {
		now := formatTime(ix.Now().UTC())
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO feedback (library_id, message_id, user_id, vote, question, voted_at) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (library_id, message_id, user_id) DO UPDATE SET
				vote = excluded.vote, question = excluded.question, voted_at = excluded.voted_at`,
			libID, messageID, userID, vote, question, now); err != nil {
			return fmt.Errorf("record feedback: %w", dbError(err))
		}
		if vote == 1 || question == "" {
			if _, err := tx.ExecContext(ctx, `DELETE FROM gaps WHERE library_id = ? AND message_id = ? AND user_id = ?`,
				libID, messageID, userID); err != nil {
				return fmt.Errorf("record feedback: %w", dbError(err))
			}
		} else {
			if _, err := tx.ExecContext(ctx, `
				INSERT INTO gaps (library_id, question_key, question, asked_at, down, message_id, user_id)
				VALUES (?, ?, ?, ?, 1, ?, ?)
				ON CONFLICT (library_id, message_id, user_id) DO UPDATE SET
					question_key = excluded.question_key, question = excluded.question`,
				libID, gapKey(question), question, now, messageID, userID); err != nil {
				return fmt.Errorf("record feedback: %w", dbError(err))
			}
			if err := trimGaps(ctx, tx, libID); err != nil {
				return err
			}
		}
		return nil
	})
}

// Feedback returns the votes on answer messageID in library. It returns
// ErrUnknownLibrary.
func (ix *Index) Feedback(ctx context.Context, library, messageID string) (up, down int, err error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return 0, 0, err
	}
	err = ix.db.QueryRowContext(ctx, `
		SELECT COUNT(*) FILTER (WHERE vote = 1), COUNT(*) FILTER (WHERE vote = -1)
		FROM feedback WHERE library_id = ? AND message_id = ?`, libID, messageID).Scan(&up, &down)
	if err != nil {
		return 0, 0, fmt.Errorf("library %q feedback: %w", library, dbError(err))
	}
	return up, down, nil
}

// RecordGap records that library (created if needed, so that a server
// with no sources yet learns what to add) had no good answer to question.
// It returns an error for a blank question.
func (ix *Index) RecordGap(ctx context.Context, library, question string) error {
	question = storedQuestion(question)
	if question == "" {
		return errors.New("the question is empty")
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
	if _, err := tx.ExecContext(ctx, `INSERT INTO gaps (library_id, question_key, question, asked_at) VALUES (?, ?, ?, ?)`,
		libID, gapKey(question), question, formatTime(now)); err != nil {
		return fmt.Errorf("record gap: %w", dbError(err))
	}
	if err := trimGaps(ctx, tx, libID); err != nil {
		return err
	}
	return dbError(tx.Commit())
}

// trimGaps keeps the newest maxGapsPerLibrary gaps of library libID.
func trimGaps(ctx context.Context, q querier, libID int64) error {
	_, err := q.ExecContext(ctx, `
		DELETE FROM gaps WHERE library_id = ?1 AND id <= (
			SELECT id FROM gaps WHERE library_id = ?1 ORDER BY id DESC LIMIT 1 OFFSET ?2)`,
		libID, maxGapsPerLibrary)
	if err != nil {
		return fmt.Errorf("trim gaps: %w", dbError(err))
	}
	return nil
}

// Gaps returns the questions library had no good answer for, grouped by
// QuestionKey: the most asked first (then the most recent), at most limit
// (<= 0: all). It returns ErrUnknownLibrary.
func (ix *Index) Gaps(ctx context.Context, library string, limit int) ([]Gap, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return nil, err
	}
	if limit <= 0 {
		limit = math.MaxInt32 // all
	}
	rows, err := ix.db.QueryContext(ctx, `
		SELECT
			(SELECT g2.question FROM gaps g2 WHERE g2.library_id = ?1 AND g2.question_key = g.question_key
				ORDER BY g2.asked_at DESC, g2.id DESC LIMIT 1),
			COUNT(*), SUM(g.down), MAX(g.asked_at)
		FROM gaps g WHERE g.library_id = ?1
		GROUP BY g.question_key
		ORDER BY COUNT(*) DESC, MAX(g.asked_at) DESC, g.question_key
		LIMIT ?2`, libID, limit)
	if err != nil {
		return nil, fmt.Errorf("library %q gaps: %w", library, dbError(err))
	}
	defer rows.Close()
	var out []Gap
	for rows.Next() {
		var g Gap
		var last string
		if err := rows.Scan(&g.Question, &g.Asked, &g.Down, &last); err != nil {
			return nil, dbError(err)
		}
		if g.Last, err = parseTime(last); err != nil {
			return nil, fmt.Errorf("gap %q time: %w", g.Question, err)
		}
		out = append(out, g)
	}
	return out, dbError(rows.Err())
}

// WriteGapsCSV writes gaps as CSV (RFC 4180) with the header
// question,asked,down,last_asked, times in RFC 3339 UTC. A cell that a
// spreadsheet could read as a formula (starting, after any white space,
// with = + - @, a tab or a carriage return, or their full-width forms)
// gets a leading apostrophe, as OWASP advises against CSV injection.
func WriteGapsCSV(w io.Writer, gaps []Gap) error {
	cw := csv.NewWriter(w)
	if err := cw.Write([]string{"question", "asked", "down", "last_asked"}); err != nil {
		return err
	}
	for _, g := range gaps {
		if err := cw.Write([]string{
			csvSafe(g.Question),
			strconv.Itoa(g.Asked),
			strconv.Itoa(g.Down),
			g.Last.UTC().Format(time.RFC3339),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe defuses a cell a spreadsheet would evaluate as a formula.
func csvSafe(s string) string {
	t := strings.TrimLeft(s, " \u00a0\u3000")
	for _, p := range []string{"=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"} {
		if strings.HasPrefix(t, p) {
			return "'" + s
		}
	}
	return s
}
