package bot

import (
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
)

// Gateway sharding. Discord splits a bot's servers between gateway
// connections, shards: the connection that identified as shard
// [id, count] gets the events of the servers with
// (server_id >> 22) % count == id, and direct messages come to shard 0.
// A Bot runs any set of shards (Shards, out of ShardCount), one discordgo
// session each. The sessions share the Bot's handlers, library, cooldowns,
// rate limits and button state; each event is answered through the session
// it came in on, and REST calls that no event carries (the daily quotes)
// go through the first shard's, since Discord's REST API does not care
// which connection a bot holds. Each shard has its own watchdog for
// discordgo issue #513, which replaces only that shard's session.
//
// Several processes may run the shards of one bot against one database:
// each handles only the servers of its shards, so per-server state stays
// in the process that serves the server, and the library writes of
// different processes meet only in the database.

// DefaultIdentifyInterval is the pause between opening two shards'
// sessions: Discord's limit of one IDENTIFY per 5 s with max_concurrency 1.
const DefaultIdentifyInterval = 5 * time.Second

// MaxShards bounds ShardCount, far above what any bot needs (Discord asks
// for one shard per 2,500 servers at most, and at least 1,000 per shard).
const MaxShards = 1 << 16

// ShardOf returns the shard, out of count, that Discord sends the events
// of server guildID to: (guildID >> 22) % count. Direct messages (guildID
// "") and anything when count < 2 go to shard 0.
func ShardOf(guildID string, count int) int {
	if guildID == "" || count < 2 {
		return 0
	}
	id, err := strconv.ParseUint(guildID, 10, 64)
	if err != nil {
		return 0
	}
	return int((id >> 22) % uint64(count))
}

// shardSet checks ids against count and returns them sorted, without
// repeats; no ids means shard 0, and count 0 means 1 (unsharded).
func shardSet(ids []int, count int) ([]int, int, error) {
	if count == 0 {
		count = 1
	}
	if count < 1 || count > MaxShards {
		return nil, 0, fmt.Errorf("shard count %d: want 1 to %d", count, MaxShards)
	}
	if len(ids) == 0 {
		return []int{0}, count, nil
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	for _, id := range ids {
		if id < 0 || id >= count {
			return nil, 0, fmt.Errorf("shard %d of %d: a shard id runs from 0 to %d", id, count, count-1)
		}
	}
	return ids, count, nil
}

// shard is one gateway shard the Bot runs.
type shard struct {
	id    int
	first *discordgo.Session        // the session Open opens
	clone func() *discordgo.Session // a fresh, unopened copy of first, for the watchdog
	log   *slog.Logger              // the Bot's logger, naming the shard when sharded

	// Guarded by Bot.mu.
	live    *discordgo.Session // the session serving: first, or the watchdog's copy
	removes []func()           // remove live's handlers
}

// name names the shard in errors.
func (sh *shard) name(count int) string {
	return fmt.Sprintf("shard %d of %d", sh.id, count)
}

// newShards makes a session for each of ids out of count: Session for
// the first, copies of it for the others. It runs before any is opened,
// while nothing else reads Session.
func (b *Bot) newShards(ids []int, count int) []*shard {
	base := sessionCloner(b.Session)
	shards := make([]*shard, len(ids))
	for k, id := range ids {
		s := b.Session
		if k > 0 {
			s = base()
		}
		log := b.Logger
		if count > 1 {
			// discordgo sends [ShardID, ShardCount] in IDENTIFY when
			// ShardCount > 1, and nothing otherwise.
			s.ShardID, s.ShardCount = id, count
			log = b.Logger.With("shard", id, "shards", count)
		}
		shards[k] = &shard{id: id, first: s, clone: sessionCloner(s), log: log}
	}
	return shards
}

// openShard connects sh's session with b's handlers.
func (b *Bot) openShard(sh *shard) error {
	removes := b.addHandlers(sh.first)
	b.mu.Lock()
	sh.live, sh.removes = sh.first, removes
	if sh == b.shards[0] {
		b.live = sh.first
	}
	b.mu.Unlock()
	if err := sh.first.Open(); err != nil {
		b.mu.Lock()
		sh.live, sh.removes = nil, nil
		b.mu.Unlock()
		for _, rm := range removes {
			rm()
		}
		return err
	}
	return nil
}

// abandonShards closes the sessions Open has opened so far, after a
// failure.
func (b *Bot) abandonShards() {
	b.mu.Lock()
	sessions := b.liveSessions()
	for _, sh := range b.shards {
		sh.live = nil
	}
	b.live = nil
	b.mu.Unlock()
	b.removeHandlers()
	_ = closeSessions(sessions, b.Logger)
}

// liveSessions lists the sessions serving, in shard order; the caller
// holds b.mu.
func (b *Bot) liveSessions() []*discordgo.Session {
	var out []*discordgo.Session
	for _, sh := range b.shards {
		if sh.live != nil {
			out = append(out, sh.live)
		}
	}
	return out
}

// Sessions returns the Discord sessions serving now, one per shard in
// shard order (a stalled one already replaced by the watchdog's copy), or
// nil before Open.
func (b *Bot) Sessions() []*discordgo.Session {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.liveSessions()
}

// ownsLibrary reports whether this Bot serves the server whose library is
// named library: its shard is one of b's. Libraries that belong to no
// server go with shard 0, as direct messages do.
func (b *Bot) ownsLibrary(library string) bool {
	guildID, _ := strings.CutPrefix(library, LibraryName(""))
	if guildID == library {
		guildID = ""
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.shards) == 0 {
		return true // not opened: nothing to choose between
	}
	want := ShardOf(guildID, b.count)
	for _, sh := range b.shards {
		if sh.id == want {
			return true
		}
	}
	return false
}

// stateChannel finds a channel in the state of whichever session has it:
// a server's GUILD_CREATE reaches only the session of its shard.
func (b *Bot) stateChannel(id string) *discordgo.Channel {
	sessions := b.Sessions()
	if len(sessions) == 0 && b.Session != nil {
		sessions = []*discordgo.Session{b.Session}
	}
	for _, s := range sessions {
		if s.State == nil {
			continue
		}
		if ch, err := s.State.Channel(id); err == nil && ch != nil {
			return ch
		}
	}
	return nil
}

// closeSessions closes the sessions at once (each of discordgo's Close
// sleeps a second), each within closeTimeout.
func closeSessions(sessions []*discordgo.Session, log *slog.Logger) error {
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for k, s := range sessions {
		wg.Go(func() { errs[k] = closeSession(s, log) })
	}
	wg.Wait()
	return errors.Join(errs...)
}
