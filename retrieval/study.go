package retrieval

import (
	"context"
	"fmt"
	"strings"
)

// Study groups: what a group reading sources together needs beyond one
// answer. Compare sets speakers side by side; ParagraphCount bounds reading
// a source paragraph by paragraph (with Passage). The cited log and study
// packets are in study_cited.go, feedback and gaps in study_gaps.go, pinned
// answers in study_pins.go and daily quotes in study_daily.go.
//
// Everything here is scoped by library like Search: a library never sees
// another's rows, and users' words reach SQL only as bound parameters and
// FTS5 only through the terms MatchQuery would build.

// DefaultCompareSpeakers is how many speakers Compare returns when asked
// for none.
const DefaultCompareSpeakers = 5

// compareDepth is how many of Search's results Compare reads to find its
// speakers: Search discounts each further result of a speaker already
// chosen, so a speaker's best quote appears at most a few places after
// their first, and every speaker well within this depth.
const compareDepth = 100

// Compare returns the most relevant attributed, non-hidden quote of each
// distinct speaker for q (at most speakers of them; speakers <= 0 means
// DefaultCompareSpeakers), most relevant first, so that a group sees the
// positions on a topic at a glance. Speaker names are compared ignoring
// case and white space.
//
// It reads Search's answer (the same library and collection scoping,
// relevance floor and ranking) and keeps each speaker's first quote; a
// speaker whose quotes rank too far below the best is left out as off the
// topic, as Search leaves them out. q.Limit and q.Offset are ignored.
//
// It returns Search's errors: ErrEmptyQuery, ErrUnknownLibrary,
// ErrUnknownCollection, and ErrNoMatch when nothing clears the relevance
// floor or no attributed quote does.
func (ix *Index) Compare(ctx context.Context, q Query, speakers int) ([]Result, error) {
	if speakers <= 0 {
		speakers = DefaultCompareSpeakers
	}
	q.Limit, q.Offset = compareDepth, 0
	res, err := ix.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool)
	var out []Result
	for _, r := range res {
		if len(out) == speakers {
			break
		}
		if r.Kind != ResultQuote || strings.TrimSpace(r.Speaker) == "" {
			continue
		}
		if k := speakerName(r.Speaker); !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, ErrNoMatch
	}
	return out, nil
}

// speakerName is the form in which speaker names are compared: lower case,
// white space collapsed.
func speakerName(s string) string {
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}

// ParagraphCount returns the number of paragraphs of source sourceID in
// library; Passage numbers them from 1 to that number.
// It returns ErrUnknownLibrary or ErrUnknownSource.
func (ix *Index) ParagraphCount(ctx context.Context, library string, sourceID int64) (int, error) {
	libID, err := libraryID(ctx, ix.db, library)
	if err != nil {
		return 0, err
	}
	if _, err := findSource(ctx, ix.db, libID, sourceID, false); err != nil {
		return 0, fmt.Errorf("library %q: %w", library, err)
	}
	var n int
	if err := ix.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM paragraphs WHERE source_id = ?`, sourceID).Scan(&n); err != nil {
		return 0, fmt.Errorf("library %q: source %d: %w", library, sourceID, dbError(err))
	}
	return n, nil
}
