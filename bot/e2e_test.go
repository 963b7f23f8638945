package bot_test

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Servers of the end-to-end test: A holds the sample library, B a library
// of its own, C starts empty.
const (
	e2eGuildA = fakediscord.DefaultGuildID
	e2eGuildB = "1100000000000000101"
	e2eGuildC = "1100000000000000102"
	e2eChan   = fakediscord.DefaultChannelID
)

// arcticDoc is guild B's only source.
var arcticDoc = retrieval.Document{
	Metadata: retrieval.Metadata{Title: "Arctic briefing", Author: "B. Writer", URL: "https://example.org/arctic",
		Published: "2026-01-05", Origin: "arctic.txt"},
	Text: "Greenland's government said the Arctic must remain a region of low tension.\n\n" +
		"\"The Arctic is not for sale, and Greenland will decide its own future,\" said Mute Egede, Prime Minister of Greenland.\n\n" +
		"Shipping through the Northern Sea Route rose sharply last year.\n",
}

// sampleDocs parses the embedded sample library.
func sampleDocs(tb testing.TB) []retrieval.Document {
	tb.Helper()
	docs, _, err := retrieval.LoadDocuments(data.Corpus, "sample", retrieval.Metadata{})
	require.NoError(tb, err)
	require.NotEmpty(tb, docs)
	return docs
}

// MustOpenIndex opens a real index in a temporary SQLite file, closed when
// the test ends.
func MustOpenIndex(tb testing.TB) *retrieval.Index {
	tb.Helper()
	ix := retrieval.NewIndex(filepath.Join(tb.TempDir(), "verbatim.db"))
	require.NoError(tb, ix.Open())
	tb.Cleanup(func() { _ = ix.Close() })
	return ix
}

// gatedLibrary wraps a Library so that a test can hold a search: a question
// containing "[slow]" sleeps past Discord's three seconds, and one
// containing "[block]" waits until release is closed.
type gatedLibrary struct {
	bot.Library
	release chan struct{}
	blocked chan struct{} // receives when a search starts blocking
}

func (g *gatedLibrary) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
	switch {
	case strings.Contains(q.Text, "[slow]"):
		select {
		case <-time.After(3500 * time.Millisecond):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	case strings.Contains(q.Text, "[block]"):
		g.blocked <- struct{}{}
		<-g.release
	}
	return g.Library.Search(ctx, q)
}

// e2e is the fake Discord and the bot connected to it.
type e2e struct {
	t   *testing.T
	f   *fakediscord.Server
	b   *bot.Bot
	lib *gatedLibrary
	log *syncBuffer
}

// asRecorded turns a request the fake saw into a recorded call, for
// CheckLimits.
func asRecorded(r fakediscord.Request) recorded {
	call := "InteractionResponseEdit"
	switch {
	case fakediscord.IsCallback(r):
		call = "InteractionRespond"
	case fakediscord.IsChannelMessage(r):
		call = "ChannelMessageSendComplex"
	}
	return recorded{Call: call, Body: r.Body}
}

// wait returns the next request matching pred for interaction i, checked
// against the limits.
func (e *e2e) wait(i *fakediscord.Interaction, pred func(fakediscord.Request) bool, timeout time.Duration) message {
	e.t.Helper()
	r := e.f.WaitRequest(e.t, timeout, fakediscord.And(fakediscord.ForInteraction(i), pred))
	require.Less(e.t, r.Status, 300, "%s answered %d: %s", r, r.Status, r.Response)
	rc := asRecorded(r)
	CheckLimits(e.t, rc)
	return rc.msg(e.t)
}

// ask dispatches /ask question in guild by user and returns the deferral
// and the answer.
func (e *e2e) ask(guild, user, question string) (ack, answer message) {
	e.t.Helper()
	i := fakediscord.SlashCommand(guild, e2eChan, user, "ask", fakediscord.StringOpt("question", question))
	e.f.DispatchInteraction(e.t, i)
	ack = e.wait(i, fakediscord.IsCallback, 3*time.Second)
	if ack.Type != typeDeferred {
		return ack, message{}
	}
	return ack, e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
}

// click dispatches a click on the button customID and returns its first
// response, and the edit that completes it if the first was a deferral.
func (e *e2e) click(guild, user, customID string) (ack, answer message) {
	e.t.Helper()
	i := fakediscord.Button(guild, e2eChan, user, customID, nil)
	e.f.DispatchInteraction(e.t, i)
	ack = e.wait(i, fakediscord.IsCallback, 3*time.Second)
	if ack.Type != typeDeferred {
		return ack, message{}
	}
	return ack, e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
}

// TestE2E runs the bot over a real discordgo session against the fake
// Discord, with a real index holding one library per server. The subtests
// share one session (closing one costs a second) and run in order; the
// last one shuts the bot down.
func TestE2E(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	ix := MustOpenIndex(t)
	_, err := ix.Add(ctx, bot.LibraryName(e2eGuildA), sampleDocs(t)...)
	require.NoError(t, err)
	_, err = ix.Add(ctx, bot.LibraryName(e2eGuildB), arcticDoc)
	require.NoError(t, err)

	f := fakediscord.New(t, fakediscord.WithGuilds(e2eGuildA, e2eGuildB, e2eGuildC))
	lib := &gatedLibrary{Library: ix, release: make(chan struct{}), blocked: make(chan struct{}, 1)}
	b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, lib)
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	b.Cooldown = 3 * time.Second
	b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
		res, err := ix.Add(ctx, library, sampleDocs(t)...)
		n := 0
		for _, r := range res {
			if r.Status == retrieval.StatusAdded {
				n++
			}
		}
		return n, err
	})
	b.Session.ShouldReconnectOnError = false
	f.Redirect(b.Session)
	require.NoError(t, b.Open(ctx))
	t.Cleanup(func() {
		_ = b.Close()
		assert.NotContains(t, log.String(), fakediscord.DefaultToken, "the token reached the log")
	})
	e := &e2e{t: t, f: f, b: b, lib: lib, log: log}

	id := f.WaitIdentified(t, 5*time.Second)
	assert.Equal(t, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages, id.Intents,
		"no privileged intent: @mentions arrive with their text anyway")

	// Each subtest asks as its own user, so the cooldown only bites where
	// it is tested.
	user := func(n string) string { return "11000000000000009" + n }

	t.Run("CommandsRegistered", func(t *testing.T) {
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsCommandsPut)
		assert.Empty(t, r.Violations)
		assert.Equal(t, "/applications/{application_id}/commands", r.Route, "global, as no guild is configured")
		var cmds []discordgo.ApplicationCommand
		require.NoError(t, r.Decode(&cmds))
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		assert.ElementsMatch(t, []string{"ask", "quotes", "sources", "Find sources", "library"}, names)
	})

	var answerA message // an answer in guild A, for the buttons
	t.Run("AskFound", func(t *testing.T) {
		e.t = t
		ack, m := e.ask(e2eGuildA, user("01"), "Why did Russia go to war in Ukraine?")
		assert.Equal(t, typeDeferred, ack.Type)
		assert.Zero(t, ack.Flags&ephemeral, "the answer is public")
		require.NotEmpty(t, m.Embeds)
		assert.LessOrEqual(t, len(m.Embeds), 3)
		for _, em := range m.Embeds {
			assert.True(t, strings.HasPrefix(em.Description, "“"), em.Description)
			assert.NotEmpty(t, em.Author.Name)
			assert.Contains(t, em.Footer.Text, "¶")
		}
		assert.Contains(t, m.text(), "Why did Russia go to war in Ukraine?")
		answerA = m
	})
	t.Run("AskNotFound", func(t *testing.T) {
		e.t = t
		_, m := e.ask(e2eGuildA, user("02"), "What is the recipe for apple strudel?")
		assert.Contains(t, m.text(), "Nothing in this server's library answers that")
		assert.Empty(t, m.Embeds)
	})
	t.Run("AskHostile", func(t *testing.T) {
		e.t = t
		for n, q := range []string{
			`NATO" OR "x" AND NOT (y) NEAR(a b) ^ * : - "`,
			"@everyone @here <@" + fakediscord.DefaultUserID + "> why did Russia go to war?",
			"'; DROP TABLE sources; -- NATO",
			strings.Repeat("NATO Ukraine war ", 40)[:bot.MaxQuestionLength],
		} {
			ack, m := e.ask(e2eGuildA, user("3"+string(rune('0'+n))), q)
			require.Equal(t, typeDeferred, ack.Type, "question %q", q)
			assert.True(t, m.text() != "" || len(m.Embeds) > 0)
		}
		srcs, err := ix.Sources(ctx, bot.LibraryName(e2eGuildA))
		require.NoError(t, err)
		assert.NotEmpty(t, srcs, "the library survived")
	})
	t.Run("AskEmptyQuery", func(t *testing.T) {
		e.t = t
		ack, _ := e.ask(e2eGuildA, user("03"), "?!")
		assert.Equal(t, typeMessage, ack.Type)
		assert.Equal(t, ephemeral, ack.Flags)
	})
	t.Run("ButtonMoreToTheEnd", func(t *testing.T) {
		e.t = t
		_, m := e.ask(e2eGuildA, user("04"), "NATO Ukraine Russia war")
		pages := 1
		for {
			var more string
			for _, id := range m.customIDs() {
				if strings.HasPrefix(id, "v1:more:") {
					more = id
				}
			}
			if more == "" {
				break
			}
			ack, next := e.click(e2eGuildA, user("05"), more)
			require.Equal(t, typeDeferred, ack.Type)
			assert.Equal(t, ephemeral, ack.Flags)
			if len(next.Embeds) == 0 {
				assert.Contains(t, next.text(), "no more results")
				break
			}
			m, pages = next, pages+1
			require.Less(t, pages, 50, "paging never ends")
		}
		assert.Greater(t, pages, 1, "a broad question has more than one page")
	})
	t.Run("ButtonContext", func(t *testing.T) {
		e.t = t
		require.NotEmpty(t, answerA.Embeds)
		ack, answer := e.click(e2eGuildA, user("06"), answerA.buttonID(t, contextLabel(answerA)))
		if ack.Type == typeDeferred {
			ack = answer
		}
		assert.Equal(t, ephemeral, ack.Flags)
		require.Len(t, ack.Embeds, 1)
		assert.Contains(t, ack.Embeds[0].Description, "**", "the quote is in bold within its paragraph")
	})
	t.Run("ButtonCite", func(t *testing.T) {
		e.t = t
		ack, _ := e.click(e2eGuildA, user("07"), answerA.buttonID(t, citeLabel(answerA)))
		assert.Equal(t, typeMessage, ack.Type)
		assert.Equal(t, ephemeral, ack.Flags)
		assert.Contains(t, ack.text(), "ready to paste")
		assert.Contains(t, ack.text(), "¶")
	})
	t.Run("Autocomplete", func(t *testing.T) {
		e.t = t
		i := fakediscord.Autocomplete(e2eGuildA, e2eChan, user("08"), "quotes",
			fakediscord.Focused(fakediscord.StringOpt("speaker", "jen")))
		f.DispatchInteraction(t, i)
		m := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, typeChoices, m.Type)
		var names []string
		for _, c := range m.Choices {
			names = append(names, c.Name)
		}
		assert.Contains(t, names, "Jens Stoltenberg")
	})
	t.Run("Quotes", func(t *testing.T) {
		e.t = t
		i := fakediscord.SlashCommand(e2eGuildA, e2eChan, user("09"), "quotes", fakediscord.StringOpt("speaker", "Jens Stoltenberg"))
		f.DispatchInteraction(t, i)
		m := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		if m.Type == typeDeferred {
			m = e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		}
		assert.Contains(t, m.text(), "Quotes from Jens Stoltenberg")
		require.NotEmpty(t, m.Embeds)
		assert.Contains(t, m.Embeds[0].Author.Name, "Jens Stoltenberg")
	})
	t.Run("Sources", func(t *testing.T) {
		e.t = t
		i := fakediscord.SlashCommand(e2eGuildB, e2eChan, user("10"), "sources")
		f.DispatchInteraction(t, i)
		m := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, ephemeral, m.Flags)
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "Arctic briefing")
		assert.NotContains(t, m.Embeds[0].Description, "NATO")
	})
	t.Run("MentionAnswered", func(t *testing.T) {
		e.t = t
		botUser := f.BotUser()
		msg := fakediscord.MessageCreate(e2eGuildA, e2eChan, user("11"),
			"<@"+botUser.ID+"> why did Russia go to war in Ukraine? @everyone", botUser)
		f.Dispatch(t, "MESSAGE_CREATE", msg)
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
		require.Less(t, r.Status, 300, "%s: %s", r, r.Response)
		rc := asRecorded(r)
		CheckLimits(t, rc)
		m := rc.msg(t)
		require.NotNil(t, m.Reference)
		assert.Equal(t, msg.ID, m.Reference.MessageID)
		assert.NotEmpty(t, m.Embeds)
	})
	t.Run("MentionNotAddressed", func(t *testing.T) {
		e.t = t
		before := len(f.Requests())
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(e2eGuildA, e2eChan, user("12"), "why did Russia go to war?"))
		time.Sleep(200 * time.Millisecond)
		for _, r := range f.Requests()[before:] {
			assert.False(t, fakediscord.IsChannelMessage(r), "answered a message that did not mention the bot")
		}
	})
	t.Run("FindSources", func(t *testing.T) {
		e.t = t
		target := fakediscord.MessageCreate(e2eGuildA, e2eChan, user("13"), "Russia invaded Ukraine to stop NATO enlargement.")
		i := fakediscord.MessageCommand(e2eGuildA, e2eChan, user("14"), "Find sources", target)
		f.DispatchInteraction(t, i)
		ack := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, typeDeferred, ack.Type)
		assert.Equal(t, ephemeral, ack.Flags)
		m := e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		assert.NotEmpty(t, m.Embeds)
	})
	t.Run("ServersStayApart", func(t *testing.T) {
		e.t = t
		// B's library does not hold A's article, and A's not B's.
		_, m := e.ask(e2eGuildB, user("15"), "Why did Russia go to war in Ukraine?")
		assert.Empty(t, m.Embeds)
		_, m = e.ask(e2eGuildA, user("16"), "Is the Arctic for sale?")
		assert.Empty(t, m.Embeds)
		_, m = e.ask(e2eGuildB, user("17"), "Is the Arctic for sale?")
		require.NotEmpty(t, m.Embeds)
		assert.Equal(t, "Arctic briefing", m.Embeds[0].Title)
		// A's buttons clicked in B reach nothing of A's.
		for _, id := range answerA.customIDs() {
			ack, _ := e.click(e2eGuildB, user("18"), id)
			assert.Equal(t, ephemeral, ack.Flags)
			assert.Contains(t, ack.text(), "ask again")
			assert.Empty(t, ack.Embeds)
		}
	})
	t.Run("FirstRunAndSample", func(t *testing.T) {
		e.t = t
		_, m := e.ask(e2eGuildC, user("19"), "Why did Russia go to war in Ukraine?")
		assert.Contains(t, m.text(), "verbatim ingest --library guild-"+e2eGuildC+" PATH")

		i := fakediscord.SlashCommand(e2eGuildC, e2eChan, user("20"), "library", fakediscord.Subcommand("sample"))
		f.DispatchInteraction(t, i)
		ack := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, ephemeral, ack.Flags)
		assert.Contains(t, ack.text(), "manage this server", "an ordinary member is refused")

		i = fakediscord.SlashCommand(e2eGuildC, e2eChan, user("20"), "library", fakediscord.Subcommand("sample")).
			WithPermissions(fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild)
		f.DispatchInteraction(t, i)
		ack = e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, typeDeferred, ack.Type)
		m = e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		assert.Contains(t, m.text(), "Loaded the sample library")

		_, m = e.ask(e2eGuildC, user("21"), "Why did Russia go to war in Ukraine?")
		assert.NotEmpty(t, m.Embeds)
	})
	t.Run("Cooldown", func(t *testing.T) {
		e.t = t
		ack, _ := e.ask(e2eGuildA, user("22"), "Why did Russia go to war?")
		assert.Equal(t, typeDeferred, ack.Type)
		ack, _ = e.ask(e2eGuildA, user("22"), "And why did Ukraine fight?")
		assert.Equal(t, typeMessage, ack.Type)
		assert.Equal(t, ephemeral, ack.Flags)
		assert.Contains(t, ack.text(), "wait")
	})
	t.Run("DeferredSlowAnswer", func(t *testing.T) {
		e.t = t
		// The search outlasts the three seconds; the deferral keeps the
		// interaction alive and the edit lands later.
		start := time.Now()
		ack, m := e.ask(e2eGuildA, user("23"), "[slow] Why did Russia go to war in Ukraine?")
		assert.Equal(t, typeDeferred, ack.Type)
		assert.GreaterOrEqual(t, time.Since(start), 3*time.Second)
		assert.NotEmpty(t, m.Embeds)
	})
	t.Run("ShutdownWithAnswerInFlight", func(t *testing.T) {
		e.t = t
		i := fakediscord.SlashCommand(e2eGuildA, e2eChan, user("24"), "ask",
			fakediscord.StringOpt("question", "[block] Why did Russia go to war in Ukraine?"))
		f.DispatchInteraction(t, i)
		ack := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		assert.Equal(t, typeDeferred, ack.Type)
		<-lib.blocked

		closed := make(chan error, 1)
		go func() { closed <- b.Close() }()

		// New work is turned away while the answer in flight finishes.
		var late *fakediscord.Interaction
		require.Eventually(t, func() bool {
			late = fakediscord.SlashCommand(e2eGuildA, e2eChan, user("25"), "sources")
			f.DispatchInteraction(t, late)
			m := e.wait(late, fakediscord.IsCallback, 3*time.Second)
			return strings.Contains(m.text(), "restarting")
		}, 3*time.Second, 50*time.Millisecond)
		select {
		case err := <-closed:
			t.Fatalf("Close returned (%v) with an answer in flight", err)
		default:
		}

		close(lib.release)
		m := e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		assert.NotEmpty(t, m.Embeds, "the answer in flight was delivered")
		select {
		case err := <-closed:
			require.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Fatal("Close did not return")
		}
	})

	// Nothing the bot sent broke the fake's contract checks (OpenAPI and
	// the documented limits), and every message it sent is mention-safe.
	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
		if !fakediscord.IsCallback(r) && !fakediscord.IsEditOriginal(r) && !fakediscord.IsChannelMessage(r) {
			continue
		}
		var body struct {
			Type            int             `json:"type"`
			Data            json.RawMessage `json:"data"`
			AllowedMentions *allowedMention `json:"allowed_mentions"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		if fakediscord.IsCallback(r) {
			if body.Type == typeChoices {
				continue
			}
			require.NoError(t, json.Unmarshal(body.Data, &body))
		}
		assert.True(t, body.AllowedMentions != nil && body.AllowedMentions.Parse != nil && len(body.AllowedMentions.Parse) == 0,
			"%s: allowed_mentions %+v", r, body.AllowedMentions)
	}
}

// contextLabel and citeLabel name the buttons of a message's first card.
func contextLabel(m message) string {
	if len(m.Embeds) > 1 {
		return "Open 1"
	}
	return "Open"
}

func citeLabel(m message) string {
	if len(m.Embeds) > 1 {
		return "Cite 1"
	}
	return "Cite"
}
