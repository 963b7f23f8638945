package bot

import (
	"context"
	"regexp"
	"strings"
	"sync"

	"github.com/bwmarrin/discordgo"
)

// Thread follow-ups: members who start a thread from one of the bot's
// answers and mention the bot in it ask a follow-up question, which the
// bot reads together with the question the answer was to. Discord gives a
// thread started from a message the id of that message, so the thread's
// id finds the answer it started from.

// starterOf returns the answer that started thread id: from memory, or,
// for an answer posted before a restart, read from Discord. The thread is
// then in the session's state (Discord sends THREAD_CREATE with the GUILDS
// intent), and its starter message, in the parent channel, holds the
// question an /ask or /compare answer echoes. Only channels the state
// knows as threads cost a request.
func (b *Bot) starterOf(ctx context.Context, c *call, r Responder, self string, m *discordgo.Message) (starter, bool) {
	if st, ok := b.threads.get(m.ChannelID, m.GuildID); ok {
		return st, true
	}
	s, ok := r.(*discordgo.Session)
	if !ok || s.State == nil {
		return starter{}, false
	}
	ch, err := s.State.Channel(m.ChannelID)
	if err != nil || !ch.IsThread() || ch.ParentID == "" || (ch.GuildID != "" && ch.GuildID != m.GuildID) {
		return starter{}, false
	}
	first, err := s.ChannelMessage(ch.ParentID, m.ChannelID, discordgo.WithContext(ctx))
	if err != nil {
		c.log.Info("thread starter not readable", "err", err)
		return starter{}, false
	}
	if first.Author == nil || first.Author.ID != self {
		return starter{}, false
	}
	question := echoedQuestion(first.Content)
	if question == "" && first.MessageReference != nil && first.MessageReference.MessageID != "" {
		// An answer to an @mention echoes nothing: it replies to the
		// question, which Discord lets the bot read since it mentions it.
		asked, err := s.ChannelMessage(ch.ParentID, first.MessageReference.MessageID, discordgo.WithContext(ctx))
		if err != nil {
			c.log.Info("question of a thread's starter not readable", "err", err)
			return starter{}, false
		}
		question = clip(mentionQuestion(asked, self), b.MaxQuestion)
	}
	if question == "" {
		return starter{}, false
	}
	st := starter{guildID: m.GuildID, question: question,
		collection: b.scope(ctx, c, LibraryName(m.GuildID), ch.ParentID)}
	b.threads.put(m.ChannelID, st)
	return st, true
}

// mentionQuestion returns the question m asks the bot (self): its text
// without the bot's mention, or "" if m does not mention it.
func mentionQuestion(m *discordgo.Message, self string) string {
	if m == nil || m.Author == nil || m.Author.Bot {
		return ""
	}
	q := mentionRE.ReplaceAllStringFunc(m.Content, func(s string) string {
		if mentionRE.FindStringSubmatch(s)[1] == self {
			return " "
		}
		return s
	})
	if q == m.Content {
		return ""
	}
	return oneLine(q)
}

// echoedRE matches the line above an /ask or /compare answer: the label
// and the question as echo wrote it, then any note after " · ".
var echoedRE = regexp.MustCompile(`^\*\*(?:Q|Compare):\*\* (.+?)(?: · .*)?$`)

// echoedQuestion returns the question an answer's content echoes, its
// markdown escapes undone, or "".
func echoedQuestion(content string) string {
	line, _, _ := strings.Cut(content, "\n")
	sm := echoedRE.FindStringSubmatch(line)
	if sm == nil {
		return ""
	}
	return oneLine(unescapeMarkdown(strings.TrimSuffix(sm[1], ellipsis)))
}

// unescapeMarkdown undoes escapeMarkdown: a backslash before a character
// stands for the character.
func unescapeMarkdown(s string) string {
	var sb strings.Builder
	escaped := false
	for _, r := range s {
		if r == '\\' && !escaped {
			escaped = true
			continue
		}
		escaped = false
		sb.WriteRune(r)
	}
	return sb.String()
}

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
