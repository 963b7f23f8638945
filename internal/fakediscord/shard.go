package fakediscord

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Sharding, as Discord does it: a client that IDENTIFYs with shard
// [id, count] gets the events of the guilds whose id satisfies
// (guild_id >> 22) % count == id, and direct messages only on shard 0. An
// IDENTIFY without a shard is shard [0, 1] and gets everything. The fake
// keeps the latest session of each [id, count] and routes every dispatch
// to the sessions whose shard owns the guild; READY and the GUILD_CREATEs
// after it name only the shard's guilds. An IDENTIFY with an invalid shard
// (not two numbers, count < 1, id outside [0, count)) is closed with 4010
// Invalid shard.

// shardKey is a shard's [id, count].
type shardKey struct{ id, count int }

func (k shardKey) String() string { return fmt.Sprintf("[%d, %d]", k.id, k.count) }

// key is the shard the session identified as: [0, 1] when unsharded.
func (i Identify) key() shardKey {
	if len(i.Shard) == 2 {
		return shardKey{i.Shard[0], i.Shard[1]}
	}
	return shardKey{0, 1}
}

// ShardOf returns the shard, out of count, that Discord routes guildID's
// events to: (guild_id >> 22) % count. Direct messages (guildID "") go to
// shard 0, and so does anything when count < 2. It is written here from
// Discord's documentation (events/gateway.mdx, "Sharding"), independently
// of the bot's own copy, so that each checks the other.
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

// guildSeq makes the ids GuildOnShard returns unique within the process.
var guildSeq atomic.Uint64

// GuildOnShard returns a new guild id, a valid snowflake unique within the
// process, that ShardOf places on shard id out of count.
func GuildOnShard(id, count int) string {
	if count < 1 || id < 0 || id >= count {
		panic(fmt.Sprintf("fakediscord: GuildOnShard(%d, %d): want 0 <= id < count", id, count))
	}
	ms := uint64(time.Now().UnixMilli() - discordEpoch)
	ms = ms - ms%uint64(count) + uint64(id)
	n := guildSeq.Add(1) & (1<<22 - 1)
	return strconv.FormatUint(ms<<22|n, 10)
}

// Delivery is one dispatch the fake sent (or kept for a RESUME) on a
// session: which event, for which guild, to which session and shard.
type Delivery struct {
	Event     string
	GuildID   string // "" for events outside a guild
	SessionID string
	Shard     []int // the shard the session identified with; nil when unsharded
	Seq       int
}

// Deliveries returns every dispatch sent so far, in order. Tests use it to
// check that an event reached only the shard Discord would route it to.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.deliveries)
}

// deliver records a dispatch on sess; the caller holds s.mu.
func (s *Server) deliver(sess *gwSession, event, guildID string, seq int) {
	s.deliveries = append(s.deliveries, Delivery{
		Event: event, GuildID: guildID, SessionID: sess.id,
		Shard: slices.Clone(sess.identify.Shard), Seq: seq,
	})
}

// targets returns the shards, in order, whose latest session gets the
// events of guildID; the caller holds s.mu.
func (s *Server) targets(guildID string) ([]shardKey, error) {
	if len(s.shards) == 0 {
		return nil, errNoSession
	}
	var out []shardKey
	for k := range s.shards {
		if ShardOf(guildID, k.count) == k.id {
			out = append(out, k)
		}
	}
	if len(out) == 0 {
		var have, owner []string
		for k := range s.shards {
			have = append(have, k.String())
			owner = append(owner, shardKey{ShardOf(guildID, k.count), k.count}.String())
		}
		slices.Sort(have)
		slices.Sort(owner)
		what := "direct messages go to shard 0"
		if guildID != "" {
			what = "guild " + guildID + " belongs to shard " + strings.Join(slices.Compact(owner), " or ")
		}
		return nil, fmt.Errorf("no gateway session serves this event (%s; sessions: %s): open that shard's session first",
			what, strings.Join(have, ", "))
	}
	slices.SortFunc(out, func(a, b shardKey) int {
		if a.count != b.count {
			return a.count - b.count
		}
		return a.id - b.id
	})
	return out, nil
}

// eventGuild returns the guild an event belongs to: guild_id, or the id of
// a GUILD_CREATE, GUILD_UPDATE or GUILD_DELETE.
func eventGuild(event string, raw json.RawMessage) string {
	var g struct {
		GuildID string `json:"guild_id"`
		ID      string `json:"id"`
	}
	if json.Unmarshal(raw, &g) != nil {
		return ""
	}
	if g.GuildID == "" && (event == "GUILD_CREATE" || event == "GUILD_UPDATE" || event == "GUILD_DELETE") {
		return g.ID
	}
	return g.GuildID
}

// shardConn returns the connection of the latest session of shard
// [id, count], or reports that there is none.
func (s *Server) shardConn(tb testing.TB, what string, id, count int) *gwConn {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	k := shardKey{id, count}
	if count < 2 {
		k = shardKey{0, 1}
	}
	sess := s.shards[k]
	if sess == nil || sess.conn == nil {
		tb.Errorf("fakediscord: %s: no gateway connection for shard %s", what, k)
		return nil
	}
	if !sess.conn.ready {
		tb.Errorf("fakediscord: %s: shard %s is still in its IDENTIFY/RESUME handshake; "+
			"wait for WaitIdentified or WaitResumed first (discordgo issue #513)", what, k)
		return nil
	}
	return sess.conn
}

// SendReconnectShard is SendReconnect for the session of shard [id, count]
// (count 1 for an unsharded client).
func (s *Server) SendReconnectShard(tb testing.TB, id, count int) {
	tb.Helper()
	if c := s.shardConn(tb, "SendReconnectShard", id, count); c != nil {
		if err := c.send(frame(opReconnect, nil)); err != nil {
			tb.Errorf("fakediscord: SendReconnectShard: %v", err)
		}
	}
}

// DropGatewayShard is DropGateway for the session of shard [id, count].
func (s *Server) DropGatewayShard(tb testing.TB, id, count int) {
	tb.Helper()
	if c := s.shardConn(tb, "DropGatewayShard", id, count); c != nil {
		c.ws.UnderlyingConn().Close()
	}
}
