package bot_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Study groups read in channels scoped to one collection: these tests
// check that the study features keep to the channel's collection.

const (
	sArcticChan  = "1100000000000000721" // scoped to the collection "Arctic"
	sUkraineChan = "1100000000000000722" // scoped to the collection "Ukraine"
)

// scopedStudyLibrary adds the sample library and the Arctic briefing to
// library, makes a collection of each ("Ukraine" and "Arctic") and
// returns the sources' ids.
func scopedStudyLibrary(t *testing.T, ix *retrieval.Index, library string) (ukraine, arctic int64) {
	t.Helper()
	ctx := context.Background()
	_, err := ix.Add(ctx, library, append(sampleDocs(t), arcticDoc)...)
	require.NoError(t, err)
	srcs, err := ix.Sources(ctx, library)
	require.NoError(t, err)
	for _, s := range srcs {
		if s.Title == arcticDoc.Title {
			arctic = s.ID
		} else {
			ukraine = s.ID
		}
	}
	require.NotZero(t, arctic)
	require.NotZero(t, ukraine)
	admin := retrieval.Actor{ID: sModID, Name: "mod"}
	for name, id := range map[string]int64{"Ukraine": ukraine, "Arctic": arctic} {
		require.NoError(t, ix.CreateCollection(ctx, library, admin, name))
		require.NoError(t, ix.CollectSources(ctx, library, admin, name, false, id))
	}
	return ukraine, arctic
}

// mod has Manage Server.
const mod = fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild

// newScopedStudy connects a bot to a fake Discord, serving a real index
// with the scoped study library (see scopedStudyLibrary), its clock at
// hour:00 UTC on 1 March 2026; it returns the Ukraine source's id.
func newScopedStudy(t *testing.T, hour int) (*studyE2E, int64) {
	t.Helper()
	ix := MustOpenIndex(t)
	ukraine, _ := scopedStudyLibrary(t, ix, bot.LibraryName(fakediscord.DefaultGuildID))
	f := fakediscord.New(t)
	e := newStudyE2E(t, f, ix, &testClock{t: time.Date(2026, 3, 1, hour, 0, 0, 0, time.UTC)})
	f.WaitIdentified(t, 5*time.Second)
	return e, ukraine
}

// TestE2E_PinScopedChannel: a pinned answer is shown first in channels
// that answer from the whole library or from a collection holding its
// source, and never in a channel scoped to a collection without it, in
// /ask answers and @mention answers alike.
func TestE2E_PinScopedChannel(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	e, ukraine := newScopedStudy(t, 12)
	f, ix, library := e.f, e.ix, e.library
	member := fakediscord.DefaultMemberPermissions

	for channel, name := range map[string]string{sArcticChan: "Arctic", sUkraineChan: "ukraine"} {
		_, m := e.run(slashIn(channel, sModID, mod, "collection", fakediscord.Subcommand("scope", fakediscord.StringOpt("name", name))))
		require.Contains(t, m.text(), "Scoped", m.text())
	}

	// A quote of the Ukraine source, pinned to a question about the Arctic.
	qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: ukraine})
	require.NoError(t, err)
	var pinned retrieval.Quote
	for _, q := range qs {
		if !q.Fragment {
			pinned = q
			break
		}
	}
	require.NotZero(t, pinned.ID)
	const question = "Who will decide Greenland's future?"
	_, m := e.run(slashIn(e2eChan, sModID, mod, "pin", fakediscord.StringOpt("question", question),
		fakediscord.IntOpt("quote", pinned.ID)))
	require.Contains(t, m.text(), "Pinned")
	pinID := strconv.FormatInt(pinned.ID, 10)
	// shows reports whether text names the pinned quote's id.
	shows := func(text string) bool {
		for _, sm := range quoteIDRE.FindAllStringSubmatch(text, -1) {
			if sm[1] == pinID {
				return true
			}
		}
		return false
	}

	ask := func(channel string) message {
		_, m := e.run(slashIn(channel, sMemberID, member, "ask", fakediscord.StringOpt("question", question)))
		return m
	}
	mention := func(channel string) message {
		botUser := f.BotUser()
		f.Dispatch(t, "MESSAGE_CREATE", fakediscord.MessageCreate(fakediscord.DefaultGuildID, channel, sMemberID,
			"<@"+botUser.ID+"> "+question, botUser))
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsChannelMessage)
		require.Less(t, r.Status, 300)
		require.Equal(t, channel, r.Params["channel_id"])
		rc := asRecorded(r)
		CheckLimits(t, rc)
		return rc.msg(t)
	}
	isPinned := func(m message) bool {
		require.NotEmpty(t, m.Embeds, m.text())
		return strings.HasPrefix(m.Embeds[0].Author.Name, "📌 Pinned by moderators") && shows(m.Embeds[0].Footer.Text)
	}
	noPin := func(m message) {
		t.Helper()
		require.NotEmpty(t, m.Embeds, "the Arctic collection answers the question: %s", m.text())
		for _, em := range m.Embeds {
			assert.NotContains(t, em.Author.Name, "📌")
			assert.False(t, shows(em.Footer.Text), "the pinned quote's source is outside the channel's collection")
			assert.Equal(t, arcticDoc.Title, em.Title)
		}
	}

	t.Run("WholeLibrary", func(t *testing.T) {
		e.t = t
		assert.True(t, isPinned(ask(e2eChan)), "shown first, marked")
		assert.True(t, isPinned(mention(e2eChan)))
	})
	t.Run("CollectionWithThePin", func(t *testing.T) {
		e.t = t
		assert.True(t, isPinned(ask(sUkraineChan)))
		assert.True(t, isPinned(mention(sUkraineChan)))
	})
	t.Run("CollectionWithoutThePin", func(t *testing.T) {
		e.t = t
		m := ask(sArcticChan)
		assert.Contains(t, m.text(), "from the collection “Arctic”")
		noPin(m)
		noPin(mention(sArcticChan))
		// Compact answers too.
		_, s := e.run(slashIn(e2eChan, sModID, mod, "settings", fakediscord.Subcommand("answers", fakediscord.StringOpt("layout", "compact"))))
		require.Contains(t, s.text(), "Saved")
		m = ask(sArcticChan)
		require.Len(t, m.Embeds, 1)
		assert.NotContains(t, m.Embeds[0].Description, "📌")
		assert.False(t, shows(m.Embeds[0].Description))
		m = ask(e2eChan)
		require.Len(t, m.Embeds, 1)
		assert.True(t, strings.HasPrefix(m.Embeds[0].Description, "📌 Pinned by moderators\n**1.**"), m.Embeds[0].Description)
		assert.True(t, shows(strings.SplitN(m.Embeds[0].Description, "\n", 3)[1]), "the first line lists the pinned quote")
	})
	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
	}
}

// TestE2E_DailyChannelScope: /daily start without a collection in a
// channel scoped to one posts from that collection; over as many days as
// it has quotes, every one is posted once, and then a new cycle starts.
func TestE2E_DailyChannelScope(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	e, ukraine := newScopedStudy(t, 5)
	f, ix, library, clock := e.f, e.ix, e.library, e.clock

	_, m := e.run(slashIn(sUkraineChan, sModID, mod, "collection", fakediscord.Subcommand("scope", fakediscord.StringOpt("name", "Ukraine"))))
	require.Contains(t, m.text(), "Scoped", m.text())

	// The quotes a cycle is made of: the Ukraine source's full quotes, the
	// same words once.
	qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, Collection: "Ukraine"})
	require.NoError(t, err)
	want := map[string]bool{}
	for _, q := range qs {
		require.Equal(t, ukraine, q.SourceID)
		if !q.Fragment && strings.TrimSpace(q.Text) != "" {
			want[q.Text] = true
		}
	}
	require.GreaterOrEqual(t, len(want), 3, "a cycle of several quotes")
	byID := map[string]string{}
	for _, q := range qs {
		byID[strconv.FormatInt(q.ID, 10)] = q.Text
	}

	_, m = e.run(slashIn(sUkraineChan, sModID, mod, "daily",
		fakediscord.Subcommand("start", fakediscord.ChannelOpt("channel", sUkraineChan), fakediscord.StringOpt("time", "06:00"))))
	assert.Contains(t, m.text(), "Scheduled")
	assert.Contains(t, m.text(), "from the collection “Ukraine” (the channel's scope)")
	d, err := ix.Daily(ctx, library, sUkraineChan)
	require.NoError(t, err)
	assert.Equal(t, "Ukraine", d.Collection, "persisted with the schedule")

	// A collection named in /daily start wins over the channel's scope.
	_, m = e.run(slashIn(sUkraineChan, sModID, mod, "daily",
		fakediscord.Subcommand("start", fakediscord.ChannelOpt("channel", sArcticChan), fakediscord.StringOpt("time", "06:00"),
			fakediscord.StringOpt("collection", "arctic"))))
	assert.Contains(t, m.text(), "from the collection “Arctic”, none")
	_, m = e.run(slashIn(sUkraineChan, sModID, mod, "daily", fakediscord.Subcommand("stop", fakediscord.ChannelOpt("channel", sArcticChan))))
	assert.Contains(t, m.text(), "Stopped")

	tick := func() { e.tick <- clock.Now(); e.tick <- clock.Now() }
	posted := func() []string {
		var out []string
		for _, r := range f.Requests() {
			if fakediscord.IsChannelMessage(r) && r.Params["channel_id"] == sUkraineChan {
				require.Less(t, r.Status, 300)
				rc := asRecorded(r)
				CheckLimits(t, rc)
				msg := rc.msg(t)
				require.Len(t, msg.Embeds, 1)
				assert.Empty(t, msg.Components, "buttons are off")
				sm := quoteIDRE.FindStringSubmatch(msg.Embeds[0].Footer.Text)
				require.NotNil(t, sm, msg.Embeds[0].Footer.Text)
				text, ok := byID[sm[1]]
				require.True(t, ok, "quote #%s is not of the channel's collection", sm[1])
				out = append(out, text)
			}
		}
		return out
	}
	// The server's settings shape the daily card as they do answers.
	_, m = e.run(slashIn(sUkraineChan, sModID, mod, "settings", fakediscord.Subcommand("answers", fakediscord.StringOpt("buttons", "off"))))
	require.Contains(t, m.text(), "Saved")
	clock.Advance(time.Hour) // 06:00 on the first day
	for day := range len(want) + 1 {
		tick()
		tick()
		require.Len(t, posted(), day+1, "one post a day")
		clock.Advance(24 * time.Hour)
	}
	got := posted()
	cycle := map[string]bool{}
	for _, text := range got[:len(want)] {
		assert.False(t, cycle[text], "repeated before all were shown: %q", text)
		cycle[text] = true
	}
	assert.Equal(t, want, cycle, "one cycle is every quote of the collection")
	assert.True(t, want[got[len(want)]], "then a new cycle, from the same collection")
	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
	}
}
