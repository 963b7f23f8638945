package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Getting documents in: an attached file, a link, the text of the /source
// paste form, or a message turned into a source. Each becomes a
// retrieval.Document through retrieval.ParseDocument (or the Fetcher),
// which also finds the metadata the moderator left out.

// Origins of the documents added from Discord. A document's origin is what
// makes a later one with other text replace it, so each is unique: two
// uploads both called message.txt (Discord's name for a long pasted
// message) are two sources. Only a link is refreshable.
const (
	originUpload  = "discord:upload/"  // + attachment id + "/" + file name
	originPaste   = "discord:paste/"   // + interaction id
	originMessage = "discord:message/" // + guild/channel/message
)

// Names of the fields of the /source paste form.
const (
	fieldTitle  = "title"
	fieldAuthor = "author"
	fieldURL    = "url"
	fieldDate   = "date"
	fieldText   = "text"
)

// maxPasteRunes is the most a text input holds (Discord's limit).
const maxPasteRunes = 4000

// supportedExt lists the file types ParseDocument reads.
var supportedExt = map[string]bool{".txt": true, ".text": true, ".md": true, ".markdown": true, ".html": true, ".htm": true}

// tooLargeError is a file over the upload limit.
type tooLargeError struct{ size, max int64 }

func (e *tooLargeError) Error() string {
	return fmt.Sprintf("file of %d bytes is over the %d-byte limit", e.size, e.max)
}

// sourceAdd answers /source add: an attached file, or a link to fetch.
func (b *Bot) sourceAdd(c *call, data discordgo.ApplicationCommandInteractionData, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	var file *discordgo.MessageAttachment
	if id := optionValue(opts, optFile); id != "" && data.Resolved != nil {
		file = data.Resolved.Attachments[id]
	}
	link, _ := textOption(opts, optURL)
	meta := retrieval.Metadata{}
	meta.Title, _ = textOption(opts, optTitle)
	meta.Author, _ = textOption(opts, optAuthor)
	meta.Published, _ = textOption(opts, optDate)

	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if meta.Published != "" && !validDate(meta.Published) {
			return now(textReply(msgBadDate, true))
		}
		switch {
		case file != nil:
			if link != "" && !validLink(link) {
				return now(textReply(msgBadLink, true))
			}
			meta.URL = link
			if rep, ok := b.checkAttachment(file); !ok {
				return now(rep)
			}
			return later(func(ctx context.Context) reply {
				data, err := b.download(ctx, file)
				if err != nil {
					return b.curateError(c, library, err)
				}
				meta.Origin = originUpload + file.ID + "/" + file.Filename
				doc, err := retrieval.ParseDocument(file.Filename, data, meta)
				if err != nil {
					return b.curateError(c, library, err)
				}
				return b.addDocument(ctx, c, library, actor, doc)
			})
		case link != "":
			if b.Fetcher == nil {
				return now(textReply(msgNoFetcher, true))
			}
			if !validLink(link) {
				return now(textReply(msgBadLink, true))
			}
			return later(func(ctx context.Context) reply {
				doc, err := b.fetch(ctx, link)
				if err != nil {
					return b.curateError(c, library, err)
				}
				doc.Title = firstNonEmpty(meta.Title, doc.Title)
				doc.Author = firstNonEmpty(meta.Author, doc.Author)
				doc.Published = firstNonEmpty(meta.Published, doc.Published)
				return b.addDocument(ctx, c, library, actor, doc)
			})
		}
		return now(textReply(msgAddHow, true))
	})
}

// checkAttachment turns away, before downloading it, a file that cannot
// be added: a PDF, an unsupported type, or one over MaxUpload.
func (b *Bot) checkAttachment(a *discordgo.MessageAttachment) (reply, bool) {
	ext := strings.ToLower(path.Ext(a.Filename))
	ct := strings.ToLower(a.ContentType)
	switch {
	case ext == ".pdf" || strings.HasPrefix(ct, "application/pdf"):
		return textReply(msgPDF, true), false
	case !supportedExt[ext]:
		return textReply(msgUnsupported, true), false
	case int64(a.Size) > b.MaxUpload:
		return textReply(msgTooLarge(int64(a.Size), b.MaxUpload), true), false
	}
	return reply{}, true
}

// download reads an attachment from Discord's CDN through the session's
// HTTP client, never more than MaxUpload bytes, whatever the attachment
// said its size was. It sends no Authorization header: the CDN needs none
// and the token must not travel further than Discord's API.
func (b *Bot) download(ctx context.Context, a *discordgo.MessageAttachment) ([]byte, error) {
	if !validLink(a.URL) {
		return nil, fmt.Errorf("attachment %s: url %q is not http(s)", a.ID, a.URL)
	}
	client := http.DefaultClient
	if b.Session != nil && b.Session.Client != nil {
		client = b.Session.Client
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("attachment %s: %w", a.ID, err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("download attachment %s: %w", a.ID, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("download attachment %s: status %s", a.ID, resp.Status)
	}
	if resp.ContentLength > b.MaxUpload {
		return nil, &tooLargeError{size: resp.ContentLength, max: b.MaxUpload}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, b.MaxUpload+1))
	if err != nil {
		return nil, fmt.Errorf("download attachment %s: %w", a.ID, err)
	}
	if int64(len(data)) > b.MaxUpload {
		return nil, &tooLargeError{size: int64(len(data)), max: b.MaxUpload}
	}
	return data, nil
}

// addDocument adds doc and says what was added.
func (b *Bot) addDocument(ctx context.Context, c *call, library string, actor retrieval.Actor, doc retrieval.Document) reply {
	res, err := b.Curator.AddAs(ctx, library, actor, doc)
	if err != nil {
		return b.curateError(c, library, err)
	}
	if len(res) != 1 {
		return b.errorReply(c, library, fmt.Errorf("add: %d results for one document", len(res)), true)
	}
	r := res[0]
	c.log.Info("source added", "library", library, "source", r.Source.ID, "status", r.Status)
	return textReply(b.addSummary(ctx, c, library, r), true)
}

// addSummary says what adding (or refreshing) a source did: its counts,
// the speakers found, or that it was already there.
func (b *Bot) addSummary(ctx context.Context, c *call, library string, r retrieval.AddResult) string {
	ref := r.Source.Ref()
	title := quotedTitle(ref)
	var lead string
	switch r.Status {
	case retrieval.StatusUnchanged:
		return fmt.Sprintf("**Skipped:** %s is already in the library, unchanged, as source #%d. Nothing was added.", title, ref.ID)
	case retrieval.StatusReplaced:
		lead = fmt.Sprintf("**Updated** source #%d %s with new text", ref.ID, title)
	default:
		lead = fmt.Sprintf("**Added** source #%d %s", ref.ID, title)
	}
	if meta := joinNonEmpty(", ", oneLine(ref.Author), oneLine(ref.Published)); meta != "" {
		m, _ := fitEscaped(meta, 100)
		lead += " (" + m + ")"
	}
	out := fmt.Sprintf("%s: %d passage%s, %d quote%s, %d speaker%s.", lead,
		r.Passages, plural(r.Passages), r.Quotes, plural(r.Quotes), r.Speakers, plural(r.Speakers))
	if names := b.speakersOf(ctx, c, library, ref.ID); names != "" {
		out += "\nSpeakers: " + names
	}
	out += fmt.Sprintf("\n`/source show id:%d` lists its quotes; `/source edit` corrects its details.", ref.ID)
	return out
}

// speakersOf names the speakers quoted in a source, most quoted first,
// escaped and shortened; "" if there are none or they cannot be read.
func (b *Bot) speakersOf(ctx context.Context, c *call, library string, id int64) string {
	qs, err := b.lib.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: id})
	if err != nil {
		c.log.Warn("list the speakers of a new source", "err", err)
		return ""
	}
	count := map[string]int{}
	var order []string
	for _, q := range qs {
		name := oneLine(q.Speaker)
		if name == "" {
			continue
		}
		if count[name] == 0 {
			order = append(order, name)
		}
		count[name]++
	}
	// Stable: most quoted first, then in order of appearance.
	sortStableBy(order, func(a, b string) bool { return count[a] > count[b] })
	const show = 12
	var names []string
	for i, n := range order {
		if i == show {
			names = append(names, fmt.Sprintf("and %d more", len(order)-show))
			break
		}
		e, _ := fitEscaped(n, 60)
		names = append(names, e)
	}
	return strings.Join(names, ", ")
}

// sourcePaste answers /source paste with the form to paste text into.
// The form needs no state: whoever submits it is checked again then.
func (b *Bot) sourcePaste(c *call) {
	if c.i.GuildID == "" {
		b.send(c, textReply(msgDM, true))
		return
	}
	if b.Curator == nil {
		b.send(c, textReply(msgNoCuration, true))
		return
	}
	// A form must be the first response, so the check cannot be deferred;
	// it reads one setting, and gets two seconds.
	ctx, cancel := context.WithTimeout(c.ctx, 2*time.Second)
	defer cancel()
	if rep, ok := b.gate(ctx, c, LibraryName(c.i.GuildID), accessCurator); !ok {
		b.send(c, rep)
		return
	}
	input := func(id, label, placeholder string, style discordgo.TextInputStyle, required bool, max int) discordgo.MessageComponent {
		return discordgo.ActionsRow{Components: []discordgo.MessageComponent{discordgo.TextInput{
			CustomID: id, Label: label, Style: style, Placeholder: placeholder, Required: required, MaxLength: max,
		}}}
	}
	if err := c.r.InteractionRespond(c.i, &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseModal,
		Data: &discordgo.InteractionResponseData{
			CustomID: customID(actionPaste, "form", 0),
			Title:    "Add pasted text as a source",
			Components: []discordgo.MessageComponent{
				input(fieldTitle, "Title", "Default: the first line, if it is a headline", discordgo.TextInputShort, false, maxMetaTitle),
				input(fieldAuthor, "Author or publisher", "Optional", discordgo.TextInputShort, false, maxMetaAuthor),
				input(fieldURL, "Link to the original", "Optional: https://…", discordgo.TextInputShort, false, 512),
				input(fieldDate, "Date published", "Optional: YYYY-MM-DD", discordgo.TextInputShort, false, maxMetaDate),
				input(fieldText, "Text", "Paste the text here; paragraphs separated by blank lines", discordgo.TextInputParagraph, true, maxPasteRunes),
			},
		},
	}); err != nil {
		c.log.Error("open the paste form", "err", err)
	}
}

// modalSubmit handles a submitted form: only the /source paste form.
func (b *Bot) modalSubmit(c *call, data discordgo.ModalSubmitInteractionData) {
	action, _, _, ok := parseCustomID(data.CustomID)
	if !ok || action != actionPaste {
		c.log.Warn("unknown form", "custom_id", clip(data.CustomID, 100))
		b.send(c, textReply(msgExpired, true))
		return
	}
	values := formValues(data.Components)
	text := values[fieldText]
	meta := retrieval.Metadata{
		Title: oneLine(values[fieldTitle]), Author: oneLine(values[fieldAuthor]),
		URL: strings.TrimSpace(values[fieldURL]), Published: strings.TrimSpace(values[fieldDate]),
		Origin: originPaste + c.i.ID,
	}
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		switch {
		case meta.Published != "" && !validDate(meta.Published):
			return now(textReply(msgBadDate, true))
		case meta.URL != "" && !validLink(meta.URL):
			return now(textReply(msgBadLink, true))
		case strings.TrimSpace(text) == "":
			return now(textReply(msgEmptyDocument, true))
		}
		return later(func(ctx context.Context) reply {
			doc, err := retrieval.ParseDocument("Pasted text.txt", []byte(text), meta)
			if err != nil {
				return b.curateError(c, library, err)
			}
			return b.addDocument(ctx, c, library, actor, doc)
		})
	})
}

// formValues returns the values of a submitted form's text inputs by
// custom_id.
func formValues(rows []discordgo.MessageComponent) map[string]string {
	out := map[string]string{}
	var walk func(cs []discordgo.MessageComponent)
	walk = func(cs []discordgo.MessageComponent) {
		for _, comp := range cs {
			switch v := comp.(type) {
			case *discordgo.ActionsRow:
				walk(v.Components)
			case discordgo.ActionsRow:
				walk(v.Components)
			case *discordgo.TextInput:
				out[v.CustomID] = v.Value
			case discordgo.TextInput:
				out[v.CustomID] = v.Value
			}
		}
	}
	walk(rows)
	return out
}

// addMessage answers the "Add as source" message command: the message
// becomes a source by its author, linked back to it, which its author can
// take out again with /optout.
func (b *Bot) addMessage(c *call, data discordgo.ApplicationCommandInteractionData) {
	var m *discordgo.Message
	if data.Resolved != nil {
		m = data.Resolved.Messages[data.TargetID]
	}
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if m == nil || strings.TrimSpace(m.Content) == "" || m.Author == nil {
			return now(textReply(msgNoMessageToAdd, true))
		}
		channelID := firstNonEmpty(m.ChannelID, c.i.ChannelID)
		link := fmt.Sprintf("https://discord.com/channels/%s/%s/%s", c.i.GuildID, channelID, m.ID)
		name := displayName(m.Author, m.Member)
		title := "Message by " + name
		if ch := b.channelName(channelID); ch != "" {
			title += " in #" + ch
		}
		date := ""
		if !m.Timestamp.IsZero() {
			date = m.Timestamp.UTC().Format("2006-01-02")
			title += " on " + date
		}
		meta := retrieval.Metadata{
			Title: clip(title, maxMetaTitle), Author: name, URL: link, Published: date,
			Origin:   originMessage + c.i.GuildID + "/" + channelID + "/" + m.ID,
			AuthorID: m.Author.ID,
		}
		return later(func(ctx context.Context) reply {
			// A Discord message is Markdown.
			doc, err := retrieval.ParseDocument("message.md", []byte(m.Content), meta)
			if err != nil {
				return b.curateError(c, library, err)
			}
			doc.AuthorID = meta.AuthorID // ParseDocument keeps only what it reads
			return b.addDocument(ctx, c, library, actor, doc)
		})
	})
}

// displayName is how a message's author appears: their server nickname,
// else their display name, else their username.
func displayName(u *discordgo.User, m *discordgo.Member) string {
	if m != nil && oneLine(m.Nick) != "" {
		return oneLine(m.Nick)
	}
	if oneLine(u.GlobalName) != "" {
		return oneLine(u.GlobalName)
	}
	return oneLine(u.Username)
}

// channelName is the name of a channel from the state of the session of
// its server's shard (filled by GUILD_CREATE), or "" if unknown.
func (b *Bot) channelName(id string) string {
	ch := b.stateChannel(id)
	if ch == nil {
		return ""
	}
	return oneLine(ch.Name)
}

// fetchFailure marks an error of the Fetcher, so that a timeout is read
// as the site's and not the library's.
type fetchFailure struct{ err error }

func (e *fetchFailure) Error() string { return e.err.Error() }
func (e *fetchFailure) Unwrap() error { return e.err }

// fetch is b.Fetcher.Fetch with its errors marked.
func (b *Bot) fetch(ctx context.Context, url string) (retrieval.Document, error) {
	doc, err := b.Fetcher.Fetch(ctx, url)
	if err != nil {
		return doc, &fetchFailure{err}
	}
	return doc, nil
}

// fetchError explains a link that could not be added, from the errors the
// Fetcher documents.
func fetchError(err error) (reply, bool) {
	var msg string
	switch {
	case errors.Is(err, retrieval.ErrBlockedAddress):
		msg = msgBlockedAddress
	case errors.Is(err, retrieval.ErrTooLarge):
		msg = msgPageTooLarge
	case errors.Is(err, retrieval.ErrNotText):
		msg = msgNotText
	case isTimeout(err):
		msg = msgFetchTimeout
	default: // retrieval.ErrFetch: a bad status, a refused connection, no such host
		msg = msgFetchFailed
	}
	return textReply(msg, true), true
}

// isTimeout reports whether a fetch failed for want of an answer in time.
// retrieval.Fetcher reports its own timeout as ErrFetch with words, not a
// wrapped timeout, so those words are recognised too (the end-to-end test
// pins them).
func isTimeout(err error) bool {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return true
	}
	return errors.Is(err, retrieval.ErrFetchTimeout)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
