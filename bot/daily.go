package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// The daily quote: curators schedule one quote a day in a channel, at a
// time of day (UTC), from the library or one collection. The schedules
// live in the index, so they survive restarts; a scheduler goroutine,
// started by Open and stopped by Close, checks them on every tick of
// DailyTick (or every DefaultDailyInterval) against the Bot's clock and
// posts the ones due. NextDaily records the quote shown and the time in one
// transaction before the bot posts, so a restart never posts twice.

// DailyScheduler keeps the daily-quote schedules.
type DailyScheduler interface {
	// SetDaily creates or replaces the schedule of d.Channel.
	SetDaily(ctx context.Context, actor retrieval.Actor, d retrieval.Daily) error
	// StopDaily removes the schedule of channel. It returns
	// retrieval.ErrNoDaily when there is none.
	StopDaily(ctx context.Context, library string, actor retrieval.Actor, channel string) error
	// Dailies returns every schedule of every library.
	Dailies(ctx context.Context) ([]retrieval.Daily, error)
	// NextDaily picks the next quote for channel (none repeats until all
	// have been shown), records it and now as posted, and returns it. It
	// returns retrieval.ErrNothingToPost when there is no quote.
	NextDaily(ctx context.Context, library, channel string, now time.Time) (retrieval.Result, error)
}

// DefaultDailyInterval is how often the scheduler looks for a daily quote
// due, when DailyTick is not set.
const DefaultDailyInterval = time.Minute

// runDailies is the scheduler goroutine: on every tick it posts the daily
// quotes due, until Close.
func (b *Bot) runDailies(tick <-chan time.Time, stop func()) {
	defer b.wg.Done()
	defer stop()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-tick:
		}
		b.postDailies(b.ctx)
	}
}

// postDailies posts every daily quote due now, each within AnswerTimeout.
func (b *Bot) postDailies(ctx context.Context) {
	now := b.Now().UTC()
	lctx, cancel := context.WithTimeout(ctx, b.AnswerTimeout)
	ds, err := b.Study.Dailies(lctx)
	cancel()
	if err != nil {
		b.Logger.Error("read daily quote schedules", "err", err)
		return
	}
	for _, d := range ds {
		if ctx.Err() != nil {
			return
		}
		// Every process reads every schedule; each posts those of its
		// own shards' servers, so that none is posted twice.
		if d.Due(now) && b.ownsLibrary(d.Library) {
			b.postDaily(ctx, d, now)
		}
	}
}

// postDaily posts d's quote for now. NextDaily records it as posted
// first, so that a failure or a restart never posts twice in a day.
func (b *Bot) postDaily(ctx context.Context, d retrieval.Daily, now time.Time) {
	ctx, cancel := context.WithTimeout(ctx, b.AnswerTimeout)
	defer cancel()
	log := b.Logger.With("library", d.Library, "channel", d.Channel)
	r, err := b.Study.NextDaily(ctx, d.Library, d.Channel, now)
	if errors.Is(err, retrieval.ErrNothingToPost) {
		log.Debug("daily quote: nothing to post")
		return
	}
	if err != nil {
		log.Error("pick daily quote", "err", err)
		return
	}
	c := &call{ctx: ctx, log: log}
	rep := b.dailyReply(c, d, r)
	rep.clamp()
	b.recordCited(c, d.Library, d.Channel, []retrieval.Result{r})
	if _, err := b.session().ChannelMessageSendComplex(d.Channel, &discordgo.MessageSend{
		Content: rep.content, Embeds: rep.embeds, Components: rep.components, AllowedMentions: noMentions(),
	}, discordgo.WithContext(ctx)); err != nil {
		log.Error("post daily quote", "err", err)
		return
	}
	log.Info("daily quote posted", "quote", r.QuoteID)
}

// session is the Discord session serving now.
func (b *Bot) session() Responder {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.live != nil {
		return b.live
	}
	return b.Session
}

// dailyReply is the daily quote's message: one card under a heading,
// in the server's layout and, like any quote card, with Open, ◀ Previous,
// Next ▶ and Cite unless the server turned buttons off. They work for
// StateTTL, as an answer's do.
func (b *Bot) dailyReply(c *call, d retrieval.Daily, r retrieval.Result) reply {
	rep := reply{embeds: cards([]retrieval.Result{r})}
	if guildID, ok := strings.CutPrefix(d.Library, LibraryName("")); ok && guildID != "" {
		p := &page{guildID: guildID, library: d.Library, kind: pageDaily, collection: d.Collection,
			results: []retrieval.Result{r}, next: 1}
		rep = b.renderAnswer(c, p, b.look(c.ctx, c, d.Library), false, false)
	}
	rep.content = "**📅 Quote of the day**"
	return rep
}

// parseClock reads a time of day written HH:MM (or H:MM) as minutes after
// midnight.
func parseClock(s string) (int, bool) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return 0, false
	}
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, false
	}
	return hh*60 + mm, true
}

// daily answers /daily start and /daily stop. Curators only.
func (b *Bot) daily(c *call, data discordgo.ApplicationCommandInteractionData) {
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		b.send(c, textReply(msgUnknownCommand, true))
		return
	}
	sub := data.Options[0]
	channel := optionValue(sub.Options, optChannel)
	if channel == "" {
		channel = c.i.ChannelID
	}
	if !snowflake(channel) {
		b.send(c, textReply(msgPickChannel, true))
		return
	}
	// Discord resolves a channel option to a channel of this server; the
	// bot posts only where Discord says the channel is.
	if given := optionValue(sub.Options, optChannel) != ""; given {
		var ch *discordgo.Channel
		if data.Resolved != nil {
			ch = data.Resolved.Channels[channel]
		}
		if ch == nil || (ch.GuildID != "" && ch.GuildID != c.i.GuildID) {
			b.send(c, textReply(msgPickChannel, true))
			return
		}
	}
	switch sub.Name {
	case subStart:
		at, _ := textOption(sub.Options, optTime)
		collection, _ := textOption(sub.Options, optCollection)
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
			minute, ok := parseClock(at)
			if !ok {
				return now(textReply(msgBadClock, true))
			}
			scoped := false
			if collection != "" {
				name, err := b.findCollection(ctx, library, collection)
				if err != nil {
					return now(b.curateError(c, library, err))
				}
				collection = name
			} else if collection = b.scope(ctx, c, library, channel); collection != "" {
				// The channel answers from one collection: its daily
				// quote comes from there too.
				scoped = true
			}
			d := retrieval.Daily{Library: library, Channel: channel, Collection: collection, Minute: minute}
			if err := b.Study.SetDaily(ctx, actor, d); err != nil {
				return now(b.curateError(c, library, err))
			}
			c.log.Info("daily quote scheduled", "library", library, "channel", channel, "minute", minute)
			from := "the whole library"
			if collection != "" {
				n, _ := fitEscaped(collection, maxCollectionName)
				from = "the collection “" + n + "”"
				if scoped {
					from += " (the channel's scope)"
				}
			}
			return now(textReply(fmt.Sprintf("📅 **Scheduled**: a quote a day in <#%s> at %02d:%02d UTC, from %s, "+
				"none repeated until all have been shown. `/daily stop` ends it.",
				channel, minute/60, minute%60, from), true))
		})
	case subStop:
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
			if err := b.Study.StopDaily(ctx, library, actor, channel); err != nil {
				if errors.Is(err, retrieval.ErrNoDaily) {
					return now(textReply("There is no daily quote in <#"+channel+">.", true))
				}
				return now(b.curateError(c, library, err))
			}
			c.log.Info("daily quote stopped", "library", library, "channel", channel)
			return now(textReply("**Stopped** the daily quote in <#"+channel+">.", true))
		})
	default:
		b.send(c, textReply(msgUnknownCommand, true))
	}
}

// snowflake reports whether s is a Discord id.
func snowflake(s string) bool {
	if s == "" || len(s) > 20 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// msgPickChannel asks for a channel of this server.
const msgPickChannel = "Pick the channel from the list Discord offers: a text or announcement channel of this server."

// msgBadClock asks for a time of day the bot can read.
const msgBadClock = "Write the time as HH:MM in UTC, for example `09:30` or `18:00`. Nothing was changed."
