package bot_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The ids the fixtures use.
const (
	guildA    = "1100000000000000001"
	guildB    = "1100000000000000002"
	libraryA  = "guild-" + guildA
	botUserID = "1200000000000000000"
	aliceID   = "1000000000000000001"
)

// Member permissions: Manage Server is bit 5.
const (
	permsMember    = "104324673"
	permsModerator = "104324705" // permsMember | Manage Server
)

// recorder is a bot.Responder that keeps what the bot sends, as the JSON
// discordgo would put on the wire.
type recorder struct {
	mu    sync.Mutex
	calls []recorded
	// RespondErr, if set, is returned by InteractionRespond.
	RespondErr error
	// sent is signalled after every call.
	sent chan struct{}
}

// recorded is one call to the recorder.
type recorded struct {
	Call      string          `json:"call"`
	ChannelID string          `json:"channel_id,omitempty"`
	Body      json.RawMessage `json:"body"`
}

func newRecorder() *recorder { return &recorder{sent: make(chan struct{}, 100)} }

func (r *recorder) add(call, channel string, body any) {
	buf, err := json.Marshal(body)
	if err != nil {
		panic(err)
	}
	r.mu.Lock()
	r.calls = append(r.calls, recorded{Call: call, ChannelID: channel, Body: buf})
	r.mu.Unlock()
	select {
	case r.sent <- struct{}{}:
	default:
	}
}

func (r *recorder) InteractionRespond(i *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.add("InteractionRespond", "", resp)
	return r.RespondErr
}

func (r *recorder) InteractionResponseEdit(i *discordgo.Interaction, e *discordgo.WebhookEdit, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.add("InteractionResponseEdit", "", e)
	return &discordgo.Message{ID: "1"}, nil
}

func (r *recorder) ChannelMessageSendComplex(channelID string, m *discordgo.MessageSend, _ ...discordgo.RequestOption) (*discordgo.Message, error) {
	r.add("ChannelMessageSendComplex", channelID, m)
	return &discordgo.Message{ID: "2"}, nil
}

// Calls returns the calls so far.
func (r *recorder) Calls() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.calls...)
}

// message is the part of every body the tests look at: a response (type
// and data), an edit or a channel message.
type message struct {
	Type            int             `json:"type"`
	Data            *message        `json:"data"`
	Content         *string         `json:"content"`
	Flags           int             `json:"flags"`
	Embeds          []embed         `json:"embeds"`
	Components      []row           `json:"components"`
	AllowedMentions *allowedMention `json:"allowed_mentions"`
	Choices         []choice        `json:"choices"`
	Reference       *struct {
		MessageID string `json:"message_id"`
	} `json:"message_reference"`
}

type allowedMention struct {
	Parse []string `json:"parse"`
}

type embed struct {
	Title       string `json:"title"`
	URL         string `json:"url"`
	Description string `json:"description"`
	Author      *struct {
		Name string `json:"name"`
	} `json:"author"`
	Footer *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

type row struct {
	Type       int      `json:"type"`
	Components []button `json:"components"`
}

type button struct {
	Type     int    `json:"type"`
	Label    string `json:"label"`
	Style    int    `json:"style"`
	CustomID string `json:"custom_id"`
	URL      string `json:"url"`
	Disabled bool   `json:"disabled"`
}

type choice struct {
	Name  string `json:"name"`
	Value any    `json:"value"`
}

// msg decodes a recorded body; for an interaction response it returns the
// data with the response type copied in.
func (rc recorded) msg(tb testing.TB) message {
	tb.Helper()
	var m message
	require.NoError(tb, json.Unmarshal(rc.Body, &m))
	if rc.Call == "InteractionRespond" {
		t := m.Type
		if m.Data == nil {
			return message{Type: t}
		}
		m = *m.Data
		m.Type = t
	}
	return m
}

func (m message) text() string {
	if m.Content == nil {
		return ""
	}
	return *m.Content
}

// customIDs lists the custom_ids of m's buttons, in order.
func (m message) customIDs() []string {
	var ids []string
	for _, r := range m.Components {
		for _, b := range r.Components {
			ids = append(ids, b.CustomID)
		}
	}
	return ids
}

// buttonID returns the custom_id of the button labelled label.
func (m message) buttonID(tb testing.TB, label string) string {
	tb.Helper()
	for _, r := range m.Components {
		for _, b := range r.Components {
			if b.Label == label {
				return b.CustomID
			}
		}
	}
	tb.Fatalf("no button %q in %+v", label, m.Components)
	return ""
}

// CheckLimits fails tb if a recorded body breaks one of Discord's limits
// (LIMITS.md) or could ping anyone.
func CheckLimits(tb testing.TB, rc recorded) {
	tb.Helper()
	m := rc.msg(tb)
	if rc.Call == "InteractionRespond" && m.Type == int(discordgo.InteractionApplicationCommandAutocompleteResult) {
		if len(m.Choices) > 25 {
			tb.Errorf("%d choices, limit 25", len(m.Choices))
		}
		for _, c := range m.Choices {
			if n := utf8.RuneCountInString(c.Name); n < 1 || n > 100 {
				tb.Errorf("choice name %q: %d characters", c.Name, n)
			}
			v, ok := c.Value.(string)
			if !ok {
				if _, num := c.Value.(float64); !num {
					tb.Errorf("choice value %v is neither a string nor a number", c.Value)
				}
				continue
			}
			if n := utf8.RuneCountInString(v); n < 1 || n > 100 {
				tb.Errorf("choice value %q: %d characters", v, n)
			}
		}
		return
	}
	if rc.Call == "InteractionRespond" {
		switch m.Type {
		case int(discordgo.InteractionResponseDeferredMessageUpdate):
			return
		case int(discordgo.InteractionResponseModal):
			checkModal(tb, rc)
			return
		}
	}
	if m.AllowedMentions == nil || m.AllowedMentions.Parse == nil || len(m.AllowedMentions.Parse) != 0 {
		tb.Errorf("%s: allowed_mentions is %+v, want parse: []", rc.Call, m.AllowedMentions)
	}
	if rc.Call == "InteractionRespond" {
		switch m.Type {
		case int(discordgo.InteractionResponseDeferredChannelMessageWithSource):
			if m.Flags&^int(discordgo.MessageFlagsEphemeral) != 0 {
				tb.Errorf("deferred response with flags %d: only EPHEMERAL is allowed", m.Flags)
			}
			return
		case int(discordgo.InteractionResponseChannelMessageWithSource), int(discordgo.InteractionResponseUpdateMessage):
		default:
			tb.Errorf("unexpected response type %d", m.Type)
		}
	}
	if n := utf8.RuneCountInString(m.text()); n > 2000 {
		tb.Errorf("content has %d characters, limit 2000", n)
	}
	if m.text() == "" && len(m.Embeds) == 0 && len(m.Components) == 0 {
		tb.Errorf("%s: empty message", rc.Call)
	}
	if len(m.Embeds) > 10 {
		tb.Errorf("%d embeds, limit 10", len(m.Embeds))
	}
	total := 0
	for _, e := range m.Embeds {
		lim := func(what, s string, max int) {
			n := utf8.RuneCountInString(s)
			total += n
			if n > max {
				tb.Errorf("embed %s has %d characters, limit %d", what, n, max)
			}
		}
		lim("title", e.Title, 256)
		lim("description", e.Description, 4096)
		if e.Author != nil {
			lim("author", e.Author.Name, 256)
		}
		if e.Footer != nil {
			lim("footer", e.Footer.Text, 2048)
		}
		for _, f := range e.Fields {
			lim("field name", f.Name, 256)
			lim("field value", f.Value, 1024)
		}
		if e.URL != "" && !strings.HasPrefix(e.URL, "https://") && !strings.HasPrefix(e.URL, "http://") {
			tb.Errorf("embed url %q is not http(s)", e.URL)
		}
	}
	if total > 6000 {
		tb.Errorf("embeds total %d characters, limit 6000", total)
	}
	if len(m.Components) > 5 {
		tb.Errorf("%d action rows, limit 5", len(m.Components))
	}
	seen := map[string]bool{}
	for _, r := range m.Components {
		if len(r.Components) > 5 {
			tb.Errorf("%d buttons in a row, limit 5", len(r.Components))
		}
		for _, b := range r.Components {
			if n := len(b.CustomID); n < 1 || n > 100 {
				tb.Errorf("custom_id %q: %d characters", b.CustomID, n)
			}
			if seen[b.CustomID] {
				tb.Errorf("custom_id %q is not unique", b.CustomID)
			}
			seen[b.CustomID] = true
			if n := utf8.RuneCountInString(b.Label); n > 80 {
				tb.Errorf("button label %q too long", b.Label)
			}
		}
	}
}

// checkModal checks a modal response against Discord's limits: custom_id
// 1-100, title 1-45, 1-5 rows of one text input each, label 1-45,
// max_length at most 4000.
func checkModal(tb testing.TB, rc recorded) {
	tb.Helper()
	var resp struct {
		Data struct {
			CustomID   string `json:"custom_id"`
			Title      string `json:"title"`
			Components []struct {
				Components []struct {
					Type      int    `json:"type"`
					CustomID  string `json:"custom_id"`
					Label     string `json:"label"`
					MaxLength int    `json:"max_length"`
				} `json:"components"`
			} `json:"components"`
		} `json:"data"`
	}
	require.NoError(tb, json.Unmarshal(rc.Body, &resp))
	d := resp.Data
	if n := len(d.CustomID); n < 1 || n > 100 {
		tb.Errorf("modal custom_id %q: %d characters", d.CustomID, n)
	}
	if n := utf8.RuneCountInString(d.Title); n < 1 || n > 45 {
		tb.Errorf("modal title %q: %d characters, limit 45", d.Title, n)
	}
	if n := len(d.Components); n < 1 || n > 5 {
		tb.Errorf("modal has %d rows, want 1-5", n)
	}
	for _, row := range d.Components {
		if len(row.Components) != 1 || row.Components[0].Type != 4 {
			tb.Errorf("modal row %+v: want one text input", row)
			continue
		}
		ti := row.Components[0]
		if n := utf8.RuneCountInString(ti.Label); n < 1 || n > 45 {
			tb.Errorf("text input label %q: %d characters, limit 45", ti.Label, n)
		}
		if ti.MaxLength > 4000 {
			tb.Errorf("text input max_length %d, limit 4000", ti.MaxLength)
		}
	}
}

// fixture reads testdata/name.json, replacing each "{{KEY}}" with its value
// (inserted raw: quote strings with jsonText).
func fixture(tb testing.TB, name string, kv ...string) []byte {
	tb.Helper()
	buf, err := os.ReadFile(filepath.Join("testdata", name+".json"))
	require.NoError(tb, err)
	s := string(buf)
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{{"+kv[i]+"}}", kv[i+1])
	}
	require.NotContains(tb, s, "{{", "fixture %s: unreplaced placeholder", name)
	return []byte(s)
}

// jsonText escapes s for use inside a JSON string.
func jsonText(s string) string {
	buf, _ := json.Marshal(s)
	return string(buf[1 : len(buf)-1])
}

// interaction decodes a fixture as an Interaction.
func interaction(tb testing.TB, name string, kv ...string) *discordgo.Interaction {
	tb.Helper()
	var i discordgo.Interaction
	require.NoError(tb, json.Unmarshal(fixture(tb, name, kv...), &i))
	require.NotEmpty(tb, i.ID, "fixture %s did not decode", name)
	return &i
}

// askInteraction is /ask question in guild A, by a member.
func askInteraction(tb testing.TB, question string) *discordgo.Interaction {
	return interaction(tb, "ask", "QUESTION", jsonText(question), "PERMISSIONS", permsMember)
}

// buttonInteraction is a click on the button customID, in guild.
func buttonInteraction(tb testing.TB, guild, customID string) *discordgo.Interaction {
	return interaction(tb, "button", "GUILD", guild, "CUSTOM_ID", jsonText(customID))
}

// mentionMessage is a MESSAGE_CREATE payload.
func mentionMessage(tb testing.TB, content, author string, isBot bool, mentions ...string) *discordgo.Message {
	tb.Helper()
	var ms []string
	for _, id := range mentions {
		ms = append(ms, `{"id":"`+id+`","username":"u","discriminator":"0"}`)
	}
	botJSON := "false"
	if isBot {
		botJSON = "true"
	}
	var m discordgo.Message
	require.NoError(tb, json.Unmarshal(fixture(tb, "message_mention", "CONTENT", jsonText(content), "AUTHOR", author,
		"BOT", botJSON, "MENTIONS", strings.Join(ms, ",")), &m))
	return &m
}

// fakeLibrary is a bot.Library whose methods call its fields; a nil field
// fails the call.
type fakeLibrary struct {
	SearchFn   func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error)
	SourcesFn  func(ctx context.Context, library string) ([]retrieval.Source, error)
	QuotesFn   func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error)
	SpeakersFn func(ctx context.Context, library, prefix string, limit int) ([]string, error)
	PassageFn  func(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error)

	mu    sync.Mutex
	calls []string
}

var _ bot.Library = (*fakeLibrary)(nil)

var errUnexpected = errors.New("fakeLibrary: unexpected call")

func (f *fakeLibrary) record(s string) {
	f.mu.Lock()
	f.calls = append(f.calls, s)
	f.mu.Unlock()
}

// Calls lists the methods called, as "Method(library)".
func (f *fakeLibrary) Calls() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.calls...)
}

func (f *fakeLibrary) Search(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
	f.record("Search(" + q.Library + ")")
	if f.SearchFn == nil {
		return nil, errUnexpected
	}
	return f.SearchFn(ctx, q)
}

func (f *fakeLibrary) Sources(ctx context.Context, library string) ([]retrieval.Source, error) {
	f.record("Sources(" + library + ")")
	if f.SourcesFn == nil {
		return nil, errUnexpected
	}
	return f.SourcesFn(ctx, library)
}

func (f *fakeLibrary) Quotes(ctx context.Context, q retrieval.QuoteFilter) ([]retrieval.Quote, error) {
	f.record("Quotes(" + q.Library + ")")
	if f.QuotesFn == nil {
		return nil, errUnexpected
	}
	return f.QuotesFn(ctx, q)
}

func (f *fakeLibrary) Speakers(ctx context.Context, library, prefix string, limit int) ([]string, error) {
	f.record("Speakers(" + library + ")")
	if f.SpeakersFn == nil {
		return nil, errUnexpected
	}
	return f.SpeakersFn(ctx, library, prefix, limit)
}

func (f *fakeLibrary) Passage(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error) {
	f.record("Passage(" + library + ")")
	if f.PassageFn == nil {
		return retrieval.Passage{}, errUnexpected
	}
	return f.PassageFn(ctx, library, id, n)
}

// syncBuffer is a bytes.Buffer safe for the concurrent writes of a logger.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// newTestLogger logs everything, as text, to w.
func newTestLogger(w *syncBuffer) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// testClock is a settable clock.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// testBot is a Bot under test with its log and clock.
type testBot struct {
	*bot.Bot
	Log   *syncBuffer
	Clock *testClock
}

// MustNewBot returns a Bot serving lib, logging to a buffer, with a fixed
// clock and no cooldown. It is closed when the test ends.
func MustNewBot(tb testing.TB, lib bot.Library) *testBot {
	tb.Helper()
	b := bot.New(bot.Config{Token: "secret-test-token"}, lib)
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	b.Now = clock.Now
	b.Cooldown = 0
	tb.Cleanup(func() {
		_ = b.Close()
		if strings.Contains(log.String(), "secret-test-token") {
			tb.Errorf("the token reached the log")
		}
	})
	return &testBot{Bot: b, Log: log, Clock: clock}
}

// Do hands i to the bot, records what it sends and checks every message
// against Discord's limits.
func (b *testBot) Do(tb testing.TB, i *discordgo.Interaction) []recorded {
	tb.Helper()
	r := newRecorder()
	b.HandleInteraction(context.Background(), r, i)
	calls := r.Calls()
	for _, c := range calls {
		CheckLimits(tb, c)
	}
	return calls
}

// stateRE matches the random state id inside a custom_id.
var stateRE = regexp.MustCompile(`(v1:[a-z]+:)[A-Za-z0-9_-]{12}(:)`)

// Golden compares calls, as indented JSON with state ids replaced, with
// testdata/name.golden, or rewrites it under -update.
func Golden(tb testing.TB, name string, calls []recorded) {
	tb.Helper()
	var buf bytes.Buffer
	for _, c := range calls {
		var body any
		require.NoError(tb, json.Unmarshal(c.Body, &body))
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep <@123> readable
		enc.SetIndent("", "  ")
		require.NoError(tb, enc.Encode(struct {
			Call      string `json:"call"`
			ChannelID string `json:"channel_id,omitempty"`
			Body      any    `json:"body"`
		}{c.Call, c.ChannelID, body}))
	}
	got := stateRE.ReplaceAllString(buf.String(), "${1}STATE${2}")
	path := filepath.Join("testdata", name+".golden")
	if *update {
		require.NoError(tb, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(tb, err, "run go test -update to create %s", path)
	require.Equal(tb, string(want), got, "golden file %s differs (go test -update rewrites it)", path)
}

// Sample results, in the shapes retrieval returns.
var (
	warAims = retrieval.SourceRef{ID: 1, Title: "Russia's war aims", Author: "Jane Roe",
		URL: "https://example.com/war-aims", Published: "2025-02-24"}
	badLink  = retrieval.SourceRef{ID: 2, Title: "Notes", URL: "javascript:alert(1)"}
	untitled = retrieval.SourceRef{ID: 7}

	sampleResults = []retrieval.Result{
		{Kind: retrieval.ResultQuote, Text: "We will not allow NATO on our doorstep.", Speaker: "Sergei Ryabkov",
			SpeakerTitle: "Deputy Foreign Minister", Source: warAims, Start: 120, End: 159, Paragraph: 4, Confidence: 0.9, QuoteID: 11},
		{Kind: retrieval.ResultQuote, Text: "special military operation", Source: warAims, Start: 40, End: 66,
			Paragraph: 2, Fragment: true, QuoteID: 12},
		{Kind: retrieval.ResultQuote, Text: "As far as I remember, they started the war because of this.",
			Speaker: "Volodymyr Zelensky", Source: badLink, Start: 0, End: 59, Paragraph: 1, Confidence: 0.5, QuoteID: 13},
		{Kind: retrieval.ResultPassage, Text: "The war began in February 2022 after months of build-up.",
			Source: untitled, Start: 10, End: 66, Paragraph: 6},
		{Kind: retrieval.ResultQuote, Text: "NATO will support Ukraine for as long as it takes.", Speaker: "Jens Stoltenberg",
			SpeakerTitle: "NATO Secretary General", Source: warAims, Start: 300, End: 350, Paragraph: 9, Confidence: 0.9, QuoteID: 14},
	}
)

// pagedSearch serves results as retrieval would: a page of q.Limit from
// q.Offset, ErrNoMatch when there is nothing at all.
func pagedSearch(results []retrieval.Result) func(context.Context, retrieval.Query) ([]retrieval.Result, error) {
	return func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
		if len(results) == 0 {
			return nil, retrieval.ErrNoMatch
		}
		start := min(q.Offset, len(results))
		return append([]retrieval.Result(nil), results[start:min(start+q.Limit, len(results))]...), nil
	}
}
