package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// /quote, /collection and /settings, and the suggestions for the curation
// commands' options.

// quoteFix answers /quote fix: a curator says who said a quote.
func (b *Bot) quoteFix(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	id, _ := intOption(opts, optID)
	speaker, _ := textOption(opts, optSpeaker)
	title, _ := textOption(opts, optTitle)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if speaker == "" {
			return now(textReply("Name who said it: `/quote fix id: speaker:`.", true))
		}
		q, err := b.Curator.FixQuote(ctx, library, actor, id, speaker, title)
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		c.log.Info("quote fixed", "library", library, "quote", id)
		who, _ := fitEscaped(joinNonEmpty(", ", oneLine(q.Speaker), oneLine(q.SpeakerTitle)), 200)
		text, _ := fitEscaped(oneLine(q.Text), 300)
		return now(textReply(fmt.Sprintf("**Fixed** quote #%d: it is now attributed to **%s**.\n> “%s”\n"+
			"The fix stays when the source is refreshed, as long as these words are still in it.", q.ID, who, text), true))
	})
}

// quoteHide answers /quote hide and /quote unhide.
func (b *Bot) quoteHide(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption, hidden bool) {
	id, _ := intOption(opts, optID)
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		q, err := b.Curator.HideQuote(ctx, library, actor, id, hidden)
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		c.log.Info("quote hidden", "library", library, "quote", id, "hidden", hidden)
		text, _ := fitEscaped(oneLine(q.Text), 300)
		if hidden {
			return now(textReply(fmt.Sprintf("**Hidden** quote #%d: answers and listings leave it out, "+
				"also after the source is refreshed. `/quote unhide id:%d` shows it again.\n> “%s”", q.ID, q.ID, text), true))
		}
		return now(textReply(fmt.Sprintf("**Shown** quote #%d again.\n> “%s”", q.ID, text), true))
	})
}

// collection answers the /collection subcommands.
func (b *Bot) collection(c *call, sub string, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	name, _ := textOption(opts, optName)
	sourceID, _, sourceOK := sourceOption(opts, optSource)
	channelID := c.i.ChannelID
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		quoted := func(n string) string {
			e, _ := fitEscaped(n, maxCollectionName)
			return "“" + e + "”"
		}
		var err error
		var msg string
		switch sub {
		case subCreate:
			if err = b.Curator.CreateCollection(ctx, library, actor, name); err == nil {
				msg = fmt.Sprintf("**Created** the collection %s. Add sources with `/collection add name:%s source:`.",
					quoted(name), name)
			}
		case subDelete:
			if err = b.Curator.DeleteCollection(ctx, library, actor, name); err == nil {
				msg = fmt.Sprintf("**Deleted** the collection %s; its sources stay in the library. "+
					"Channels scoped to it should be unscoped with `/collection unscope`.", quoted(name))
			}
		case subAdd, subRemove:
			if !sourceOK {
				return now(textReply(msgPickSource, true))
			}
			if err = b.Curator.CollectSources(ctx, library, actor, name, sub == subRemove, sourceID); err == nil {
				if sub == subAdd {
					msg = fmt.Sprintf("**Added** source #%d to the collection %s.", sourceID, quoted(name))
				} else {
					msg = fmt.Sprintf("**Took** source #%d out of the collection %s.", sourceID, quoted(name))
				}
			}
		case subList:
			return now(b.collectionList(ctx, c, library, channelID))
		case subScope:
			var canonical string
			if canonical, err = b.findCollection(ctx, library, name); err == nil {
				if err = b.Curator.SetSetting(ctx, library, actor, settingScopePrefix+channelID, canonical); err == nil {
					msg = fmt.Sprintf("**Scoped** this channel to the collection %s: `/ask`, @mentions, "+
						"Find sources and `/quotes` here answer only from its sources. `/collection unscope` undoes it.", quoted(canonical))
				}
			}
		case subUnscope:
			if err = b.Curator.SetSetting(ctx, library, actor, settingScopePrefix+channelID, ""); err == nil {
				msg = "This channel answers from the whole library again."
			}
		}
		if err != nil {
			return now(b.curateError(c, library, err))
		}
		c.log.Info("collection changed", "library", library, "subcommand", sub)
		return now(textReply(msg, true))
	})
}

// findCollection returns the name of the collection called name, as it was
// created (names match without regard to case), or ErrUnknownCollection.
func (b *Bot) findCollection(ctx context.Context, library, name string) (string, error) {
	colls, err := b.Curator.Collections(ctx, library)
	if err != nil {
		if errors.Is(err, retrieval.ErrUnknownLibrary) {
			return "", retrieval.ErrUnknownCollection
		}
		return "", err
	}
	for _, col := range colls {
		if strings.EqualFold(strings.TrimSpace(col.Name), strings.TrimSpace(name)) {
			return col.Name, nil
		}
	}
	return "", retrieval.ErrUnknownCollection
}

// collectionList lists the collections and their sources, and says which
// collection this channel answers from.
func (b *Bot) collectionList(ctx context.Context, c *call, library, channelID string) reply {
	colls, err := b.Curator.Collections(ctx, library)
	if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
		return b.curateError(c, library, err)
	}
	var sb strings.Builder
	if scope := b.scope(ctx, c, library, channelID); scope != "" {
		s, _ := fitEscaped(scope, maxCollectionName)
		fmt.Fprintf(&sb, "This channel answers from the collection “%s”.\n\n", s)
	} else {
		sb.WriteString("This channel answers from the whole library.\n\n")
	}
	if len(colls) == 0 {
		sb.WriteString("There are no collections yet: `/collection create name:` makes one.")
		return textReply(sb.String(), true)
	}
	for _, col := range colls {
		name, _ := fitEscaped(col.Name, maxCollectionName)
		ids := make([]string, 0, len(col.Sources))
		for _, id := range col.Sources {
			ids = append(ids, "#"+strconv.FormatInt(id, 10))
		}
		list := strings.Join(ids, ", ")
		if list == "" {
			list = "no sources yet"
		}
		list, _ = truncate(list, 300)
		fmt.Fprintf(&sb, "**%s** (%d source%s): %s\n", name, len(col.Sources), plural(len(col.Sources)), list)
	}
	desc, _ := truncate(sb.String(), maxDescription)
	return reply{ephemeral: true, embeds: []*discordgo.MessageEmbed{{
		Type: discordgo.EmbedTypeRich, Color: cardColor, Title: "Collections", Description: desc,
	}}}
}

// curatorRole answers /settings curator-role: who may curate besides
// Manage Server. Only Manage Server may change it.
func (b *Bot) curatorRole(c *call, data discordgo.ApplicationCommandInteractionData, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	roleID := optionValue(opts, optRole)
	roleName := ""
	if data.Resolved != nil && data.Resolved.Roles[roleID] != nil {
		roleName = data.Resolved.Roles[roleID].Name
	}
	b.curated(c, accessManager, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if roleID == c.i.GuildID {
			return now(textReply("That is @everyone: pick a role that only your curators have.", true))
		}
		if err := b.Curator.SetSetting(ctx, library, actor, settingCuratorRole, roleID); err != nil {
			return now(b.curateError(c, library, err))
		}
		c.log.Info("curator role set", "library", library, "role", roleID)
		if roleID == "" {
			return now(textReply("Cleared the curator role: only members who can manage the server may curate the library now.", true))
		}
		// A role mention shows the role's name; allowed_mentions keeps it
		// from pinging anyone.
		label := "<@&" + roleID + ">"
		if roleName != "" {
			n, _ := fitEscaped(roleName, 100)
			label += " (" + n + ")"
		}
		return now(textReply("Members with the role "+label+" may now curate the library: "+
			"`/source`, `/quote`, `/collection` and **Add as source**.", true))
	})
}

// curateAutocomplete suggests sources (by id, title or author) and
// collection names for the curation commands, to curators only.
func (b *Bot) curateAutocomplete(c *call, data discordgo.ApplicationCommandInteractionData) {
	if b.Curator == nil || len(data.Options) == 0 {
		b.choices(c, nil)
		return
	}
	var focused *discordgo.ApplicationCommandInteractionDataOption
	for _, o := range data.Options[0].Options {
		if o.Focused {
			focused = o
		}
	}
	if focused == nil {
		b.choices(c, nil)
		return
	}
	typed := ""
	switch v := focused.Value.(type) {
	case string:
		typed = v
	case float64:
		typed = strconv.FormatInt(int64(v), 10)
	}
	typed = strings.ToLower(oneLine(typed))
	ctx, cancel := context.WithTimeout(c.ctx, autocompleteTimeout)
	defer cancel()
	library := LibraryName(c.i.GuildID)
	if _, ok := b.gate(ctx, c, library, accessCurator); !ok {
		b.choices(c, nil)
		return
	}
	var out []*discordgo.ApplicationCommandOptionChoice
	switch focused.Name {
	case optID, optSource:
		srcs, err := b.lib.Sources(ctx, library)
		if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
			c.log.Warn("suggest sources", "err", err)
		}
		// Newest first: the source a curator is after is most often one
		// just added.
		for i := len(srcs) - 1; i >= 0 && len(out) < maxChoices; i-- {
			s := srcs[i]
			id := strconv.FormatInt(s.ID, 10)
			label := "#" + id + " " + sourceTitle(s.Ref())
			if a := oneLine(s.Author); a != "" {
				label += " — " + a
			}
			if typed != "" && !strings.HasPrefix(id, typed) && !strings.Contains(strings.ToLower(label), typed) {
				continue
			}
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(oneLine(label), maxChoiceName), Value: id})
		}
	case optName:
		colls, err := b.Curator.Collections(ctx, library)
		if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
			c.log.Warn("suggest collections", "err", err)
		}
		for _, col := range colls {
			if len(out) == maxChoices {
				break
			}
			if typed != "" && !strings.Contains(strings.ToLower(col.Name), typed) {
				continue
			}
			if utf8.RuneCountInString(col.Name) > maxChoiceValue {
				continue
			}
			out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: clip(col.Name, maxChoiceName), Value: col.Name})
		}
	}
	b.choices(c, out)
}
