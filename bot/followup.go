package bot

import (
	"sync"
)

// Thread follow-ups: members who start a thread from one of the bot's
// answers and mention the bot in it ask a follow-up question, which the
// bot reads together with the question the answer was to. Discord gives a
// thread started from a message the id of that message, so the thread's
// id finds the answer it started from.

// starter is what the bot remembers of an answer it posted: the question
// it answered, where.
type starter struct {
	guildID    string
	question   string
	collection string // the channel's scope when it was asked
}

// threadStore remembers the bot's recent answers by message id, at most
// max of them (the oldest are forgotten first). It lives in memory: after
// a restart, a mention in an older thread is answered as a question of
// its own.
type threadStore struct {
	max int

	mu    sync.Mutex
	byID  map[string]starter
	order []string
}

func newThreadStore(max int) *threadStore {
	return &threadStore{max: max, byID: make(map[string]starter)}
}

// put remembers the answer in message id.
func (ts *threadStore) put(id string, s starter) {
	if id == "" {
		return
	}
	ts.mu.Lock()
	defer ts.mu.Unlock()
	if _, ok := ts.byID[id]; !ok {
		ts.order = append(ts.order, id)
	}
	ts.byID[id] = s
	for len(ts.order) > ts.max {
		delete(ts.byID, ts.order[0])
		ts.order = ts.order[1:]
	}
	if cap(ts.order) > 2*ts.max && len(ts.order) < cap(ts.order)/4 {
		ts.order = append([]string(nil), ts.order...)
	}
}

// get returns the answer that started thread id, if it was in guildID.
func (ts *threadStore) get(id, guildID string) (starter, bool) {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	s, ok := ts.byID[id]
	if !ok || s.guildID != guildID {
		return starter{}, false
	}
	return s, true
}
