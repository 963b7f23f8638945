package bot

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Responder sends the bot's messages to Discord. *discordgo.Session
// satisfies it; tests record the calls instead.
type Responder interface {
	// InteractionRespond sends the first response to an interaction.
	InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, options ...discordgo.RequestOption) error
	// InteractionResponseEdit edits that response (after a deferral).
	InteractionResponseEdit(i *discordgo.Interaction, edit *discordgo.WebhookEdit, options ...discordgo.RequestOption) (*discordgo.Message, error)
	// ChannelMessageSendComplex posts a message in a channel.
	ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, options ...discordgo.RequestOption) (*discordgo.Message, error)
}

// call is one event being handled: what the handlers need to answer it.
// i is nil for a channel message.
type call struct {
	ctx context.Context
	r   Responder
	i   *discordgo.Interaction
	log *slog.Logger
}

// HandleInteraction answers one interaction through r. Open routes the
// gateway's interactions here; tests call it directly. It returns when the
// interaction has been answered (or has failed and been logged).
func (b *Bot) HandleInteraction(ctx context.Context, r Responder, i *discordgo.Interaction) {
	b.init()
	closing, ok := b.begin()
	if !ok {
		return
	}
	defer b.end()
	if i == nil || i.ID == "" || i.Token == "" {
		b.Logger.Warn("dropped an interaction that did not decode")
		return
	}
	timeout := b.AnswerTimeout
	if isCuration(i) {
		timeout = b.CurateTimeout
	}
	ctx, cancel := b.handlerContext(ctx, timeout)
	defer cancel()
	c := &call{ctx: ctx, r: r, i: i, log: b.Logger.With(
		"interaction", i.ID, "type", i.Type.String(), "guild", i.GuildID, "user", userID(i))}

	if closing {
		if i.Type == discordgo.InteractionApplicationCommandAutocomplete {
			b.choices(c, nil)
			return
		}
		b.send(c, textReply(msgRestarting, true))
		return
	}

	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		data := i.ApplicationCommandData()
		c.log = c.log.With("command", data.Name)
		switch data.Name {
		case cmdAsk:
			b.ask(c, data)
		case cmdQuotes:
			b.quotes(c, data)
		case cmdSources:
			b.sources(c)
		case cmdFindSources:
			b.findSources(c, data)
		case cmdLibrary:
			b.library(c, data)
		case cmdSource, cmdQuote, cmdCollection, cmdSettings, cmdOptOut, cmdAddSource:
			b.curate(c, data)
		case cmdCompare, cmdExport, cmdDaily, cmdPin, cmdUnpin, cmdGaps:
			b.study(c, data)
		default:
			b.send(c, textReply(msgUnknownCommand, true))
		}
	case discordgo.InteractionApplicationCommandAutocomplete:
		b.autocomplete(c, i.ApplicationCommandData())
	case discordgo.InteractionMessageComponent:
		b.button(c, i.MessageComponentData())
	case discordgo.InteractionModalSubmit:
		b.modalSubmit(c, i.ModalSubmitData())
	default:
		// Pings come over HTTP only.
		c.log.Debug("ignored an interaction")
	}
}

// handlerContext derives the context for handling one event from ctx:
// it ends after timeout, or when Close gives up waiting, whichever comes
// first.
func (b *Bot) handlerContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	stop := context.AfterFunc(b.ctx, cancel)
	return ctx, func() {
		stop()
		cancel()
	}
}

// userID is the id of the user behind i, in a server or a DM.
func userID(i *discordgo.Interaction) string {
	switch {
	case i.Member != nil && i.Member.User != nil:
		return i.Member.User.ID
	case i.User != nil:
		return i.User.ID
	}
	return ""
}

// send answers c at once with rep (CHANNEL_MESSAGE_WITH_SOURCE).
func (b *Bot) send(c *call, rep reply) {
	rep.clamp()
	data := &discordgo.InteractionResponseData{
		Content:         rep.content,
		Embeds:          rep.embeds,
		Components:      rep.components,
		AllowedMentions: noMentions(),
	}
	if rep.ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := respond(c, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource, Data: data,
	}); err != nil {
		c.log.Error("respond to interaction", "err", err)
	}
}

// deferReply acknowledges c now and promises a message later
// (DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE); the message will be ephemeral if
// ephemeral is set, whatever the later edit says. It reports whether the
// acknowledgement went through.
func (b *Bot) deferReply(c *call, ephemeral bool) bool {
	data := &discordgo.InteractionResponseData{AllowedMentions: noMentions()}
	if ephemeral {
		data.Flags = discordgo.MessageFlagsEphemeral
	}
	if err := respond(c, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredChannelMessageWithSource, Data: data,
	}); err != nil {
		c.log.Error("defer interaction response", "err", err)
		return false
	}
	return true
}

// edit completes a deferred response with rep and returns the message as
// edited, or nil if the edit failed.
func (b *Bot) edit(c *call, rep reply) *discordgo.Message {
	rep.clamp()
	embeds := rep.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	components := rep.components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	edit := &discordgo.WebhookEdit{
		Content:         &rep.content,
		Embeds:          &embeds,
		Components:      &components,
		AllowedMentions: noMentions(),
	}
	if len(rep.files) > 0 {
		edit.Files = rep.files
	}
	// An edit is idempotent, so a 5xx is safe to retry.
	var msg *discordgo.Message
	if err := retry5xx(c.ctx, func() error {
		for _, f := range rep.files {
			if s, ok := f.Reader.(io.Seeker); ok {
				_, _ = s.Seek(0, io.SeekStart) // a retry sends the file again
			}
		}
		m, err := c.r.InteractionResponseEdit(c.i, edit)
		msg = m
		return err
	}); err != nil {
		c.log.Error("edit interaction response", "err", err)
		return nil
	}
	return msg
}

// deferred acknowledges c at once, then runs f and edits the response
// with its reply. Work that searches always goes this way.
func (b *Bot) deferred(c *call, ephemeral bool, f func(ctx context.Context) reply) {
	if !b.deferReply(c, ephemeral) {
		return
	}
	b.edit(c, f(c.ctx))
}

// answer runs f and sends its reply at once if it is ready within
// DeferAfter; otherwise it defers (ephemeral as given) and edits the
// response when f is done. The goroutine running f is always waited for.
func (b *Bot) answer(c *call, ephemeral bool, f func(ctx context.Context) reply) {
	b.answerOrDefer(c, f, b.send, func() bool { return b.deferReply(c, ephemeral) })
}

// answerOrDefer runs f; if its reply is ready within DeferAfter it goes
// out through now, otherwise deferral acknowledges the interaction and the
// reply follows as an edit (unless the acknowledgement failed). The
// goroutine running f is always waited for.
func (b *Bot) answerOrDefer(c *call, f func(ctx context.Context) reply, now func(*call, reply), deferral func() bool) {
	done := make(chan reply, 1)
	go func() { done <- f(c.ctx) }()
	t := time.NewTimer(b.DeferAfter)
	defer t.Stop()
	select {
	case rep := <-done:
		now(c, rep)
	case <-t.C:
		ok := deferral()
		rep := <-done
		if ok {
			b.edit(c, rep)
		}
	}
}

// choices answers an autocomplete interaction.
func (b *Bot) choices(c *call, choices []*discordgo.ApplicationCommandOptionChoice) {
	if choices == nil {
		choices = []*discordgo.ApplicationCommandOptionChoice{}
	}
	if err := respond(c, &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}); err != nil {
		c.log.Error("answer autocomplete", "err", err)
	}
}

// restRetries is how many more times the bot sends a response or an edit
// that Discord answered with a 5xx. discordgo v0.29.0 retries 502 itself
// (and sleeps through 429s), but gives up on 500, 503 and 504 at once,
// which would leave the user with "The application did not respond" or a
// reply stuck at "thinking".
const restRetries = 2

// restRetryPause is the pause before the first retry; it doubles after.
// Two retries take under a second, inside Discord's three seconds.
var restRetryPause = 200 * time.Millisecond

// serverError reports whether err is Discord answering with a 5xx.
func serverError(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Response != nil && re.Response.StatusCode >= http.StatusInternalServerError
}

// alreadyAcknowledged reports whether err is Discord's 40060: the
// interaction has already been answered.
func alreadyAcknowledged(err error) bool {
	var re *discordgo.RESTError
	return errors.As(err, &re) && re.Message != nil && re.Message.Code == discordgo.ErrCodeInteractionHasAlreadyBeenAcknowledged
}

// retry5xx runs f, and again up to restRetries times while it fails with
// a 5xx and ctx lasts.
func retry5xx(ctx context.Context, f func() error) error {
	err := f()
	pause := restRetryPause
	for n := 0; n < restRetries && serverError(err); n++ {
		t := time.NewTimer(pause)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		pause *= 2
		err = f()
	}
	return err
}

// respond sends c's first response, retrying a 5xx. A 5xx may hide a
// response Discord did take, so a retry answered 40060 (already
// acknowledged) counts as done.
func respond(c *call, resp *discordgo.InteractionResponse) error {
	first := true
	return retry5xx(c.ctx, func() error {
		err := c.r.InteractionRespond(c.i, resp)
		if !first && alreadyAcknowledged(err) {
			return nil
		}
		first = false
		return err
	})
}
