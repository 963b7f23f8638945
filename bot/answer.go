package bot

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// pinnedMark heads the card of an answer moderators pinned.
const pinnedMark = "📌 Pinned by moderators"

// maxCompactQuote is the longest quote the compact layout shows.
const maxCompactQuote = 280

// renderAnswer stores p (a page of answer, quote or compare cards) for its
// buttons and renders it as the server's settings say: full cards or one
// compact card, with or without buttons, with or without 👍/👎.
func (b *Bot) renderAnswer(c *call, p *page, look answerLook, more, ephemeral bool) reply {
	p.counts = b.paragraphCounts(c.ctx, c, p.library, p.results)
	state := b.pages.put(p, b.Now())
	var embeds []*discordgo.MessageEmbed
	if look.compact {
		embeds = []*discordgo.MessageEmbed{compactEmbed(p.results, p.pinned)}
	} else {
		embeds = cards(p.results)
		if p.pinned && len(embeds) > 0 && embeds[0].Author != nil {
			embeds[0].Author.Name = clip(pinnedMark+" · "+embeds[0].Author.Name, maxCardLine)
		}
	}
	rep := reply{embeds: embeds, ephemeral: ephemeral, shown: p.results}
	if look.buttons {
		feedback := look.feedback && (p.kind == pageAnswer || p.kind == pageCompare)
		rep.components = answerButtons(state, p, feedback, more)
	}
	return rep
}

// paragraphCounts returns the number of paragraphs of each result's
// source (0 where it is not known), each source asked once.
func (b *Bot) paragraphCounts(ctx context.Context, c *call, library string, rs []retrieval.Result) []int {
	out := make([]int, len(rs))
	if b.Study == nil {
		return out
	}
	known := map[int64]int{}
	for i, r := range rs {
		n, ok := known[r.Source.ID]
		if !ok {
			var err error
			n, err = b.Study.ParagraphCount(ctx, library, r.Source.ID)
			if err != nil {
				if !errors.Is(err, retrieval.ErrUnknownSource) && !errors.Is(err, retrieval.ErrUnknownLibrary) {
					c.log.Warn("count paragraphs", "source", r.Source.ID, "err", err)
				}
				n = 0
			}
			known[r.Source.ID] = n
		}
		out[i] = n
	}
	return out
}

// answerButtons are the buttons under a page of cards. Each card gets
// ◀ Previous and Next ▶ (its source's paragraph before and after, disabled
// at the ends), Open (its paragraph with the quote marked) and Cite; the
// answer gets 👍/👎 when feedback is on, and More when there is a next
// page. One card's buttons share a row; with several, each kind gets a
// row of its own, numbered like the cards: at most five rows of five.
func answerButtons(state string, p *page, feedback, more bool) []discordgo.MessageComponent {
	n := len(p.results)
	prevOff := func(i int) bool { return p.results[i].Paragraph <= 1 }
	nextOff := func(i int) bool { return p.counts[i] > 0 && p.results[i].Paragraph >= p.counts[i] }
	btn := func(label, action string, card int, off bool) discordgo.MessageComponent {
		return discordgo.Button{Label: label, Style: discordgo.SecondaryButton, CustomID: customID(action, state, card), Disabled: off}
	}
	var rows []discordgo.MessageComponent
	switch {
	case n == 1:
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			btn("◀ Previous", actionPrev, 1, prevOff(0)),
			btn("Open", actionContext, 1, false),
			btn("Next ▶", actionNext, 1, nextOff(0)),
			btn("Cite", actionCite, 1, false),
		}})
	case n > 1:
		var open, prev, next, cite []discordgo.MessageComponent
		for i := range min(n, 5) {
			k := strconv.Itoa(i + 1)
			open = append(open, btn("Open "+k, actionContext, i+1, false))
			prev = append(prev, btn("◀ "+k, actionPrev, i+1, prevOff(i)))
			next = append(next, btn(k+" ▶", actionNext, i+1, nextOff(i)))
			cite = append(cite, btn("Cite "+k, actionCite, i+1, false))
		}
		rows = append(rows,
			discordgo.ActionsRow{Components: open},
			discordgo.ActionsRow{Components: prev},
			discordgo.ActionsRow{Components: next},
			discordgo.ActionsRow{Components: cite})
	}
	var last []discordgo.MessageComponent
	if feedback {
		last = append(last,
			discordgo.Button{Label: "👍", Style: discordgo.SecondaryButton, CustomID: customID(actionUp, state, 0)},
			discordgo.Button{Label: "👎", Style: discordgo.SecondaryButton, CustomID: customID(actionDown, state, 0)})
	}
	if more {
		last = append(last, discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: customID(actionMore, state, 0)})
	}
	if len(last) > 0 {
		rows = append(rows, discordgo.ActionsRow{Components: last})
	}
	return rows
}

// compactEmbed lists results in one card, a few lines each: the quote
// (shortened), who said it and where.
func compactEmbed(results []retrieval.Result, pinned bool) *discordgo.MessageEmbed {
	var sb strings.Builder
	for i, r := range results {
		quote, _ := fitEscaped(oneLine(r.Text), maxCompactQuote)
		who, _ := fitEscaped(speakerLine(r, 0), 120)
		where, _ := fitEscaped(sourceTitle(r.Source), 120)
		line := "**" + strconv.Itoa(i+1) + ".** “" + quote + "” — " + who + " · *" + where + "*, ¶ " + strconv.Itoa(r.Paragraph)
		if r.QuoteID > 0 {
			line += " · quote #" + strconv.FormatInt(r.QuoteID, 10)
		}
		if i == 0 && pinned {
			line = pinnedMark + "\n" + line
		}
		sb.WriteString(line + "\n")
	}
	desc, _ := truncate(strings.TrimSuffix(sb.String(), "\n"), maxDescription)
	return &discordgo.MessageEmbed{Type: discordgo.EmbedTypeRich, Color: cardColor, Description: desc}
}
