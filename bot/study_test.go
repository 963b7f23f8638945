package bot_test

import (
	"context"
	"sync"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// fakeStudy is a bot.Study that keeps what the bot records in memory and
// answers from the sample results, for the fuzz targets.
type fakeStudy struct {
	mu      sync.Mutex
	cited   map[string][]retrieval.Result
	dailies []retrieval.Daily
	gaps    []string
}

var _ bot.Study = (*fakeStudy)(nil)

func (s *fakeStudy) Compare(ctx context.Context, q retrieval.Query, speakers int) ([]retrieval.Result, error) {
	var out []retrieval.Result
	seen := map[string]bool{}
	for _, r := range sampleResults {
		if r.Speaker != "" && !seen[r.Speaker] && len(out) < speakers {
			seen[r.Speaker] = true
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *fakeStudy) ParagraphCount(ctx context.Context, library string, id int64) (int, error) {
	return 9, nil
}

func (s *fakeStudy) RecordCited(ctx context.Context, library, thread string, rs ...retrieval.Result) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cited == nil {
		s.cited = map[string][]retrieval.Result{}
	}
	s.cited[thread] = append(s.cited[thread], rs...)
	return nil
}

func (s *fakeStudy) Cited(ctx context.Context, library, thread string) ([]retrieval.Result, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]retrieval.Result(nil), s.cited[thread]...), nil
}

func (s *fakeStudy) RecordFeedback(ctx context.Context, library, messageID, userID, question string, vote int) error {
	return nil
}

func (s *fakeStudy) RecordGap(ctx context.Context, library, question string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gaps = append(s.gaps, question)
	return nil
}

func (s *fakeStudy) Gaps(ctx context.Context, library string, limit int) ([]retrieval.Gap, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []retrieval.Gap
	for _, q := range s.gaps {
		out = append(out, retrieval.Gap{Question: q, Asked: 1, Last: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	}
	return out[:min(len(out), limit)], nil
}

func (s *fakeStudy) Pin(ctx context.Context, library string, actor retrieval.Actor, question string, quoteID int64) error {
	if quoteID != 11 {
		return retrieval.ErrUnknownQuote
	}
	return nil
}

func (s *fakeStudy) Unpin(ctx context.Context, library string, actor retrieval.Actor, question string) error {
	return retrieval.ErrNoPin
}

func (s *fakeStudy) Pinned(ctx context.Context, library, question string) (retrieval.Result, bool, error) {
	if len(retrieval.QueryTerms(question)) > 0 && len(question)%2 == 0 {
		r := sampleResults[4]
		r.Pinned = true
		return r, true, nil
	}
	return retrieval.Result{}, false, nil
}

func (s *fakeStudy) SetDaily(ctx context.Context, actor retrieval.Actor, d retrieval.Daily) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dailies = append(s.dailies, d)
	return nil
}

func (s *fakeStudy) StopDaily(ctx context.Context, library string, actor retrieval.Actor, channel string) error {
	return retrieval.ErrNoDaily
}

func (s *fakeStudy) Dailies(ctx context.Context) ([]retrieval.Daily, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]retrieval.Daily(nil), s.dailies...), nil
}

func (s *fakeStudy) NextDaily(ctx context.Context, library, channel string, now time.Time) (retrieval.Result, error) {
	return sampleResults[0], nil
}
