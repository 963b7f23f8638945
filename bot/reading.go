package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Reading in context: from a card, Open shows the quote's paragraph with
// the quote marked, and ◀ Previous / Next ▶ the paragraphs around it. The
// reading view is private to whoever clicked (a group's answer stays as
// everyone saw it), and its own ◀ / ▶ turn its pages in place, so one
// reader walks through the source in one message.

// read answers Open, Previous and Next: on a card, with a new private
// reading view; on a reading view, by turning its page.
func (b *Bot) read(c *call, action string, p *page, n int) {
	if n < 1 || n > len(p.results) {
		b.send(c, textReply(msgExpired, true))
		return
	}
	r := p.results[n-1]
	count := 0
	if n-1 < len(p.counts) {
		count = p.counts[n-1]
	}
	from := r.Paragraph
	if p.kind == pageRead {
		from = p.paragraph
	}
	target := from
	switch action {
	case actionPrev:
		target = from - 1
	case actionNext:
		target = from + 1
	case actionContext:
		target = r.Paragraph
	}
	if target < 1 {
		b.send(c, textReply(msgFirstParagraph, true))
		return
	}
	if count > 0 && target > count {
		b.send(c, textReply(msgLastParagraph, true))
		return
	}
	view := func(ctx context.Context) reply {
		ps, err := b.lib.Passage(ctx, p.library, r.Source.ID, target)
		if err != nil {
			if errors.Is(err, retrieval.ErrUnknownSource) && target > r.Paragraph {
				// Without a count, the end of the source shows itself
				// as a paragraph that is not there.
				if _, err2 := b.lib.Passage(ctx, p.library, r.Source.ID, r.Paragraph); err2 == nil {
					return textReply(msgLastParagraph, true)
				}
			}
			return b.errorReply(c, p.library, err, true)
		}
		rp := &page{guildID: p.guildID, library: p.library, kind: pageRead, query: p.query,
			results: []retrieval.Result{r}, counts: []int{count}, paragraph: target}
		state := b.pages.put(rp, b.Now())
		return reply{embeds: []*discordgo.MessageEmbed{readEmbed(ps, r, count)},
			components: readButtons(state, r, target, count), ephemeral: true}
	}
	if p.kind == pageRead {
		b.answerUpdate(c, view)
		return
	}
	b.answer(c, true, view)
}

// readEmbed shows paragraph p of r's source: with r's words marked when p
// holds them, and where the reader is in the source.
func readEmbed(p retrieval.Passage, r retrieval.Result, count int) *discordgo.MessageEmbed {
	e := contextEmbed(p, r)
	if p.Paragraph != r.Paragraph {
		e.Author.Name = clip(oneLine("Reading around "+speakerLine(r, 0)), maxCardLine)
	}
	where := "¶ " + strconv.Itoa(p.Paragraph)
	if count > 0 {
		where += " of " + strconv.Itoa(count)
	}
	foot := joinNonEmpty(" · ", oneLine(p.Source.Author), oneLine(p.Source.Published), where)
	if p.Paragraph == r.Paragraph && r.QuoteID > 0 {
		foot += " · quote #" + strconv.FormatInt(r.QuoteID, 10)
	}
	e.Footer = &discordgo.MessageEmbedFooter{Text: clip(foot, maxCardLine)}
	return e
}

// readButtons turn the pages of a reading view: ◀ Previous and Next ▶
// (disabled at the ends), back to the quote's own paragraph when elsewhere,
// and Cite for the quote.
func readButtons(state string, r retrieval.Result, at, count int) []discordgo.MessageComponent {
	row := []discordgo.MessageComponent{
		discordgo.Button{Label: "◀ Previous", Style: discordgo.SecondaryButton, CustomID: customID(actionPrev, state, 1), Disabled: at <= 1},
		discordgo.Button{Label: "Next ▶", Style: discordgo.SecondaryButton, CustomID: customID(actionNext, state, 1), Disabled: count > 0 && at >= count},
	}
	if at != r.Paragraph {
		row = append(row, discordgo.Button{Label: "Back to the quote", Style: discordgo.SecondaryButton, CustomID: customID(actionContext, state, 1)})
	}
	row = append(row, discordgo.Button{Label: "Cite", Style: discordgo.SecondaryButton, CustomID: customID(actionCite, state, 1)})
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// answerUpdate answers a click by replacing the message it is on with
// f's reply: at once if f is ready within DeferAfter, otherwise after a
// silent acknowledgement (DEFERRED_UPDATE_MESSAGE) through an edit.
func (b *Bot) answerUpdate(c *call, f func(ctx context.Context) reply) {
	b.answerOrDefer(c, f, b.updateMessage, func() bool { return b.deferCurated(c, true) })
}

// Citation styles a citation message offers, by action.
var citeStyles = []struct {
	action, label string
}{
	{actionCitePlain, "Quote"},
	{actionAPA, "APA"},
	{actionMLA, "MLA"},
	{actionChicago, "Chicago"},
}

// cite answers Cite on a card or a reading view with a private citation
// message, and the style buttons on that message by showing the citation
// in that style instead.
func (b *Bot) cite(c *call, action, state string, p *page, n int) {
	if n < 1 || n > len(p.results) {
		b.send(c, textReply(msgExpired, true))
		return
	}
	r := p.results[n-1]
	if action == actionCite {
		rep := citeReply(r)
		rep.components = citeButtons(state, n, actionCitePlain)
		b.send(c, rep)
		return
	}
	rep := styledCiteReply(action, r)
	rep.components = citeButtons(state, n, action)
	b.updateMessage(c, rep)
}

// citeButtons offer the citation styles; the one shown is disabled.
func citeButtons(state string, n int, current string) []discordgo.MessageComponent {
	var row []discordgo.MessageComponent
	for _, s := range citeStyles {
		style := discordgo.SecondaryButton
		if s.action == current {
			style = discordgo.PrimaryButton
		}
		row = append(row, discordgo.Button{Label: s.label, Style: style, CustomID: customID(s.action, state, n),
			Disabled: s.action == current})
	}
	return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
}

// styledCiteReply is r's citation in the style action names, for
// copying.
func styledCiteReply(action string, r retrieval.Result) reply {
	if action == actionCitePlain {
		return citeReply(r)
	}
	name, text := styledCitation(action, r)
	content := "Citation (" + name + "), ready to paste:\n"
	if strings.Contains(text, "```") {
		content += escapeMarkdown(text)
	} else {
		content += "```\n" + text + "\n```"
	}
	content, _ = truncate(content, maxContent)
	return textReply(content, true)
}

// msgFirstParagraph and msgLastParagraph stop reading at the ends.
const (
	msgFirstParagraph = "That's the beginning of the source: there is no paragraph before this one."
	msgLastParagraph  = "That's the end of the source: there is no paragraph after this one."
)

// vote records 👍 or 👎 on an answer, one vote per reader and message.
func (b *Bot) vote(c *call, action string, p *page) {
	if b.Study == nil || (p.kind != pageAnswer && p.kind != pageCompare) {
		b.send(c, textReply(msgExpired, true))
		return
	}
	if on := b.look(c.ctx, c, p.library); !on.feedback {
		b.send(c, textReply(msgFeedbackOff, true))
		return
	}
	messageID := ""
	if c.i.Message != nil {
		messageID = c.i.Message.ID
	}
	if messageID == "" {
		b.send(c, textReply(msgExpired, true))
		return
	}
	v := 1
	if action == actionDown {
		v = -1
	}
	b.answer(c, true, func(ctx context.Context) reply {
		if err := b.Study.RecordFeedback(ctx, p.library, messageID, userID(c.i), p.query, v); err != nil {
			return b.errorReply(c, p.library, fmt.Errorf("record feedback: %w", err), true)
		}
		c.log.Info("feedback", "library", p.library, "vote", v)
		if v > 0 {
			return textReply("Thanks: your 👍 is noted. Clicking 👎 instead changes your vote.", true)
		}
		return textReply("Thanks: your 👎 is noted, and the question goes on the moderators' list of questions to find better sources for (`/gaps`).", true)
	})
}

// msgFeedbackOff answers a vote on a server that turned feedback off
// after the answer was shown.
const msgFeedbackOff = "Feedback is turned off on this server."
