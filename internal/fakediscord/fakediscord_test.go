package fakediscord_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

// Each test that opens a discordgo session pays about 1 s in Close, so the
// gateway tests share one session across subtests and run in parallel.

const wait = 5 * time.Second

// captureTB stands in for the test given to fakediscord.New, so that a test
// can check which errors the fake reports instead of failing on them.
type captureTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (c *captureTB) Helper() {}

func (c *captureTB) Errorf(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.errs = append(c.errs, fmt.Sprintf(format, args...))
}

func (c *captureTB) Error(args ...any) { c.Errorf("%s", fmt.Sprint(args...)) }

// take returns and forgets the errors reported so far.
func (c *captureTB) take() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.errs
	c.errs = nil
	return e
}

// expectErrors checks that the fake reported exactly one error, containing
// every want.
func (c *captureTB) expectErrors(t *testing.T, want ...string) {
	t.Helper()
	errs := c.take()
	if len(errs) != 1 {
		t.Fatalf("fake reported %d errors, want 1: %q", len(errs), errs)
	}
	for _, w := range want {
		if !strings.Contains(errs[0], w) {
			t.Errorf("fake's error %q does not mention %q", errs[0], w)
		}
	}
}

func (c *captureTB) expectNone(t *testing.T) {
	t.Helper()
	if errs := c.take(); len(errs) > 0 {
		t.Fatalf("fake reported errors: %q", errs)
	}
}

// client is a discordgo session connected to a fake, with its events on channels.
type client struct {
	*discordgo.Session
	interactions chan *discordgo.InteractionCreate
	messages     chan *discordgo.MessageCreate
}

// newClient makes a redirected discordgo session; open it with mustOpen.
func newClient(t *testing.T, f *fakediscord.Server, intents discordgo.Intent) *client {
	t.Helper()
	s, err := discordgo.New("Bot " + fakediscord.DefaultToken)
	if err != nil {
		t.Fatal(err)
	}
	s.Identify.Intents = intents
	s.ShouldReconnectOnError = false // no reconnect goroutines outliving the test
	f.Redirect(s)
	c := &client{Session: s, interactions: make(chan *discordgo.InteractionCreate, 16), messages: make(chan *discordgo.MessageCreate, 16)}
	s.AddHandler(func(_ *discordgo.Session, i *discordgo.InteractionCreate) { c.interactions <- i })
	s.AddHandler(func(_ *discordgo.Session, m *discordgo.MessageCreate) { c.messages <- m })
	return c
}

func (c *client) mustOpen(t *testing.T) {
	t.Helper()
	if err := c.Open(); err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { c.Close() }) // sleeps 1 s (discordgo wsapi.go:972)
}

func (c *client) nextInteraction(t *testing.T) *discordgo.Interaction {
	t.Helper()
	select {
	case i := <-c.interactions:
		return i.Interaction
	case <-time.After(wait):
		t.Fatal("no INTERACTION_CREATE reached the handler")
		return nil
	}
}

func (c *client) nextMessage(t *testing.T) *discordgo.Message {
	t.Helper()
	select {
	case m := <-c.messages:
		return m.Message
	case <-time.After(wait):
		t.Fatal("no MESSAGE_CREATE reached the handler")
		return nil
	}
}

// noPings is what every reply of the bot must carry.
var noPings = &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}

func reply(content string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{Content: content, AllowedMentions: noPings},
	}
}

// restCode returns the Discord error code of a discordgo REST error, or -1.
func restCode(err error) int {
	var re *discordgo.RESTError
	if errors.As(err, &re) && re.Message != nil {
		return re.Message.Code
	}
	return -1
}

func ptr[T any](v T) *T { return &v }

func TestServer_Session(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t, fakediscord.WithHeartbeatInterval(40*time.Millisecond))
	c := newClient(t, f, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages)
	guilds := make(chan *discordgo.GuildCreate, 1)
	c.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g })
	opened := time.Now()
	c.mustOpen(t)

	t.Run("Ready", func(t *testing.T) {
		id := f.WaitIdentified(t, wait)
		if want := discordgo.IntentsGuilds | discordgo.IntentsGuildMessages; id.Intents != want {
			t.Errorf("intents = %d, want %d", id.Intents, want)
		}
		if id.Properties["os"] == "" || id.Shard != nil {
			t.Errorf("identify = %+v, want $os and no shard", id)
		}
		u := c.State.User
		if u == nil || u.ID != fakediscord.DefaultApplicationID || !u.Bot {
			t.Fatalf("State.User = %+v, want the bot", u)
		}
		select {
		case g := <-guilds:
			if g.ID != fakediscord.DefaultGuildID || len(g.Roles) != 1 || g.Roles[0].Permissions == 0 {
				t.Errorf("GUILD_CREATE = %+v", g.Guild)
			}
		case <-time.After(wait):
			t.Error("no GUILD_CREATE after READY")
		}
	})

	t.Run("HeartbeatsACKed", func(t *testing.T) {
		deadline := time.Now().Add(wait)
		for f.Heartbeats() < 3 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := f.Heartbeats(); n < 3 {
			t.Fatalf("%d heartbeats with a 40 ms interval", n)
		}
		c.RLock()
		ack := c.LastHeartbeatAck
		c.RUnlock()
		if !ack.After(opened) {
			t.Errorf("LastHeartbeatAck = %v, not after Open at %v", ack, opened)
		}
	})

	var cmdID string
	t.Run("CommandsPut", func(t *testing.T) {
		cmds, err := c.ApplicationCommandBulkOverwrite(fakediscord.DefaultApplicationID, "", []*discordgo.ApplicationCommand{{
			Name: "ask", Description: "Ask a question", DefaultMemberPermissions: ptr(int64(1 << 13)),
			Options: []*discordgo.ApplicationCommandOption{
				{Type: discordgo.ApplicationCommandOptionString, Name: "question", Description: "What to ask", Required: true, Autocomplete: true},
				{Type: discordgo.ApplicationCommandOptionInteger, Name: "count", Description: "How many quotes",
					Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "one", Value: 1}, {Name: "three", Value: 3}}},
			},
		}, {Type: discordgo.MessageApplicationCommand, Name: "Find Source"}})
		if err != nil {
			t.Fatal(err)
		}
		req := f.WaitRequest(t, wait, fakediscord.IsCommandsPut)
		if req.Status != 200 || len(req.Violations) > 0 {
			t.Fatalf("PUT commands: %v %q", req, req.Violations)
		}
		if len(cmds) != 2 || cmds[0].ID == "" || cmds[0].ApplicationID != fakediscord.DefaultApplicationID ||
			cmds[0].DefaultMemberPermissions == nil || *cmds[0].DefaultMemberPermissions != 1<<13 {
			t.Fatalf("commands = %+v", cmds)
		}
		cmdID = cmds[0].ID
	})

	t.Run("SlashCommand", func(t *testing.T) {
		i := fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID,
			"ask", fakediscord.StringOpt("question", "what is go?"), fakediscord.IntOpt("count", 3)).
			WithPermissions(fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild)
		f.DispatchInteraction(t, i)
		got := c.nextInteraction(t)
		if got.ID != i.ID || got.Token != i.Token || got.AppID != fakediscord.DefaultApplicationID {
			t.Fatalf("interaction id/token/app = %q/%q/%q", got.ID, got.Token, got.AppID)
		}
		data := got.ApplicationCommandData()
		if data.ID != cmdID || data.Name != "ask" || data.GetOption("count").IntValue() != 3 ||
			data.GetOption("question").StringValue() != "what is go?" {
			t.Errorf("data = %+v", data)
		}
		if got.Member == nil || got.Member.Permissions&fakediscord.PermManageGuild == 0 || got.AppPermissions == 0 {
			t.Errorf("member = %+v, app_permissions = %d", got.Member, got.AppPermissions)
		}
		if err := c.InteractionRespond(got, reply("Go is a language.")); err != nil {
			t.Fatal(err)
		}
		req := f.WaitRequest(t, wait, fakediscord.And(fakediscord.IsCallback, fakediscord.ForInteraction(i)))
		want := "/api/v9/interactions/" + i.ID + "/" + i.Token + "/callback"
		if req.Status != 204 || req.Path != want || req.Host != "discord.com" || len(req.Violations) > 0 {
			t.Errorf("callback = %v (host %s) %q, want 204 at %s", req, req.Host, req.Violations, want)
		}
		if req.Authorization != "Bot "+fakediscord.DefaultToken {
			t.Error("callback did not carry the bot token")
		}
		var body struct {
			Type int
			Data struct{ Content string }
		}
		if err := req.Decode(&body); err != nil || body.Type != 4 || body.Data.Content != "Go is a language." {
			t.Errorf("callback body = %+v, %v", body, err)
		}

		orig, err := c.InteractionResponse(got)
		if err != nil || orig.Content != "Go is a language." || orig.Author.ID != fakediscord.DefaultApplicationID {
			t.Fatalf("GET @original = %+v, %v", orig, err)
		}
		fu, err := c.FollowupMessageCreate(got, true, &discordgo.WebhookParams{Content: "More.", AllowedMentions: noPings})
		if err != nil || fu.ID == "" || fu.Content != "More." {
			t.Fatalf("followup = %+v, %v", fu, err)
		}
		if _, err := c.FollowupMessageEdit(got, fu.ID, &discordgo.WebhookEdit{Content: ptr("Even more."), AllowedMentions: noPings}); err != nil {
			t.Fatal(err)
		}
		msgs := f.Messages()
		if len(msgs) != 2 || msgs[0].Content != "Go is a language." || msgs[1].Content != "Even more." || msgs[1].EditedTimestamp == nil {
			t.Errorf("messages = %+v", msgs)
		}
	})

	t.Run("Deferred", func(t *testing.T) {
		i := fakediscord.SlashCommand("", fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "ask")
		f.DispatchInteraction(t, i)
		got := c.nextInteraction(t)
		if got.User == nil || got.Member != nil {
			t.Fatalf("DM interaction: user %+v, member %+v", got.User, got.Member)
		}
		err := c.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral},
		})
		if err != nil {
			t.Fatal(err)
		}
		if msgs := f.Messages(); msgs[len(msgs)-1].Flags&int(discordgo.MessageFlagsLoading) == 0 {
			t.Errorf("deferred response flags = %d, want LOADING until edited", msgs[len(msgs)-1].Flags)
		}
		m, err := c.InteractionResponseEdit(got, &discordgo.WebhookEdit{Content: ptr("Later."), AllowedMentions: noPings})
		if err != nil {
			t.Fatal(err)
		}
		if m.Content != "Later." || m.Flags != discordgo.MessageFlagsEphemeral {
			t.Errorf("edited = %q flags %d, want ephemeral without loading", m.Content, m.Flags)
		}
		req := f.WaitRequest(t, wait, fakediscord.IsEditOriginal)
		if req.Params["webhook_id"] != fakediscord.DefaultApplicationID {
			t.Errorf("edit went to %s", req.Path)
		}
	})

	t.Run("Autocomplete", func(t *testing.T) {
		f.DispatchInteraction(t, fakediscord.Autocomplete(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "ask", fakediscord.StringOpt("question", "wha")))
		got := c.nextInteraction(t)
		if got.Type != discordgo.InteractionApplicationCommandAutocomplete || !got.ApplicationCommandData().Options[0].Focused {
			t.Fatalf("autocomplete = %+v", got.ApplicationCommandData())
		}
		err := c.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "what is go?", Value: "what is go?"}}},
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("Button", func(t *testing.T) {
		msg := f.Messages()[0]
		f.DispatchInteraction(t, fakediscord.Button(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "next", msg))
		got := c.nextInteraction(t)
		if got.MessageComponentData().CustomID != "next" || got.Message == nil || got.Message.ID != msg.ID {
			t.Fatalf("button = %+v on %+v", got.MessageComponentData(), got.Message)
		}
		err := c.InteractionRespond(got, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseUpdateMessage,
			Data: &discordgo.InteractionResponseData{Content: "Page 2.", AllowedMentions: noPings, Components: []discordgo.MessageComponent{
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "Back", Style: discordgo.SecondaryButton, CustomID: "back"},
					discordgo.Button{Label: "Source", Style: discordgo.LinkButton, URL: "https://go.dev"},
				}},
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if m := f.Messages()[0]; m.Content != "Page 2." || len(m.Components) != 1 {
			t.Errorf("updated message = %+v", m)
		}
	})

	t.Run("MessageCreate", func(t *testing.T) {
		bot := f.BotUser()
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "<@"+bot.ID+"> what is go?", bot))
		if m := c.nextMessage(t); m.Content != "<@"+bot.ID+"> what is go?" || len(m.Mentions) != 1 {
			t.Errorf("mention: content %q mentions %v", m.Content, m.Mentions)
		}
		// Without MESSAGE_CONTENT a message not mentioning the bot arrives blank.
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "chatter"))
		if m := c.nextMessage(t); m.Content != "" {
			t.Errorf("content = %q, want it blanked", m.Content)
		}
		m, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{
			Content: "Go is a language.", AllowedMentions: noPings,
			Reference: &discordgo.MessageReference{MessageID: "1", ChannelID: fakediscord.DefaultChannelID},
		})
		if err != nil || m.Type != discordgo.MessageTypeReply || m.ChannelID != fakediscord.DefaultChannelID {
			t.Fatalf("channel message = %+v, %v", m, err)
		}
		f.WaitRequest(t, wait, fakediscord.IsChannelMessage)
	})
}

func TestServer_InteractionDeadlines(t *testing.T) {
	t.Parallel()
	clock := fakediscord.NewClock(time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC))
	f := fakediscord.New(t, fakediscord.WithClock(clock.Now))
	c := newClient(t, f, discordgo.IntentsGuilds)
	c.mustOpen(t)
	f.WaitIdentified(t, wait)
	dispatch := func(t *testing.T) *discordgo.Interaction {
		f.DispatchInteraction(t, fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "ask"))
		return c.nextInteraction(t)
	}

	t.Run("Late", func(t *testing.T) {
		i := dispatch(t)
		clock.Advance(fakediscord.InteractionDeadline + time.Millisecond)
		if err := c.InteractionRespond(i, reply("too late")); restCode(err) != 10062 {
			t.Errorf("late callback: %v, want 10062", err)
		}
		// Discord invalidates the token too.
		_, err := c.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "x", AllowedMentions: noPings})
		if restCode(err) != 10015 {
			t.Errorf("followup after a late callback: %v, want 10015", err)
		}
	})

	t.Run("AlreadyAcknowledged", func(t *testing.T) {
		i := dispatch(t)
		if err := c.InteractionRespond(i, reply("one")); err != nil {
			t.Fatal(err)
		}
		if err := c.InteractionRespond(i, reply("two")); restCode(err) != 40060 {
			t.Errorf("second callback: %v, want 40060", err)
		}
	})

	t.Run("WebhookBeforeCallback", func(t *testing.T) {
		i := dispatch(t)
		_, err := c.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("x"), AllowedMentions: noPings})
		if restCode(err) != 10015 {
			t.Errorf("edit before callback: %v, want 10015", err)
		}
		_, err = c.FollowupMessageCreate(i, true, &discordgo.WebhookParams{Content: "x", AllowedMentions: noPings})
		if restCode(err) != 10015 {
			t.Errorf("followup before callback: %v, want 10015", err)
		}
	})

	t.Run("WebhookWithInteractionID", func(t *testing.T) {
		i := dispatch(t)
		if err := c.InteractionRespond(i, reply("ok")); err != nil {
			t.Fatal(err)
		}
		wrong := *i
		wrong.AppID = i.ID // a classic bug: the interaction id where the application id belongs
		if _, err := c.InteractionResponse(&wrong); restCode(err) != 10015 {
			t.Errorf("GET @original under the interaction id: %v, want 10015", err)
		}
	})

	t.Run("TokenExpired", func(t *testing.T) {
		i := dispatch(t)
		if err := c.InteractionRespond(i, reply("ok")); err != nil {
			t.Fatal(err)
		}
		clock.Advance(fakediscord.TokenLifetime - time.Second)
		if _, err := c.InteractionResponse(i); err != nil {
			t.Fatalf("GET @original within 15 min: %v", err)
		}
		clock.Advance(2 * time.Second)
		_, err := c.InteractionResponseEdit(i, &discordgo.WebhookEdit{Content: ptr("x"), AllowedMentions: noPings})
		if restCode(err) != 10015 {
			t.Errorf("edit after 15 min: %v, want 10015", err)
		}
	})
}

func TestServer_Contract(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	f := fakediscord.New(tb)
	c := newClient(t, f, discordgo.IntentsGuilds)
	c.mustOpen(t)
	f.WaitIdentified(t, wait)
	dispatch := func(t *testing.T, i *fakediscord.Interaction) *discordgo.Interaction {
		f.DispatchInteraction(t, i)
		return c.nextInteraction(t)
	}
	slash := func() *fakediscord.Interaction {
		return fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "ask")
	}
	tb.expectNone(t)

	t.Run("ContentTooLong", func(t *testing.T) {
		i := dispatch(t, slash())
		err := c.InteractionRespond(i, reply(strings.Repeat("a", 2001)))
		if restCode(err) != 50035 {
			t.Errorf("callback with 2001 characters: %v, want 50035", err)
		}
		// With shared/discord/openapi.json present the error also carries the
		// spec's "openapi: maxLength" (see TestServer_SpecWiring).
		tb.expectErrors(t, "data.content: Must be 2000 or fewer in length (got 2001)")
		// The interaction is still unacknowledged, as on Discord.
		if err := c.InteractionRespond(i, reply("short")); err != nil {
			t.Errorf("callback after a rejected one: %v", err)
		}
		tb.expectNone(t)
	})

	t.Run("ChannelContentTooLong", func(t *testing.T) {
		// The spec allows 4000 here; Discord's documented limit is 2000.
		_, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{
			Content: strings.Repeat("é", 2001), AllowedMentions: noPings})
		if restCode(err) != 50035 {
			t.Errorf("channel message with 2001 characters: %v, want 50035", err)
		}
		tb.expectErrors(t, "content: Must be 2000 or fewer")
	})

	t.Run("MissingAllowedMentions", func(t *testing.T) {
		i := dispatch(t, slash())
		err := c.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Content: "hi"},
		})
		if restCode(err) != 50035 {
			t.Errorf("callback without allowed_mentions: %v, want 50035", err)
		}
		tb.expectErrors(t, "data.allowed_mentions: missing", "project rule")
		req := f.WaitRequest(t, wait, fakediscord.And(fakediscord.IsCallback, fakediscord.ForInteraction(&fakediscord.Interaction{ID: i.ID})))
		var body map[string]any
		if err := json.Unmarshal(req.Response, &body); err != nil || body["errors"] == nil {
			t.Errorf("400 body = %s, want an errors tree", req.Response)
		}
	})

	t.Run("MentionsEveryone", func(t *testing.T) {
		_, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{Content: "hi",
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{discordgo.AllowedMentionTypeEveryone}}})
		if restCode(err) != 50035 {
			t.Errorf("parse everyone: %v, want 50035", err)
		}
		tb.expectErrors(t, "allowed_mentions.parse: must be empty")
	})

	t.Run("EmptyMessage", func(t *testing.T) {
		_, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{AllowedMentions: noPings})
		if restCode(err) != 50006 {
			t.Errorf("empty message: %v, want 50006", err)
		}
		tb.expectErrors(t, "Cannot send an empty message")
	})

	t.Run("DeferredFlags", func(t *testing.T) {
		i := dispatch(t, slash())
		err := c.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionResponseDeferredChannelMessageWithSource,
			Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral | discordgo.MessageFlagsSuppressEmbeds},
		})
		if restCode(err) != 50035 {
			t.Errorf("type 5 with SUPPRESS_EMBEDS: %v, want 50035", err)
		}
		tb.expectErrors(t, "data.flags", "only the EPHEMERAL flag")
	})

	t.Run("WrongCallbackType", func(t *testing.T) {
		i := dispatch(t, slash())
		err := c.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{}},
		})
		if restCode(err) != 50035 {
			t.Errorf("autocomplete result to a slash command: %v, want 50035", err)
		}
		tb.expectErrors(t, "callback type 8 is not valid for interaction type 2")
	})

	t.Run("TooManyChoices", func(t *testing.T) {
		i := dispatch(t, fakediscord.Autocomplete(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
			fakediscord.DefaultUserID, "ask", fakediscord.StringOpt("question", "")))
		var choices []*discordgo.ApplicationCommandOptionChoice
		for n := range 26 {
			choices = append(choices, &discordgo.ApplicationCommandOptionChoice{Name: fmt.Sprint(n), Value: strings.Repeat("v", 101)})
		}
		err := c.InteractionRespond(i, &discordgo.InteractionResponse{
			Type: discordgo.InteractionApplicationCommandAutocompleteResult,
			Data: &discordgo.InteractionResponseData{Choices: choices},
		})
		if restCode(err) != 50035 {
			t.Errorf("26 choices: %v, want 50035", err)
		}
		tb.expectErrors(t, "data.choices: Must be 25 or fewer", "data.choices.0.value: Must be 100 or fewer")
	})

	t.Run("Components", func(t *testing.T) {
		row := func(ids ...string) discordgo.ActionsRow {
			var bs []discordgo.MessageComponent
			for _, id := range ids {
				bs = append(bs, discordgo.Button{Label: id, Style: discordgo.PrimaryButton, CustomID: id})
			}
			return discordgo.ActionsRow{Components: bs}
		}
		_, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{
			Content: "pick", AllowedMentions: noPings,
			Components: []discordgo.MessageComponent{
				row("a"), row("b"), row("c"), row("d"), row("e"),
				row("a", "f", "g", "h", "i", "j"),
				discordgo.ActionsRow{Components: []discordgo.MessageComponent{
					discordgo.Button{Label: "x", Style: discordgo.LinkButton, URL: "https://go.dev", CustomID: "link"},
				}},
			},
		})
		if restCode(err) != 50035 {
			t.Errorf("bad components: %v, want 50035", err)
		}
		tb.expectErrors(t, "Must be 5 or fewer action rows (got 7)", "components.5.components: Must be 5 or fewer",
			`custom_id "a" is already used`, "a link button cannot have a custom_id")
	})

	t.Run("Commands", func(t *testing.T) {
		cmds := []*discordgo.ApplicationCommand{
			{Name: "Ask", Description: "x"},
			{Name: "find"},
			{Name: "auto", Description: "x", Options: []*discordgo.ApplicationCommandOption{{
				Type: discordgo.ApplicationCommandOptionString, Name: "q", Description: "q", Autocomplete: true,
				Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}},
			}}},
			{Type: discordgo.UserApplicationCommand, Name: "Quote Them", Description: "not allowed"},
		}
		_, err := c.ApplicationCommandBulkOverwrite(fakediscord.DefaultApplicationID, fakediscord.DefaultGuildID, cmds)
		if restCode(err) != 50035 {
			t.Errorf("bad commands: %v, want 50035", err)
		}
		tb.expectErrors(t, `0.name: "Ask" must be lower case`, "1.description: a CHAT_INPUT description must be between 1 and 100",
			"2.options.0.autocomplete: autocomplete cannot be true when choices are set", "3.description: USER and MESSAGE commands must have an empty description")

		var many []*discordgo.ApplicationCommand
		for n := range 101 {
			many = append(many, &discordgo.ApplicationCommand{Name: fmt.Sprintf("c%d", n), Description: "x"})
		}
		_, err = c.ApplicationCommandBulkOverwrite(fakediscord.DefaultApplicationID, "", many)
		if restCode(err) != 50035 {
			t.Errorf("101 commands: %v, want 50035", err)
		}
		tb.expectErrors(t, "at most 100 commands of type 1, got 101")
	})

	t.Run("UnknownRoute", func(t *testing.T) {
		err := c.ChannelTyping(fakediscord.DefaultChannelID)
		if restCode(err) != 0 {
			t.Errorf("typing: %v, want 404 code 0", err)
		}
		tb.expectErrors(t, "POST /api/v9/channels/"+fakediscord.DefaultChannelID+"/typing: route not implemented by the fake")
	})

	t.Run("BadSnowflake", func(t *testing.T) {
		_, err := c.ChannelMessageSendComplex("general", &discordgo.MessageSend{Content: "hi", AllowedMentions: noPings})
		if restCode(err) != 50035 {
			t.Errorf("channel id 'general': %v, want 50035", err)
		}
		tb.expectErrors(t, `channel_id: Value "general" is not snowflake.`)
	})

	t.Run("WrongToken", func(t *testing.T) {
		s, _ := discordgo.New("Bot wrong-token")
		f.Redirect(s)
		_, err := s.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{Content: "hi", AllowedMentions: noPings})
		var re *discordgo.RESTError
		if !errors.As(err, &re) || re.Response.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong token: %v, want 401", err)
		}
		errs := tb.take()
		if len(errs) != 1 || strings.Contains(errs[0], "wrong-token") {
			t.Errorf("errors = %q, want one that does not show the token", errs)
		}
	})

	t.Run("ValidBodies", func(t *testing.T) {
		_, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{
			Content: strings.Repeat("a", 2000), AllowedMentions: noPings,
			Embeds: []*discordgo.MessageEmbed{{Title: "Source", Description: "d", URL: "https://go.dev",
				Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: "v", Inline: true}},
				Footer: &discordgo.MessageEmbedFooter{Text: "f"}, Author: &discordgo.MessageEmbedAuthor{Name: "a"}}},
			Files: []*discordgo.File{{Name: "quote.txt", ContentType: "text/plain", Reader: strings.NewReader("quote")}},
		})
		if err != nil {
			t.Fatal(err)
		}
		tb.expectNone(t)
		req := f.WaitRequest(t, wait, fakediscord.And(fakediscord.IsChannelMessage, func(r fakediscord.Request) bool { return len(r.Files) > 0 }))
		if req.Files[0].Name != "quote.txt" || string(req.Files[0].Data) != "quote" {
			t.Errorf("files = %+v", req.Files)
		}
	})
}

func TestServer_GatewayFaults(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t)
	c := newClient(t, f, discordgo.IntentsGuildMessages)
	c.ShouldReconnectOnError = true
	c.mustOpen(t)
	first := f.WaitIdentified(t, wait)
	mention := func(text string) *fakediscord.Message {
		bot := f.BotUser()
		return fakediscord.MessageCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID,
			"<@"+bot.ID+"> "+text, bot)
	}

	t.Run("DropAndResume", func(t *testing.T) {
		f.DropGateway(t)
		f.Dispatch(t, "MESSAGE_CREATE", mention("while away"))
		r := f.WaitResumed(t, wait)
		if !r.OK || r.SessionID != first.SessionID {
			t.Errorf("resume = %+v, want session %s resumed", r, first.SessionID)
		}
		if m := c.nextMessage(t); !strings.HasSuffix(m.Content, "while away") {
			t.Errorf("message after resume = %q", m.Content)
		}
	})

	t.Run("InvalidSession", func(t *testing.T) {
		f.SendInvalidSession(t, false)
		id := f.WaitIdentified(t, wait)
		if id.SessionID == first.SessionID {
			t.Errorf("re-IDENTIFY kept session %s", id.SessionID)
		}
		f.Dispatch(t, "MESSAGE_CREATE", mention("after op 9"))
		if m := c.nextMessage(t); !strings.HasSuffix(m.Content, "after op 9") {
			t.Errorf("message = %q", m.Content)
		}
	})
}

func TestServer_IdentifyRefused(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		opts    []fakediscord.Option
		intents discordgo.Intent
	}{
		"WrongToken":         {opts: []fakediscord.Option{fakediscord.WithToken("other")}, intents: discordgo.IntentsGuilds},
		"DisallowedIntents":  {opts: []fakediscord.Option{fakediscord.WithDisallowedIntents(discordgo.IntentMessageContent)}, intents: discordgo.IntentMessageContent},
		"AllowedUnprivilege": {opts: []fakediscord.Option{fakediscord.WithDisallowedIntents(discordgo.IntentMessageContent)}, intents: discordgo.IntentsGuilds},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			f := fakediscord.New(t, tc.opts...)
			c := newClient(t, f, tc.intents)
			err := c.Open()
			if name == "AllowedUnprivilege" {
				if err != nil {
					t.Fatal(err)
				}
				c.Close()
				return
			}
			if err == nil {
				c.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func TestServer_RESTFaults(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t)
	s, _ := discordgo.New("Bot " + fakediscord.DefaultToken)
	f.Redirect(s)
	send := func(opts ...discordgo.RequestOption) error {
		_, err := s.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{Content: "hi", AllowedMentions: noPings}, opts...)
		return err
	}

	f.InjectFault(fakediscord.IsChannelMessage, 1, fakediscord.RateLimit(20*time.Millisecond, false))
	if err := send(); err != nil {
		t.Fatalf("after one 429: %v", err)
	}
	if a, b := f.WaitRequest(t, wait, fakediscord.IsChannelMessage), f.WaitRequest(t, wait, fakediscord.IsChannelMessage); a.Status != 429 || b.Status != 200 {
		t.Errorf("statuses %d, %d; want 429, 200", a.Status, b.Status)
	}

	f.InjectFault(fakediscord.IsChannelMessage, 1, fakediscord.RateLimit(20*time.Millisecond, true))
	var rl *discordgo.RateLimitError
	if err := send(discordgo.WithRetryOnRatelimit(false)); !errors.As(err, &rl) || rl.RetryAfter != 20*time.Millisecond {
		t.Errorf("with retries off: %v, want a RateLimitError of 20ms", err)
	}

	f.InjectFault(fakediscord.IsChannelMessage, 2, fakediscord.ServerError(http.StatusBadGateway))
	if err := send(); err != nil {
		t.Errorf("after two 502s: %v", err)
	}
	f.InjectFault(fakediscord.IsChannelMessage, 1, fakediscord.ServerError(http.StatusInternalServerError))
	if err := send(); err == nil {
		t.Error("500 was not returned (discordgo v0.29.0 retries only 502)")
	}
}

func TestServer_WithoutSpec(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	f := fakediscord.New(tb, fakediscord.WithOpenAPISpec(""))
	s, _ := discordgo.New("Bot " + fakediscord.DefaultToken)
	f.Redirect(s)
	_, err := s.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{Content: strings.Repeat("a", 2001)})
	if restCode(err) != 50035 {
		t.Errorf("2001 characters without allowed_mentions: %v, want 50035", err)
	}
	errs := tb.take()
	if len(errs) != 1 || !strings.Contains(errs[0], "content: Must be 2000") || !strings.Contains(errs[0], "allowed_mentions: missing") ||
		strings.Contains(errs[0], "openapi:") {
		t.Errorf("errors = %q, want the limit checks only", errs)
	}
}

func TestBuilders_DecodeWithDiscordgo(t *testing.T) {
	t.Parallel()
	g, ch, u := fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID
	target := fakediscord.MessageCreate(g, ch, u, "quoted text")
	decode := func(t *testing.T, i *fakediscord.Interaction) *discordgo.Interaction {
		t.Helper()
		b, err := json.Marshal(i)
		if err != nil {
			t.Fatal(err)
		}
		var ic discordgo.InteractionCreate
		if err := json.Unmarshal(b, &ic); err != nil {
			t.Fatalf("discordgo cannot decode %s: %v", b, err)
		}
		if ic.ID != i.ID || ic.Token != i.Token || ic.ID == "" {
			t.Fatalf("decoded id/token %q/%q", ic.ID, ic.Token)
		}
		return ic.Interaction
	}

	t.Run("SlashCommand", func(t *testing.T) {
		i := decode(t, fakediscord.SlashCommand(g, ch, u, "quote",
			fakediscord.SubcommandGroup("admin", fakediscord.Subcommand("add",
				fakediscord.StringOpt("text", "x"), fakediscord.IntOpt("n", 0), fakediscord.BoolOpt("public", false),
				fakediscord.NumberOpt("weight", 0.5), fakediscord.UserOpt("who", "42"), fakediscord.ChannelOpt("where", "43"),
				fakediscord.RoleOpt("role", "44")))))
		add := i.ApplicationCommandData().Options[0].Options[0]
		if add.Name != "add" || add.GetOption("n").IntValue() != 0 || add.GetOption("public").BoolValue() ||
			add.GetOption("weight").FloatValue() != 0.5 || add.GetOption("text").StringValue() != "x" {
			t.Errorf("options = %+v", add.Options)
		}
		r := i.ApplicationCommandData().Resolved
		if r == nil || r.Users["42"] == nil || r.Channels["43"] == nil || r.Roles["44"] == nil || r.Members["42"] == nil {
			t.Errorf("resolved = %+v", r)
		}
		if i.Member.JoinedAt.IsZero() || i.Member.User.ID != u || i.Context != discordgo.InteractionContextGuild {
			t.Errorf("member = %+v", i.Member)
		}
	})
	t.Run("Autocomplete", func(t *testing.T) {
		i := decode(t, fakediscord.Autocomplete(g, ch, u, "quote", fakediscord.Subcommand("find", fakediscord.StringOpt("q", "go"))))
		if !i.ApplicationCommandData().Options[0].Options[0].Focused {
			t.Error("the last option is not focused")
		}
	})
	t.Run("MessageCommand", func(t *testing.T) {
		d := decode(t, fakediscord.MessageCommand(g, ch, u, "Find Source", target)).ApplicationCommandData()
		if d.CommandType != discordgo.MessageApplicationCommand || d.TargetID != target.ID || d.Resolved.Messages[target.ID].Content != "quoted text" {
			t.Errorf("data = %+v", d)
		}
	})
	t.Run("UserCommand", func(t *testing.T) {
		d := decode(t, fakediscord.UserCommand(g, ch, u, "Quotes By", fakediscord.User{ID: "42"})).ApplicationCommandData()
		if d.CommandType != discordgo.UserApplicationCommand || d.Resolved.Users["42"] == nil {
			t.Errorf("data = %+v", d)
		}
	})
	t.Run("Button", func(t *testing.T) {
		i := decode(t, fakediscord.Button(g, ch, u, "next", target))
		if i.MessageComponentData().CustomID != "next" || i.Message.Content != "quoted text" {
			t.Errorf("button = %+v", i.MessageComponentData())
		}
	})
	t.Run("StringSelect", func(t *testing.T) {
		i := decode(t, fakediscord.StringSelect(g, ch, u, "pick", nil, "a", "b"))
		if d := i.MessageComponentData(); d.ComponentType != discordgo.SelectMenuComponent || len(d.Values) != 2 {
			t.Errorf("select = %+v", d)
		}
	})
	t.Run("ModalSubmit", func(t *testing.T) {
		d := decode(t, fakediscord.ModalSubmit(g, ch, u, "report", map[string]string{"reason": "wrong quote"})).ModalSubmitData()
		row := d.Components[0].(*discordgo.ActionsRow)
		if d.CustomID != "report" || row.Components[0].(*discordgo.TextInput).Value != "wrong quote" {
			t.Errorf("modal = %+v", d)
		}
	})
	t.Run("MessageCreate", func(t *testing.T) {
		b, _ := json.Marshal(fakediscord.MessageCreate(g, ch, u, "hi", fakediscord.User{ID: "42"}))
		var m discordgo.Message
		if err := json.Unmarshal(b, &m); err != nil || m.Author.ID != u || m.Mentions[0].ID != "42" || m.Timestamp.IsZero() {
			t.Errorf("message = %+v, %v", m, err)
		}
	})
}

func TestServer_ReconnectOnNextResume(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t)
	s, err := discordgo.New("Bot " + fakediscord.DefaultToken)
	if err != nil {
		t.Fatal(err)
	}
	s.ShouldReconnectOnError = true
	f.Redirect(s)
	if err := s.Open(); err != nil {
		t.Fatal(err)
	}
	// No Close: the session is wedged for good below, and Close would
	// block on its lock.
	f.WaitIdentified(t, wait)
	f.ReconnectOnNextResume()
	f.SendReconnect(t)
	if r := f.WaitResumed(t, wait); !r.Reconnected || r.OK {
		t.Errorf("resume = %+v, want it answered with op 7", r)
	}
	// discordgo issue #513: the session lock stays held by Open.
	for range 10 {
		if s.TryLock() {
			s.Unlock()
			t.Fatal("the session is not wedged: has discordgo fixed issue #513? Then the bot's watchdog can go")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestServer_ThreadStarter: a thread started from a bot's message has the
// message's id; the bot finds the thread in its state (THREAD_CREATE) and
// reads the starter from the parent channel.
func TestServer_ThreadStarter(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t)
	c := newClient(t, f, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages)
	threads := make(chan *discordgo.ThreadCreate, 1)
	c.AddHandler(func(_ *discordgo.Session, th *discordgo.ThreadCreate) { threads <- th })
	c.mustOpen(t)
	f.WaitIdentified(t, wait)

	sent, err := c.ChannelMessageSendComplex(fakediscord.DefaultChannelID, &discordgo.MessageSend{
		Content: "**Q:** why?", AllowedMentions: noPings})
	if err != nil {
		t.Fatal(err)
	}
	f.Dispatch(t, "THREAD_CREATE", fakediscord.ThreadCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
		sent.ID, fakediscord.DefaultUserID, "why?"))
	select {
	case <-threads:
	case <-time.After(wait):
		t.Fatal("no THREAD_CREATE reached the handler")
	}
	ch, err := c.State.Channel(sent.ID)
	if err != nil || !ch.IsThread() || ch.ParentID != fakediscord.DefaultChannelID {
		t.Fatalf("state thread = %+v, %v", ch, err)
	}
	m, err := c.ChannelMessage(ch.ParentID, sent.ID)
	if err != nil || m.Content != "**Q:** why?" || m.ID != sent.ID {
		t.Fatalf("starter = %+v, %v", m, err)
	}
	r := f.WaitRequest(t, wait, fakediscord.IsGetMessage)
	if len(r.Violations) > 0 || r.Status != 200 {
		t.Errorf("GET message: %d %v", r.Status, r.Violations)
	}
	if _, err := c.ChannelMessage("1100000000000000999", sent.ID); restCode(err) != 10008 {
		t.Errorf("a message asked for in another channel: err %v, want 10008 Unknown Message", err)
	}

	// Users' messages can be read back too; without MESSAGE_CONTENT only
	// those that mention the bot keep their text.
	bot := f.BotUser()
	for _, tc := range []struct {
		msg  *fakediscord.Message
		want string
	}{
		{fakediscord.MessageCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID,
			"<@"+bot.ID+"> why?", bot), "<@" + bot.ID + "> why?"},
		{fakediscord.MessageCreate(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID,
			"just chatting"), ""},
	} {
		f.Dispatch(t, "MESSAGE_CREATE", tc.msg)
		c.nextMessage(t)
		m, err := c.ChannelMessage(fakediscord.DefaultChannelID, tc.msg.ID)
		if err != nil || m.Content != tc.want {
			t.Errorf("GET %q = %+v, %v; want content %q", tc.msg.Content, m, err, tc.want)
		}
	}
}
