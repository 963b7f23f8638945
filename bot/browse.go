package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// sourcesPerPage is the number of sources /sources lists at a time.
const sourcesPerPage = 10

// autocompleteTimeout leaves room in Discord's three seconds for the
// round trip: suggestions that come late are worth less than none.
const autocompleteTimeout = 2 * time.Second

// quotes answers /quotes: what one speaker is quoted as saying, as cards.
func (b *Bot) quotes(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	speaker := oneLine(stringOption(data.Options, optSpeaker))
	if speaker == "" {
		b.send(c, textReply("Name a speaker: start typing and pick one from the list.", true))
		return
	}
	library := LibraryName(c.i.GuildID)
	b.answer(c, false, func(ctx context.Context) reply {
		return b.quotesPage(c, c.i.GuildID, library, b.scope(ctx, c, library, c.i.ChannelID), speaker, 0, false)
	})
}

// quotesPage renders the quotes of speaker from offset on, from the
// collection if one is named. A name picked from the suggestions matches
// exactly; typed text matches any speaker whose name contains it.
func (b *Bot) quotesPage(c *call, guildID, library, collection, speaker string, offset int, ephemeral bool) reply {
	qs, err := b.lib.Quotes(c.ctx, retrieval.QuoteFilter{Library: library, Speaker: speaker, Collection: collection})
	if err != nil {
		return b.errorReply(c, library, err, ephemeral)
	}
	var exact []retrieval.Quote
	for _, q := range qs {
		if strings.EqualFold(q.Speaker, speaker) {
			exact = append(exact, q)
		}
	}
	if len(exact) > 0 {
		qs = exact
	}
	name, _ := fitEscaped(speaker, 100)
	switch {
	case len(qs) == 0 && offset == 0:
		return textReply(fmt.Sprintf("Nobody called “%s” is quoted in this server's library. "+
			"Start typing a name after `/quotes` and pick one from the list.", name), ephemeral)
	case offset >= len(qs):
		return textReply(msgNoMoreResults, ephemeral)
	}
	sources, err := b.lib.Sources(c.ctx, library)
	if err != nil {
		return b.errorReply(c, library, err, ephemeral)
	}
	refs := make(map[int64]retrieval.SourceRef, len(sources))
	for _, s := range sources {
		refs[s.ID] = s.Ref()
	}
	look := b.look(c.ctx, c, library)
	end := min(offset+look.results, len(qs))
	results := make([]retrieval.Result, 0, end-offset)
	for _, q := range qs[offset:end] {
		ref, ok := refs[q.SourceID]
		if !ok {
			ref = retrieval.SourceRef{ID: q.SourceID}
		}
		results = append(results, retrieval.Result{
			Kind: retrieval.ResultQuote, Text: q.Text, Speaker: q.Speaker, SpeakerTitle: q.SpeakerTitle,
			Source: ref, Start: q.Start, End: q.End, Paragraph: q.Paragraph, Fragment: q.Fragment,
			Confidence: q.Confidence, QuoteID: q.ID,
		})
	}
	p := &page{guildID: guildID, library: library, kind: pageQuotes, query: speaker, collection: collection,
		offset: offset, next: end, results: results}
	who := name
	if len(exact) > 0 {
		who, _ = fitEscaped(exact[0].Speaker, 100)
	}
	rep := b.renderAnswer(c, p, look, end < len(qs), ephemeral)
	rep.content = fmt.Sprintf("**Quotes from %s** (%d–%d of %d)", who, offset+1, end, len(qs))
	return rep
}

// sources answers /sources, privately: a listing is for whoever asked.
func (b *Bot) sources(c *call) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	library := LibraryName(c.i.GuildID)
	b.answer(c, true, func(ctx context.Context) reply {
		return b.sourcesPage(c, c.i.GuildID, library, 0)
	})
}

// sourcesPage lists the library's sources from offset on.
func (b *Bot) sourcesPage(c *call, guildID, library string, offset int) reply {
	srcs, err := b.lib.Sources(c.ctx, library)
	switch {
	case errors.Is(err, retrieval.ErrUnknownLibrary) || (err == nil && len(srcs) == 0):
		return textReply(msgFirstRun(library), true)
	case err != nil:
		return b.errorReply(c, library, err, true)
	case offset >= len(srcs):
		return textReply(msgNoMoreResults, true)
	}
	end := min(offset+sourcesPerPage, len(srcs))
	rep := reply{embeds: []*discordgo.MessageEmbed{sourcesEmbed(srcs[offset:end], offset, len(srcs))}, ephemeral: true}
	if end < len(srcs) {
		p := &page{guildID: guildID, library: library, kind: pageSources, offset: offset, next: end}
		rep.components = pageButtons(b.pages.put(p, b.Now()), 0, true)
	}
	return rep
}

// autocomplete suggests speakers for /quotes as the user types, and
// sources and collections for the curation commands.
func (b *Bot) autocomplete(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID != "" && (data.Name == cmdSource || data.Name == cmdCollection) {
		b.curateAutocomplete(c, data)
		return
	}
	if data.Name != cmdQuotes || c.i.GuildID == "" {
		b.choices(c, nil)
		return
	}
	var prefix string
	for _, o := range data.Options {
		if o.Focused {
			prefix, _ = o.Value.(string)
		}
	}
	ctx, cancel := context.WithTimeout(c.ctx, autocompleteTimeout)
	defer cancel()
	names, err := b.lib.Speakers(ctx, LibraryName(c.i.GuildID), prefix, maxChoices)
	if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
		c.log.Warn("suggest speakers", "err", err)
	}
	b.choices(c, speakerChoices(names))
}

// speakerChoices turns names into at most 25 choices. A name longer than a
// choice allows is shown shortened, and its value is its first 100
// characters: /quotes matches typed text as part of a name, so that still
// finds the speaker.
func speakerChoices(names []string) []*discordgo.ApplicationCommandOptionChoice {
	out := []*discordgo.ApplicationCommandOptionChoice{}
	seen := make(map[string]bool)
	for _, name := range names {
		name = oneLine(name)
		value := name
		if utf8.RuneCountInString(value) > maxChoiceValue {
			value = strings.TrimSpace(value[:runeOffset(value, maxChoiceValue)])
		}
		if value == "" || seen[value] {
			continue
		}
		seen[value] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(name, maxChoiceName), Value: value})
		if len(out) == maxChoices {
			break
		}
	}
	return out
}

// button handles a click on More, Context or Cite.
func (b *Bot) button(c *call, data discordgo.MessageComponentInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	action, state, n, ok := parseCustomID(data.CustomID)
	if !ok {
		c.log.Warn("unknown button", "custom_id", clip(data.CustomID, 100))
		b.send(c, textReply(msgExpired, true))
		return
	}
	p, ok := b.pages.get(state, c.i.GuildID, b.Now())
	if !ok {
		c.log.Info("button state expired or from another server", "action", action)
		b.send(c, textReply(msgExpired, true))
		return
	}
	c.log = c.log.With("action", action)
	if p.kind == pageSourceList || p.kind == pageHistory || p.kind == pageConfirm {
		b.curateButton(c, action, state, p)
		return
	}
	switch action {
	case actionMore:
		// The next page goes to whoever clicked, privately: the answer
		// everyone sees stays as it was.
		b.deferred(c, true, func(ctx context.Context) reply {
			switch p.kind {
			case pageQuotes:
				return b.quotesPage(c, p.guildID, p.library, p.collection, p.query, p.next, true)
			case pageSources:
				return b.sourcesPage(c, p.guildID, p.library, p.next)
			case pageCompare, pageRead, pageDaily:
				return textReply(msgExpired, true)
			}
			rep := b.answerPage(c, p.guildID, p.library, p.collection, p.query, p, true)
			if len(rep.embeds) > 0 {
				rep.content = echo("**More for:**", p.query) + scopeNote(p.collection)
			}
			return rep
		})
	case actionContext, actionPrev, actionNext:
		b.read(c, action, p, n)
	case actionCite, actionCitePlain, actionAPA, actionMLA, actionChicago:
		b.cite(c, action, state, p, n)
	case actionUp, actionDown:
		b.vote(c, action, p)
	default:
		b.send(c, textReply(msgExpired, true))
	}
}

// library answers /library sample: moderators load the built-in sample
// into this server's library.
func (b *Bot) library(c *call, data discordgo.ApplicationCommandInteractionData) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	if len(data.Options) == 0 || data.Options[0].Name != subSample {
		b.send(c, textReply(msgUnknownCommand, true))
		return
	}
	if b.Sample == nil {
		b.send(c, textReply(msgNoSample, true))
		return
	}
	// default_member_permissions only hides the command; server admins can
	// override it per channel or role, so the bot checks for itself.
	if !canManage(c.i.Member) {
		c.log.Info("library sample refused: member cannot manage the server")
		b.send(c, textReply(msgNotModerator, true))
		return
	}
	library := LibraryName(c.i.GuildID)
	b.deferred(c, true, func(ctx context.Context) reply {
		added, err := b.Sample.LoadSample(ctx, library)
		if err != nil {
			return b.errorReply(c, library, err, true)
		}
		c.log.Info("sample library loaded", "library", library, "added", added)
		return textReply(msgSampleLoaded(added), true)
	})
}

// canManage reports whether m may manage the server (Manage Server or
// Administrator), from the permissions Discord computed for the
// interaction.
func canManage(m *discordgo.Member) bool {
	if m == nil {
		return false
	}
	return m.Permissions&(discordgo.PermissionManageGuild|discordgo.PermissionAdministrator) != 0
}
