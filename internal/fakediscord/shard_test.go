package fakediscord_test

import (
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"

	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

func TestShardOf(t *testing.T) {
	for _, tc := range []struct {
		guild string
		count int
		want  int
	}{
		{"1100000000000000100", 2, 1}, // (id >> 22) % n, worked out by hand
		{"1100000000000000100", 3, 1},
		{"197038439483310086", 16, 2},
		{"81384788765712384", 4, 2},
		{"81384788765712384", 1, 0},
		{"", 4, 0}, // direct messages go to shard 0
	} {
		if got := fakediscord.ShardOf(tc.guild, tc.count); got != tc.want {
			t.Errorf("ShardOf(%q, %d) = %d, want %d", tc.guild, tc.count, got, tc.want)
		}
	}
	for count := 1; count <= 5; count++ {
		for id := range count {
			g := fakediscord.GuildOnShard(id, count)
			if got := fakediscord.ShardOf(g, count); got != id {
				t.Errorf("GuildOnShard(%d, %d) = %s, which is on shard %d", id, count, g, got)
			}
		}
	}
}

// shardClient is a discordgo session that identifies as shard id of count.
func shardClient(t *testing.T, f *fakediscord.Server, id, count int) (*client, chan string) {
	t.Helper()
	c := newClient(t, f, discordgo.IntentsGuilds|discordgo.IntentsGuildMessages|discordgo.IntentsDirectMessages)
	c.ShardID, c.ShardCount = id, count
	guilds := make(chan string, 8)
	c.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { guilds <- g.ID })
	return c, guilds
}

// TestServer_Shards connects two discordgo sessions as shards 0 and 1 of
// 2 and checks that each gets only its own guilds' events, as on Discord.
func TestServer_Shards(t *testing.T) {
	t.Parallel()
	g0, g1 := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	f := fakediscord.New(t, fakediscord.WithGuilds(g0, g1))
	c0, guilds0 := shardClient(t, f, 0, 2)
	c1, guilds1 := shardClient(t, f, 1, 2)
	c0.mustOpen(t)
	id0 := f.WaitIdentified(t, wait)
	c1.mustOpen(t)
	id1 := f.WaitIdentified(t, wait)
	if !slices.Equal(id0.Shard, []int{0, 2}) || !slices.Equal(id1.Shard, []int{1, 2}) {
		t.Fatalf("identified shards %v and %v, want [0 2] and [1 2]", id0.Shard, id1.Shard)
	}

	t.Run("ReadyNamesOnlyTheShardsGuilds", func(t *testing.T) {
		for _, tc := range []struct {
			c      *client
			guilds chan string
			want   string
		}{{c0, guilds0, g0}, {c1, guilds1, g1}} {
			select {
			case g := <-tc.guilds:
				if g != tc.want {
					t.Errorf("shard %d got GUILD_CREATE for %s, want %s", tc.c.ShardID, g, tc.want)
				}
			case <-time.After(wait):
				t.Fatalf("shard %d got no GUILD_CREATE", tc.c.ShardID)
			}
			tc.c.State.RLock()
			n := len(tc.c.State.Guilds)
			tc.c.State.RUnlock()
			if n != 1 {
				t.Errorf("shard %d's state holds %d guilds, want 1", tc.c.ShardID, n)
			}
		}
	})

	t.Run("InteractionsGoToTheirShard", func(t *testing.T) {
		for _, tc := range []struct {
			guild      string
			want, idle *client
		}{{g0, c0, c1}, {g1, c1, c0}, {g0, c0, c1}} {
			i := fakediscord.SlashCommand(tc.guild, fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "ask")
			f.DispatchInteraction(t, i)
			if got := tc.want.nextInteraction(t); got.ID != i.ID {
				t.Errorf("shard %d got interaction %s, want %s", tc.want.ShardID, got.ID, i.ID)
			}
			select {
			case got := <-tc.idle.interactions:
				t.Errorf("shard %d got interaction %s of guild %s, which belongs to shard %d",
					tc.idle.ShardID, got.ID, tc.guild, tc.want.ShardID)
			case <-time.After(50 * time.Millisecond):
			}
		}
	})

	t.Run("MessagesGoToTheirShard", func(t *testing.T) {
		m := fakediscord.MessageCreate(g1, fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "hello", f.BotUser())
		f.Dispatch(t, "MESSAGE_CREATE", m)
		if got := c1.nextMessage(t); got.ID != m.ID {
			t.Errorf("shard 1 got message %s, want %s", got.ID, m.ID)
		}
		dm := fakediscord.MessageCreate("", fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "hello in a DM")
		f.Dispatch(t, "MESSAGE_CREATE", dm)
		if got := c0.nextMessage(t); got.ID != dm.ID {
			t.Errorf("shard 0 got message %s, want the DM %s", got.ID, dm.ID)
		}
	})

	t.Run("DeliveriesFollowTheFormula", func(t *testing.T) {
		sessions := map[string][]int{id0.SessionID: id0.Shard, id1.SessionID: id1.Shard}
		n := 0
		for _, d := range f.Deliveries() {
			if d.GuildID == "" && d.Event != "MESSAGE_CREATE" {
				continue // READY
			}
			n++
			shard := sessions[d.SessionID]
			if !slices.Equal(d.Shard, shard) || fakediscord.ShardOf(d.GuildID, 2) != shard[0] {
				t.Errorf("%s of guild %q went to shard %v (session %s)", d.Event, d.GuildID, d.Shard, d.SessionID)
			}
		}
		if n < 7 {
			t.Errorf("%d deliveries recorded, want at least 7", n)
		}
	})
}

// TestServer_ShardUnserved reports a dispatch for a shard with no session
// instead of sending it to another shard.
func TestServer_ShardUnserved(t *testing.T) {
	t.Parallel()
	g0, g1 := fakediscord.GuildOnShard(0, 2), fakediscord.GuildOnShard(1, 2)
	ctb := &captureTB{TB: t}
	f := fakediscord.New(ctb, fakediscord.WithGuilds(g0, g1))
	c0, _ := shardClient(t, f, 0, 2)
	c0.mustOpen(t)
	f.WaitIdentified(t, wait)
	f.DispatchInteraction(ctb, fakediscord.SlashCommand(g1, fakediscord.DefaultChannelID, fakediscord.DefaultUserID, "ask"))
	ctb.expectErrors(t, "no gateway session", "shard [1, 2]")
	select {
	case i := <-c0.interactions:
		t.Errorf("shard 0 got interaction %s of a guild on shard 1", i.ID)
	case <-time.After(50 * time.Millisecond):
	}
}

// TestServer_InvalidShard refuses an IDENTIFY whose shard is not
// [id, count] with 0 <= id < count, closing with 4010 as Discord does.
func TestServer_InvalidShard(t *testing.T) {
	t.Parallel()
	ctb := &captureTB{TB: t}
	f := fakediscord.New(ctb)
	s, err := discordgo.New("Bot " + fakediscord.DefaultToken)
	if err != nil {
		t.Fatal(err)
	}
	f.Redirect(s) // for its dialer only
	for _, shard := range []any{[]int{2, 2}, []int{0, 0}, []int{-1, 2}, []int{1}, []int{0, 2, 1}} {
		ws, _, err := s.Dialer.Dial("wss://gateway.discord.gg/?v=9&encoding=json", nil)
		if err != nil {
			t.Fatal(err)
		}
		var hello struct{ Op int }
		if err := ws.ReadJSON(&hello); err != nil || hello.Op != 10 {
			t.Fatalf("first frame: op %d, %v; want HELLO", hello.Op, err)
		}
		identify, _ := json.Marshal(map[string]any{"op": 2, "d": map[string]any{
			"token": "Bot " + fakediscord.DefaultToken, "intents": 1, "shard": shard,
			"properties": map[string]string{"os": "linux"},
		}})
		if err := ws.WriteMessage(websocket.TextMessage, identify); err != nil {
			t.Fatal(err)
		}
		_, _, err = ws.ReadMessage()
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != 4010 {
			t.Errorf("IDENTIFY with shard %v: %v, want close 4010 Invalid shard", shard, err)
		}
		ws.Close()
	}
	ctb.expectNone(t)
}
