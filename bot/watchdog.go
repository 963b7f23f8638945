package bot

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/bwmarrin/discordgo"
)

// DefaultStallTimeout is how long the Discord session's lock may stay held
// before the watchdog replaces the session. A healthy session holds it for
// a handshake at most (a few seconds); a wedged one holds it forever.
const DefaultStallTimeout = time.Minute

// closeTimeout bounds how long Close waits for discordgo's Close, which
// takes the session lock (and sleeps a second).
const closeTimeout = 5 * time.Second

// The watchdog guards against discordgo v0.29.0's issue #513: when Discord
// answers a RESUME with op 7 RECONNECT, Session.Open, which holds the
// session lock while it reads the answer, handles op 7 by calling
// CloseWithCode, which takes the same lock. The session then never reads
// the gateway again: no interaction reaches the bot, heartbeats stop, and
// Close would block forever. Each shard has a watchdog that samples its
// session's lock; when it has been held for StallTimeout without a break,
// it opens a fresh session for the shard with the same settings (shard id
// and count included) and handlers and abandons the wedged one (its
// goroutines and socket leak: nothing can free them). The other shards
// are not touched. Interactions that Discord sent during the stall are
// lost, since a new session is not replayed the old one's events.
func (b *Bot) watch(sh *shard) {
	defer b.wg.Done()
	tick := time.NewTicker(max(b.StallTimeout/10, 10*time.Millisecond))
	defer tick.Stop()
	free := time.Now()
	for {
		select {
		case <-b.ctx.Done():
			return
		case <-tick.C:
		}
		b.mu.Lock()
		s := sh.live
		b.mu.Unlock()
		if s == nil || s.TryRLock() {
			if s != nil {
				s.RUnlock()
			}
			free = time.Now()
			continue
		}
		if held := time.Since(free); held >= b.StallTimeout {
			sh.log.Warn("discord session stalled; opening a new one (discordgo issue #513)", "held", held.Round(time.Millisecond))
			if err := b.replaceSession(sh, sh.clone()); err != nil {
				sh.log.Error("replace stalled discord session", "err", err)
			}
			free = time.Now() // try again after another StallTimeout
		}
	}
}

// replaceSession opens n with b's handlers and serves sh through it in
// place of the wedged session.
func (b *Bot) replaceSession(sh *shard, n *discordgo.Session) error {
	removes := b.addHandlers(n)
	if err := n.Open(); err != nil {
		for _, rm := range removes {
			rm()
		}
		return fmt.Errorf("open a new discord session: %w", err)
	}
	b.mu.Lock()
	sh.live = n
	if sh == b.shards[0] {
		b.live = n
	}
	old := sh.removes
	sh.removes = removes
	b.mu.Unlock()
	// Removing handlers takes discordgo's handler lock, not the wedged
	// session lock.
	for _, rm := range old {
		rm()
	}
	sh.log.Info("discord session replaced")
	return nil
}

// sessionCloner returns a function that makes a new, unopened session with
// s's settings: token, identify payload, shard, HTTP client and dialer
// (which tests point at a fake Discord), retry and reconnect behaviour. Call it before s
// is opened: discordgo writes some of these fields under its lock later.
func sessionCloner(s *discordgo.Session) func() *discordgo.Session {
	token, identify := s.Token, s.Identify
	client, dialer, agent := s.Client, s.Dialer, s.UserAgent
	reconnect, retry429, retries := s.ShouldReconnectOnError, s.ShouldRetryOnRateLimit, s.MaxRestRetries
	state, syncEvents, level := s.StateEnabled, s.SyncEvents, s.LogLevel
	shardID, shardCount := s.ShardID, s.ShardCount
	return func() *discordgo.Session {
		n, _ := discordgo.New(token) // cannot fail for a string token
		n.Identify = identify
		n.Client, n.Dialer, n.UserAgent = client, dialer, agent
		n.ShouldReconnectOnError, n.ShouldRetryOnRateLimit, n.MaxRestRetries = reconnect, retry429, retries
		n.StateEnabled, n.SyncEvents, n.LogLevel = state, syncEvents, level
		n.ShardID, n.ShardCount = shardID, shardCount
		return n
	}
}

// closeSession closes s, or gives up after closeTimeout if s is wedged
// (its Close would wait for the lock forever).
func closeSession(s *discordgo.Session, log *slog.Logger) error {
	done := make(chan error, 1)
	go func() { done <- s.Close() }()
	t := time.NewTimer(closeTimeout)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("close discord session: %w", err)
		}
		return nil
	case <-t.C:
		log.Warn("discord session did not close; abandoning it (discordgo issue #513)", "timeout", closeTimeout)
		return nil
	}
}
