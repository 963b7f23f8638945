package fakediscord

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Gateway opcodes.
const (
	opDispatch       = 0
	opHeartbeat      = 1
	opIdentify       = 2
	opPresence       = 3
	opVoiceState     = 4
	opResume         = 6
	opReconnect      = 7
	opRequestMembers = 8
	opInvalidSession = 9
	opHello          = 10
	opHeartbeatACK   = 11
)

// gatewayURL is what GET /gateway answers. Redirect makes it land on the fake.
const gatewayURL = "wss://gateway.discord.gg"

// writeTimeout bounds a gateway write so that a client that stopped reading
// cannot hang the fake.
const writeTimeout = 5 * time.Second

// Identify is an IDENTIFY the fake accepted.
type Identify struct {
	Intents        discordgo.Intent
	Shard          []int // [shard_id, num_shards]; nil when the client is not sharded
	Properties     map[string]string
	Compress       bool
	LargeThreshold int
	SessionID      string // the session_id READY gave back
	Time           time.Time
}

// Resume is a RESUME the fake answered.
type Resume struct {
	SessionID string
	Seq       int  // the last sequence number the client had seen
	Replayed  int  // dispatches sent again because the client had missed them
	OK        bool // false when the session was unknown and op 9 was sent instead
	// Reconnected is true when the RESUME was answered with op 7
	// (ReconnectOnNextResume).
	Reconnected bool
	Time        time.Time
}

// gwConn is one gateway websocket connection.
type gwConn struct {
	ws  *websocket.Conn
	wmu sync.Mutex // gorilla allows one writer at a time; taken before Server.mu

	// Guarded by Server.mu.
	session    *gwSession
	identified bool // IDENTIFY or RESUME accepted
	ready      bool // READY or RESUMED sent: dispatches may flow
}

// gwSession is a gateway session that outlives its connections, so that a
// client can RESUME and get the dispatches it missed.
type gwSession struct {
	id       string
	seq      int
	frames   []gwFrame
	identify Identify
	conn     *gwConn // nil while the client is disconnected
}

type gwFrame struct {
	seq  int
	data []byte
}

type gwPayload struct {
	Op int             `json:"op"`
	D  json.RawMessage `json:"d"`
	S  *int            `json:"s"`
	T  *string         `json:"t"`
}

func frame(op int, d any) []byte {
	raw, err := json.Marshal(d)
	if err != nil {
		panic(err) // the fake marshals only its own values
	}
	b, _ := json.Marshal(gwPayload{Op: op, D: raw})
	return b
}

func dispatchFrame(seq int, event string, d json.RawMessage) []byte {
	b, _ := json.Marshal(gwPayload{Op: opDispatch, D: d, S: &seq, T: &event})
	return b
}

// write sends one text frame; the caller holds c.wmu.
func (c *gwConn) write(b []byte) error {
	c.ws.SetWriteDeadline(time.Now().Add(writeTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, b)
}

func (c *gwConn) send(b []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.write(b)
}

// closeWith sends a close frame with code and closes the socket.
func (c *gwConn) closeWith(code int, reason string) {
	msg := websocket.FormatCloseMessage(code, reason)
	c.ws.WriteControl(websocket.CloseMessage, msg, time.Now().Add(writeTimeout))
	c.ws.Close()
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (s *Server) serveGateway(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		s.errorf("gateway: upgrade: %v", err)
		return
	}
	c := &gwConn{ws: ws}
	s.mu.Lock()
	if s.stopping {
		s.mu.Unlock()
		ws.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		if c.session != nil && c.session.conn == c {
			c.session.conn = nil
		}
		s.mu.Unlock()
		ws.Close()
	}()

	q := r.URL.Query()
	version := q.Get("v")
	if version != "9" && version != "10" {
		s.errorf("gateway: dialled with v=%q; discordgo v0.29.0 sends v=9", version)
		c.closeWith(4012, "Invalid API version")
		return
	}
	if enc := q.Get("encoding"); enc != "json" {
		s.errorf("gateway: dialled with encoding=%q; the fake speaks only json", enc)
		c.closeWith(4002, "Decode error")
		return
	}
	if err := c.send(frame(opHello, map[string]any{"heartbeat_interval": s.heartbeat.Milliseconds()})); err != nil {
		return
	}
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			return
		}
		var p gwPayload
		if err := json.Unmarshal(data, &p); err != nil {
			s.errorf("gateway: undecodable frame: %v", err)
			c.closeWith(4002, "Decode error")
			return
		}
		s.mu.Lock()
		identified := c.identified
		s.mu.Unlock()
		switch {
		case p.Op == opHeartbeat:
			s.mu.Lock()
			s.heartbeats++
			s.notify()
			s.mu.Unlock()
			if c.send(frame(opHeartbeatACK, nil)) != nil {
				return
			}
		case p.Op == opIdentify:
			if identified {
				s.logf("gateway: second IDENTIFY on one connection; closing with 4005")
				c.closeWith(4005, "Already authenticated.")
				return
			}
			if !s.identify(c, version, p.D) {
				return
			}
		case p.Op == opResume:
			if identified {
				s.logf("gateway: RESUME on an authenticated connection; closing with 4005")
				c.closeWith(4005, "Already authenticated.")
				return
			}
			if !s.resume(c, p.D) {
				return
			}
		case !identified:
			s.logf("gateway: op %d before IDENTIFY; closing with 4003", p.Op)
			c.closeWith(4003, "Not authenticated.")
			return
		case p.Op == opPresence, p.Op == opVoiceState, p.Op == opRequestMembers:
			// Accepted and ignored: the fake has no presences, voice or members.
		default:
			s.logf("gateway: unknown op %d; closing with 4001", p.Op)
			c.closeWith(4001, "Unknown opcode.")
			return
		}
	}
}

// tokenOK accepts the token with or without the "Bot " prefix, as the real
// gateway does (REST insists on the prefix).
func (s *Server) tokenOK(tok string) bool {
	return tok == "Bot "+s.token || tok == s.token
}

// identify handles op 2 and reports whether the connection stays open.
func (s *Server) identify(c *gwConn, version string, d json.RawMessage) bool {
	var id struct {
		Token          string          `json:"token"`
		Intents        *int            `json:"intents"`
		Shard          []int           `json:"shard"`
		Properties     map[string]any  `json:"properties"`
		Compress       bool            `json:"compress"`
		LargeThreshold int             `json:"large_threshold"`
		Presence       json.RawMessage `json:"presence"`
	}
	if err := json.Unmarshal(d, &id); err != nil {
		s.errorf("gateway: undecodable IDENTIFY: %v", err)
		c.closeWith(4002, "Decode error")
		return false
	}
	switch {
	case !s.tokenOK(id.Token):
		// The token itself is never logged.
		s.logf("gateway: IDENTIFY with a wrong token; closing with 4004")
		c.closeWith(4004, "Authentication failed.")
		return false
	case id.Intents == nil || *id.Intents < 0:
		s.logf("gateway: IDENTIFY without intents; closing with 4013")
		c.closeWith(4013, "Invalid intent(s).")
		return false
	case *id.Intents&s.disallowed != 0:
		s.logf("gateway: IDENTIFY asks for privileged intents %d that are not enabled; closing with 4014",
			*id.Intents&s.disallowed)
		c.closeWith(4014, "Disallowed intent(s).")
		return false
	case id.Shard != nil && (len(id.Shard) != 2 || id.Shard[1] < 1 || id.Shard[0] < 0 || id.Shard[0] >= id.Shard[1]):
		s.logf("gateway: IDENTIFY with invalid shard %v; closing with 4010", id.Shard)
		c.closeWith(4010, "Invalid shard.")
		return false
	}
	props := map[string]string{}
	for k, v := range id.Properties {
		// discordgo v0.29.0 still sends the deprecated "$os" style names.
		props[strings.TrimPrefix(k, "$")] = fmt.Sprint(v)
	}

	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.mu.Lock()
	s.nextSession++
	sess := &gwSession{id: fmt.Sprintf("fake-session-%d", s.nextSession), conn: c}
	sess.identify = Identify{
		Intents:        discordgo.Intent(*id.Intents),
		Shard:          id.Shard,
		Properties:     props,
		Compress:       id.Compress,
		LargeThreshold: id.LargeThreshold,
		SessionID:      sess.id,
		Time:           s.now(),
	}
	s.sessions[sess.id] = sess
	s.session = sess
	key := sess.identify.key()
	s.shards[key] = sess
	c.session, c.identified, c.ready = sess, true, true

	v := 9
	if version == "10" {
		v = 10
	}
	// A shard's READY names only the guilds Discord routes to it.
	var guilds []string
	for _, g := range s.guilds {
		if ShardOf(g, key.count) == key.id {
			guilds = append(guilds, g)
		}
	}
	unavailable := make([]map[string]any, 0, len(guilds))
	for _, g := range guilds {
		unavailable = append(unavailable, map[string]any{"id": g, "unavailable": true})
	}
	ready := map[string]any{
		"v":                  v,
		"user":               s.bot,
		"guilds":             unavailable,
		"session_id":         sess.id,
		"resume_gateway_url": gatewayURL,
		"application":        map[string]any{"id": s.appID, "flags": 0},
		"private_channels":   []any{},
		"relationships":      []any{},
		"user_settings":      map[string]any{},
		"_trace":             []string{"fakediscord"},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	out := [][]byte{s.appendFrame(sess, "READY", ready)}
	s.deliver(sess, "READY", "", sess.seq)
	if *id.Intents&int(discordgo.IntentGuilds) != 0 {
		for _, g := range guilds {
			out = append(out, s.appendFrame(sess, "GUILD_CREATE", s.guildCreate(g)))
			s.deliver(sess, "GUILD_CREATE", g, sess.seq)
		}
	}
	s.identifies = append(s.identifies, &taken[Identify]{v: sess.identify})
	s.notify()
	s.mu.Unlock()
	for _, b := range out {
		if c.write(b) != nil {
			return false
		}
	}
	return true
}

// appendFrame numbers a dispatch and keeps it for replay; the caller holds s.mu.
func (s *Server) appendFrame(sess *gwSession, event string, d any) []byte {
	raw, err := json.Marshal(d)
	if err != nil {
		panic(err) // the fake marshals only its own values
	}
	sess.seq++
	b := dispatchFrame(sess.seq, event, raw)
	sess.frames = append(sess.frames, gwFrame{seq: sess.seq, data: b})
	return b
}

// guildCreate is a small but complete GUILD_CREATE for guild id g, with
// the text channels WithChannel gave it.
func (s *Server) guildCreate(g string) map[string]any {
	channels := []any{}
	for i, ch := range s.channels[g] {
		channels = append(channels, map[string]any{
			"id": ch.ID, "type": 0, "guild_id": g, "name": ch.Name, "position": i, "flags": 0,
			"permission_overwrites": []any{}, "nsfw": false, "parent_id": nil, "topic": nil,
			"last_message_id": nil, "rate_limit_per_user": 0,
		})
	}
	return map[string]any{
		"id": g, "name": "Guild " + g, "icon": nil, "owner_id": DefaultUserID,
		"joined_at": joinedAt, "large": false, "unavailable": false, "member_count": 2,
		"preferred_locale": "en-US", "features": []any{}, "emojis": []any{}, "stickers": []any{},
		"channels": channels, "threads": []any{}, "members": []any{}, "voice_states": []any{},
		"presences": []any{}, "stage_instances": []any{}, "guild_scheduled_events": []any{},
		"roles": []any{map[string]any{
			"id": g, "name": "@everyone", "permissions": fmt.Sprint(DefaultMemberPermissions),
			"position": 0, "color": 0, "hoist": false, "managed": false, "mentionable": false, "flags": 0,
		}},
	}
}

// resume handles op 6 and reports whether the connection stays open.
func (s *Server) resume(c *gwConn, d json.RawMessage) bool {
	var r struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int    `json:"seq"`
	}
	if err := json.Unmarshal(d, &r); err != nil {
		s.errorf("gateway: undecodable RESUME: %v", err)
		c.closeWith(4002, "Decode error")
		return false
	}
	if !s.tokenOK(r.Token) {
		s.logf("gateway: RESUME with a wrong token; closing with 4004")
		c.closeWith(4004, "Authentication failed.")
		return false
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.mu.Lock()
	rec := Resume{SessionID: r.SessionID, Seq: r.Seq, Time: s.now()}
	if s.reconnectResumes > 0 {
		s.reconnectResumes--
		rec.Reconnected = true
		s.resumes = append(s.resumes, &taken[Resume]{v: rec})
		s.notify()
		s.mu.Unlock()
		s.logf("gateway: RESUME answered with op 7, as ReconnectOnNextResume asked (discordgo issue #513)")
		return c.write(frame(opReconnect, nil)) == nil
	}
	sess := s.sessions[r.SessionID]
	if sess == nil || r.Seq > sess.seq {
		s.resumes = append(s.resumes, &taken[Resume]{v: rec})
		s.notify()
		s.mu.Unlock()
		// discordgo answers op 9 with a fresh IDENTIFY on this connection.
		return c.write(frame(opInvalidSession, false)) == nil
	}
	var out [][]byte
	for _, f := range sess.frames {
		if f.seq > r.Seq {
			out = append(out, f.data)
		}
	}
	rec.OK, rec.Replayed = true, len(out)
	if old := sess.conn; old != nil && old != c {
		old.ws.Close()
	}
	sess.conn = c
	s.session = sess
	s.shards[sess.identify.key()] = sess
	c.session, c.identified, c.ready = sess, true, true
	out = append(out, s.appendFrame(sess, "RESUMED", map[string]any{"_trace": []string{"fakediscord"}}))
	s.resumes = append(s.resumes, &taken[Resume]{v: rec})
	s.notify()
	s.mu.Unlock()
	for _, b := range out {
		if c.write(b) != nil {
			return false
		}
	}
	return true
}

var errNoSession = errors.New("no gateway session: Open the discordgo session (and WaitIdentified) first")

// send dispatches event on the latest session of shard k. While the
// client is disconnected the dispatch is kept and replayed when it
// resumes, as Discord does.
func (s *Server) send(k shardKey, event, guildID string, raw json.RawMessage) error {
	for {
		s.mu.Lock()
		sess := s.shards[k]
		if sess == nil {
			s.mu.Unlock()
			return errNoSession
		}
		c := sess.conn
		if c == nil || !c.ready {
			seq := sess.seq + 1
			sess.seq = seq
			sess.frames = append(sess.frames, gwFrame{seq: seq, data: dispatchFrame(seq, event, raw)})
			s.deliver(sess, event, guildID, seq)
			s.mu.Unlock()
			s.logf("gateway: %s kept for replay: the client is not connected", event)
			return nil
		}
		s.mu.Unlock()
		c.wmu.Lock()
		s.mu.Lock()
		if s.shards[k] != sess || sess.conn != c || !c.ready {
			s.mu.Unlock()
			c.wmu.Unlock()
			continue
		}
		sess.seq++
		b := dispatchFrame(sess.seq, event, raw)
		sess.frames = append(sess.frames, gwFrame{seq: sess.seq, data: b})
		s.deliver(sess, event, guildID, sess.seq)
		s.mu.Unlock()
		err := c.write(b)
		c.wmu.Unlock()
		if err != nil {
			s.logf("gateway: %s kept for replay: write: %v", event, err)
		}
		return nil
	}
}

// Dispatch sends a gateway dispatch (op 0) with the next sequence number
// to the session of the shard that Discord routes the event's guild to
// (guild_id, or the id of a GUILD_CREATE; direct messages go to shard 0):
// see ShardOf. An unsharded client gets everything. d is marshalled to
// JSON; for *Interaction and *Message (from the builders) Dispatch also
// does what Discord would:
//
//   - INTERACTION_CREATE: fills ApplicationID and the command id, checks that
//     discordgo can decode the payload, and starts the interaction's clock
//     (3 s to the first callback, 15 min for the token).
//   - MESSAGE_CREATE and MESSAGE_UPDATE: drops the event when the session
//     lacks GUILD_MESSAGES (guild) or DIRECT_MESSAGES (DM), and blanks
//     content, embeds, attachments and components of a guild message that
//     does not mention the bot when it lacks MESSAGE_CONTENT. Both are logged.
//
// Dispatch fails the test if no session serves the event's shard.
func (s *Server) Dispatch(tb testing.TB, event string, d any) {
	tb.Helper()
	switch v := d.(type) {
	case Interaction:
		d = &v
	case Message:
		d = &v
	}
	raw, err := json.Marshal(d)
	if err != nil {
		tb.Errorf("fakediscord: Dispatch %s: %v", event, err)
		return
	}
	guildID := eventGuild(event, raw)
	s.mu.Lock()
	keys, err := s.targets(guildID)
	intents := map[shardKey]discordgo.Intent{}
	for _, k := range keys {
		intents[k] = s.shards[k].identify.Intents
	}
	s.mu.Unlock()
	if err != nil {
		tb.Errorf("fakediscord: Dispatch %s: %v", event, err)
		return
	}
	switch v := d.(type) {
	case *Interaction:
		if !s.prepareInteraction(tb, v) {
			return
		}
		if raw, err = json.Marshal(v); err != nil {
			tb.Errorf("fakediscord: Dispatch %s: %v", event, err)
			return
		}
	case *Message:
		if event == "MESSAGE_CREATE" || event == "MESSAGE_UPDATE" {
			// The message now exists in its channel, as the client may
			// read it back (GET /channels/{id}/messages/{id}).
			s.mu.Lock()
			s.userMessages[v.ID] = v.clone()
			s.mu.Unlock()
		}
	}
	for _, k := range keys {
		out := raw
		if m, ok := d.(*Message); ok && (event == "MESSAGE_CREATE" || event == "MESSAGE_UPDATE") {
			g, ok := s.gateMessage(event, m, intents[k])
			if !ok {
				continue
			}
			var dm discordgo.Message
			out, err = json.Marshal(g)
			if err == nil {
				err = json.Unmarshal(out, &dm)
			}
			if err != nil {
				tb.Errorf("fakediscord: Dispatch %s: discordgo cannot decode the message: %v", event, err)
				return
			}
		}
		if err := s.send(k, event, guildID, out); err != nil {
			tb.Errorf("fakediscord: Dispatch %s: %v", event, err)
		}
	}
}

// DispatchInteraction sends i as INTERACTION_CREATE; see Dispatch.
func (s *Server) DispatchInteraction(tb testing.TB, i *Interaction) {
	tb.Helper()
	s.Dispatch(tb, "INTERACTION_CREATE", i)
}

// gateMessage applies the intent rules to a message dispatch to a session
// that identified with intents.
func (s *Server) gateMessage(event string, m *Message, intents discordgo.Intent) (*Message, bool) {
	if m.GuildID != "" && intents&discordgo.IntentGuildMessages == 0 {
		s.logf("gateway: %s in a guild not sent: the session lacks the GUILD_MESSAGES intent", event)
		return nil, false
	}
	if m.GuildID == "" && intents&discordgo.IntentDirectMessages == 0 {
		s.logf("gateway: %s in a DM not sent: the session lacks the DIRECT_MESSAGES intent", event)
		return nil, false
	}
	if m.GuildID == "" || intents&discordgo.IntentMessageContent != 0 || m.Author.ID == s.bot.ID {
		return m, true
	}
	for _, u := range m.Mentions {
		if u.ID == s.bot.ID {
			return m, true
		}
	}
	s.logf("gateway: %s content blanked: the session lacks MESSAGE_CONTENT and the bot is not mentioned", event)
	c := m.clone()
	c.Content, c.Embeds, c.Attachments, c.Components = "", nil, nil, nil
	return c, true
}

// SendReconnect sends op 7 RECONNECT: discordgo closes with 1012 and
// reconnects with RESUME, which the fake answers with RESUMED. Call it only
// once the session is READY or RESUMED (WaitIdentified, WaitResumed): op 7
// arriving while discordgo's Open waits for READY/RESUMED deadlocks the
// client (discordgo issue #513), so the fake never answers a RESUME with
// op 7 and this reports an error if a handshake is in progress.
func (s *Server) SendReconnect(tb testing.TB) {
	tb.Helper()
	c := s.readyConn(tb, "SendReconnect")
	if c != nil {
		if err := c.send(frame(opReconnect, nil)); err != nil {
			tb.Errorf("fakediscord: SendReconnect: %v", err)
		}
	}
}

// ReconnectOnNextResume makes the fake answer the next RESUME with op 7
// RECONNECT instead of RESUMED, as Discord may when a gateway node goes
// away during the handshake. discordgo v0.29.0 deadlocks on it (issue
// #513): its Open holds the session lock while it reads the answer, and
// handling op 7 takes that lock again. The session is then wedged for
// good: it never reads the gateway again, and its Close blocks forever, so
// a test that uses this must not Close the wedged session. It exists to
// test a client's guard against the deadlock.
func (s *Server) ReconnectOnNextResume() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reconnectResumes++
}

// SendInvalidSession sends op 9 INVALID_SESSION. discordgo ignores d and
// IDENTIFYs again at once on the same connection; when resumable is false the
// old session can no longer be resumed.
func (s *Server) SendInvalidSession(tb testing.TB, resumable bool) {
	tb.Helper()
	c := s.readyConn(tb, "SendInvalidSession")
	if c == nil {
		return
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	s.mu.Lock()
	c.identified, c.ready = false, false
	if !resumable && c.session != nil {
		delete(s.sessions, c.session.id)
	}
	s.mu.Unlock()
	if err := c.write(frame(opInvalidSession, resumable)); err != nil {
		tb.Errorf("fakediscord: SendInvalidSession: %v", err)
	}
}

// CloseGateway closes the current gateway connection with a close frame
// carrying code (e.g. 4000 to invite a RESUME, 4004 or 4014 to refuse). Note
// that discordgo v0.29.0 ignores close codes and reconnects whenever
// ShouldReconnectOnError is set.
func (s *Server) CloseGateway(tb testing.TB, code int) {
	tb.Helper()
	if c := s.currentConn(tb, "CloseGateway"); c != nil {
		c.closeWith(code, "")
	}
}

// DropGateway cuts the current gateway connection without a close frame, as
// a network failure would.
func (s *Server) DropGateway(tb testing.TB) {
	tb.Helper()
	if c := s.currentConn(tb, "DropGateway"); c != nil {
		c.ws.UnderlyingConn().Close()
	}
}

func (s *Server) currentConn(tb testing.TB, what string) *gwConn {
	tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.session == nil || s.session.conn == nil {
		tb.Errorf("fakediscord: %s: no gateway connection", what)
		return nil
	}
	return s.session.conn
}

func (s *Server) readyConn(tb testing.TB, what string) *gwConn {
	tb.Helper()
	c := s.currentConn(tb, what)
	if c == nil {
		return nil
	}
	s.mu.Lock()
	ready := c.ready
	s.mu.Unlock()
	if !ready {
		tb.Errorf("fakediscord: %s: the connection is still in its IDENTIFY/RESUME handshake; "+
			"wait for WaitIdentified or WaitResumed first (discordgo issue #513)", what)
		return nil
	}
	return c
}

// Heartbeats returns how many op 1 heartbeats the fake has received (each
// answered with op 11).
func (s *Server) Heartbeats() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.heartbeats
}

// WaitIdentified waits for an IDENTIFY that an earlier WaitIdentified has not
// returned, answered with READY, and returns it. It calls tb.Fatalf after
// timeout, so call it from the test's goroutine.
func (s *Server) WaitIdentified(tb testing.TB, timeout time.Duration) Identify {
	tb.Helper()
	var got Identify
	ok := s.waitFor(timeout, func() bool {
		for _, r := range s.identifies {
			if !r.taken {
				r.taken, got = true, r.v
				return true
			}
		}
		return false
	})
	if !ok {
		tb.Fatalf("fakediscord: no IDENTIFY within %v", timeout)
	}
	return got
}

// WaitResumed waits for a RESUME that an earlier WaitResumed has not returned
// and returns it. It calls tb.Fatalf after timeout.
func (s *Server) WaitResumed(tb testing.TB, timeout time.Duration) Resume {
	tb.Helper()
	var got Resume
	ok := s.waitFor(timeout, func() bool {
		for _, r := range s.resumes {
			if !r.taken {
				r.taken, got = true, r.v
				return true
			}
		}
		return false
	})
	if !ok {
		tb.Fatalf("fakediscord: no RESUME within %v", timeout)
	}
	return got
}
