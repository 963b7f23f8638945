package bot_test

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

// harness is a bot on a real discordgo session connected to a fake
// Discord, which remembers every interaction it dispatched so that the test
// can check at the end that each was answered.
type harness struct {
	t   testing.TB
	f   *fakediscord.Server
	b   *bot.Bot
	log *syncBuffer

	mu   sync.Mutex
	sent []*fakediscord.Interaction
}

// MustOpenHarness connects a bot serving lib to a new fake Discord. prepare,
// if set, adjusts the bot before Open. With reconnect, discordgo reconnects
// after gateway errors, as in production; fault tests need it.
func MustOpenHarness(tb testing.TB, lib bot.Library, reconnect bool, prepare func(*bot.Bot), opts ...fakediscord.Option) *harness {
	tb.Helper()
	f := fakediscord.New(tb, opts...)
	b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, lib)
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	b.Cooldown = 0
	b.Session.ShouldReconnectOnError = reconnect
	if prepare != nil {
		prepare(b)
	}
	f.Redirect(b.Session)
	require.NoError(tb, b.Open(context.Background()))
	tb.Cleanup(func() {
		_ = b.Close()
		assert.NotContains(tb, log.String(), fakediscord.DefaultToken, "the token reached the log")
	})
	f.WaitIdentified(tb, 5*time.Second)
	f.WaitRequest(tb, 5*time.Second, fakediscord.IsCommandsPut)
	return &harness{t: tb, f: f, b: b, log: log}
}

// dispatch sends i through the gateway and remembers it.
func (h *harness) dispatch(i *fakediscord.Interaction) {
	h.t.Helper()
	h.mu.Lock()
	h.sent = append(h.sent, i)
	h.mu.Unlock()
	h.f.DispatchInteraction(h.t, i)
}

// answer waits for i's first successful response and, if it was a
// deferral, for the successful edit that completes it; it returns the
// message the user sees, checked against Discord's limits.
func (h *harness) answer(i *fakediscord.Interaction) message {
	h.t.Helper()
	r := h.f.WaitRequest(h.t, 5*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback, fakediscord.IsOK))
	rc := asRecorded(r)
	CheckLimits(h.t, rc)
	m := rc.msg(h.t)
	if m.Type != typeDeferred {
		return m
	}
	r = h.f.WaitRequest(h.t, 10*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal, fakediscord.IsOK))
	rc = asRecorded(r)
	CheckLimits(h.t, rc)
	return rc.msg(h.t)
}

// requestsFor lists the requests the bot made for i, in order.
func (h *harness) requestsFor(i *fakediscord.Interaction) []fakediscord.Request {
	var out []fakediscord.Request
	for _, r := range h.f.Requests() {
		if fakediscord.ForInteraction(i)(r) {
			out = append(out, r)
		}
	}
	return out
}

// statuses lists the status of each request matching pred.
func statuses(rs []fakediscord.Request, pred func(fakediscord.Request) bool) []int {
	var out []int
	for _, r := range rs {
		if pred(r) {
			out = append(out, r.Status)
		}
	}
	return out
}

// CheckAllAnswered fails the test unless every interaction dispatched got
// exactly one successful first response and, if that was a deferral, a
// successful edit; and unless no request broke Discord's contract.
func (h *harness) CheckAllAnswered() {
	h.t.Helper()
	reqs := h.f.Requests()
	for _, r := range reqs {
		assert.Empty(h.t, r.Violations, "%s", r)
	}
	h.mu.Lock()
	sent := append([]*fakediscord.Interaction(nil), h.sent...)
	h.mu.Unlock()
	for _, i := range sent {
		ok, deferred, edited := 0, false, false
		for _, r := range reqs {
			if !fakediscord.ForInteraction(i)(r) || !fakediscord.IsOK(r) {
				continue
			}
			switch {
			case fakediscord.IsCallback(r):
				ok++
				var m message
				_ = r.Decode(&m)
				deferred = m.Type == typeDeferred
			case fakediscord.IsEditOriginal(r):
				edited = true
			}
		}
		assert.Equal(h.t, 1, ok, "interaction %s: %d successful first responses, want 1", i.ID, ok)
		if deferred {
			assert.True(h.t, edited, "interaction %s: deferred and never completed", i.ID)
		}
	}
}

// faultQuestion is answered from the sample library.
const faultQuestion = "Why did Russia go to war in Ukraine?"

var faultUser atomic.Int64

// askFresh builds /ask question in the default server, from a fresh user.
func askFresh(question string) *fakediscord.Interaction {
	user := fmt.Sprintf("13%017d", faultUser.Add(1))
	return fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, user, "ask",
		fakediscord.StringOpt("question", question))
}

// TestFaults drives Discord's failures through the fake, over a real
// discordgo session, and checks that every interaction is still answered.
func TestFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ix := MustOpenIndex(t)
	_, err := ix.Add(context.Background(), bot.LibraryName(fakediscord.DefaultGuildID), sampleDocs(t)...)
	require.NoError(t, err)
	h := MustOpenHarness(t, ix, true, nil)
	f := h.f

	// askWith dispatches a question after injecting n faults on the
	// requests matching pred for it, and returns the answer and its requests.
	askWith := func(t *testing.T, pred func(fakediscord.Request) bool, n int, fault fakediscord.Fault) (message, []fakediscord.Request) {
		t.Helper()
		h.t = t
		i := askFresh(faultQuestion)
		if n > 0 {
			f.InjectFault(fakediscord.And(fakediscord.ForInteraction(i), pred), n, fault)
		}
		h.dispatch(i)
		m := h.answer(i)
		assert.NotEmpty(t, m.Embeds, "the answer arrived with its quotes")
		return m, h.requestsFor(i)
	}

	t.Run("RateLimitedCallback", func(t *testing.T) {
		// discordgo sleeps retry_after (seconds in the body) and retries.
		_, rs := askWith(t, fakediscord.IsCallback, 1, fakediscord.RateLimit(300*time.Millisecond, false))
		assert.Equal(t, []int{429, 204}, statuses(rs, fakediscord.IsCallback))
	})
	t.Run("RateLimitedEdit", func(t *testing.T) {
		_, rs := askWith(t, fakediscord.IsEditOriginal, 2, fakediscord.RateLimit(200*time.Millisecond, true))
		assert.Equal(t, []int{429, 429, 200}, statuses(rs, fakediscord.IsEditOriginal))
	})
	t.Run("BadGatewayRetriedByDiscordgo", func(t *testing.T) {
		_, rs := askWith(t, fakediscord.IsEditOriginal, 2, fakediscord.ServerError(502))
		assert.Equal(t, []int{502, 502, 200}, statuses(rs, fakediscord.IsEditOriginal))
	})
	t.Run("ServerErrorEditRetriedByBot", func(t *testing.T) {
		// discordgo v0.29.0 gives up on 500; the bot retries the edit.
		_, rs := askWith(t, fakediscord.IsEditOriginal, 2, fakediscord.ServerError(500))
		assert.Equal(t, []int{500, 500, 200}, statuses(rs, fakediscord.IsEditOriginal))
	})
	t.Run("UnavailableCallbackRetriedByBot", func(t *testing.T) {
		_, rs := askWith(t, fakediscord.IsCallback, 1, fakediscord.ServerError(503))
		assert.Equal(t, []int{503, 204}, statuses(rs, fakediscord.IsCallback))
	})
	t.Run("UnavailableAutocomplete", func(t *testing.T) {
		h.t = t
		i := fakediscord.Autocomplete(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "quotes",
			fakediscord.Focused(fakediscord.StringOpt("speaker", "jen")))
		f.InjectFault(fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback), 1, fakediscord.ServerError(504))
		h.dispatch(i)
		m := h.answer(i)
		assert.Equal(t, typeChoices, m.Type)
		assert.NotEmpty(t, m.Choices)
	})
	t.Run("GatewayDropAndResume", func(t *testing.T) {
		h.t = t
		f.DropGateway(t)
		// Sent while the connection is down: Discord keeps it for the
		// RESUME, and so does the fake.
		during := askFresh(faultQuestion)
		h.dispatch(during)
		r := f.WaitResumed(t, 5*time.Second)
		assert.True(t, r.OK, "the session resumed")
		assert.NotEmpty(t, h.answer(during).Embeds)
		after := askFresh(faultQuestion)
		h.dispatch(after)
		assert.NotEmpty(t, h.answer(after).Embeds)
	})
	t.Run("InvalidSession", func(t *testing.T) {
		h.t = t
		f.SendInvalidSession(t, false)
		f.WaitIdentified(t, 5*time.Second) // discordgo identifies afresh
		i := askFresh(faultQuestion)
		h.dispatch(i)
		assert.NotEmpty(t, h.answer(i).Embeds)
	})
	t.Run("ReconnectRequest", func(t *testing.T) {
		h.t = t
		f.SendReconnect(t)
		r := f.WaitResumed(t, 5*time.Second)
		assert.True(t, r.OK)
		i := askFresh(faultQuestion)
		h.dispatch(i)
		assert.NotEmpty(t, h.answer(i).Embeds)
	})
	t.Run("GatewayClosedWithCode", func(t *testing.T) {
		h.t = t
		f.CloseGateway(t, 4000)
		f.WaitResumed(t, 5*time.Second)
		i := askFresh(faultQuestion)
		h.dispatch(i)
		assert.NotEmpty(t, h.answer(i).Embeds)
	})
	h.t = t
	h.CheckAllAnswered()
}

// TestFaults_ReconnectAnswersResume answers a RESUME with op 7, which
// deadlocks discordgo v0.29.0's session (its issue #513): the bot's
// watchdog notices the session lock held past StallTimeout, opens a new
// session, and the next interaction is answered.
func TestFaults_ReconnectAnswersResume(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ix := MustOpenIndex(t)
	_, err := ix.Add(context.Background(), bot.LibraryName(fakediscord.DefaultGuildID), sampleDocs(t)...)
	require.NoError(t, err)
	h := MustOpenHarness(t, ix, true, func(b *bot.Bot) { b.StallTimeout = 500 * time.Millisecond })
	f := h.f

	before := askFresh(faultQuestion)
	h.dispatch(before)
	assert.NotEmpty(t, h.answer(before).Embeds)

	f.ReconnectOnNextResume()
	f.SendReconnect(t)
	r := f.WaitResumed(t, 5*time.Second)
	require.True(t, r.Reconnected, "the RESUME was answered with op 7")

	// The wedged session never IDENTIFYs again; a new one does.
	id := f.WaitIdentified(t, 10*time.Second)
	assert.NotEmpty(t, id.SessionID)
	assert.Contains(t, h.log.String(), "discord session stalled")

	after := askFresh(faultQuestion)
	h.dispatch(after)
	assert.NotEmpty(t, h.answer(after).Embeds)
	h.CheckAllAnswered()
}
