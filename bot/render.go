package bot

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Discord's limits (LIMITS.md).
const (
	maxContent     = 2000
	maxTitle       = 256
	maxDescription = 4096
	maxAuthor      = 256
	maxFooter      = 2048
	maxEmbedsTotal = 6000
	maxLabel       = 80
	maxChoiceName  = 100
	maxChoiceValue = 100
	maxChoices     = 25
	maxEmbedURL    = 2048
)

// Our own, tighter budgets, so that several cards fit the 6000 total.
const (
	// maxQuoteRunes is the longest quote a card shows: longer ones are
	// shortened and point to Context.
	maxQuoteRunes = 1200
	// maxCardLine bounds a card's author line, title and footer.
	maxCardLine = 200
	// maxEchoRunes bounds the question echoed above an answer.
	maxEchoRunes = 300
	// embedSlack is kept free under maxEmbedsTotal in case Discord counts
	// a character differently from us.
	embedSlack = 100
	// lowConfidence is the attribution confidence below which a card says
	// the attribution is uncertain (retrieval gives 0.5 to a sentence's
	// subject and 0.2 to an unresolved pronoun).
	lowConfidence = 0.6
)

// cardColor is the embed accent colour (a muted blue).
const cardColor = 0x4f6d9a

// shortenedNote ends a card whose quote was shortened.
const shortenedNote = "*(shortened — full quote: Open)*"

// noMentions is sent with every message: quoted text such as "@everyone"
// or "<@id>" must stay text.
func noMentions() *discordgo.MessageAllowedMentions {
	return &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
}

// reply is a message the bot wants to send, before it knows how (as the
// interaction's response, an edit of it, or a channel message).
type reply struct {
	content    string
	embeds     []*discordgo.MessageEmbed
	components []discordgo.MessageComponent
	ephemeral  bool
	// files are attachments (an /export packet, a /gaps CSV); only a
	// deferred reply's edit sends them.
	files []*discordgo.File
	// shown are the results the reply shows, for the channel's study
	// packet (RecordCited).
	shown []retrieval.Result
}

// textReply is a reply of content only.
func textReply(content string, ephemeral bool) reply {
	return reply{content: content, ephemeral: ephemeral}
}

// card renders one result as an embed. n numbers the card when an answer
// has several (0: no number). budget is the most runes its description may
// take.
func card(r retrieval.Result, n, budget int) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{
		Type:   discordgo.EmbedTypeRich,
		Color:  cardColor,
		Title:  clip(oneLine(sourceTitle(r.Source)), maxCardLine),
		URL:    linkURL(r.Source.URL),
		Author: &discordgo.MessageEmbedAuthor{Name: clip(oneLine(speakerLine(r, n)), maxCardLine)},
		Footer: &discordgo.MessageEmbedFooter{Text: clip(oneLine(footerLine(r.Source, r.Paragraph, r.Fragment, r.QuoteID)), maxCardLine)},
	}
	budget = min(budget, maxDescription)
	// Quotation marks and the note count against the budget too.
	room := max(budget-2, 1)
	text, shortened := fitEscaped(r.Text, min(room, maxQuoteRunes))
	if shortened {
		text, _ = fitEscaped(r.Text, max(min(room-utf8.RuneCountInString(shortenedNote)-1, maxQuoteRunes), 1))
		e.Description = "“" + text + "”\n" + shortenedNote
	} else {
		e.Description = "“" + text + "”"
	}
	return e
}

// speakerLine is a card's author line: who the words belong to.
func speakerLine(r retrieval.Result, n int) string {
	var who string
	switch {
	case r.Kind == retrieval.ResultPassage:
		who = "Passage"
	case r.Speaker == "":
		who = "Unattributed"
	default:
		who = r.Speaker
		if r.SpeakerTitle != "" {
			who += ", " + r.SpeakerTitle
		}
		if r.Confidence > 0 && r.Confidence < lowConfidence {
			who += " (attribution uncertain)"
		}
	}
	if n > 0 {
		who = strconv.Itoa(n) + " · " + who
	}
	return who
}

// footerLine is "author · date · ¶ paragraph · quote #id": the quote id
// is what curators give /quote fix and /quote hide.
func footerLine(s retrieval.SourceRef, paragraph int, fragment bool, quoteID int64) string {
	parts := []string{}
	for _, p := range []string{s.Author, s.Published} {
		if p = oneLine(p); p != "" {
			parts = append(parts, p)
		}
	}
	if paragraph > 0 {
		parts = append(parts, "¶ "+strconv.Itoa(paragraph))
	}
	if fragment {
		parts = append(parts, "fragment")
	}
	if quoteID > 0 {
		parts = append(parts, "quote #"+strconv.FormatInt(quoteID, 10))
	}
	return strings.Join(parts, " · ")
}

// sourceTitle is a source's title, or a stand-in naming its id.
func sourceTitle(s retrieval.SourceRef) string {
	if t := oneLine(s.Title); t != "" {
		return t
	}
	return "Untitled source #" + strconv.FormatInt(s.ID, 10)
}

// linkURL returns raw if it is an absolute http or https URL short enough
// for an embed, else "": a source's URL is whatever its file said, and
// Discord rejects the whole message over one bad link.
func linkURL(raw string) string {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > maxEmbedURL {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.ContainsAny(raw, " \t\r\n<>\"") {
		return ""
	}
	return u.String()
}

// cards renders results as embeds that together stay under Discord's
// 6000-character total: each card first gets its natural size, and only if
// they would not fit together do the quotes share what is left equally.
func cards(results []retrieval.Result) []*discordgo.MessageEmbed {
	numbered := len(results) > 1
	number := func(i int) int {
		if numbered {
			return i + 1
		}
		return 0
	}
	out := make([]*discordgo.MessageEmbed, len(results))
	total, fixed := 0, 0
	for i, r := range results {
		out[i] = card(r, number(i), maxDescription)
		n := embedLen(out[i])
		total += n
		fixed += n - utf8.RuneCountInString(out[i].Description)
	}
	if total <= maxEmbedsTotal-embedSlack {
		return out
	}
	budget := (maxEmbedsTotal - embedSlack - fixed) / len(results)
	for i, r := range results {
		out[i] = card(r, number(i), budget)
	}
	return out
}

// embedLen counts the characters of e that Discord adds up against the
// 6000 total.
func embedLen(e *discordgo.MessageEmbed) int {
	n := utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
	if e.Author != nil {
		n += utf8.RuneCountInString(e.Author.Name)
	}
	if e.Footer != nil {
		n += utf8.RuneCountInString(e.Footer.Text)
	}
	for _, f := range e.Fields {
		n += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
	}
	return n
}

// pageButtons are the buttons under a page of cards: Context and Cite for
// each card, and More when there is a next page. With one card they share
// a row; with more, Context and Cite get a row each, numbered like the
// cards.
func pageButtons(state string, nCards int, more bool) []discordgo.MessageComponent {
	moreButton := discordgo.Button{Label: "More", Style: discordgo.PrimaryButton, CustomID: customID(actionMore, state, 0)}
	if nCards == 0 {
		if !more {
			return nil
		}
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{moreButton}}}
	}
	if nCards == 1 {
		row := []discordgo.MessageComponent{
			discordgo.Button{Label: "Context", Style: discordgo.SecondaryButton, CustomID: customID(actionContext, state, 1)},
			discordgo.Button{Label: "Cite", Style: discordgo.SecondaryButton, CustomID: customID(actionCite, state, 1)},
		}
		if more {
			row = append(row, moreButton)
		}
		return []discordgo.MessageComponent{discordgo.ActionsRow{Components: row}}
	}
	var ctxRow, citeRow []discordgo.MessageComponent
	for i := 1; i <= nCards; i++ {
		ctxRow = append(ctxRow, discordgo.Button{Label: "Context " + strconv.Itoa(i), Style: discordgo.SecondaryButton,
			CustomID: customID(actionContext, state, i)})
		citeRow = append(citeRow, discordgo.Button{Label: "Cite " + strconv.Itoa(i), Style: discordgo.SecondaryButton,
			CustomID: customID(actionCite, state, i)})
	}
	rows := []discordgo.MessageComponent{
		discordgo.ActionsRow{Components: ctxRow},
		discordgo.ActionsRow{Components: citeRow},
	}
	if more {
		rows = append(rows, discordgo.ActionsRow{Components: []discordgo.MessageComponent{moreButton}})
	}
	return rows
}

// echo quotes a user's question above an answer, on one line, escaped.
func echo(label, question string) string {
	q, _ := fitEscaped(oneLine(question), maxEchoRunes)
	return label + " " + q
}

// contextEmbed shows the paragraph around result r, with r's words in
// bold; a paragraph too long for one embed is shown around them.
func contextEmbed(p retrieval.Passage, r retrieval.Result) *discordgo.MessageEmbed {
	// The part of r inside the paragraph, relative to it.
	qs, qe := max(r.Start-p.Start, 0), min(r.End-p.Start, len(p.Text))
	if qs >= qe || qe > len(p.Text) || !utf8.ValidString(p.Text[qs:qe]) {
		qs, qe = 0, 0 // r is not in this paragraph: show it plain
	}
	before, quote, after := p.Text[:qs], p.Text[qs:qe], p.Text[qe:]

	budget := maxDescription - 200 // room for the bold marks and ellipses
	var desc string
	if quote == "" {
		desc, _ = fitEscaped(p.Text, budget)
	} else {
		q, _ := fitEscaped(quote, budget/2)
		rest := budget - utf8.RuneCountInString(q)
		b := tailEscaped(before, rest/2)
		a, _ := fitEscaped(after, rest-utf8.RuneCountInString(b))
		desc = b + "**" + q + "**" + a
	}
	return &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Color:       cardColor,
		Title:       clip(sourceTitle(p.Source), maxCardLine),
		URL:         linkURL(p.Source.URL),
		Author:      &discordgo.MessageEmbedAuthor{Name: clip(oneLine("Context of "+speakerLine(r, 0)), maxCardLine)},
		Description: desc,
		Footer:      &discordgo.MessageEmbedFooter{Text: clip(oneLine(footerLine(p.Source, p.Paragraph, false, r.QuoteID)), maxCardLine)},
	}
}

// tailEscaped returns the end of s, escaped, in at most max runes: cut at a
// word boundary from the left and marked with an ellipsis.
func tailEscaped(s string, max int) string {
	if esc := escapeMarkdown(s); utf8.RuneCountInString(esc) <= max {
		return esc
	}
	// Reverse the runes, cut the head with truncate's rules, reverse back.
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	for budget := max; budget > 1; {
		cut, _ := truncate(string(r), budget)
		cr := []rune(strings.TrimSuffix(cut, ellipsis))
		for i, j := 0, len(cr)-1; i < j; i, j = i+1, j-1 {
			cr[i], cr[j] = cr[j], cr[i]
		}
		out := ellipsis + escapeMarkdown(strings.TrimLeft(string(cr), " "))
		if over := utf8.RuneCountInString(out) - max; over > 0 {
			budget -= over
			continue
		}
		return out
	}
	return ""
}

// citation is a ready-to-paste citation of r, on one line:
//
//	“words” — Speaker, Role, in “Title” (Author, date), ¶ 4. https://…
func citation(r retrieval.Result) string {
	s := r.Source
	var who string
	switch {
	case r.Kind == retrieval.ResultPassage:
	case r.Speaker == "":
		who = "unattributed"
	default:
		who = oneLine(r.Speaker)
		if t := oneLine(r.SpeakerTitle); t != "" {
			who += ", " + t
		}
		if r.Confidence > 0 && r.Confidence < lowConfidence {
			who += " (attribution uncertain)"
		}
	}
	where := "“" + sourceTitle(s) + "”"
	if meta := joinNonEmpty(", ", oneLine(s.Author), oneLine(s.Published)); meta != "" {
		where += " (" + meta + ")"
	}
	where += ", ¶ " + strconv.Itoa(r.Paragraph) + "."
	if u := linkURL(s.URL); u != "" {
		where += " " + u
	}
	tail := " — " + where
	if who != "" {
		tail = " — " + who + ", in " + where
	}
	// The quote gets whatever room the rest leaves in one message.
	room := maxContent - utf8.RuneCountInString(tail) - 60
	quote, _ := truncate(oneLine(r.Text), max(room, 20))
	return "“" + quote + "”" + tail
}

// citeReply wraps a citation for copying: in a code block, which shows
// every character as is, unless the text itself holds a code fence.
func citeReply(r retrieval.Result) reply {
	c := citation(r)
	var content string
	if strings.Contains(c, "```") {
		content = "Citation, ready to paste:\n" + escapeMarkdown(c)
	} else {
		content = "Citation, ready to paste:\n```\n" + c + "\n```"
	}
	content, _ = truncate(content, maxContent)
	return textReply(content, true)
}

// sourcesEmbed lists sources[offset:offset+n] of a library of total
// sources.
func sourcesEmbed(sources []retrieval.Source, offset, total int) *discordgo.MessageEmbed {
	var b strings.Builder
	for i, s := range sources {
		title, _ := fitEscaped(sourceTitle(s.Ref()), 150)
		line := fmt.Sprintf("**%d.** ", offset+i+1)
		if u := linkURL(s.URL); u != "" && !strings.ContainsAny(u, "()[]") {
			line += "[" + title + "](" + u + ")"
		} else {
			line += title
		}
		if meta := joinNonEmpty(" · ", oneLine(s.Author), oneLine(s.Published)); meta != "" {
			m, _ := fitEscaped(meta, 100)
			line += " — " + m
		}
		b.WriteString(line + "\n")
	}
	desc, _ := truncate(b.String(), maxDescription)
	return &discordgo.MessageEmbed{
		Type:        discordgo.EmbedTypeRich,
		Color:       cardColor,
		Title:       fmt.Sprintf("This server's library: %d source%s", total, plural(total)),
		Description: desc,
		Footer: &discordgo.MessageEmbedFooter{
			Text: fmt.Sprintf("Showing %d–%d of %d · /ask a question, or /quotes a speaker", offset+1, offset+len(sources), total),
		},
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// clamp is the last guard before anything is sent: whatever the renderers
// did, the message fits Discord's limits. It cuts rather than fails,
// since a shortened answer beats a 400.
func (rep *reply) clamp() {
	rep.content, _ = truncate(rep.content, maxContent)
	if len(rep.embeds) > 10 {
		rep.embeds = rep.embeds[:10]
	}
	total := 0
	for i, e := range rep.embeds {
		e.Title = clip(e.Title, maxTitle)
		e.Description, _ = truncate(e.Description, maxDescription)
		if e.Author != nil {
			e.Author.Name = clip(e.Author.Name, maxAuthor)
		}
		if e.Footer != nil {
			e.Footer.Text = clip(e.Footer.Text, maxFooter)
		}
		total += embedLen(e)
		if total > maxEmbedsTotal {
			rep.embeds = rep.embeds[:i]
			break
		}
	}
	if rep.content == "" && len(rep.embeds) == 0 && len(rep.files) == 0 {
		rep.content = "(nothing to show)"
	}
}
