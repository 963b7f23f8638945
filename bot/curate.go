package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Curation: moderators change the library from Discord. Every change is
// made by the index in one transaction with its audit-log entry, under
// the Actor who asked; the bot checks who may curate on every command,
// button and form, since default_member_permissions only hides commands
// and server admins can override it.

// SourceCurator changes the sources of a library. Each change is written
// to the library's audit log as done by actor.
type SourceCurator interface {
	// AddAs adds docs as retrieval.Index.Add does: a text already in the
	// library is StatusUnchanged, a new text from a known origin replaces
	// that source (StatusReplaced). Errors wrap retrieval.ErrEmptyDocument
	// or retrieval.ErrInvalidUTF8 for a bad document.
	AddAs(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error)
	// Source returns source id. It returns retrieval.ErrUnknownLibrary or
	// retrieval.ErrUnknownSource.
	Source(ctx context.Context, library string, id int64) (retrieval.Source, error)
	// EditSource changes the metadata of source id. It returns
	// retrieval.ErrUnknownLibrary, retrieval.ErrUnknownSource, or an error
	// wrapping retrieval.ErrInvalidMetadata.
	EditSource(ctx context.Context, library string, actor retrieval.Actor, id int64, e retrieval.SourceEdit) (retrieval.Source, error)
	// RemoveSourceAs removes source id and returns it as it was. It
	// returns retrieval.ErrUnknownLibrary or retrieval.ErrUnknownSource.
	RemoveSourceAs(ctx context.Context, library string, actor retrieval.Actor, id int64) (retrieval.Source, error)
	// Refresh fetches source id again with fetch and replaces its text if
	// it changed (StatusUnchanged or StatusReplaced). It returns
	// retrieval.ErrNotRefreshable for a source not added from a link, and
	// fetch's errors.
	Refresh(ctx context.Context, library string, actor retrieval.Actor, id int64,
		fetch func(ctx context.Context, url string) (retrieval.Document, error)) (retrieval.AddResult, error)
	// RemoveByAuthor removes the sources whose Metadata.AuthorID is
	// authorID and returns how many.
	RemoveByAuthor(ctx context.Context, library string, actor retrieval.Actor, authorID string) (int, error)
	// History returns the audit log, newest first: all of it, or with
	// sourceID > 0 what concerns that source; at most limit entries. It
	// returns retrieval.ErrUnknownLibrary.
	History(ctx context.Context, library string, sourceID int64, limit int) ([]retrieval.AuditEntry, error)
}

// QuoteCurator corrects quotes.
type QuoteCurator interface {
	// FixQuote sets who said quote id. It returns retrieval.ErrUnknownQuote.
	FixQuote(ctx context.Context, library string, actor retrieval.Actor, id int64, speaker, title string) (retrieval.Quote, error)
	// HideQuote hides quote id from answers and listings, or with hidden
	// false shows it again. It returns retrieval.ErrUnknownQuote.
	HideQuote(ctx context.Context, library string, actor retrieval.Actor, id int64, hidden bool) (retrieval.Quote, error)
}

// Settings keeps a server's settings with its library.
type Settings interface {
	// Setting returns the value of key, or "" when it is unset.
	Setting(ctx context.Context, library, key string) (string, error)
	// SetSetting sets key to value (creating the library); "" removes it.
	SetSetting(ctx context.Context, library string, actor retrieval.Actor, key, value string) error
}

// Collector groups a library's sources into named collections.
type Collector interface {
	// CreateCollection returns retrieval.ErrCollectionExists.
	CreateCollection(ctx context.Context, library string, actor retrieval.Actor, name string) error
	// DeleteCollection returns retrieval.ErrUnknownCollection.
	DeleteCollection(ctx context.Context, library string, actor retrieval.Actor, name string) error
	// CollectSources adds ids to a collection, or with remove takes them
	// out. It returns retrieval.ErrUnknownCollection or
	// retrieval.ErrUnknownSource.
	CollectSources(ctx context.Context, library string, actor retrieval.Actor, name string, remove bool, ids ...int64) error
	// Collections lists the collections by name.
	Collections(ctx context.Context, library string) ([]retrieval.Collection, error)
}

// Curator is everything curation needs of the index: *retrieval.Index
// satisfies it.
type Curator interface {
	SourceCurator
	QuoteCurator
	Settings
	Collector
}

// Fetcher fetches a web page or text file as a document: *retrieval.Fetcher
// satisfies it.
type Fetcher interface {
	// Fetch downloads url and parses it. Its errors say why a link cannot
	// be added: a blocked (internal) address, a body too large, content
	// that is not text, a timeout.
	Fetch(ctx context.Context, url string) (retrieval.Document, error)
}

// Settings keys.
const (
	settingCuratorRole = "curator_role"
	settingScopePrefix = "scope:" // + channel id: the collection the channel answers from
)

// access says who may use a curation command.
type access int

const (
	accessCurator access = iota // Manage Server or the curator role
	accessManager               // Manage Server only
	accessAnyone                // any member (their own data only)
)

// isCuration reports whether i is curation work, which gets
// CurateTimeout rather than AnswerTimeout.
func isCuration(i *discordgo.Interaction) bool {
	switch i.Type {
	case discordgo.InteractionApplicationCommand:
		switch i.ApplicationCommandData().Name {
		case cmdSource, cmdQuote, cmdCollection, cmdSettings, cmdOptOut, cmdAddSource:
			return true
		}
	case discordgo.InteractionModalSubmit:
		return true
	}
	return false
}

// actorOf is who made a change: the member's user id and username.
func actorOf(i *discordgo.Interaction) retrieval.Actor {
	var u *discordgo.User
	switch {
	case i.Member != nil && i.Member.User != nil:
		u = i.Member.User
	case i.User != nil:
		u = i.User
	}
	if u == nil {
		return retrieval.Actor{}
	}
	return retrieval.Actor{ID: u.ID, Name: u.Username}
}

// gate reports whether the member behind c may do what level asks; if
// not, rep says why.
func (b *Bot) gate(ctx context.Context, c *call, library string, level access) (rep reply, ok bool) {
	m := c.i.Member
	switch {
	case level == accessAnyone:
		return reply{}, true
	case canManage(m):
		return reply{}, true
	case level == accessManager:
		c.log.Info("curation refused: member cannot manage the server")
		return textReply(msgManagersOnly, true), false
	}
	role, err := b.Curator.Setting(ctx, library, settingCuratorRole)
	if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
		return b.errorReply(c, library, fmt.Errorf("read curator role: %w", err), true), false
	}
	if role != "" && m != nil && slices.Contains(m.Roles, role) {
		return reply{}, true
	}
	c.log.Info("curation refused: member has neither Manage Server nor the curator role")
	return textReply(msgNotCurator(role), true), false
}

// step is what a curation handler hands back: a reply now, or slow work
// to do after deferring.
type step struct {
	rep  reply
	slow func(ctx context.Context) reply
}

// now is a step that is done.
func now(rep reply) step { return step{rep: rep} }

// later is a step that needs to defer first (a fetch, a download, an
// ingest).
func later(f func(ctx context.Context) reply) step { return step{slow: f} }

// curated answers a curation interaction privately. It checks who may do
// it (level), then runs f. A step ready within DeferAfter is sent at once;
// otherwise, or when f asks for slow work, the response is deferred first
// and edited later. With update the response replaces the message the
// clicked button is on (UPDATE_MESSAGE, or DEFERRED_UPDATE_MESSAGE).
func (b *Bot) curated(c *call, level access, update bool,
	f func(ctx context.Context, library string, actor retrieval.Actor) step) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	if b.Curator == nil {
		b.send(c, textReply(msgNoCuration, true))
		return
	}
	library := LibraryName(c.i.GuildID)
	actor := actorOf(c.i)
	done := make(chan step, 1)
	go func() {
		if rep, ok := b.gate(c.ctx, c, library, level); !ok {
			done <- now(rep)
			return
		}
		done <- f(c.ctx, library, actor)
	}()

	deferred := false
	var st step
	t := time.NewTimer(b.DeferAfter)
	defer t.Stop()
	select {
	case st = <-done:
	case <-t.C:
		ok := b.deferCurated(c, update)
		st = <-done
		if !ok {
			return
		}
		deferred = true
	}
	if st.slow != nil {
		if !deferred && !b.deferCurated(c, update) {
			return
		}
		deferred = true
		st.rep = st.slow(c.ctx)
	}
	switch {
	case deferred:
		b.edit(c, st.rep)
	case update:
		b.updateMessage(c, st.rep)
	default:
		b.send(c, st.rep)
	}
}

// deferCurated acknowledges a curation interaction: a private "thinking"
// message, or for update a silent acknowledgement of the click.
func (b *Bot) deferCurated(c *call, update bool) bool {
	if !update {
		return b.deferReply(c, true)
	}
	if err := c.r.InteractionRespond(c.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseDeferredMessageUpdate,
	}); err != nil {
		c.log.Error("defer message update", "err", err)
		return false
	}
	return true
}

// updateMessage answers a click by replacing the message it was on.
func (b *Bot) updateMessage(c *call, rep reply) {
	rep.clamp()
	components := rep.components
	if components == nil {
		components = []discordgo.MessageComponent{}
	}
	embeds := rep.embeds
	if embeds == nil {
		embeds = []*discordgo.MessageEmbed{}
	}
	if err := c.r.InteractionRespond(c.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Content: rep.content, Embeds: embeds, Components: components, AllowedMentions: noMentions(),
		},
	}); err != nil {
		c.log.Error("update message", "err", err)
	}
}

// curate routes the curation commands.
func (b *Bot) curate(c *call, data discordgo.ApplicationCommandInteractionData) {
	switch data.Name {
	case cmdOptOut:
		b.optOut(c)
		return
	case cmdAddSource:
		b.addMessage(c, data)
		return
	}
	if len(data.Options) == 0 || data.Options[0].Type != discordgo.ApplicationCommandOptionSubCommand {
		b.send(c, textReply(msgUnknownCommand, true))
		return
	}
	sub := data.Options[0]
	opts := sub.Options
	c.log = c.log.With("subcommand", sub.Name)
	switch data.Name + " " + sub.Name {
	case cmdSource + " " + subAdd:
		b.sourceAdd(c, data, opts)
	case cmdSource + " " + subPaste:
		b.sourcePaste(c)
	case cmdSource + " " + subList:
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
			return now(b.sourceListPage(ctx, c, library, 0))
		})
	case cmdSource + " " + subShow:
		b.sourceShow(c, opts)
	case cmdSource + " " + subEdit:
		b.sourceEdit(c, opts)
	case cmdSource + " " + subRemove:
		b.sourceRemove(c, opts)
	case cmdSource + " " + subRefresh:
		b.sourceRefresh(c, opts)
	case cmdSource + " " + subHistory:
		id, given, ok := sourceOption(opts, optID)
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
			if given && !ok {
				return now(textReply(msgPickSource, true))
			}
			return now(b.historyPage(ctx, c, library, id, 0))
		})
	case cmdQuote + " " + subFix:
		b.quoteFix(c, opts)
	case cmdQuote + " " + subHide:
		b.quoteHide(c, opts, true)
	case cmdQuote + " " + subUnhide:
		b.quoteHide(c, opts, false)
	case cmdCollection + " " + subCreate, cmdCollection + " " + subDelete, cmdCollection + " " + subAdd,
		cmdCollection + " " + subRemove, cmdCollection + " " + subList, cmdCollection + " " + subScope,
		cmdCollection + " " + subUnscope:
		b.collection(c, sub.Name, opts)
	case cmdSettings + " " + subCuratorRole:
		b.curatorRole(c, data, opts)
	case cmdSettings + " " + subAnswers:
		b.answerSettings(c, opts)
	default:
		b.send(c, textReply(msgUnknownCommand, true))
	}
}

// curateButton handles the buttons of curation messages: More under a
// source list or the history, and the confirmation of /source remove.
// The clicker is checked again, as for a command.
func (b *Bot) curateButton(c *call, action, state string, p *page) {
	switch {
	case action == actionMore && p.kind == pageSourceList:
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
			return now(b.sourceListPage(ctx, c, library, p.next))
		})
	case action == actionMore && p.kind == pageHistory:
		b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
			return now(b.historyPage(ctx, c, library, p.sourceID, p.next))
		})
	case (action == actionRemove || action == actionKeep) && p.kind == pageConfirm:
		if userID(c.i) != p.userID {
			c.log.Info("confirmation refused: not the moderator who asked")
			b.send(c, textReply(msgNotYourConfirmation, true))
			return
		}
		b.curated(c, accessCurator, true, func(ctx context.Context, library string, actor retrieval.Actor) step {
			b.pages.delete(state)
			if action == actionKeep {
				return now(textReply(fmt.Sprintf("Kept source #%d.", p.sourceID), true))
			}
			src, err := b.Curator.RemoveSourceAs(ctx, library, actor, p.sourceID)
			if err != nil {
				return now(b.curateError(c, library, err))
			}
			c.log.Info("source removed", "library", library, "source", p.sourceID)
			return now(textReply(fmt.Sprintf("Removed source #%d %s from this server's library, with its quotes.",
				src.ID, quotedTitle(src.Ref())), true))
		})
	default:
		b.send(c, textReply(msgExpired, true))
	}
}

// scope returns the collection that channel answers from, or "" for the
// whole library. A failure to read it is logged and ignored: the answer
// then comes from the whole library.
func (b *Bot) scope(ctx context.Context, c *call, library, channelID string) string {
	if b.Curator == nil || channelID == "" {
		return ""
	}
	name, err := b.Curator.Setting(ctx, library, settingScopePrefix+channelID)
	if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
		c.log.Warn("read channel scope", "err", err)
		return ""
	}
	return name
}

// curateError turns a curation error into what the moderator reads;
// unknown errors go to errorReply (logged, generic reply).
func (b *Bot) curateError(c *call, library string, err error) reply {
	var tooLarge *tooLargeError
	switch {
	case errors.As(err, &tooLarge):
		return textReply(msgTooLarge(tooLarge.size, tooLarge.max), true)
	case errors.Is(err, retrieval.ErrUnknownSource):
		return textReply(msgUnknownSource, true)
	case errors.Is(err, retrieval.ErrUnknownQuote):
		return textReply(msgUnknownQuote, true)
	case errors.Is(err, retrieval.ErrUnknownCollection):
		return textReply(msgUnknownCollection, true)
	case errors.Is(err, retrieval.ErrCollectionExists):
		return textReply(msgCollectionExists, true)
	case errors.Is(err, retrieval.ErrNotRefreshable):
		return textReply(msgNotRefreshable, true)
	case errors.Is(err, retrieval.ErrUnknownLibrary):
		return textReply(msgEmptyLibrary, true)
	case errors.Is(err, retrieval.ErrInvalidMetadata):
		return textReply(msgBadMetadata, true)
	}
	if rep, ok := documentError(err); ok {
		c.log.Info("document refused", "err", err)
		return rep
	}
	if errors.Is(err, context.DeadlineExceeded) {
		c.log.Warn("curation timed out", "err", err)
		return textReply(msgCurateTimeout, true)
	}
	return b.errorReply(c, library, err, true)
}

// documentError explains why a document (a file, a page, pasted text)
// cannot be added.
func documentError(err error) (reply, bool) {
	switch {
	case errors.Is(err, retrieval.ErrEmptyDocument):
		return textReply(msgEmptyDocument, true), true
	case errors.Is(err, retrieval.ErrBinary):
		return textReply(msgBinary, true), true
	case errors.Is(err, retrieval.ErrInvalidUTF8):
		return textReply(msgInvalidUTF8, true), true
	case errors.Is(err, retrieval.ErrUnsupportedFormat):
		return textReply(msgUnsupported, true), true
	}
	var ff *fetchFailure
	if errors.As(err, &ff) {
		return fetchError(err)
	}
	return reply{}, false
}

// Option readers.

// intOption returns the value of the integer option name.
func intOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) (int64, bool) {
	for _, o := range opts {
		if o.Name != name || o.Type != discordgo.ApplicationCommandOptionInteger {
			continue
		}
		switch v := o.Value.(type) {
		case float64:
			return int64(v), true
		case string: // a focused option while typing
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// sourceOption reads the source option name: a STRING option, so that a
// curator can type words of the title and pick from the suggestions,
// whose values are ids; typing the id (or "#id") works too. given is
// whether the option is there at all, ok whether it names an id.
func sourceOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) (id int64, given, ok bool) {
	if n, ok := intOption(opts, name); ok {
		return n, true, n > 0
	}
	v, given := textOption(opts, name)
	if !given {
		return 0, false, false
	}
	n, err := strconv.ParseInt(strings.TrimPrefix(v, "#"), 10, 64)
	return n, true, err == nil && n > 0
}

// optionValue returns the raw string value of option name (an attachment,
// role or user id), or "".
func optionValue(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) string {
	for _, o := range opts {
		if o.Name == name {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

// textOption returns the string option name, trimmed and on one line;
// set is false when the option was not given.
func textOption(opts []*discordgo.ApplicationCommandInteractionDataOption, name string) (value string, set bool) {
	for _, o := range opts {
		if o.Name == name && o.Type == discordgo.ApplicationCommandOptionString {
			s, _ := o.Value.(string)
			return oneLine(s), true
		}
	}
	return "", false
}

// Formatting shared by the curation replies.

// quotedTitle is a source's title in quotation marks, escaped and short.
func quotedTitle(s retrieval.SourceRef) string {
	t, _ := fitEscaped(sourceTitle(s), 120)
	return "“" + t + "”"
}

// timestamp renders t as a Discord timestamp, which each reader sees in
// their own time zone.
func timestamp(t time.Time, style string) string {
	return fmt.Sprintf("<t:%d:%s>", t.Unix(), style)
}

// validDate checks a date a moderator typed: YYYY-MM-DD.
func validDate(s string) bool {
	_, err := time.Parse("2006-01-02", s)
	return err == nil
}

// validLink checks a link a moderator typed: an absolute http(s) URL.
func validLink(s string) bool { return linkURL(s) != "" && strings.Contains(s, "://") }
