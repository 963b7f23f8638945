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

// Curation command names.
const (
	cmdSource     = "source"
	cmdQuote      = "quote"
	cmdCollection = "collection"
	cmdSettings   = "settings"
	cmdOptOut     = "optout"
	cmdAddSource  = "Add as source" // message context menu

	subAdd         = "add"
	subPaste       = "paste"
	subList        = "list"
	subShow        = "show"
	subEdit        = "edit"
	subRemove      = "remove"
	subRefresh     = "refresh"
	subHistory     = "history"
	subFix         = "fix"
	subHide        = "hide"
	subUnhide      = "unhide"
	subCreate      = "create"
	subDelete      = "delete"
	subScope       = "scope"
	subUnscope     = "unscope"
	subCuratorRole = "curator-role"

	optFile   = "file"
	optURL    = "url"
	optTitle  = "title"
	optAuthor = "author"
	optDate   = "date"
	optID     = "id"
	optName   = "name"
	optSource = "source"
	optRole   = "role"
)

// Lengths the curation options accept.
const (
	maxMetaTitle      = 256
	maxMetaAuthor     = 256
	maxMetaURL        = 2048
	maxMetaDate       = 32
	maxCollectionName = 50
	maxSpeakerName    = 100
)

// CurationCommands returns the commands moderators curate the library
// with: /source, /quote, /collection, /settings, /optout (for everyone)
// and the "Add as source" message command. Open registers them when the
// Bot has a Curator.
//
// /source, /quote, /collection and "Add as source" are visible to every
// member, so that a server's curator role can use them without further
// setup; the bot checks on every use (commands and buttons alike) that
// the member has Manage Server or the curator role. /settings
// curator-role is for Manage Server only; /settings answers for curators.
func CurationCommands() []*discordgo.ApplicationCommand {
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	install := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	one := 1
	minID := 1.0
	minResults := 1.0
	choice := func(name, desc string, values ...string) *discordgo.ApplicationCommandOption {
		o := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: name, Description: desc}
		for _, v := range values {
			o.Choices = append(o.Choices, &discordgo.ApplicationCommandOptionChoice{Name: v, Value: v})
		}
		return o
	}

	str := func(name, desc string, required bool, max int) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString,
			Name: name, Description: desc, Required: required, MinLength: &one, MaxLength: max}
	}
	id := func(name, desc string, required bool) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger,
			Name: name, Description: desc, Required: required, MinValue: &minID}
	}
	// Sources are named by id, but the option is a string: Discord lets
	// nothing but digits into an integer option, and a curator finds a
	// source by typing words of its title.
	source := func(name string, required bool) *discordgo.ApplicationCommandOption {
		o := str(name, "The source: type words of its title and pick it, or its id", required, 100)
		o.Autocomplete = true
		return o
	}
	sourceID := func(required bool) *discordgo.ApplicationCommandOption { return source(optID, required) }
	quoteID := func() *discordgo.ApplicationCommandOption {
		return id(optID, "The quote's id, as on its card (“quote #123”)", true)
	}
	collection := func(desc string) *discordgo.ApplicationCommandOption {
		o := str(optName, desc, true, maxCollectionName)
		o.Autocomplete = true
		return o
	}
	sub := func(name, desc string, opts ...*discordgo.ApplicationCommandOption) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionSubCommand,
			Name: name, Description: desc, Options: opts}
	}
	metadata := func() []*discordgo.ApplicationCommandOption {
		return []*discordgo.ApplicationCommandOption{
			str(optTitle, "Title (default: from the document)", false, maxMetaTitle),
			str(optAuthor, "Author or publisher (default: from the document)", false, maxMetaAuthor),
			str(optDate, "Date published, YYYY-MM-DD (default: from the document)", false, maxMetaDate),
		}
	}

	add := sub(subAdd, "Add a document: attach a .txt, .md or .html file, or give a link to fetch",
		append([]*discordgo.ApplicationCommandOption{
			{Type: discordgo.ApplicationCommandOptionAttachment, Name: optFile, Description: "A text, Markdown or HTML file"},
			str(optURL, "A link to fetch (with a file: the document's own link)", false, maxMetaURL),
		}, metadata()...)...)
	edit := sub(subEdit, "Change a source's title, author, link or date",
		append([]*discordgo.ApplicationCommandOption{sourceID(true)},
			str(optTitle, "New title", false, maxMetaTitle),
			str(optAuthor, "New author or publisher", false, maxMetaAuthor),
			str(optURL, "New link (http or https)", false, maxMetaURL),
			str(optDate, "New date published, YYYY-MM-DD", false, maxMetaDate),
		)...)

	return []*discordgo.ApplicationCommand{
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdSource,
			Description:      "Curate this server's library (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				add,
				sub(subPaste, "Paste text into a form and add it as a source"),
				sub(subList, "List the library's sources with their ids"),
				sub(subShow, "Show a source: its details, when it was fetched, its quotes", sourceID(true)),
				edit,
				sub(subRemove, "Remove a source and its quotes (asks to confirm)", sourceID(true)),
				sub(subRefresh, "Fetch a source added from a link again, and update it if it changed", sourceID(true)),
				sub(subHistory, "Who changed what in the library, newest first", sourceID(false)),
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdQuote,
			Description:      "Correct or hide a quote (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				sub(subFix, "Set who said a quote", quoteID(),
					str(optSpeaker, "Who said it", true, maxSpeakerName),
					str(optTitle, "Their role or title, e.g. Prime Minister", false, maxSpeakerName)),
				sub(subHide, "Hide a quote from answers and listings", quoteID()),
				sub(subUnhide, "Show a hidden quote again", quoteID()),
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdCollection,
			Description:      "Group sources for a study group (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				sub(subCreate, "Create an empty collection", str(optName, "Its name", true, maxCollectionName)),
				sub(subDelete, "Delete a collection (its sources stay in the library)", collection("The collection")),
				sub(subAdd, "Add a source to a collection", collection("The collection"), source(optSource, true)),
				sub(subRemove, "Take a source out of a collection", collection("The collection"), source(optSource, true)),
				sub(subList, "List the collections and their sources"),
				sub(subScope, "Answer only from this collection in this channel", collection("The collection")),
				sub(subUnscope, "Answer from the whole library in this channel again"),
			},
		},
		{
			// Visible to every member so that the curator role can reach
			// /settings answers; the bot checks each subcommand (the
			// curator role itself needs Manage Server).
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdSettings,
			Description:      "Verbatim's settings for this server (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				sub(subCuratorRole, "Set the role that may curate the library; leave it out to clear it (Manage Server)",
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionRole,
						Name: optRole, Description: "Members with this role may curate"}),
				sub(subAnswers, "How answers look: layout, number of results, buttons, feedback; none shows them",
					choice(optLayout, "Full cards, or one compact card listing the quotes", "full", "compact"),
					&discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionInteger,
						Name: optResults, Description: "Quotes per answer, 1 to 5", MinValue: &minResults, MaxValue: 5},
					choice(optButtons, "Show the buttons under answers (Open, Cite, More...)", "on", "off"),
					choice(optFeedback, "Show 👍/👎 under answers", "on", "off")),
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdOptOut,
			Description:      "Remove your own messages that were added to this server's library",
			Contexts:         guildOnly,
			IntegrationTypes: install,
		},
		{
			Type:             discordgo.MessageApplicationCommand,
			Name:             cmdAddSource,
			Contexts:         guildOnly,
			IntegrationTypes: install,
		},
	}
}

// Study-group command names.
const (
	cmdCompare = "compare"
	cmdExport  = "export"
	cmdDaily   = "daily"
	cmdPin     = "pin"
	cmdUnpin   = "unpin"
	cmdGaps    = "gaps"

	subStart = "start"
	subStop  = "stop"

	optTopic      = "topic"
	optSpeakers   = "speakers"
	optStyle      = "style"
	optChannel    = "channel"
	optTime       = "time"
	optCollection = "collection"
	optQuoteID    = "quote"
)

// maxCompareSpeakers is the most cards /compare shows: one per speaker,
// each with its buttons, in Discord's five rows.
const maxCompareSpeakers = 5

// StudyCommands returns the study-group commands: /compare and /export for
// everyone, and /daily, /pin, /unpin and /gaps for curators (Manage Server
// or the curator role, checked by the bot on every use). Open registers
// them when the Bot has a Study.
func StudyCommands() []*discordgo.ApplicationCommand {
	guildOnly := &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild}
	install := &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	one := 1
	two, five, minID := 2.0, float64(maxCompareSpeakers), 1.0
	question := func(desc string) *discordgo.ApplicationCommandOption {
		return &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optQuestion,
			Description: desc, Required: true, MinLength: &one, MaxLength: MaxQuestionLength}
	}
	styles := &discordgo.ApplicationCommandOption{Type: discordgo.ApplicationCommandOptionString, Name: optStyle,
		Description: "Citation style (default APA)", Choices: []*discordgo.ApplicationCommandOptionChoice{
			{Name: "APA", Value: "apa"}, {Name: "MLA", Value: "mla"}, {Name: "Chicago", Value: "chicago"}}}
	return []*discordgo.ApplicationCommand{
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdCompare,
			Description:      "What different people said on a topic: one card per speaker, their most relevant quote",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: optTopic, Description: "The topic, e.g. NATO enlargement",
					Required: true, MinLength: &one, MaxLength: MaxQuestionLength},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: optSpeakers,
					Description: "How many speakers to compare, 2 to 5 (default 5)", MinValue: &two, MaxValue: five},
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdExport,
			Description:      "Send a Markdown study packet of every quote cited in this thread or channel",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options:          []*discordgo.ApplicationCommandOption{styles},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdDaily,
			Description:      "Post a quote a day in a channel (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subStart,
					Description: "Post one quote a day in a channel, at a time of day (UTC)",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionChannel, Name: optChannel, Description: "Where to post",
							Required: true, ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}},
						{Type: discordgo.ApplicationCommandOptionString, Name: optTime, Description: "Time of day, HH:MM in UTC (e.g. 09:30)",
							Required: true, MinLength: &one, MaxLength: 5},
						{Type: discordgo.ApplicationCommandOptionString, Name: optCollection,
							Description: "Only quotes from this collection (default: the channel's scope, else the whole library)", MinLength: &one, MaxLength: maxCollectionName},
					}},
				{Type: discordgo.ApplicationCommandOptionSubCommand, Name: subStop,
					Description: "Stop the daily quote in a channel (default: this one)",
					Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionChannel, Name: optChannel, Description: "The channel",
							ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText, discordgo.ChannelTypeGuildNews}},
					}},
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdPin,
			Description:      "Pin a quote as the answer to a question (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options: []*discordgo.ApplicationCommandOption{
				question("The question, as members ask it"),
				{Type: discordgo.ApplicationCommandOptionInteger, Name: optQuoteID, Description: "The quote's id, as on its card (“quote #123”)",
					Required: true, MinValue: &minID},
			},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdUnpin,
			Description:      "Remove the answer pinned to a question (Manage Server or the curator role)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
			Options:          []*discordgo.ApplicationCommandOption{question("The question the quote was pinned to")},
		},
		{
			Type:             discordgo.ChatApplicationCommand,
			Name:             cmdGaps,
			Description:      "The questions the library answers worst, most asked first, with a CSV (curators)",
			Contexts:         guildOnly,
			IntegrationTypes: install,
		},
	}
}
