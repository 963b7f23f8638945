package bot

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// /export sends the study packet of a thread or channel: every quote the
// bot showed there (answers, follow-ups, /compare, the daily quote), as a
// Markdown file with full citations.

// export answers /export, publicly: the packet is for the group.
func (b *Bot) export(c *call, data discordgo.ApplicationCommandInteractionData) {
	style := retrieval.CiteAPA
	if v := stringOption(data.Options, optStyle); v != "" {
		s, err := retrieval.ParseCiteStyle(v)
		if err != nil {
			b.send(c, textReply("Pick a citation style from the list: APA, MLA or Chicago.", true))
			return
		}
		style = s
	}
	library := LibraryName(c.i.GuildID)
	thread := c.i.ChannelID
	b.deferred(c, false, func(ctx context.Context) reply {
		rs, err := b.Study.Cited(ctx, library, thread)
		if err != nil && !isUnknownLibrary(err) {
			return b.errorReply(c, library, fmt.Errorf("read cited quotes: %w", err), false)
		}
		if len(rs) == 0 {
			return textReply(msgNothingCited, false)
		}
		title := "Study packet, " + b.Now().UTC().Format("2 January 2006")
		var buf bytes.Buffer
		if err := retrieval.ExportMarkdown(&buf, title, rs, style); err != nil {
			return b.errorReply(c, library, fmt.Errorf("export study packet: %w", err), false)
		}
		c.log.Info("study packet exported", "library", library, "quotes", len(rs), "style", string(style))
		return reply{
			content: fmt.Sprintf("📚 **Study packet**: the %d quote%s cited here, with %s citations.",
				len(rs), plural(len(rs)), style.Name()),
			files: []*discordgo.File{{Name: "study-packet.md", ContentType: "text/markdown; charset=utf-8",
				Reader: bytes.NewReader(buf.Bytes())}},
		}
	})
}

// msgNothingCited answers /export where nothing has been cited yet.
const msgNothingCited = "Nothing has been cited here yet. The quotes the bot shows in this thread or channel " +
	"(`/ask`, @mentions, `/compare`, the daily quote) are collected, and `/export` sends them as a Markdown study packet."

// isUnknownLibrary reports whether err says the library does not exist
// yet: for a listing, the same as an empty one.
func isUnknownLibrary(err error) bool { return errors.Is(err, retrieval.ErrUnknownLibrary) }
