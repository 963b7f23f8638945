package bot

import "github.com/bwmarrin/discordgo"

// Command names.
const (
	cmdAsk         = "ask"
	cmdQuotes      = "quotes"
	cmdSources     = "sources"
	cmdLibrary     = "library"
	cmdFindSources = "Find sources" // message context menu
	subSample      = "sample"
	optQuestion    = "question"
	optSpeaker     = "speaker"
)

// Commands returns the application commands the bot registers: /ask,
// /quotes, /sources, the "Find sources" message command and, when
// withSample is set, /library sample (for members who may manage the
// server).
func Commands(withSample bool) []*discordgo.ApplicationCommand {
	guildOrDM := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	install := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	one := 1
	manageGuild := int64(discordgo.PermissionManageGuild)

	cmds := []*discordgo.ApplicationCommand{
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdAsk,
			Description:      "Answer a question with verbatim, attributed quotes from this server's library",
			Contexts:         guildOrDM,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionString,
				Name:        optQuestion,
				Description: "What do you want to know?",
				Required:    true,
				MinLength:   &one,
				MaxLength:   MaxQuestionLength,
			}},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdQuotes,
			Description:      "List what one person is quoted as saying in this server's library",
			Contexts:         guildOrDM,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{{
				Type:         discordgo.ApplicationCommandOptionString,
				Name:         optSpeaker,
				Description:  "Who said it (pick from the list)",
				Required:     true,
				Autocomplete: true,
				MinLength:    &one,
				MaxLength:    100,
			}},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdSources,
			Description:      "List the sources in this server's library",
			Contexts:         guildOrDM,
			IntegrationTypes: install,
		},
		{
			Type:             discordgo.MessageApplicationCommand,
			Name:             cmdFindSources,
			Contexts:         guildOnly,
			IntegrationTypes: install,
		},
	}
	if withSample {
		cmds = append(cmds, &discordgo.ApplicationCommand{
			Type:                     discordgo.ChatApplicationCommand,
			Name:                     cmdLibrary,
			Description:              "Manage this server's library (needs Manage Server)",
			Contexts:                 guildOnly,
			IntegrationTypes:         install,
			DefaultMemberPermissions: &manageGuild,
			Options: []*discordgo.ApplicationCommandOption{{
				Type:        discordgo.ApplicationCommandOptionSubCommand,
				Name:        subSample,
				Description: "Load the built-in sample library into this server's library",
			}},
		})
	}
	return cmds
}
