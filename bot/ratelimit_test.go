package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestServerLimiter_Allow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t.Run("Burst", func(t *testing.T) {
		l := newServerLimiter(3)
		for n := range 3 {
			if ok, _ := l.allow("g", t0); !ok {
				t.Fatalf("question %d of a burst of 3 refused", n+1)
			}
		}
		ok, wait := l.allow("g", t0)
		if ok {
			t.Fatal("4th question in the same instant allowed")
		}
		if wait != 20*time.Second {
			t.Errorf("wait = %v, want 20s (one token at 3 a minute)", wait)
		}
		if ok, _ := l.allow("other", t0); !ok {
			t.Error("another server was held back")
		}
	})
	t.Run("Refill", func(t *testing.T) {
		l := newServerLimiter(60)
		for range 60 {
			l.allow("g", t0)
		}
		if ok, _ := l.allow("g", t0.Add(500*time.Millisecond)); ok {
			t.Error("allowed before a token refilled")
		}
		if ok, _ := l.allow("g", t0.Add(1100*time.Millisecond)); !ok {
			t.Error("refused after a second at 60 a minute")
		}
		// A steady flood gets through at the rate and no faster.
		allowed := 0
		for s := 2; s <= 61; s++ {
			for range 5 {
				if ok, _ := l.allow("g", t0.Add(time.Duration(s)*time.Second)); ok {
					allowed++
				}
			}
		}
		if allowed != 60 {
			t.Errorf("%d allowed in a minute of flooding, want 60", allowed)
		}
	})
	t.Run("Off", func(t *testing.T) {
		l := newServerLimiter(0)
		for range 1000 {
			if ok, _ := l.allow("g", t0); !ok {
				t.Fatal("refused with the limit off")
			}
		}
	})
	t.Run("MinimumWait", func(t *testing.T) {
		l := newServerLimiter(6000)
		for range 6000 {
			l.allow("g", t0)
		}
		if _, wait := l.allow("g", t0); wait < time.Second {
			t.Errorf("wait %v: a user is never told to wait under a second", wait)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		l := newServerLimiter(10)
		for n := range maxBuckets + 10 {
			l.allow(string(rune(n)), t0)
		}
		l.allow("late", t0.Add(time.Hour))
		if n := len(l.buckets); n > maxBuckets {
			t.Errorf("%d buckets kept, limit %d", n, maxBuckets)
		}
	})
}

// respRecorder keeps the first responses the bot sends.
type respRecorder struct {
	mu    sync.Mutex
	resps []*discordgo.InteractionResponse
}

func (r *respRecorder) InteractionRespond(_ *discordgo.Interaction, resp *discordgo.InteractionResponse, _ ...discordgo.RequestOption) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.resps = append(r.resps, resp)
	return nil
}

func (r *respRecorder) InteractionResponseEdit(*discordgo.Interaction, *discordgo.WebhookEdit, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

func (r *respRecorder) ChannelMessageSendComplex(string, *discordgo.MessageSend, ...discordgo.RequestOption) (*discordgo.Message, error) {
	return &discordgo.Message{}, nil
}

// noResults is a Library with nothing in it.
type noResults struct{ Library }

func (noResults) Search(context.Context, retrieval.Query) ([]retrieval.Result, error) {
	return nil, retrieval.ErrNoMatch
}

func TestBot_QuestionLimits(t *testing.T) {
	ask := func(guild, user, question string) *discordgo.Interaction {
		return &discordgo.Interaction{ID: "1", Token: "t", Type: discordgo.InteractionApplicationCommand, GuildID: guild,
			Member: &discordgo.Member{User: &discordgo.User{ID: user}},
			Data: discordgo.ApplicationCommandInteractionData{Name: cmdAsk, Options: []*discordgo.ApplicationCommandInteractionDataOption{
				{Name: optQuestion, Type: discordgo.ApplicationCommandOptionString, Value: question}}}}
	}
	first := func(b *Bot, i *discordgo.Interaction) *discordgo.InteractionResponse {
		r := &respRecorder{}
		b.HandleInteraction(context.Background(), r, i)
		if len(r.resps) == 0 {
			t.Fatal("no response")
		}
		return r.resps[0]
	}
	b := New(Config{Token: "x"}, noResults{})
	b.Cooldown = 0
	b.ServerRate = 2
	b.MaxQuestion = 20
	b.Logger = slog.New(slog.DiscardHandler)
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	b.Now = func() time.Time { return t0 }

	resp := first(b, ask("1", "10", "why is the sky blue and not green?"))
	if resp.Type != discordgo.InteractionResponseChannelMessageWithSource || !strings.Contains(resp.Data.Content, "under 20 characters") ||
		resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("long question: %+v", resp.Data)
	}
	for n := range 2 {
		if resp := first(b, ask("1", fmt.Sprint(20+n), "why the sky?")); resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
			t.Fatalf("question %d within the server rate: response type %d", n+1, resp.Type)
		}
	}
	resp = first(b, ask("1", "30", "why the sky?"))
	if !strings.Contains(resp.Data.Content, "This server is asking more questions") || resp.Data.Flags != discordgo.MessageFlagsEphemeral {
		t.Errorf("over the server rate: %+v", resp.Data)
	}
	if resp := first(b, ask("2", "30", "why the sky?")); resp.Type != discordgo.InteractionResponseDeferredChannelMessageWithSource {
		t.Errorf("another server was held back: response type %d", resp.Type)
	}
}
