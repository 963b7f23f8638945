package bot

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// The /source subcommands that look at and change sources already in the
// library, the audit log, and /optout.

// historyPerPage is the number of audit entries shown at a time.
const historyPerPage = 10

// showQuotes is the number of quotes /source show lists.
const showQuotes = 12

// sourceListPage lists the library's sources from offset on, with their
// ids, for curators.
func (b *Bot) sourceListPage(ctx context.Context, c *call, library string, offset int) reply {
	srcs, err := b.lib.Sources(ctx, library)
	switch {
	case errors.Is(err, retrieval.ErrUnknownLibrary) || (err == nil && len(srcs) == 0):
		return textReply(msgEmptyLibrary, true)
	case err != nil:
		return b.curateError(c, library, err)
	case offset >= len(srcs):
		return textReply(msgNoMoreResults, true)
	}
	end := min(offset+sourcesPerPage, len(srcs))
	var sb strings.Builder
	for _, s := range srcs[offset:end] {
		title, _ := fitEscaped(sourceTitle(s.Ref()), 120)
		line := fmt.Sprintf("`#%d` %s", s.ID, title)
		if meta := joinNonEmpty(" · ", oneLine(s.Author), oneLine(s.Published)); meta != "" {
			m, _ := fitEscaped(meta, 80)
			line += " — " + m
		}
		if u := linkURL(s.URL); u != "" {
			line += " · <" + u + ">"
		}
		sb.WriteString(line + "\n")
	}
	desc, _ := truncate(sb.String(), maxDescription)
	rep := reply{ephemeral: true, embeds: []*discordgo.MessageEmbed{{
		Type:        discordgo.EmbedTypeRich,
		Color:       cardColor,
		Title:       fmt.Sprintf("Sources in this server's library: %d", len(srcs)),
		Description: desc,
		Footer: &discordgo.MessageEmbedFooter{
			Text: fmt.Sprintf("Showing %d–%d of %d · /source show id: for details and quote ids", offset+1, end, len(srcs)),
		},
	}}}
	if end < len(srcs) {
		p := &page{guildID: c.i.GuildID, library: library, kind: pageSourceList, userID: userID(c.i), offset: offset, next: end}
		rep.components = pageButtons(b.pages.put(p, b.Now()), 0, true)
	}
	return rep
}

// sourceShow answers /source show: a source's details, its collections,
// when it was last fetched and its quotes with their ids.
func (b *Bot) sourceShow(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	id, _, idOK := sourceOption(opts, optID)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
		if !idOK {
			return now(textReply(msgPickSource, true))
		}
		src, err := b.Curator.Source(ctx, library, id)
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		qs, err := b.lib.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: id})
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		hidden, err := b.lib.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: id, Hidden: true})
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		colls, err := b.Curator.Collections(ctx, library)
		if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
			return now(b.curateError(c, library, err))
		}
		return now(reply{ephemeral: true, embeds: []*discordgo.MessageEmbed{sourceEmbed(src, qs, hidden, colls)}})
	})
}

// sourceEmbed shows one source to a curator.
func sourceEmbed(src retrieval.Source, qs, hidden []retrieval.Quote, colls []retrieval.Collection) *discordgo.MessageEmbed {
	field := func(name, value string) *discordgo.MessageEmbedField {
		v, _ := fitEscaped(oneLine(value), 1000)
		if v == "" {
			v = "—"
		}
		return &discordgo.MessageEmbedField{Name: name, Value: v, Inline: true}
	}
	e := &discordgo.MessageEmbed{
		Type:  discordgo.EmbedTypeRich,
		Color: cardColor,
		Title: clip(fmt.Sprintf("#%d %s", src.ID, sourceTitle(src.Ref())), maxCardLine),
		URL:   linkURL(src.URL),
		Fields: []*discordgo.MessageEmbedField{
			field("Author", src.Author),
			field("Published", src.Published),
			field("Format", src.Format),
		},
	}
	if u := linkURL(src.URL); u != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Link", Value: clip(u, 1000)})
	}
	if u := linkURL(src.Origin); u != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Added from", Value: clip("link "+u, 1000)})
	} else {
		e.Fields = append(e.Fields, field("Added from", originLabel(src.Origin)))
	}
	if !src.AddedAt.IsZero() {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Added", Value: timestamp(src.AddedAt, "f"), Inline: true})
	}
	if !src.UpdatedAt.IsZero() && !src.UpdatedAt.Equal(src.AddedAt) {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "Text updated", Value: timestamp(src.UpdatedAt, "f"), Inline: true})
	}
	if !src.FetchedAt.IsZero() {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: "As of",
			Value: "fetched " + timestamp(src.FetchedAt, "f") + " (" + timestamp(src.FetchedAt, "R") + ")", Inline: true})
	}
	var in []string
	for _, col := range colls {
		for _, id := range col.Sources {
			if id == src.ID {
				in = append(in, col.Name)
			}
		}
	}
	if len(in) > 0 {
		e.Fields = append(e.Fields, field("Collections", strings.Join(in, ", ")))
	}

	var sb strings.Builder
	fmt.Fprintf(&sb, "**%d quote%s**", len(qs), plural(len(qs)))
	if len(hidden) > 0 {
		fmt.Fprintf(&sb, " (and %d hidden)", len(hidden))
	}
	if len(qs) > 0 {
		sb.WriteString(" · fix one with `/quote fix id:`, hide it with `/quote hide id:`")
	}
	sb.WriteString("\n")
	for i, q := range qs {
		if i == showQuotes {
			fmt.Fprintf(&sb, "… and %d more: `/quotes` lists them by speaker.\n", len(qs)-showQuotes)
			break
		}
		sb.WriteString(quoteLine(q) + "\n")
	}
	for i, q := range hidden {
		if i == 5 {
			break
		}
		sb.WriteString("~~" + quoteLine(q) + "~~ (hidden: `/quote unhide id:" + strconv.FormatInt(q.ID, 10) + "`)\n")
	}
	e.Description, _ = truncate(sb.String(), 3000)
	return e
}

// quoteLine is one quote in a curator's listing: its id, speaker and
// words, shortened.
func quoteLine(q retrieval.Quote) string {
	who := "unattributed"
	if s := oneLine(q.Speaker); s != "" {
		who, _ = fitEscaped(s, 60)
	}
	text, _ := fitEscaped(oneLine(q.Text), 140)
	return fmt.Sprintf("`quote #%d` **%s**: “%s”", q.ID, who, text)
}

// originLabel says where a source came from, for people.
func originLabel(origin string) string {
	switch {
	case strings.HasPrefix(origin, originUpload):
		rest := strings.TrimPrefix(origin, originUpload)
		if _, name, ok := strings.Cut(rest, "/"); ok {
			return "uploaded file " + name
		}
		return "an uploaded file"
	case strings.HasPrefix(origin, originPaste):
		return "pasted text"
	case strings.HasPrefix(origin, originMessage):
		return "a Discord message"
	case origin == "":
		return "unknown"
	}
	return "file " + origin + " (added on the host)"
}

// sourceEdit answers /source edit: the fields given change.
func (b *Bot) sourceEdit(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	id, _, idOK := sourceOption(opts, optID)
	var e retrieval.SourceEdit
	if v, ok := textOption(opts, optTitle); ok {
		e.Title = &v
	}
	if v, ok := textOption(opts, optAuthor); ok {
		e.Author = &v
	}
	if v, ok := textOption(opts, optURL); ok {
		e.URL = &v
	}
	if v, ok := textOption(opts, optDate); ok {
		e.Published = &v
	}
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		switch {
		case !idOK:
			return now(textReply(msgPickSource, true))
		case e.Title == nil && e.Author == nil && e.URL == nil && e.Published == nil:
			return now(textReply(msgEditWhat, true))
		case e.Published != nil && !validDate(*e.Published):
			return now(textReply(msgBadDate, true))
		case e.URL != nil && !validLink(*e.URL):
			return now(textReply(msgBadLink, true))
		}
		src, err := b.Curator.EditSource(ctx, library, actor, id, e)
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		c.log.Info("source edited", "library", library, "source", id)
		var changed []string
		add := func(name string, v *string, value string) {
			if v != nil {
				s, _ := fitEscaped(value, 200)
				if s == "" {
					s = "(none)"
				}
				changed = append(changed, name+": "+s)
			}
		}
		add("title", e.Title, src.Title)
		add("author", e.Author, src.Author)
		add("link", e.URL, src.URL)
		add("date", e.Published, src.Published)
		return now(textReply(fmt.Sprintf("**Updated** source #%d %s: %s.", src.ID, quotedTitle(src.Ref()),
			strings.Join(changed, "; ")), true))
	})
}

// sourceRemove answers /source remove with a confirmation: the buttons
// name state that only the moderator who asked, in this server, can use.
func (b *Bot) sourceRemove(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	id, _, idOK := sourceOption(opts, optID)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
		if !idOK {
			return now(textReply(msgPickSource, true))
		}
		src, err := b.Curator.Source(ctx, library, id)
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		qs, err := b.lib.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: id})
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		p := &page{guildID: c.i.GuildID, library: library, kind: pageConfirm, userID: userID(c.i), sourceID: id}
		state := b.pages.put(p, b.Now())
		return now(reply{
			ephemeral: true,
			content: fmt.Sprintf("Remove source #%d %s and its %d quote%s from this server's library? "+
				"This cannot be undone (but it is written to `/source history`).", id, quotedTitle(src.Ref()), len(qs), plural(len(qs))),
			components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.Button{Label: "Remove", Style: discordgo.DangerButton, CustomID: customID(actionRemove, state, 0)},
				discordgo.Button{Label: "Cancel", Style: discordgo.SecondaryButton, CustomID: customID(actionKeep, state, 0)},
			}}},
		})
	})
}

// sourceRefresh answers /source refresh: the source's link is fetched
// again and its text replaced if it changed.
func (b *Bot) sourceRefresh(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	id, _, idOK := sourceOption(opts, optID)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if !idOK {
			return now(textReply(msgPickSource, true))
		}
		if b.Fetcher == nil {
			return now(textReply(msgNoFetcher, true))
		}
		return later(func(ctx context.Context) reply {
			res, err := b.Curator.Refresh(ctx, library, actor, id, b.fetch)
			if err != nil {
				return b.curateError(c, library, err)
			}
			c.log.Info("source refreshed", "library", library, "source", id, "status", res.Status)
			if res.Status == retrieval.StatusUnchanged {
				return textReply(fmt.Sprintf("Source #%d %s is unchanged: its link has the same text as before. "+
					"`/source show` now says it is as of today.", id, quotedTitle(res.Source.Ref())), true)
			}
			return textReply(b.addSummary(ctx, c, library, res), true)
		})
	})
}

// historyPage renders the audit log (of one source, if sourceID > 0)
// from offset on.
func (b *Bot) historyPage(ctx context.Context, c *call, library string, sourceID int64, offset int) reply {
	entries, err := b.Curator.History(ctx, library, sourceID, offset+historyPerPage+1)
	switch {
	case errors.Is(err, retrieval.ErrUnknownLibrary) || (err == nil && len(entries) == 0 && offset == 0):
		return textReply("Nothing has been changed in this server's library yet.", true)
	case err != nil:
		return b.curateError(c, library, err)
	case offset >= len(entries):
		return textReply(msgNoMoreResults, true)
	}
	end := min(offset+historyPerPage, len(entries))
	var sb strings.Builder
	for _, e := range entries[offset:end] {
		sb.WriteString(historyLine(e) + "\n")
	}
	title := "Changes to this server's library"
	if sourceID > 0 {
		title = fmt.Sprintf("Changes to source #%d", sourceID)
	}
	desc, _ := truncate(sb.String(), maxDescription)
	rep := reply{ephemeral: true, embeds: []*discordgo.MessageEmbed{{
		Type:        discordgo.EmbedTypeRich,
		Color:       cardColor,
		Title:       title,
		Description: desc,
		Footer:      &discordgo.MessageEmbedFooter{Text: fmt.Sprintf("Newest first · %d–%d", offset+1, end)},
	}}}
	if len(entries) > end {
		p := &page{guildID: c.i.GuildID, library: library, kind: pageHistory, userID: userID(c.i),
			sourceID: sourceID, offset: offset, next: end}
		rep.components = pageButtons(b.pages.put(p, b.Now()), 0, true)
	}
	return rep
}

// auditVerbs says what each audit action did.
var auditVerbs = map[string]string{
	retrieval.ActionAdd:        "added",
	retrieval.ActionReplace:    "replaced the text of",
	retrieval.ActionEdit:       "edited",
	retrieval.ActionRemove:     "removed",
	retrieval.ActionRefresh:    "refreshed",
	retrieval.ActionQuoteFix:   "fixed a quote of",
	retrieval.ActionQuoteHide:  "hid a quote of",
	retrieval.ActionQuoteShow:  "unhid a quote of",
	retrieval.ActionOptOut:     "opted out:",
	retrieval.ActionSetting:    "changed a setting",
	retrieval.ActionCollection: "changed a collection",
}

// historyLine is one audit entry: when, who, what, and the details.
func historyLine(e retrieval.AuditEntry) string {
	who, _ := fitEscaped(firstNonEmpty(oneLine(e.Actor.Name), e.Actor.ID, "someone"), 40)
	verb := auditVerbs[e.Action]
	if verb == "" {
		verb = e.Action
	}
	line := timestamp(e.Time, "f") + " **" + who + "** " + verb
	if e.SourceID > 0 {
		line += fmt.Sprintf(" source #%d", e.SourceID)
	}
	if d := oneLine(e.Detail); d != "" {
		d, _ = fitEscaped(d, 200)
		line += " — " + d
	}
	return line
}

// optOut answers /optout: anyone takes their own messages out of this
// server's library.
func (b *Bot) optOut(c *call) {
	b.curated(c, accessAnyone, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		n, err := b.Curator.RemoveByAuthor(ctx, library, actor, actor.ID)
		switch {
		case errors.Is(err, retrieval.ErrUnknownLibrary):
			n = 0
		case err != nil:
			return now(b.curateError(c, library, err))
		}
		c.log.Info("opted out", "library", library, "removed", n)
		if n == 0 {
			return now(textReply("None of your messages are in this server's library, so there was nothing to remove.", true))
		}
		if n == 1 {
			return now(textReply("Removed your message from this server's library. I will not quote it any more.", true))
		}
		return now(textReply(fmt.Sprintf("Removed %d of your messages from this server's library. "+
			"I will not quote them any more.", n), true))
	})
}

// sortStableBy sorts s stably by less.
func sortStableBy(s []string, less func(a, b string) bool) {
	sort.SliceStable(s, func(i, j int) bool { return less(s[i], s[j]) })
}
