package bot

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Buttons carry a custom_id of the form "v1:<action>:<state>:<card>", where
// state names a page kept in memory by pageStore. The id is 72 random bits
// and the page remembers the server it was shown in, so a custom_id copied
// into another server (or guessed) finds nothing there: the paging state
// never leaves the process and cannot be forged. The cost is that buttons
// stop working after StateTTL or a restart; they then say "ask again".

// Button actions.
const (
	actionMore    = "more"
	actionContext = "ctx"
	actionCite    = "cite"
	actionRemove  = "rm"    // confirm /source remove
	actionKeep    = "keep"  // cancel /source remove
	actionPaste   = "paste" // the /source paste form (a modal, not a button)

	// Study groups (study.go, reading.go, feedback.go).
	actionPrev      = "prev" // the paragraph before a card's (or the one being read)
	actionNext      = "next" // the paragraph after
	actionCitePlain = "cq"   // a citation message: back to the plain citation
	actionAPA       = "apa"  // a citation message: APA style
	actionMLA       = "mla"  // MLA style
	actionChicago   = "chi"  // Chicago style
	actionUp        = "up"   // 👍 on an answer
	actionDown      = "down" // 👎 on an answer
)

// customIDPrefix versions the custom_id format.
const customIDPrefix = "v1"

// pageKind says what a page lists, and so how More fetches the next one.
type pageKind int

const (
	pageAnswer     pageKind = iota // search results for a question
	pageQuotes                     // a speaker's quotes
	pageSources                    // the library's sources
	pageSourceList                 // the library's sources with ids, for curators
	pageHistory                    // the library's audit log
	pageConfirm                    // a /source remove waiting for its confirmation
	pageCompare                    // /compare: one quote per speaker
	pageRead                       // one paragraph of a source, read from a card
	pageDaily                      // the daily quote's card
)

// page is one page of results as shown, with what the next page needs.
type page struct {
	guildID string
	library string
	kind    pageKind
	query   string // the question, or the speaker
	// collection is the collection the answer was limited to (the
	// channel's scope when it was asked), or "".
	collection string
	// userID is the moderator who asked, the only one who may confirm; and
	// sourceID the source concerned (pageConfirm, pageHistory).
	userID   string
	sourceID int64
	offset   int // index of the first item shown
	next     int // index of the first item of the next page
	results  []retrieval.Result
	// pinned says results[0] is the answer moderators pinned to query;
	// skip is that quote, which the pages after the first leave out.
	pinned bool
	skip   *retrieval.Result
	// counts holds the number of paragraphs of each result's source, for
	// the bounds of Previous and Next (0: not known).
	counts []int
	// paragraph is the paragraph shown (pageRead), of results[0]'s source.
	paragraph int
	expires   time.Time
}

// pageStore keeps pages by random id for a while, in memory.
type pageStore struct {
	ttl time.Duration
	max int

	mu    sync.Mutex
	pages map[string]*page
	order []string // ids, oldest first; expiry follows insertion order
}

func newPageStore(ttl time.Duration, max int) *pageStore {
	return &pageStore{ttl: ttl, max: max, pages: make(map[string]*page)}
}

// put stores p and returns its id. It forgets expired pages, and the
// oldest ones while the store is full.
func (ps *pageStore) put(p *page, now time.Time) string {
	id := newStateID()
	p.expires = now.Add(ps.ttl)
	ps.mu.Lock()
	defer ps.mu.Unlock()
	for len(ps.order) > 0 {
		old, ok := ps.pages[ps.order[0]]
		if ok && len(ps.pages) < ps.max && now.Before(old.expires) {
			break
		}
		delete(ps.pages, ps.order[0])
		ps.order = ps.order[1:]
	}
	if cap(ps.order) > 2*ps.max && len(ps.order) < cap(ps.order)/4 {
		ps.order = append([]string(nil), ps.order...) // let the old array go
	}
	ps.pages[id] = p
	ps.order = append(ps.order, id)
	return id
}

// get returns the page id if it exists, has not expired and was shown in
// guildID.
func (ps *pageStore) get(id, guildID string, now time.Time) (*page, bool) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	p, ok := ps.pages[id]
	if !ok || !now.Before(p.expires) || p.guildID != guildID {
		return nil, false
	}
	return p, true
}

// delete forgets the page id, so that a confirmation works only once.
func (ps *pageStore) delete(id string) {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	delete(ps.pages, id)
}

// len returns the number of pages held, expired or not.
func (ps *pageStore) len() int {
	ps.mu.Lock()
	defer ps.mu.Unlock()
	return len(ps.pages)
}

// newStateID returns 72 random bits as 12 URL-safe characters.
func newStateID() string {
	var buf [9]byte
	if _, err := rand.Read(buf[:]); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err)) // never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(buf[:])
}

// customID builds a button's custom_id (at most 26 characters).
func customID(action, state string, card int) string {
	return customIDPrefix + ":" + action + ":" + state + ":" + strconv.Itoa(card)
}

// parseCustomID splits a custom_id made by customID.
func parseCustomID(id string) (action, state string, card int, ok bool) {
	parts := strings.Split(id, ":")
	if len(parts) != 4 || parts[0] != customIDPrefix {
		return "", "", 0, false
	}
	n, err := strconv.Atoi(parts[3])
	if err != nil || n < 0 || n > 25 {
		return "", "", 0, false
	}
	return parts[1], parts[2], n, true
}

// cooldowns remembers when each user last asked a question.
type cooldowns struct {
	every time.Duration

	mu   sync.Mutex
	last map[string]time.Time
}

func newCooldowns(every time.Duration) *cooldowns {
	return &cooldowns{every: every, last: make(map[string]time.Time)}
}

// allow reports whether user may ask now, and if not, how long to wait.
// An allowed question starts the user's next cooldown.
func (c *cooldowns) allow(user string, now time.Time) (bool, time.Duration) {
	if c.every <= 0 || user == "" {
		return true, 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if t, ok := c.last[user]; ok && now.Sub(t) < c.every {
		return false, c.every - now.Sub(t)
	}
	if len(c.last) >= 10000 {
		for u, t := range c.last {
			if now.Sub(t) >= c.every {
				delete(c.last, u)
			}
		}
	}
	c.last[user] = now
	return true, 0
}
