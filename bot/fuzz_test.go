package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// fuzzBot is a bot whose library and curator answer every call with the
// sample results (or a plain "not found"), so that fuzzed interactions get
// as far into the handlers as a real one would.
func fuzzBot(tb testing.TB) *testBot {
	tb.Helper()
	lib := &fakeLibrary{
		SearchFn: pagedSearch(sampleResults),
		SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) {
			return []retrieval.Source{{ID: 1, Library: library, Metadata: retrieval.Metadata{Title: "Russia's war aims"}}}, nil
		},
		QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
			return []retrieval.Quote{{ID: 11, Text: "We will not allow NATO on our doorstep.", Speaker: "Sergei Ryabkov"}}, nil
		},
		SpeakersFn: func(ctx context.Context, library, prefix string, limit int) ([]string, error) {
			return []string{"Sergei Ryabkov", prefix}, nil
		},
		PassageFn: func(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error) {
			return retrieval.Passage{}, retrieval.ErrUnknownSource
		},
	}
	b := MustNewBot(tb, lib)
	b.Curator = &fakeCurator{}
	b.Study = &fakeStudy{}
	b.Fetcher = fetcherFunc(func(ctx context.Context, url string) (retrieval.Document, error) {
		return retrieval.Document{}, retrieval.ErrBlockedAddress
	})
	return b
}

// fuzzInteraction is an interaction of type typ in guild A by a moderator.
func fuzzInteraction(typ discordgo.InteractionType, data discordgo.InteractionData) *discordgo.Interaction {
	return &discordgo.Interaction{
		ID: "1300000000000000009", AppID: botUserID, Type: typ, Token: "interaction-token-fuzz",
		GuildID: guildA, ChannelID: "1110000000000000001",
		Member: &discordgo.Member{User: &discordgo.User{ID: aliceID, Username: "alice"},
			Permissions: discordgo.PermissionManageGuild | discordgo.PermissionSendMessages},
		Data: data,
	}
}

// checkAnswered fails t unless the bot answered exactly once (a response,
// maybe followed by the edit that replaces a deferral) within Discord's
// limits.
func checkAnswered(t *testing.T, calls []recorded) {
	t.Helper()
	if len(calls) == 0 || calls[0].Call != "InteractionRespond" {
		t.Fatalf("no response: %+v", calls)
	}
	if len(calls) > 2 {
		t.Fatalf("%d calls, want a response and at most one edit", len(calls))
	}
}

// FuzzButton clicks a button whose custom_id is fuzzed. "STATE" in the
// input stands for the state id of a page really shown (an /ask answer), so
// the fuzzer reaches the handlers behind valid ids as well as the parser.
// Every click must be answered, within Discord's limits, without a panic.
func FuzzButton(f *testing.F) {
	for _, seed := range []string{
		"", "v1", "v1:more:STATE:0", "v1:ctx:STATE:1", "v1:cite:STATE:5", "v1:rm:STATE:0", "v1:keep:STATE:0",
		"v1:paste:form:0", "v1:more:STATE:26", "v1:more:STATE:-1", "v1:more:STATE:1:2", "v2:more:STATE:0",
		"v1:ctx:STATE:99999999999999999999", "v1::::", ":::", "v1:more:" + strings.Repeat("A", 100) + ":0",
		"v1:more:STATE:+1", "v1:more:STATE: 1", "v1:cite:STATE:0x1", "v1:\x00:STATE:\xff",
		"v1:prev:STATE:1", "v1:next:STATE:3", "v1:prev:STATE:0", "v1:next:STATE:6", "v1:cq:STATE:1", "v1:apa:STATE:1",
		"v1:mla:STATE:2", "v1:chi:STATE:3", "v1:chi:STATE:0", "v1:up:STATE:0", "v1:down:STATE:0", "v1:up:STATE:1",
	} {
		f.Add(seed)
	}
	b := fuzzBot(f)
	var state string
	f.Fuzz(func(t *testing.T, id string) {
		if state == "" {
			calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
			for _, c := range calls {
				for _, cid := range c.msg(t).customIDs() {
					if parts := strings.Split(cid, ":"); len(parts) == 4 {
						state = parts[2]
					}
				}
			}
			if state == "" {
				t.Fatal("the answer to /ask has no buttons")
			}
		}
		id = strings.ReplaceAll(id, "STATE", state)
		i := fuzzInteraction(discordgo.InteractionMessageComponent,
			discordgo.MessageComponentInteractionData{CustomID: id, ComponentType: discordgo.ButtonComponent})
		i.Message = &discordgo.Message{ID: "1500000000000000001", ChannelID: i.ChannelID, Content: "**Q:** Why?"}
		checkAnswered(t, b.Do(t, i))

		// The same id on a modal form.
		m := fuzzInteraction(discordgo.InteractionModalSubmit, discordgo.ModalSubmitInteractionData{CustomID: id})
		checkAnswered(t, b.Do(t, m))
	})
}

// FuzzCommandOptions runs a slash command (or its autocomplete) with one
// fuzzed option, optionally inside a subcommand: any name, any declared
// type, and a value that may not match that type. Every command must be
// answered within Discord's limits, and no option may panic the bot.
func FuzzCommandOptions(f *testing.F) {
	type seed struct {
		command, sub, option string
		typ                  uint8
		value                string
		autocomplete         bool
	}
	for _, s := range []seed{
		{"ask", "", "question", 3, "Why did Russia go to war?", false},
		{"ask", "", "question", 3, "", false},
		{"ask", "", "question", 3, strings.Repeat("why ", 1000), false},
		{"ask", "", "question", 3, "\"unbalanced OR NEAR(a b) author:x *", false},
		{"ask", "", "question", 4, "12", false},
		{"quotes", "", "speaker", 3, "Sergei", true},
		{"quotes", "", "speaker", 3, "<@&123> @everyone", false},
		{"sources", "", "", 0, "", false},
		{"library", "sample", "", 0, "", false},
		{"source", "remove", "id", 3, "1", false},
		{"source", "remove", "id", 3, "-1", true},
		{"source", "show", "id", 3, "99999999999999999999", false},
		{"source", "add", "url", 3, "http://127.0.0.1/", false},
		{"source", "edit", "date", 3, "2025-13-45", false},
		{"quote", "fix", "id", 4, "1e309", false},
		{"quote", "hide", "id", 4, "-5", false},
		{"collection", "create", "name", 3, "\u202eevil\u200b", false},
		{"settings", "curator-role", "role", 8, "123", false},
		{"optout", "", "", 0, "", false},
		{"settings", "answers", "layout", 3, "compact", false},
		{"settings", "answers", "results", 4, "9", false},
		{"settings", "answers", "feedback", 3, "maybe", false},
		{"compare", "", "topic", 3, "NATO", false},
		{"compare", "", "speakers", 4, "7", false},
		{"export", "", "style", 3, "harvard", false},
		{"daily", "start", "time", 3, "25:99", false},
		{"daily", "start", "channel", 7, "not-a-snowflake", false},
		{"daily", "stop", "channel", 7, "1110000000000000009", false},
		{"pin", "", "question", 3, "Why did Russia go to war?", false},
		{"pin", "", "quote", 4, "11", false},
		{"unpin", "", "question", 3, "?!", false},
		{"gaps", "", "", 0, "", false},
		{"nope", "", "x", 3, "y", false},
	} {
		f.Add(s.command, s.sub, s.option, s.typ, s.value, s.autocomplete)
	}
	b := fuzzBot(f)
	f.Fuzz(func(t *testing.T, command, sub, option string, typ uint8, value string, autocomplete bool) {
		if !utf8.ValidString(command+sub+option) || len(value) > 1<<16 {
			return // Discord sends names it registered, and caps values
		}
		var opts []*discordgo.ApplicationCommandInteractionDataOption
		if option != "" {
			o := &discordgo.ApplicationCommandInteractionDataOption{Name: option,
				Type: discordgo.ApplicationCommandOptionType(typ), Focused: autocomplete}
			// JSON numbers arrive as float64, everything else as a string.
			if n, err := strconv.ParseFloat(value, 64); err == nil && typ != uint8(discordgo.ApplicationCommandOptionString) {
				o.Value = n
			} else {
				o.Value = value
			}
			opts = append(opts, o)
		}
		if sub != "" {
			opts = []*discordgo.ApplicationCommandInteractionDataOption{{Name: sub,
				Type: discordgo.ApplicationCommandOptionSubCommand, Options: opts}}
		}
		typ2 := discordgo.InteractionApplicationCommand
		if autocomplete {
			typ2 = discordgo.InteractionApplicationCommandAutocomplete
		}
		i := fuzzInteraction(typ2, discordgo.ApplicationCommandInteractionData{ID: "1400000000000000001",
			Name: command, CommandType: discordgo.ChatApplicationCommand, Options: opts})
		checkAnswered(t, b.Do(t, i))
	})
}
