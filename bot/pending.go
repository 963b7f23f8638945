package bot

import (
	"errors"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func noPin(err error) bool { return errors.Is(err, retrieval.ErrNoPin) }

func (b *Bot) daily(c *call, data discordgo.ApplicationCommandInteractionData) {
	b.send(c, textReply(msgNoStudy, true))
}
