package bot_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// fakeStudy is a bot.Study that keeps what the bot records in memory and
// answers from the sample results, for the fuzz targets.
type fakeStudy struct {
	// PinnedFn, if set, answers Pinned.
	PinnedFn func(question string) (retrieval.Result, bool)

	mu      sync.Mutex
	cited   map[string][]retrieval.Result
	dailies []retrieval.Daily
	gaps    []string
	calls   []string // the curator actions that reached it
}

// called notes a curator action.
func (s *fakeStudy) called(method string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls = append(s.calls, method)
}

// Calls returns the curator actions that reached the study so far.
func (s *fakeStudy) Calls() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.calls...)
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
	s.called("Gaps")
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []retrieval.Gap
	for _, q := range s.gaps {
		out = append(out, retrieval.Gap{Question: q, Asked: 1, Last: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	}
	return out[:min(len(out), limit)], nil
}

func (s *fakeStudy) Pin(ctx context.Context, library string, actor retrieval.Actor, question string, quoteID int64) error {
	s.called("Pin")
	if quoteID != 11 {
		return retrieval.ErrUnknownQuote
	}
	return nil
}

func (s *fakeStudy) Unpin(ctx context.Context, library string, actor retrieval.Actor, question string) error {
	s.called("Unpin")
	return retrieval.ErrNoPin
}

func (s *fakeStudy) Pinned(ctx context.Context, library, collection, question string) (retrieval.Result, bool, error) {
	if s.PinnedFn != nil {
		r, ok := s.PinnedFn(question)
		return r, ok, nil
	}
	if len(retrieval.QueryTerms(question)) > 0 && len(question)%2 == 0 {
		r := sampleResults[4]
		r.Pinned = true
		return r, true, nil
	}
	return retrieval.Result{}, false, nil
}

func (s *fakeStudy) SetDaily(ctx context.Context, actor retrieval.Actor, d retrieval.Daily) error {
	s.called("SetDaily")
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dailies = append(s.dailies, d)
	return nil
}

func (s *fakeStudy) StopDaily(ctx context.Context, library string, actor retrieval.Actor, channel string) error {
	s.called("StopDaily")
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

// TestAsk_Pinned: a pinned quote comes first, marked, and is not shown
// again when the search finds it too; More goes on after what the first
// page used up.
func TestAsk_Pinned(t *testing.T) {
	pin := sampleResults[2] // also the search's third result
	pin.Pinned = true
	b := MustNewBot(t, &fakeLibrary{SearchFn: pagedSearch(sampleResults)})
	st := &fakeStudy{PinnedFn: func(q string) (retrieval.Result, bool) { return pin, q == "Why did Russia go to war?" }}
	b.Study = st
	calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
	require.Len(t, calls, 2)
	m := calls[1].msg(t)
	require.Len(t, m.Embeds, 3)
	assert.Equal(t, "📌 Pinned by moderators · 1 · Volodymyr Zelensky (attribution uncertain)", m.Embeds[0].Author.Name)
	assert.Contains(t, m.Embeds[1].Footer.Text, "quote #11")
	assert.Contains(t, m.Embeds[2].Footer.Text, "quote #12")
	for _, e := range m.Embeds[1:] {
		assert.NotContains(t, e.Footer.Text, "quote #13", "the pinned quote is shown once")
	}
	// Page 1 used the search's first two results (the third is the pin,
	// shown first): More starts after them, skipping it again.
	calls = b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "More")))
	more := calls[len(calls)-1].msg(t)
	require.NotEmpty(t, more.Embeds)
	assert.NotContains(t, more.Embeds[0].Author.Name, "📌", "More pages are not pinned")
	var footers []string
	for _, e := range more.Embeds {
		footers = append(footers, e.Footer.Text)
	}
	assert.NotContains(t, strings.Join(footers, " "), "quote #11")
	assert.NotContains(t, strings.Join(footers, " "), "quote #13", "the pinned quote is not shown again on later pages")
	assert.Contains(t, strings.Join(footers, " "), "quote #14", "the page goes on after the pinned quote")

	// Find sources on a message asking the pinned question shows the pin
	// too, privately.
	calls = b.Do(t, interaction(t, "find_sources", "CONTENT", "Why did Russia go to war?"))
	found := calls[len(calls)-1].msg(t)
	require.NotEmpty(t, found.Embeds)
	assert.True(t, strings.HasPrefix(found.Embeds[0].Author.Name, "📌 Pinned by moderators"), found.Embeds[0].Author.Name)

	// Another wording gets no pin; an unanswerable question is recorded
	// as a gap.
	calls = b.Do(t, askInteraction(t, "Who said NATO?"))
	assert.NotContains(t, calls[1].msg(t).Embeds[0].Author.Name, "📌")
	b2 := MustNewBot(t, &fakeLibrary{SearchFn: pagedSearch(nil)})
	b2.Study = st
	b2.Do(t, askInteraction(t, "What is the capital of France?"))
	gs, err := st.Gaps(context.Background(), libraryA, 10)
	require.NoError(t, err)
	require.Len(t, gs, 1)
	assert.Equal(t, "What is the capital of France?", gs[0].Question)
}

// TestStudy_CuratorOnly sends every study-group command that changes or
// reads what curators keep (/daily, /pin, /unpin, /gaps, /settings
// answers) as a plain member: each is refused privately and reaches
// neither the study features nor the settings. A moderator's do.
func TestStudy_CuratorOnly(t *testing.T) {
	cmds := []cmd{
		{name: "daily", options: sub("start", strOpt("time", "09:30"))},
		{name: "daily", options: sub("stop")},
		{name: "pin", options: `[` + strOpt("question", "Why did Russia go to war?") + `,` + intOpt("quote", 11) + `]`},
		{name: "unpin", options: `[` + strOpt("question", "Why did Russia go to war?") + `]`},
		{name: "gaps"},
		{name: "settings", options: sub("answers", strOpt("layout", "compact"))},
	}
	cur := &fakeCurator{}
	st := &fakeStudy{}
	b := newCurateBot(t, nil, cur)
	b.Study = st
	for _, c := range cmds {
		c.perms = permsMember
		m := final(t, b.Do(t, c.interaction(t)))
		assert.Contains(t, m.text(), "Only members who can manage this server", c.name)
	}
	assert.Empty(t, st.Calls(), "a refused member reached the study features")
	assert.Empty(t, cur.Changes(), "a refused member changed a setting")

	for _, c := range cmds {
		m := final(t, b.Do(t, c.interaction(t)))
		assert.NotContains(t, m.text(), "Only members who can manage this server", c.name)
	}
	assert.Equal(t, []string{"SetDaily", "StopDaily", "Pin", "Unpin", "Gaps"}, st.Calls())
	assert.NotEmpty(t, cur.Changes(), "the moderator's settings are saved")
}

// TestAnswerSettings_EveryAnswer: the server's answer settings (compact
// layout, two results, no buttons) shape /ask, @mention and Find sources
// answers alike.
func TestAnswerSettings_EveryAnswer(t *testing.T) {
	settings := map[string]string{"layout": "compact", "results": "2", "buttons": "off"}
	cur := &fakeCurator{SettingFn: func(ctx context.Context, library, key string) (string, error) {
		return settings[key], nil
	}}
	b := newCurateBot(t, &fakeLibrary{SearchFn: pagedSearch(sampleResults)}, cur)
	b.Study = &fakeStudy{PinnedFn: func(string) (retrieval.Result, bool) { return retrieval.Result{}, false }}
	check := func(name string, m message) {
		t.Helper()
		require.Len(t, m.Embeds, 1, "%s: compact is one card", name)
		assert.Contains(t, m.Embeds[0].Description, "**2.**", name)
		assert.NotContains(t, m.Embeds[0].Description, "**3.**", "%s: two results", name)
		assert.Empty(t, m.Components, "%s: no buttons", name)
	}
	calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
	check("/ask", calls[len(calls)-1].msg(t))
	calls = b.Do(t, interaction(t, "find_sources", "CONTENT", "Russia only invaded because of NATO"))
	check("Find sources", calls[len(calls)-1].msg(t))
	r := newRecorder()
	b.HandleMessage(context.Background(), r, botUserID,
		mentionMessage(t, "<@"+botUserID+"> why did Russia go to war?", aliceID, false, botUserID))
	rs := r.Calls()
	require.Len(t, rs, 1)
	CheckLimits(t, rs[0])
	check("@mention", rs[0].msg(t))

	// With the defaults: full cards, three results, buttons.
	settings = map[string]string{}
	calls = b.Do(t, askInteraction(t, "Why did Russia go to war?"))
	m := calls[len(calls)-1].msg(t)
	assert.Len(t, m.Embeds, 3)
	assert.NotEmpty(t, m.Components)
}
