package bot

import (
	"context"
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
	b.deferred(c, false, func(ctx context.Context) reply {
		scope := b.scope(ctx, c, library, c.i.ChannelID)
		rep := b.answerPage(c, c.i.GuildID, library, scope, question, 0, false)
		if len(rep.embeds) > 0 {
			rep.content = echo("**Q:**", question) + scopeNote(scope)
		}
		return rep
	})
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
		rep := b.answerPage(c, c.i.GuildID, library, scope, text, 0, true)
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
// for question and renders the page of results starting at offset as
// cards with their buttons, or says why there are none.
func (b *Bot) answerPage(c *call, guildID, library, collection, question string, offset int, ephemeral bool) reply {
	n := b.MaxResults
	// One more than shown, to know whether a More button is needed; the
	// selection is prefix-stable, so the extra result does not change the
	// first n.
	results, err := b.lib.Search(c.ctx, retrieval.Query{Library: library, Text: question, Limit: n + 1, Offset: offset,
		Collection: collection})
	if err != nil {
		return b.errorReply(c, library, err, ephemeral)
	}
	if len(results) == 0 {
		if offset > 0 {
			return textReply(msgNoMoreResults, ephemeral)
		}
		return textReply(msgNoMatch(), ephemeral)
	}
	more := len(results) > n
	if more {
		results = results[:n]
	}
	p := &page{guildID: guildID, library: library, kind: pageAnswer, query: question, collection: collection,
		offset: offset, next: offset + len(results), results: results}
	state := b.pages.put(p, b.Now())
	return reply{embeds: cards(results), components: pageButtons(state, len(results), more), ephemeral: ephemeral}
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
		library := LibraryName(m.GuildID)
		rep = b.answerPage(c, m.GuildID, library, b.scope(ctx, c, library, m.ChannelID), question, 0, false)
	}
	rep.clamp()
	failIfGone := false
	if _, err := r.ChannelMessageSendComplex(m.ChannelID, &discordgo.MessageSend{
		Content:         rep.content,
		Embeds:          rep.embeds,
		Components:      rep.components,
		AllowedMentions: noMentions(),
		Reference:       &discordgo.MessageReference{MessageID: m.ID, ChannelID: m.ChannelID, GuildID: m.GuildID, FailIfNotExists: &failIfGone},
	}); err != nil {
		c.log.Error("reply to mention", "err", err)
	}
}
