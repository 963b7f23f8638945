package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// What the bot says. Kept together so the voice stays the same.
const (
	msgDM             = "I answer from each server's own library, so I only work in a server. Add me to one and ask there with `/ask`."
	msgRestarting     = "Verbatim is restarting. Please try again in a minute."
	msgUnknownCommand = "I don't know that command any more. Discord may still be showing an old list; try again shortly."
	msgGeneric        = "Sorry, something went wrong on my side. It has been logged; please try again later."
	msgTimeout        = "That took too long to look up. Please try again, perhaps with a shorter question."
	msgExpired        = "These buttons have expired. Please ask again."
	msgSourceGone     = "That source is no longer in this server's library."
	msgScopeGone      = "This channel is limited to a collection that no longer exists. A curator can fix it with `/collection unscope` or `/collection scope`."
	msgEmptyQuestion  = "I couldn't find any words to search for in that. Ask a question in words, for example: `/ask question: Why did Russia go to war in Ukraine?`"
	msgNoMoreResults  = "That's everything: there are no more results."
	msgMentionHelp    = "Ask me a question after the mention, for example: `@Verbatim why did Russia go to war?` (or use `/ask`)."
	msgNoMessageText  = "That message has no text I can look up."
	msgNotModerator   = "Only members who can manage this server can change its library."
	msgNoSample       = "The sample library is not available on this bot."
)

// What the bot says about curation.
const (
	msgNoCuration          = "Curating the library from Discord is not enabled on this bot."
	msgManagersOnly        = "Only members who can manage this server can change this setting."
	msgNotYourConfirmation = "Only the moderator who asked can confirm or cancel this."
	msgEmptyLibrary        = "This server's library is empty. Add a source with `/source add` (a file or a link), `/source paste`, or a message's **Add as source** menu."
	msgPickSource          = "Name the source by its id: start typing words of its title and pick it from the list, or see the ids with `/source list`."
	msgUnknownSource       = "No source in this server's library has that id. `/source list` shows the ids."
	msgUnknownQuote        = "No quote in this server's library has that id. Quote ids are at the foot of each card (“quote #123”) and in `/source show`."
	msgUnknownCollection   = "This server has no collection of that name. `/collection list` shows them; `/collection create` makes one."
	msgCollectionExists    = "A collection of that name already exists. `/collection list` shows them."
	msgNotRefreshable      = "That source was not added from a link, so there is nothing to fetch again. To change its text, remove it and add the new version."
	msgBadMetadata         = "Those details are not valid: a title cannot be empty, a date is written YYYY-MM-DD (for example 2026-01-05), and a link starts with http:// or https://. Nothing was changed."
	msgBadDate             = "Write the date as YYYY-MM-DD, for example 2026-01-05. Nothing was changed."
	msgBadLink             = "That is not a link I can use: give a full address starting with http:// or https://. Nothing was changed."
	msgEditWhat            = "Say what to change: give at least one of `title`, `author`, `url` or `date`."
	msgAddHow              = "Attach a file (`/source add file:`, a .txt, .md or .html file) or give a link (`/source add url:`). To paste text, use `/source paste`."
	msgPDF                 = "PDF is not supported yet — paste the text or export it as .txt (then `/source add file:` or `/source paste`). Nothing was added."
	msgUnsupported         = "I can add text (.txt), Markdown (.md) and HTML (.html) files only. Export the document as one of those, or paste its text with `/source paste`. Nothing was added."
	msgEmptyDocument       = "There is no text in that to add. Check that you picked the right file or link. Nothing was added."
	msgBinary              = "That is not text: it looks like a PDF, word-processor file or image. Export it as plain text (.txt), Markdown or HTML, or paste the text with `/source paste`. Nothing was added."
	msgInvalidUTF8         = "That file is not UTF-8 text (it may be UTF-16 or an old Windows encoding). Save it as UTF-8 (most editors offer this under Save As → Encoding) and add it again. Nothing was added."
	msgNoFetcher           = "Adding sources from links is not enabled on this bot. Download the page and attach it as a file instead."
	msgCurateTimeout       = "That took too long and was stopped. If it was a link, the site may be slow: try again later, or save the page and attach it as a file. Nothing was added."
	msgNoMessageToAdd      = "That message has no text I can add (attachments, embeds and stickers are not read)."
	msgBlockedAddress      = "I can't fetch that link: it points to a private or internal address. Use a public http:// or https:// link. Nothing was added."
	msgPageTooLarge        = "That page is too large to add. Save the part you need as a text file and attach it, or paste it with `/source paste`. Nothing was added."
	msgNotText             = "That link is not a web page or text (it may be a PDF, an image or a download). Save the text and attach it as a .txt file, or paste it with `/source paste`. Nothing was added."
	msgFetchTimeout        = "The site took too long to answer, so I gave up. Try again later, or save the page and attach it as a file. Nothing was added."
	msgFetchFailed         = "I couldn't fetch that link (the site refused it or could not be reached). Check the link in a browser, or save the page and attach it as a file. Nothing was added."
)

// msgNotCurator explains who may curate; role is the curator role's id,
// or "" when the server has none.
func msgNotCurator(role string) string {
	if role == "" {
		return "Only members who can manage this server can curate its library. " +
			"They can let a role curate too, with `/settings curator-role`."
	}
	return "Only members who can manage this server, or who have its curator role <@&" + role + ">, can curate its library."
}

// msgTooLarge refuses a file of size bytes over max.
func msgTooLarge(size, max int64) string {
	return fmt.Sprintf("That file is %s; I accept files up to %s. Split it into smaller documents and add them one by one. Nothing was added.",
		humanBytes(size), humanBytes(max))
}

// humanBytes writes n bytes for people: "12.5 MB".
func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.0f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

// msgCooldown asks a user to wait.
func msgCooldown(wait time.Duration) string {
	secs := int(wait.Seconds() + 0.999)
	return fmt.Sprintf("Easy there: please wait %d second%s before asking again.", secs, plural(secs))
}

// msgNoMatch is the honest answer when nothing in the library answers.
func msgNoMatch() string {
	return "**Nothing in this server's library answers that.** I only quote what the library's sources say, and none of them is relevant enough.\n" +
		"You could rephrase the question, name the person you mean (`/quotes` lists who is quoted), " +
		"or ask a moderator to add sources on the topic."
}

// msgFirstRun explains an empty library.
func msgFirstRun(library string) string {
	return "**This server's library is empty**, so I have nothing to quote yet.\n" +
		"A moderator (Manage Server) can load the built-in sample with `/library sample`, " +
		"or whoever runs the bot can add documents on its host with:\n" +
		"```\nverbatim ingest --library " + library + " PATH\n```" +
		"(PATH: text, Markdown or HTML files, or folders of them)."
}

// msgSampleLoaded reports /library sample.
func msgSampleLoaded(added int) string {
	if added == 0 {
		return "The sample library is already loaded in this server. Try `/ask question: Why did Russia go to war in Ukraine?`"
	}
	return fmt.Sprintf("Loaded the sample library: %d source%s added. Try `/ask question: Why did Russia go to war in Ukraine?`",
		added, plural(added))
}

// errorReply turns err into what the user reads. Known outcomes get their
// own words; anything else is logged here, once, with its details, and the
// user gets the generic message.
func (b *Bot) errorReply(c *call, library string, err error, ephemeral bool) reply {
	switch {
	case errors.Is(err, retrieval.ErrNoMatch):
		return textReply(msgNoMatch(), ephemeral)
	case errors.Is(err, retrieval.ErrUnknownLibrary):
		return textReply(msgFirstRun(library), ephemeral)
	case errors.Is(err, retrieval.ErrEmptyQuery):
		return textReply(msgEmptyQuestion, ephemeral)
	case errors.Is(err, retrieval.ErrUnknownSource):
		return textReply(msgSourceGone, ephemeral)
	case errors.Is(err, retrieval.ErrUnknownCollection):
		return textReply(msgScopeGone, ephemeral)
	case errors.Is(err, context.DeadlineExceeded):
		c.log.Warn("interaction timed out", "err", err)
		return textReply(msgTimeout, ephemeral)
	case errors.Is(err, context.Canceled):
		c.log.Warn("interaction cancelled", "err", err)
		return textReply(msgRestarting, ephemeral)
	}
	c.log.Error("answer interaction", "library", library, "err", err)
	return textReply(msgGeneric, ephemeral)
}
