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
	msgEmptyQuestion  = "I couldn't find any words to search for in that. Ask a question in words, for example: `/ask question: Why did Russia go to war in Ukraine?`"
	msgNoMoreResults  = "That's everything: there are no more results."
	msgMentionHelp    = "Ask me a question after the mention, for example: `@Verbatim why did Russia go to war?` (or use `/ask`)."
	msgNoMessageText  = "That message has no text I can look up."
	msgNotModerator   = "Only members who can manage this server can change its library."
	msgNoSample       = "The sample library is not available on this bot."
)

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
