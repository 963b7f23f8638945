package bot

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// maxLookupRunes bounds the text of a message that Find sources searches
// for: a long message's first few hundred characters say what it is about.
const maxLookupRunes = 1000

// ask answers /ask: always deferred, since a search may outlast Discord's
// three seconds, and public, since the question was.
func (b *Bot) ask(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	question := strings.TrimSpace(stringOption(data.Options, optQuestion))
	if rep, ok := b.precheck(c, question); !ok {
		b.send(c, rep)
		return
	}
	library := LibraryName(c.i.GuildID)
	b.deferredAnswer(c, func(ctx context.Context) (reply, string) {
		scope := b.scope(ctx, c, library, c.i.ChannelID)
		rep := b.answerPage(c, c.i.GuildID, library, scope, question, nil, false)
		if len(rep.embeds) > 0 {
			rep.content = echo("**Q:**", question) + scopeNote(scope)
		}
		return rep, scope
	}, question)
}

// findSources answers the "Find sources" message command: the quotes most
// relevant to the target message, shown only to whoever asked.
func (b *Bot) findSources(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	var text string
	if data.Resolved != nil {
		if m := data.Resolved.Messages[data.TargetID]; m != nil {
			text = m.Content
		}
	}
	text = clip(oneLine(text), maxLookupRunes)
	if text == "" {
		b.send(c, textReply(msgNoMessageText, true))
		return
	}
	if rep, ok := b.precheck(c, text); !ok {
		b.send(c, rep)
		return
	}
	library := LibraryName(c.i.GuildID)
	b.deferred(c, true, func(ctx context.Context) reply {
		scope := b.scope(ctx, c, library, c.i.ChannelID)
		rep := b.answerPage(c, c.i.GuildID, library, scope, text, nil, true)
		if len(rep.embeds) > 0 {
			rep.content = echo("**Sources for:**", text) + scopeNote(scope)
		}
		return rep
	})
}

// precheck turns away, before anything is deferred, a question that
// cannot be asked: too long, without searchable words, or asked too soon
// after the user's last one. The reply is ephemeral.
func (b *Bot) precheck(c *call, question string) (reply, bool) {
	switch {
	case utf8.RuneCountInString(question) > b.MaxQuestion:
		return textReply(fmt.Sprintf("Please keep questions under %d characters.", b.MaxQuestion), true), false
	case len(retrieval.QueryTerms(question)) == 0:
		return textReply(msgEmptyQuestion, true), false
	}
	if ok, wait := b.cool.allow(userID(c.i), b.Now()); !ok {
		c.log.Info("cooldown", "wait", wait)
		return textReply(msgCooldown(wait), true), false
	}
	// After the user's cooldown, so that one member's spam spends only
	// their own allowance, not the server's.
	if ok, wait := b.rate.allow(c.i.GuildID, b.Now()); !ok {
		c.log.Info("server rate limit", "wait", wait)
		return textReply(msgServerBusy(wait), true), false
	}
	return reply{}, true
}

// answerPage searches library (or only its collection, if one is named)
// for question and renders a page of results as cards with their buttons,
// or says why there are none: the first page, or with after (the page
// whose More was clicked) the page after it. The server's settings decide
// the number of cards, their layout and the buttons. On the first page a
// quote moderators pinned to the question comes first, marked; the pages
// after it leave it out, so that it is shown once.
func (b *Bot) answerPage(c *call, guildID, library, collection, question string, after *page, ephemeral bool) reply {
	look := b.look(c.ctx, c, library)
	n := look.results
	offset := 0
	var pin, skip *retrieval.Result
	if after != nil {
		offset, skip = after.next, after.skip
	} else if b.Study != nil {
		r, ok, err := b.Study.Pinned(c.ctx, library, collection, question)
		switch {
		case err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary):
			c.log.Warn("read pinned answer", "err", err)
		case ok:
			pin, skip = &r, &r
		}
	}
	// One more than shown, to know whether a More button is needed (two
	// when one of them may be the pinned quote, left out); the selection
	// is prefix-stable, so the extra results do not change the first ones.
	limit := n + 1
	if skip != nil {
		limit++
	}
	results, err := b.lib.Search(c.ctx, retrieval.Query{Library: library, Text: question, Limit: limit, Offset: offset,
		Collection: collection})
	if err != nil && !(pin != nil && errors.Is(err, retrieval.ErrNoMatch)) {
		if errors.Is(err, retrieval.ErrNoMatch) && !ephemeral {
			b.recordGap(c, library, question)
		}
		return b.errorReply(c, library, err, ephemeral)
	}
	// The pinned quote takes the first place; the search fills the rest,
	// without showing the pinned quote twice.
	var shown []retrieval.Result
	if pin != nil {
		shown = append(shown, *pin)
	}
	consumed := 0
	for _, r := range results {
		if len(shown) == n {
			break
		}
		consumed++
		if skip == nil || !sameQuote(r, *skip) {
			shown = append(shown, r)
		}
	}
	more := false
	for _, r := range results[consumed:] {
		if skip == nil || !sameQuote(r, *skip) {
			more = true
		}
	}
	if len(shown) == 0 {
		if after != nil {
			return textReply(msgNoMoreResults, ephemeral)
		}
		if !ephemeral {
			b.recordGap(c, library, question)
		}
		return textReply(msgNoMatch(), ephemeral)
	}
	p := &page{guildID: guildID, library: library, kind: pageAnswer, query: question, collection: collection,
		offset: offset, next: offset + consumed, results: shown, pinned: pin != nil, skip: skip}
	return b.renderAnswer(c, p, look, more, ephemeral)
}

// sameQuote reports whether a and b are the same words of the same source.
func sameQuote(a, b retrieval.Result) bool {
	if a.QuoteID != 0 && a.QuoteID == b.QuoteID {
		return true
	}
	return a.Source.ID == b.Source.ID && a.Start == b.Start && a.End == b.End
}

// recordGap notes that the library had no answer to question; a failure
// is logged, as the user's answer does not depend on it.
func (b *Bot) recordGap(c *call, library, question string) {
	if b.Study == nil {
		return
	}
	if err := b.Study.RecordGap(c.ctx, library, question); err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
		c.log.Warn("record unanswered question", "err", err)
	}
}

// scopeNote says, after the question, that the answer comes from one
// collection only.
func scopeNote(collection string) string {
	if collection == "" {
		return ""
	}
	name, _ := fitEscaped(collection, maxCollectionName)
	return " · *from the collection “" + name + "”*"
}

// stringOption returns the value of the string option name, or "".
func stringOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name && o.Type == discordgo.ApplicationCommandOptionString {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// mentionRE matches a user mention: <@id> or <@!id>.
var mentionRE = regexp.MustCompile(`<@!?(\d+)>`)

// HandleMessage answers a message that mentions the bot (self is the
// bot's user id) with the same answer /ask gives, as a reply in the
// channel. Other messages, the bot's own, other bots', and messages outside
// servers are ignored. Discord delivers the text of a message that
// mentions the bot even without the privileged message-content intent.
func (b *Bot) HandleMessage(ctx context.Context, r Responder, self string, m *discordgo.Message) {
	b.init()
	if m == nil || m.Author == nil || m.Author.Bot || self == "" || m.Author.ID == self || m.GuildID == "" {
		return
	}
	mentioned := false
	for _, u := range m.Mentions {
		if u != nil && u.ID == self {
			mentioned = true
		}
	}
	// A reply to the bot also lists it in Mentions; only an explicit
	// @mention in the text is a question.
	question := mentionRE.ReplaceAllStringFunc(m.Content, func(s string) string {
		if mentionRE.FindStringSubmatch(s)[1] == self {
			return " "
		}
		return s
	})
	if !mentioned || question == m.Content {
		return
	}
	closing, ok := b.begin()
	if !ok || closing {
		if ok {
			b.end()
		}
		return // a restarting bot leaves channel messages alone
	}
	defer b.end()
	ctx, cancel := b.handlerContext(ctx, b.AnswerTimeout)
	defer cancel()
	c := &call{ctx: ctx, r: r, log: b.Logger.With("message", m.ID, "guild", m.GuildID, "channel", m.ChannelID, "user", m.Author.ID)}

	question = oneLine(question)
	var rep reply
	var library, scope, search string
	followUp := false
	switch {
	case question == "":
		rep = textReply(msgMentionHelp, false)
	case len(retrieval.QueryTerms(question)) == 0:
		rep = textReply(msgEmptyQuestion, false)
	default:
		if ok, wait := b.cool.allow(m.Author.ID, b.Now()); !ok {
			// A channel message cannot be private: say nothing.
			c.log.Info("cooldown; mention ignored", "wait", wait)
			return
		}
		if ok, wait := b.rate.allow(m.GuildID, b.Now()); !ok {
			c.log.Info("server rate limit; mention ignored", "wait", wait)
			return
		}
		question = clip(question, b.MaxQuestion)
		library = LibraryName(m.GuildID)
		scope = b.scope(ctx, c, library, m.ChannelID)
		search = question
		// In a thread started from one of the bot's answers, the question
		// follows up on the one that answer was to.
		if st, ok := b.starterOf(ctx, c, r, self, m); ok {
			followUp = true
			search = st.question + " " + question
			if scope == "" {
				scope = st.collection
			}
			c.log.Info("follow-up question in a thread")
		}
		rep = b.answerPage(c, m.GuildID, library, scope, search, nil, false)
		if followUp && len(rep.embeds) > 0 {
			first, _ := fitEscaped(oneLine(b.threadQuestion(m.ChannelID, m.GuildID)), maxEchoRunes/2)
			rep.content = echo("**Follow-up:**", question) + " · *read with the thread's question:* " + first + scopeNote(scope)
		}
	}
	rep.clamp()
	// Into the thread's study packet before the answer shows (see
	// deferredAnswer).
	b.recordCited(c, library, m.ChannelID, rep.shown)
	failIfGone := false
	sent, err := r.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
		Content:         rep.content,
		Embeds:          rep.embeds,
		Components:      rep.components,
		AllowedMentions: noMentions(),
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &failIfGone},
	})
	if err != nil {
		c.log.Error("reply to mention", "err", err)
		return
	}
	if len(rep.shown) > 0 && sent != nil && !followUp {
		b.threads.put(sent.ID, starter{guildID: m.GuildID, question: search, collection: scope})
	}
}

// threadQuestion is the question that started thread id, or "".
func (b *Bot) threadQuestion(id, guildID string) string {
	st, _ := b.threads.get(id, guildID)
	return st.question
}
