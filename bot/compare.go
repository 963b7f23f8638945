package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// study routes the study-group commands.
func (b *Bot) study(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	if b.Study == nil {
		b.send(c, textReply(msgNoStudy, true))
		return
	}
	switch data.Name {
	case cmdCompare:
		b.compare(c, data)
	case cmdExport:
		b.export(c, data)
	case cmdDaily:
		b.daily(c, data)
	case cmdPin:
		b.pin(c, data.Options)
	case cmdUnpin:
		b.unpin(c, data.Options)
	case cmdGaps:
		b.gaps(c)
	default:
		b.send(c, textReply(msgUnknownCommand, true))
	}
}

// msgNoStudy answers a study-group command on a bot without them.
const msgNoStudy = "The study-group features are not enabled on this bot."

// compare answers /compare: what different speakers said on a topic, one
// card per speaker with their most relevant quote, in public.
func (b *Bot) compare(c *call, data discordgo.ApplicationCommandInteractionData) {
	topic := oneLine(stringOption(data.Options, optTopic))
	speakers := maxCompareSpeakers
	if n, ok := intOption(data.Options, optSpeakers); ok && n >= 2 && n <= maxCompareSpeakers {
		speakers = int(n)
	}
	if rep, ok := b.precheck(c, topic); !ok {
		b.send(c, rep)
		return
	}
	library := LibraryName(c.i.GuildID)
	b.deferredAnswer(c, func(ctx context.Context) (reply, string) {
		scope := b.scope(ctx, c, library, c.i.ChannelID)
		results, err := b.Study.Compare(ctx, retrieval.Query{Library: library, Text: topic, Collection: scope, Limit: speakers}, speakers)
		if len(results) == 0 && (err == nil || errors.Is(err, retrieval.ErrNoMatch)) {
			b.recordGap(c, library, topic)
			return textReply(msgNobodyOnTopic, false), scope
		}
		if err != nil {
			return b.errorReply(c, library, err, false), scope
		}
		results = results[:min(len(results), speakers)]
		look := b.look(ctx, c, library)
		p := &page{guildID: c.i.GuildID, library: library, kind: pageCompare, query: topic, collection: scope,
			results: results, next: len(results)}
		rep := b.renderAnswer(c, p, look, false, false)
		rep.content = echo("**Compare:**", topic) + fmt.Sprintf(" · %d speaker%s", len(results), plural(len(results))) + scopeNote(scope)
		return rep, scope
	}, topic)
}

// msgNobodyOnTopic is /compare's honest answer when nobody is quoted on
// the topic.
const msgNobodyOnTopic = "**Nobody in this server's library is quoted on that.** /compare shows what different people said, " +
	"so it needs attributed quotes on the topic. Try other words, or `/ask` for passages."

// deferredAnswer defers a public answer, completes it with f's reply and,
// when it shows results, adds them to the channel's study packet and
// remembers the message as one that starts follow-up threads on question
// (asked in the returned collection scope). The quotes go into the packet
// before the answer shows, so that an /export right after it has them.
func (b *Bot) deferredAnswer(c *call, f func(ctx context.Context) (reply, string), question string) {
	if !b.deferReply(c, false) {
		return
	}
	rep, scope := f(c.ctx)
	b.recordCited(c, LibraryName(c.i.GuildID), c.i.ChannelID, rep.shown)
	msg := b.edit(c, rep)
	if msg == nil || len(rep.shown) == 0 {
		return
	}
	b.threads.put(msg.ID, starter{guildID: c.i.GuildID, question: question, collection: scope})
}

// recordCited adds rs to the study packet of the channel or thread; a
// failure is logged, as the answer does not depend on it.
func (b *Bot) recordCited(c *call, library, thread string, rs []retrieval.Result) {
	if b.Study == nil || thread == "" || len(rs) == 0 {
		return
	}
	if err := b.Study.RecordCited(c.ctx, library, thread, rs...); err != nil {
		c.log.Warn("record cited quotes", "err", err)
	}
}

// pin answers /pin: curators make a quote the answer to a question.
func (b *Bot) pin(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	question := oneLine(stringOption(opts, optQuestion))
	id, _ := intOption(opts, optQuoteID)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if len(retrieval.QueryTerms(question)) == 0 {
			return now(textReply(msgPinWords, true))
		}
		if id < 1 {
			return now(textReply(msgUnknownQuote, true))
		}
		if err := b.Study.Pin(ctx, library, actor, question, id); err != nil {
			if errors.Is(err, retrieval.ErrEmptyQuery) {
				return now(textReply(msgPinWords, true))
			}
			return now(b.curateError(c, library, err))
		}
		c.log.Info("answer pinned", "library", library, "quote", id)
		q, _ := fitEscaped(question, maxEchoRunes)
		return now(textReply("📌 **Pinned** quote #"+strconv.FormatInt(id, 10)+" as the answer to “"+q+"”. "+
			"`/ask` and @mentions asking it (in any wording with the same words) show it first, marked as pinned. "+
			"`/unpin` takes it off.", true))
	})
}

// unpin answers /unpin.
func (b *Bot) unpin(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	question := oneLine(stringOption(opts, optQuestion))
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if len(retrieval.QueryTerms(question)) == 0 {
			return now(textReply(msgPinWords, true))
		}
		if err := b.Study.Unpin(ctx, library, actor, question); err != nil {
			if noPin(err) {
				return now(textReply(msgNoPin, true))
			}
			return now(b.curateError(c, library, err))
		}
		c.log.Info("answer unpinned", "library", library)
		q, _ := fitEscaped(question, maxEchoRunes)
		return now(textReply("**Unpinned** the answer to “"+q+"”: it is answered from the library again.", true))
	})
}

// noPin reports whether err says no answer is pinned to the question.
func noPin(err error) bool { return errors.Is(err, retrieval.ErrNoPin) }

// What /pin and /unpin say.
const (
	msgPinWords = "Give the question in words, as members ask it, e.g. `/pin question: Why did Russia go to war? quote: 123`."
	msgNoPin    = "No answer is pinned to that question. A pin matches the question's words, whatever their case or punctuation."
)
