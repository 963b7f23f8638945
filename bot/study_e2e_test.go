package bot_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The study-group end-to-end tests: the real discordgo session against
// the fake Discord, a real SQLite index holding the sample library.

const (
	typeUpdate = int(discordgo.InteractionResponseUpdateMessage)
	sModID     = "1100000000000000701" // has Manage Server
	sMemberID  = "1100000000000000702" // a plain member
	sThreadID  = "1100000000000000711" // a channel used as a study thread
	sDailyChan = "1100000000000000712"
)

var _ bot.Study = (*retrieval.Index)(nil)

// studyE2E is the fake Discord and a bot serving ix.
type studyE2E struct {
	*e2e
	ix      *retrieval.Index
	library string
	clock   *testClock
	tick    chan time.Time
}

// newStudyE2E connects a bot serving ix to f, with the clock and the
// daily tick under the test's control. The bot is closed when the test
// ends (or by the caller).
func newStudyE2E(t *testing.T, f *fakediscord.Server, ix *retrieval.Index, clock *testClock) *studyE2E {
	t.Helper()
	b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, ix)
	require.NotNil(t, b.Study, "New takes the index as the Study")
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	b.Cooldown = 0
	b.Now = clock.Now
	tick := make(chan time.Time)
	b.DailyTick = tick
	b.Session.ShouldReconnectOnError = false
	f.Redirect(b.Session)
	require.NoError(t, b.Open(context.Background()))
	t.Cleanup(func() {
		_ = b.Close()
		assert.NotContains(t, log.String(), fakediscord.DefaultToken, "the token reached the log")
	})
	return &studyE2E{e2e: &e2e{t: t, f: f, b: b, log: log}, ix: ix,
		library: bot.LibraryName(fakediscord.DefaultGuildID), clock: clock, tick: tick}
}

// run dispatches i and returns its first response, and the edit that
// completes it when the first was a deferral (else the zero message).
func (e *studyE2E) run(i *fakediscord.Interaction) (ack, final message) {
	e.t.Helper()
	e.f.DispatchInteraction(e.t, i)
	ack = e.wait(i, fakediscord.IsCallback, 3*time.Second)
	if ack.Type == typeDeferred {
		return ack, e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
	}
	return ack, ack
}

// slashIn is a slash command in channel by user with perms.
func slashIn(channel, user string, perms int64, name string, opts ...fakediscord.Opt) *fakediscord.Interaction {
	return fakediscord.SlashCommand(fakediscord.DefaultGuildID, channel, user, name, opts...).WithPermissions(perms)
}

// press clicks the button labelled label on m (shown in channel) as user.
func (e *studyE2E) press(m message, channel, user, label string) (ack, final message) {
	e.t.Helper()
	return e.run(fakediscord.Button(fakediscord.DefaultGuildID, channel, user, m.buttonID(e.t, label), nil))
}

// decoded is the JSON of a request (payload_json of a multipart one),
// checked against the limits.
func decoded(tb testing.TB, r fakediscord.Request) message {
	tb.Helper()
	var m message
	require.NoError(tb, r.Decode(&m))
	raw, err := json.Marshal(r.JSON)
	require.NoError(tb, err)
	CheckLimits(tb, recorded{Call: "InteractionResponseEdit", Body: raw})
	return m
}

// button returns the button labelled label on m.
func (m message) button(tb testing.TB, label string) button {
	tb.Helper()
	for _, r := range m.Components {
		for _, b := range r.Components {
			if b.Label == label {
				return b
			}
		}
	}
	tb.Fatalf("no button %q in %+v", label, m.Components)
	return button{}
}

var paragraphRE = regexp.MustCompile(`¶ (\d+) of (\d+)`)

// readAt returns the paragraph a reading view shows and the source's
// number of paragraphs, from its footer.
func readAt(tb testing.TB, m message) (at, count int) {
	tb.Helper()
	require.Len(tb, m.Embeds, 1)
	require.NotNil(tb, m.Embeds[0].Footer)
	sm := paragraphRE.FindStringSubmatch(m.Embeds[0].Footer.Text)
	require.NotNil(tb, sm, "footer %q", m.Embeds[0].Footer.Text)
	at, _ = strconv.Atoi(sm[1])
	count, _ = strconv.Atoi(sm[2])
	return at, count
}

var quoteIDRE = regexp.MustCompile(`quote #(\d+)`)

func TestE2E_Study(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	ix := MustOpenIndex(t)
	library := bot.LibraryName(fakediscord.DefaultGuildID)
	_, err := ix.Add(ctx, library, sampleDocs(t)...)
	require.NoError(t, err)
	f := fakediscord.New(t, fakediscord.WithGuilds(fakediscord.DefaultGuildID, e2eGuildB),
		fakediscord.WithChannel(fakediscord.DefaultGuildID, e2eChan, "study-hall"))
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	e := newStudyE2E(t, f, ix, clock)
	f.WaitIdentified(t, 5*time.Second)
	mod := fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild
	member := fakediscord.DefaultMemberPermissions
	ask := func(channel, question string) message {
		_, m := e.run(slashIn(channel, sMemberID, member, "ask", fakediscord.StringOpt("question", question)))
		return m
	}

	t.Run("CommandsRegistered", func(t *testing.T) {
		e.t = t
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsCommandsPut)
		assert.Empty(t, r.Violations)
		var cmds []discordgo.ApplicationCommand
		require.NoError(t, r.Decode(&cmds))
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		assert.Subset(t, names, []string{"compare", "export", "daily", "pin", "unpin", "gaps", "settings"})
	})

	t.Run("Compare", func(t *testing.T) {
		e.t = t
		ack, m := e.run(slashIn(e2eChan, sMemberID, member, "compare", fakediscord.StringOpt("topic", "NATO Ukraine war")))
		assert.Equal(t, typeDeferred, ack.Type)
		assert.Zero(t, ack.Flags&ephemeral, "a comparison is for the group")
		assert.Contains(t, m.text(), "**Compare:** NATO Ukraine war")
		require.GreaterOrEqual(t, len(m.Embeds), 2, "several speakers are quoted on NATO")
		speakers := map[string]bool{}
		for _, em := range m.Embeds {
			who := em.Author.Name[strings.Index(em.Author.Name, "·")+len("· "):]
			who = strings.TrimSuffix(who, " (attribution uncertain)")
			if i := strings.Index(who, ","); i > 0 {
				who = who[:i]
			}
			key := strings.ToLower(strings.Join(strings.Fields(who), " "))
			assert.False(t, speakers[key], "speaker %q has two cards", who)
			speakers[key] = true
			assert.NotEqual(t, "unattributed", key, "only attributed quotes are compared")
		}
		// Each card can be read in context and cited.
		assert.Equal(t, "Open 1", m.Components[0].Components[0].Label)
	})

	var answer message // an answer with several cards
	t.Run("ReadInContext", func(t *testing.T) {
		e.t = t
		answer = ask(e2eChan, "Why did Russia go to war in Ukraine?")
		require.GreaterOrEqual(t, len(answer.Embeds), 2)
		ack, _ := e.press(answer, e2eChan, sMemberID, "Open 1")
		assert.Equal(t, ephemeral, ack.Flags&ephemeral, "reading is private")
		require.Len(t, ack.Embeds, 1)
		assert.Contains(t, ack.Embeds[0].Description, "**", "the quote is marked in its paragraph")
		quoteAt, count := readAt(t, ack)
		require.GreaterOrEqual(t, count, quoteAt)

		// Next ▶ turns the page in place, up to the last paragraph, where
		// it is disabled.
		view := ack
		for at := quoteAt; at < count; at++ {
			require.False(t, view.button(t, "Next ▶").Disabled, "¶ %d of %d", at, count)
			next, _ := e.press(view, e2eChan, sMemberID, "Next ▶")
			require.Equal(t, typeUpdate, next.Type, "the reading view is updated, not repeated")
			got, _ := readAt(t, next)
			require.Equal(t, at+1, got)
			assert.NotContains(t, next.Embeds[0].Description, "**", "other paragraphs have nothing marked")
			view = next
		}
		assert.True(t, view.button(t, "Next ▶").Disabled, "no Next on the last paragraph")
		// ◀ Previous back to the first, where it is disabled.
		for at := count; at > 1; at-- {
			prev, _ := e.press(view, e2eChan, sMemberID, "◀ Previous")
			require.Equal(t, typeUpdate, prev.Type)
			got, _ := readAt(t, prev)
			require.Equal(t, at-1, got)
			view = prev
		}
		assert.True(t, view.button(t, "◀ Previous").Disabled, "no Previous on the first paragraph")
		if quoteAt != 1 {
			back, _ := e.press(view, e2eChan, sMemberID, "Back to the quote")
			got, _ := readAt(t, back)
			assert.Equal(t, quoteAt, got)
			assert.Contains(t, back.Embeds[0].Description, "**")
		}

		// The card's own ◀ / ▶ open the paragraphs around the quote.
		if !answer.button(t, "1 ▶").Disabled {
			ack, _ := e.press(answer, e2eChan, sMemberID, "1 ▶")
			assert.Equal(t, ephemeral, ack.Flags&ephemeral)
			got, _ := readAt(t, ack)
			assert.Equal(t, quoteAt+1, got)
		}
	})

	t.Run("CiteStyles", func(t *testing.T) {
		e.t = t
		require.NotEmpty(t, answer.Embeds)
		ack, _ := e.press(answer, e2eChan, sMemberID, "Cite 1")
		assert.Equal(t, ephemeral, ack.Flags&ephemeral)
		assert.Contains(t, ack.text(), "ready to paste")
		assert.True(t, ack.button(t, "Quote").Disabled, "the plain citation is the one shown")
		for _, style := range []string{"APA", "MLA", "Chicago"} {
			m, _ := e.press(ack, e2eChan, sMemberID, style)
			assert.Equal(t, typeUpdate, m.Type, style)
			assert.Contains(t, m.text(), "Citation ("+style+" ", "the style and its edition")
			assert.True(t, m.button(t, style).Disabled, style)
			assert.Contains(t, m.text(), "Russia", "the citation names the source")
		}
	})

	t.Run("Settings", func(t *testing.T) {
		e.t = t
		set := func(user string, perms int64, opts ...fakediscord.Opt) message {
			_, m := e.run(slashIn(e2eChan, user, perms, "settings", fakediscord.Subcommand("answers", opts...)))
			return m
		}
		m := set(sMemberID, member, fakediscord.StringOpt("layout", "compact"))
		assert.Contains(t, m.text(), "Only members who can manage this server")
		m = set(sModID, mod, fakediscord.StringOpt("layout", "compact"), fakediscord.IntOpt("results", 2))
		assert.Contains(t, m.text(), "Saved")
		assert.Equal(t, ephemeral, m.Flags&ephemeral)

		a := ask(e2eChan, "Why did Russia go to war in Ukraine?")
		require.Len(t, a.Embeds, 1, "compact: one card")
		assert.Contains(t, a.Embeds[0].Description, "**2.**")
		assert.NotContains(t, a.Embeds[0].Description, "**3.**", "two results")
		assert.Equal(t, "Open 1", a.Components[0].Components[0].Label)
		// An @mention answer is shaped by the same settings.
		botUser := f.BotUser()
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, e2eChan, sMemberID,
			"<@"+botUser.ID+"> Why did Russia go to war in Ukraine?", botUser))
		mm := asRecorded(f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)).msg(t)
		require.Len(t, mm.Embeds, 1, "compact: one card")
		assert.Contains(t, mm.Embeds[0].Description, "**2.**")
		assert.NotContains(t, mm.Embeds[0].Description, "**3.**", "two results")

		set(sModID, mod, fakediscord.StringOpt("layout", "full"), fakediscord.StringOpt("feedback", "off"))
		a = ask(e2eChan, "Why did Russia go to war in Ukraine?")
		assert.Len(t, a.Embeds, 2)
		assert.NotContains(t, strings.Join(a.customIDs(), " "), "v1:up:", "feedback off: no 👍")

		set(sModID, mod, fakediscord.StringOpt("buttons", "off"))
		a = ask(e2eChan, "Why did Russia go to war in Ukraine?")
		assert.Empty(t, a.Components, "buttons off")
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, e2eChan, sMemberID,
			"<@"+botUser.ID+"> Why did Russia go to war in Ukraine?", botUser))
		mm = asRecorded(f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)).msg(t)
		require.NotEmpty(t, mm.Embeds)
		assert.Empty(t, mm.Components, "buttons off in @mention answers too")

		m = set(sModID, mod, fakediscord.IntOpt("results", 9))
		assert.Contains(t, m.text(), "Nothing was changed")
		m = set(sModID, mod, fakediscord.StringOpt("buttons", "on"), fakediscord.StringOpt("feedback", "on"), fakediscord.IntOpt("results", 3))
		assert.Contains(t, m.text(), "results: 3")
	})

	t.Run("Feedback", func(t *testing.T) {
		e.t = t
		a := ask(e2eChan, "Why did Russia go to war in Ukraine?")
		shown := fakediscord.MessageCreate(fakediscord.DefaultGuildID, e2eChan, fakediscord.DefaultApplicationID, "")
		vote := func(label string) message {
			ack, _ := e.run(fakediscord.Button(fakediscord.DefaultGuildID, e2eChan, sMemberID, a.buttonID(t, label), shown))
			assert.Equal(t, ephemeral, ack.Flags&ephemeral)
			return ack
		}
		assert.Contains(t, vote("👍").text(), "Thanks")
		up, down, err := ix.Feedback(ctx, library, shown.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{1, 0}, [2]int{up, down})
		vote("👎")
		up, down, err = ix.Feedback(ctx, library, shown.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{0, 1}, [2]int{up, down}, "one vote per member, changed")

		// Moderators turn feedback off: the buttons already shown stop
		// counting votes.
		_, m := e.run(slashIn(e2eChan, sModID, mod, "settings", fakediscord.Subcommand("answers", fakediscord.StringOpt("feedback", "off"))))
		require.Contains(t, m.text(), "Saved")
		assert.Contains(t, vote("👍").text(), "Feedback is turned off")
		up, down, err = ix.Feedback(ctx, library, shown.ID)
		require.NoError(t, err)
		assert.Equal(t, [2]int{0, 1}, [2]int{up, down}, "not counted")
		_, m = e.run(slashIn(e2eChan, sModID, mod, "settings", fakediscord.Subcommand("answers", fakediscord.StringOpt("feedback", "on"))))
		require.Contains(t, m.text(), "Saved")
	})

	t.Run("Gaps", func(t *testing.T) {
		e.t = t
		m := ask(e2eChan, "What is the recipe for apple strudel?")
		assert.Contains(t, m.text(), "Nothing in this server's library answers that")
		ask(e2eChan, "What is the recipe for apple strudel?")

		_, m = e.run(slashIn(e2eChan, sMemberID, member, "gaps"))
		assert.Contains(t, m.text(), "curate")
		i := slashIn(e2eChan, sModID, mod, "gaps")
		f.DispatchInteraction(t, i)
		ack := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		require.Equal(t, typeDeferred, ack.Type)
		assert.Equal(t, ephemeral, ack.Flags&ephemeral)
		r := f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		require.Less(t, r.Status, 300, "%s", r.Response)
		assert.Empty(t, r.Violations)
		m = decoded(t, r)
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "apple strudel")
		require.Len(t, r.Files, 1, "the CSV")
		assert.Equal(t, "gaps.csv", r.Files[0].Name)
		csv := string(r.Files[0].Data)
		assert.True(t, strings.HasPrefix(csv, "question,asked,down,last_asked"), csv)
		assert.Contains(t, csv, "apple strudel")
		// Most asked first: the strudel (twice) before the answer voted 👎
		// (once), which is listed as such.
		assert.True(t, strings.HasPrefix(m.Embeds[0].Description, "**1.** What is the recipe for apple strudel? — asked 2×"), m.Embeds[0].Description)
		assert.Contains(t, m.Embeds[0].Description, "**2.** Why did Russia go to war in Ukraine? — asked 1×, 👎 1")
		assert.Contains(t, csv, "\nWhy did Russia go to war in Ukraine?,1,1,")
	})

	t.Run("Pins", func(t *testing.T) {
		e.t = t
		// A quote from another answer becomes the answer to a question.
		other := ask(e2eChan, "What did Stoltenberg say about support for Ukraine?")
		require.NotEmpty(t, other.Embeds)
		var sm []string
		for _, em := range other.Embeds {
			if sm = quoteIDRE.FindStringSubmatch(em.Footer.Text); sm != nil {
				break
			}
		}
		require.NotNil(t, sm, "no quote id in %+v", other.Embeds)
		quoteID, _ := strconv.ParseInt(sm[1], 10, 64)
		question := "Why did Russia go to war in Ukraine?"

		_, m := e.run(slashIn(e2eChan, sMemberID, member, "pin", fakediscord.StringOpt("question", question), fakediscord.IntOpt("quote", quoteID)))
		assert.Contains(t, m.text(), "curate", "members cannot pin")
		_, m = e.run(slashIn(e2eChan, sModID, mod, "pin", fakediscord.StringOpt("question", question), fakediscord.IntOpt("quote", quoteID)))
		assert.Contains(t, m.text(), "Pinned")
		_, m = e.run(slashIn(e2eChan, sModID, mod, "pin", fakediscord.StringOpt("question", question), fakediscord.IntOpt("quote", 999999)))
		assert.Contains(t, m.text(), "No quote in this server's library has that id")

		a := ask(e2eChan, "why did russia go to war in ukraine")
		require.NotEmpty(t, a.Embeds)
		assert.True(t, strings.HasPrefix(a.Embeds[0].Author.Name, "📌 Pinned by moderators"), a.Embeds[0].Author.Name)
		assert.Contains(t, a.Embeds[0].Footer.Text, "quote #"+sm[1])
		for _, em := range a.Embeds[1:] {
			assert.NotContains(t, em.Footer.Text, "quote #"+sm[1]+"", "the pinned quote is shown once")
			assert.NotContains(t, em.Author.Name, "📌")
		}
		// The same in an @mention answer.
		botUser := f.BotUser()
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, e2eChan, sMemberID,
			"<@"+botUser.ID+"> Why did Russia go to war in Ukraine?", botUser))
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
		mm := asRecorded(r).msg(t)
		require.NotEmpty(t, mm.Embeds)
		assert.True(t, strings.HasPrefix(mm.Embeds[0].Author.Name, "📌 Pinned by moderators"))

		_, m = e.run(slashIn(e2eChan, sModID, mod, "unpin", fakediscord.StringOpt("question", question)))
		assert.Contains(t, m.text(), "Unpinned")
		_, m = e.run(slashIn(e2eChan, sModID, mod, "unpin", fakediscord.StringOpt("question", question)))
		assert.Contains(t, m.text(), "No answer is pinned")
		a = ask(e2eChan, question)
		assert.NotContains(t, a.Embeds[0].Author.Name, "📌")
	})

	t.Run("Export", func(t *testing.T) {
		e.t = t
		_, m := e.run(slashIn(sThreadID, sMemberID, member, "export"))
		assert.Contains(t, m.text(), "Nothing has been cited here yet")

		first := ask(sThreadID, "Why did Russia go to war in Ukraine?")
		second := ask(sThreadID, "What did Stoltenberg say about support for Ukraine?")
		require.NotEmpty(t, first.Embeds)
		// Every quote card shown in the thread.
		shown := map[string]bool{}
		for _, m := range []message{first, second} {
			for _, em := range m.Embeds {
				if sm := quoteIDRE.FindStringSubmatch(em.Footer.Text); sm != nil {
					shown[sm[1]] = true
				}
			}
		}
		require.NotEmpty(t, shown)

		i := slashIn(sThreadID, sMemberID, member, "export", fakediscord.StringOpt("style", "mla"))
		f.DispatchInteraction(t, i)
		ack := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		require.Equal(t, typeDeferred, ack.Type)
		assert.Zero(t, ack.Flags&ephemeral, "the packet is for the group")
		r := f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		require.Less(t, r.Status, 300, "%s", r.Response)
		assert.Empty(t, r.Violations, "the multipart upload passes Discord's checks")
		assert.True(t, strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data"))
		require.Len(t, r.Files, 1)
		assert.Equal(t, "study-packet.md", r.Files[0].Name)
		md := string(r.Files[0].Data)
		assert.Contains(t, md, "MLA 9")
		assert.Contains(t, md, "## Sources")
		// MLA sets the title in double marks, so the title's own double
		// marks are single ones there: compare with the marks made alike.
		alike := strings.NewReplacer(`"`, "'").Replace
		assert.Contains(t, alike(md), alike(first.Embeds[0].Title), "the first answer's source")
		assert.Contains(t, decoded(t, r).text(), "MLA")
		// Only what was cited in this thread: the main channel's answers
		// are not in it.
		cited, err := ix.Cited(ctx, library, sThreadID)
		require.NoError(t, err)
		assert.NotEmpty(t, cited)
		inPacket := map[string]bool{}
		for _, r := range cited {
			if r.QuoteID > 0 {
				inPacket[strconv.FormatInt(r.QuoteID, 10)] = true
			}
		}
		for id := range shown {
			assert.True(t, inPacket[id], "quote #%s was shown in the thread but is not in its packet %v", id, inPacket)
		}
		// The file holds them all, each with its citation.
		sections := strings.Count(md, "\n## ") - 1 // less "## Sources"
		assert.Equal(t, len(cited), sections, md)
		assert.Contains(t, md, strconv.Itoa(len(cited))+" quotations cited. Citation style: MLA 9.")
		assert.GreaterOrEqual(t, strings.Count(md, "\n> "), len(cited), "each quote as a blockquote")
		main, err := ix.Cited(ctx, library, e2eChan)
		require.NoError(t, err)
		assert.NotEmpty(t, main)
		var fileMsg []json.RawMessage
		for _, msg := range f.Messages() {
			if len(msg.Attachments) > 0 {
				fileMsg = append(fileMsg, msg.Attachments...)
			}
		}
		assert.NotEmpty(t, fileMsg, "the message carries the file")
	})

	t.Run("ThreadFollowUp", func(t *testing.T) {
		e.t = t
		const channel = "1100000000000000713"
		i := slashIn(channel, sMemberID, member, "ask", fakediscord.StringOpt("question", "What did Stoltenberg say about Ukraine?"))
		f.DispatchInteraction(t, i)
		e.wait(i, fakediscord.IsCallback, 3*time.Second)
		r := f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		var answerMsg struct {
			ID string `json:"id"`
		}
		require.NoError(t, json.Unmarshal(r.Response, &answerMsg))
		require.NotEmpty(t, answerMsg.ID)
		// A thread started from the answer has the answer's id; a mention
		// there is a follow-up. (The bot takes in the answer's id from the
		// response to its edit, which the fake Discord records before the
		// bot reads it: a member cannot start a thread that fast, the test
		// can, so it asks again until the bot has.)
		botUser := f.BotUser()
		var m message
		require.Eventually(t, func() bool {
			f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, answerMsg.ID, sMemberID,
				"<@"+botUser.ID+"> for how long?", botUser))
			r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
			require.Less(t, r.Status, 300)
			assert.Equal(t, answerMsg.ID, r.Params["channel_id"], "answered in the thread")
			rc := asRecorded(r)
			CheckLimits(t, rc)
			m = rc.msg(t)
			return strings.Contains(m.text(), "Follow-up")
		}, 5*time.Second, 10*time.Millisecond)
		assert.Contains(t, m.text(), "**Follow-up:** for how long?")
		assert.Contains(t, m.text(), "What did Stoltenberg say about Ukraine?")
		require.NotEmpty(t, m.Embeds, "the follow-up alone has no searchable subject; with the first question it does")
		assert.Contains(t, strings.ToLower(m.Embeds[0].Author.Name+m.Embeds[0].Description), "stoltenberg")

		// A mention in any other thread is a question of its own.
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, sThreadID, sMemberID,
			"<@"+botUser.ID+"> for how long?", botUser))
		r = f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
		assert.NotContains(t, asRecorded(r).msg(t).text(), "Follow-up")
	})

	t.Run("ServersStayApart", func(t *testing.T) {
		e.t = t
		a := ask(e2eChan, "Why did Russia go to war in Ukraine?")
		// Every button of server A's answer, clicked in server B, reaches
		// nothing of A's: no reading view, no citation, no vote.
		for _, id := range a.customIDs() {
			ack, _ := e.run(fakediscord.Button(e2eGuildB, e2eChan, sMemberID, id, nil))
			assert.Equal(t, ephemeral, ack.Flags&ephemeral)
			assert.Contains(t, ack.text(), "ask again", id)
			assert.Empty(t, ack.Embeds)
		}
		// B's packet for the same channel id is B's own (empty).
		_, m := e.run(fakediscord.SlashCommand(e2eGuildB, e2eChan, sMemberID, "export"))
		assert.Contains(t, m.text(), "Nothing has been cited here yet")
		assert.Empty(t, m.Embeds)
		// B's curators see B's gaps only.
		i := fakediscord.SlashCommand(e2eGuildB, e2eChan, sModID, "gaps").WithPermissions(mod)
		f.DispatchInteraction(t, i)
		e.wait(i, fakediscord.IsCallback, 3*time.Second)
		r := f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		assert.NotContains(t, string(r.Body), "strudel")
		assert.Empty(t, r.Files)
	})

	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
	}
}

// TestE2E_Daily schedules a daily quote, lets the injected clock run
// through three days with a restart in the middle (a new bot and a new
// index on the same database file), and checks that exactly one quote is
// posted a day, never the same twice.
func TestE2E_Daily(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	path := t.TempDir() + "/verbatim.db"
	open := func() *retrieval.Index {
		ix := retrieval.NewIndex(path)
		require.NoError(t, ix.Open())
		return ix
	}
	ix := open()
	library := bot.LibraryName(fakediscord.DefaultGuildID)
	_, err := ix.Add(ctx, library, arcticDoc)
	require.NoError(t, err)
	qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library})
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(qs), 1)

	clock := &testClock{t: time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)}
	mod := fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild
	f := fakediscord.New(t)
	e := newStudyE2E(t, f, ix, clock)
	f.WaitIdentified(t, 5*time.Second)

	// tick lets the scheduler run once at the clock's time: the channel is
	// unbuffered and the scheduler takes one tick at a time, so the second
	// send returns only once the first tick has been handled.
	tick := func(e *studyE2E) {
		e.tick <- clock.Now()
		e.tick <- clock.Now()
	}
	posts := func() []message {
		var out []message
		for _, r := range f.Requests() {
			if fakediscord.IsChannelMessage(r) && r.Params["channel_id"] == sDailyChan {
				require.Less(t, r.Status, 300)
				rc := asRecorded(r)
				CheckLimits(t, rc)
				out = append(out, rc.msg(t))
			}
		}
		return out
	}

	_, m := e.run(slashIn(e2eChan, sMemberID, fakediscord.DefaultMemberPermissions, "daily",
		fakediscord.Subcommand("start", fakediscord.ChannelOpt("channel", sDailyChan), fakediscord.StringOpt("time", "09:30"))))
	assert.Contains(t, m.text(), "curate", "members cannot schedule")
	_, m = e.run(slashIn(e2eChan, sModID, mod, "daily",
		fakediscord.Subcommand("start", fakediscord.ChannelOpt("channel", sDailyChan), fakediscord.StringOpt("time", "9:75"))))
	assert.Contains(t, m.text(), "HH:MM")
	_, m = e.run(slashIn(e2eChan, sModID, mod, "daily",
		fakediscord.Subcommand("start", fakediscord.ChannelOpt("channel", sDailyChan), fakediscord.StringOpt("time", "09:30"))))
	assert.Contains(t, m.text(), "Scheduled")
	assert.Contains(t, m.text(), "09:30 UTC")

	tick(e)
	assert.Empty(t, posts(), "not before 09:30")
	clock.Advance(90 * time.Minute) // 09:30
	tick(e)
	tick(e)
	day1 := posts()
	require.Len(t, day1, 1, "one post on the first day, however often the scheduler looks")
	assert.Contains(t, day1[0].text(), "Quote of the day")
	require.Len(t, day1[0].Embeds, 1)
	// Like any quote card, it can be read in context and cited.
	for _, label := range []string{"◀ Previous", "Open", "Next ▶", "Cite"} {
		day1[0].button(t, label)
	}
	assert.NotContains(t, strings.Join(day1[0].customIDs(), " "), "v1:up:", "no 👍/👎 on a quote nobody asked for")
	open1, _ := e.press(day1[0], sDailyChan, sMemberID, "Open")
	assert.Equal(t, ephemeral, open1.Flags&ephemeral)
	require.Len(t, open1.Embeds, 1)
	assert.Contains(t, open1.Embeds[0].Description, "**", "the quote is marked in its paragraph")
	cite1, _ := e.press(day1[0], sDailyChan, sMemberID, "Cite")
	assert.Contains(t, cite1.text(), "Mute Egede")

	// A restart: the bot and the index go, new ones open the same file.
	require.NoError(t, e.b.Close())
	require.NoError(t, ix.Close())
	ix = open()
	t.Cleanup(func() { _ = ix.Close() })
	f2 := fakediscord.New(t)
	e2 := newStudyE2E(t, f2, ix, clock)
	f2.WaitIdentified(t, 5*time.Second)
	clock.Advance(time.Hour)
	tick(e2)
	for _, r := range f2.Requests() {
		assert.False(t, fakediscord.IsChannelMessage(r), "posted twice on one day after a restart")
	}

	// The next day, after 09:30: one more, another quote while any is
	// left unshown.
	clock.Advance(23 * time.Hour)
	tick(e2)
	var day2 []message
	for _, r := range f2.Requests() {
		if fakediscord.IsChannelMessage(r) && r.Params["channel_id"] == sDailyChan {
			day2 = append(day2, asRecorded(r).msg(t))
		}
	}
	require.Len(t, day2, 1)
	if len(qs) > 1 {
		assert.NotEqual(t, day1[0].Embeds[0].Description, day2[0].Embeds[0].Description, "no repeat until all are shown")
	}

	_, m = e2.run(slashIn(e2eChan, sModID, mod, "daily", fakediscord.Subcommand("stop", fakediscord.ChannelOpt("channel", sDailyChan))))
	assert.Contains(t, m.text(), "Stopped")
	_, m = e2.run(slashIn(e2eChan, sModID, mod, "daily", fakediscord.Subcommand("stop", fakediscord.ChannelOpt("channel", sDailyChan))))
	assert.Contains(t, m.text(), "no daily quote")
	clock.Advance(24 * time.Hour)
	tick(e2)
	n := 0
	for _, r := range f2.Requests() {
		if fakediscord.IsChannelMessage(r) {
			n++
		}
	}
	assert.Equal(t, 1, n, "nothing after /daily stop")
	for _, r := range append(f.Requests(), f2.Requests()...) {
		assert.Empty(t, r.Violations, "%s", r)
	}
}

// TestE2E_FollowUpAfterRestart: a thread started from an /ask answer
// before a restart still reads its first question, from the thread's
// starter message in the parent channel.
func TestE2E_FollowUpAfterRestart(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	ix := MustOpenIndex(t)
	library := bot.LibraryName(fakediscord.DefaultGuildID)
	_, err := ix.Add(ctx, library, sampleDocs(t)...)
	require.NoError(t, err)
	clock := &testClock{t: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	f := fakediscord.New(t)
	e := newStudyE2E(t, f, ix, clock)
	f.WaitIdentified(t, 5*time.Second)

	i := slashIn(e2eChan, sMemberID, fakediscord.DefaultMemberPermissions, "ask",
		fakediscord.StringOpt("question", "What did Stoltenberg say about Ukraine?"))
	f.DispatchInteraction(t, i)
	e.wait(i, fakediscord.IsCallback, 3*time.Second)
	r := f.WaitRequest(t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
	var answer struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(r.Response, &answer))

	// And an answer to an @mention, which echoes no question.
	botUser := f.BotUser()
	f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, e2eChan, sMemberID,
		"<@"+botUser.ID+"> What did Zelensky say about NATO?", botUser))
	r = f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
	var mentionAnswer struct {
		ID string `json:"id"`
	}
	require.NoError(t, json.Unmarshal(r.Response, &mentionAnswer))

	// The bot restarts: a new one knows nothing of its predecessor's
	// answers.
	require.NoError(t, e.b.Close())
	newStudyE2E(t, f, ix, clock)
	f.WaitIdentified(t, 5*time.Second)

	f.Dispatch(t, "THREAD_CREATE", fakediscord.ThreadCreate(fakediscord.DefaultGuildID, e2eChan, answer.ID, sMemberID, "Stoltenberg"))
	f.Dispatch(t, "THREAD_CREATE", fakediscord.ThreadCreate(fakediscord.DefaultGuildID, e2eChan, mentionAnswer.ID, sMemberID, "Zelensky"))
	askIn := func(thread string) message {
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, thread, sMemberID,
			"<@"+botUser.ID+"> for how long?", botUser))
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
		require.Less(t, r.Status, 300)
		assert.Equal(t, thread, r.Params["channel_id"])
		rc := asRecorded(r)
		CheckLimits(t, rc)
		return rc.msg(t)
	}
	ask := func() message { return askIn(answer.ID) }
	var m message
	require.Eventually(t, func() bool { // THREAD_CREATE reaches the state asynchronously
		m = ask()
		return strings.Contains(m.text(), "Follow-up")
	}, 5*time.Second, 50*time.Millisecond)
	assert.Contains(t, m.text(), "What did Stoltenberg say about Ukraine?")
	get := f.WaitRequest(t, time.Second, fakediscord.IsGetMessage)
	assert.Equal(t, e2eChan, get.Params["channel_id"], "the starter is read from the parent channel")
	assert.Equal(t, answer.ID, get.Params["message_id"])

	// Once read, the thread is remembered: no second request.
	ask()
	n := 0
	for _, r := range f.Requests() {
		if fakediscord.IsGetMessage(r) {
			n++
		}
	}
	assert.Equal(t, 1, n, "the starter is read once, not for every follow-up")

	// From the @mention answer's thread: the starter, then the question
	// it replied to.
	m = askIn(mentionAnswer.ID)
	assert.Contains(t, m.text(), "**Follow-up:** for how long?")
	assert.Contains(t, m.text(), "What did Zelensky say about NATO?")
	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
	}
}
