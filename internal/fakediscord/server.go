package fakediscord

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/gorilla/websocket"
)

// Identifiers the fake uses unless an Option says otherwise. They are valid
// snowflakes, so they pass the path checks, and distinct, so a bot that mixes
// up the application id and an interaction id is caught.
const (
	DefaultToken         = "test-token"
	DefaultApplicationID = "1100000000000000001" // also the bot user's id, as for most bots
	DefaultGuildID       = "1100000000000000100"
	DefaultChannelID     = "1100000000000000200"
	DefaultUserID        = "1100000000000000300"
)

// DefaultHeartbeatInterval is Discord's usual heartbeat_interval. Tests that
// want to see heartbeats use WithHeartbeatInterval with a few tens of ms.
const DefaultHeartbeatInterval = 41250 * time.Millisecond

// Server is a stand-in for Discord's REST API and gateway. Create it with New;
// it is closed by the test's cleanup. All methods are safe for concurrent use.
type Server struct {
	tb        testing.TB
	srv       *httptest.Server
	now       func() time.Time
	token     string
	appID     string
	bot       User
	guilds    []string
	heartbeat time.Duration
	// disallowed holds privileged intents that the "Developer Portal" has not
	// enabled; an IDENTIFY asking for one is closed with 4014.
	disallowed int
	specPath   string
	specSet    bool
	spec       *spec // nil when the OpenAPI document is absent

	// reportMu keeps reports from landing after the test has ended, which
	// the testing package turns into a panic.
	reportMu sync.RWMutex
	closed   bool

	mu         sync.Mutex
	stopping   bool
	changed    chan struct{} // closed and replaced whenever the records grow
	requests   []*recorded
	identifies []*taken[Identify]
	resumes    []*taken[Resume]
	heartbeats int
	// reconnectResumes is how many RESUMEs are still to be answered with
	// op 7 (ReconnectOnNextResume).
	reconnectResumes int
	sessions         map[string]*gwSession
	session          *gwSession              // the latest session identified or resumed, for the fault helpers
	shards           map[shardKey]*gwSession // the latest session of each shard, which Dispatch routes to
	deliveries       []Delivery
	conns            map[*gwConn]struct{}
	nextSession      int
	interactions     map[string]*interactionState // by interaction id
	byToken          map[string]*interactionState // by interaction token
	messages         map[string]*Message
	msgOrder         []string
	userMessages     map[string]*Message // MESSAGE_CREATE dispatched, for GET message
	commandIDs       map[string]string   // guild + "/" + type + "/" + name → id
	faults           []*fault
	transports       []*http.Transport
	cdn              map[string]*cdnFile  // channel id + "/" + attachment id
	channels         map[string][]Channel // text channels by guild id, for GUILD_CREATE

	wg sync.WaitGroup // gateway connection goroutines
}

// Option configures a Server.
type Option func(*Server)

// WithToken sets the bot token the fake expects, without the "Bot " prefix.
// REST calls must send "Authorization: Bot <token>"; IDENTIFY and RESUME must
// carry the same token, or the gateway closes with 4004.
func WithToken(token string) Option { return func(s *Server) { s.token = token } }

// WithApplicationID sets the application id, which is also the bot user's id
// unless WithBotUser sets another.
func WithApplicationID(id string) Option {
	return func(s *Server) {
		if s.bot.ID == s.appID {
			s.bot.ID = id
		}
		s.appID = id
	}
}

// WithBotUser sets the bot user that READY and GET /users/@me return and that
// authors the bot's messages. Bot is forced to true.
func WithBotUser(u User) Option {
	return func(s *Server) {
		u.Bot = true
		s.bot = u
	}
}

// WithGuilds sets the guilds the bot is in: READY lists them as unavailable
// and, when the session asked for the GUILDS intent, a GUILD_CREATE follows
// for each, as on Discord. The default is DefaultGuildID.
func WithGuilds(ids ...string) Option { return func(s *Server) { s.guilds = ids } }

// Channel is a guild text channel that GUILD_CREATE lists.
type Channel struct {
	ID   string
	Name string
}

// WithChannel adds a text channel to the GUILD_CREATE of guildID, so that a
// client's state knows its name. Without it guilds list no channels.
func WithChannel(guildID, channelID, name string) Option {
	return func(s *Server) {
		if s.channels == nil {
			s.channels = map[string][]Channel{}
		}
		s.channels[guildID] = append(s.channels[guildID], Channel{ID: channelID, Name: name})
	}
}

// WithHeartbeatInterval sets the heartbeat_interval sent in HELLO.
func WithHeartbeatInterval(d time.Duration) Option { return func(s *Server) { s.heartbeat = d } }

// WithClock replaces time.Now for the interaction deadlines (3 s to the first
// callback, 15 min for the token) and for timestamps, so tests can move time
// without sleeping. See Clock.
func WithClock(now func() time.Time) Option { return func(s *Server) { s.now = now } }

// WithOpenAPISpec sets the path of Discord's openapi.json. The default is
// found by walking up from the working directory to a directory holding
// shared/discord/openapi.json. An empty path turns the spec check off; the
// documented-limit checks still run.
func WithOpenAPISpec(path string) Option {
	return func(s *Server) { s.specPath, s.specSet = path, true }
}

// WithDisallowedIntents marks privileged intents (such as
// discordgo.IntentMessageContent) as not enabled for the application: an
// IDENTIFY that asks for any of them is closed with 4014, as on Discord.
func WithDisallowedIntents(mask discordgo.Intent) Option {
	return func(s *Server) { s.disallowed = int(mask) }
}

// New starts a fake Discord serving REST and the gateway over TLS and
// registers its shutdown with tb.Cleanup. Point a discordgo session at it with
// Redirect.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:           tb,
		now:          time.Now,
		token:        DefaultToken,
		appID:        DefaultApplicationID,
		bot:          User{ID: DefaultApplicationID, Username: "Verbatim", Bot: true},
		guilds:       []string{DefaultGuildID},
		heartbeat:    DefaultHeartbeatInterval,
		changed:      make(chan struct{}),
		sessions:     map[string]*gwSession{},
		shards:       map[shardKey]*gwSession{},
		conns:        map[*gwConn]struct{}{},
		interactions: map[string]*interactionState{},
		byToken:      map[string]*interactionState{},
		messages:     map[string]*Message{},
		userMessages: map[string]*Message{},
		commandIDs:   map[string]string{},
	}
	for _, o := range opts {
		o(s)
	}
	if !s.specSet {
		s.specPath = findSpec()
	}
	if s.specPath == "" {
		tb.Log("fakediscord: shared/discord/openapi.json not found; request bodies are checked against the documented limits only, not the OpenAPI spec")
	} else {
		sp, err := loadSpec(s.specPath)
		if err != nil {
			tb.Fatalf("fakediscord: %v", err)
		}
		s.spec = sp
	}
	s.srv = httptest.NewTLSServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(s.close)
	return s
}

// Redirect points a discordgo session at the fake without touching
// discordgo's package variables: s.Client and s.Dialer dial the fake whatever
// host the URL names, and trust the fake's certificate (issued for
// example.com). Real URLs such as https://discord.com/api/v9/... and
// wss://gateway.discord.gg/ therefore land here, and tests may run in
// parallel, each with its own fake.
func (s *Server) Redirect(sess *discordgo.Session) {
	pool := x509.NewCertPool()
	pool.AddCert(s.srv.Certificate())
	tr := redirect(sess, s.srv.Listener.Addr().String(), pool)
	s.mu.Lock()
	s.transports = append(s.transports, tr)
	s.mu.Unlock()
}

// Endpoint returns the fake's address and its TLS certificate in PEM, so
// that another process (a test binary run as a child, standing for a
// second bot process) can point its session at the fake with RedirectTo.
func (s *Server) Endpoint() (addr string, certPEM []byte) {
	return s.srv.Listener.Addr().String(),
		pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: s.srv.Certificate().Raw})
}

// RedirectTo is Redirect for a fake running in another process, known by
// its Endpoint.
func RedirectTo(sess *discordgo.Session, addr string, certPEM []byte) error {
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(certPEM) {
		return errors.New("fakediscord: RedirectTo: no certificate in certPEM")
	}
	redirect(sess, addr, pool)
	return nil
}

func redirect(sess *discordgo.Session, addr string, pool *x509.CertPool) *http.Transport {
	tlsCfg := &tls.Config{RootCAs: pool, ServerName: "example.com", MinVersion: tls.VersionTLS12}
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	tr := &http.Transport{DialContext: dial, TLSClientConfig: tlsCfg.Clone()}
	sess.Client = &http.Client{Transport: tr, Timeout: 20 * time.Second}
	sess.Dialer = &websocket.Dialer{NetDialContext: dial, TLSClientConfig: tlsCfg.Clone(), HandshakeTimeout: 10 * time.Second}
	return tr
}

// ApplicationID returns the application id interactions carry.
func (s *Server) ApplicationID() string { return s.appID }

// BotUser returns the bot user that READY announces; pass it to MessageCreate
// as a mention to address the bot.
func (s *Server) BotUser() User { return s.bot }

func (s *Server) close() {
	s.mu.Lock()
	s.stopping = true
	conns := make([]*gwConn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	trs := s.transports
	s.mu.Unlock()
	for _, c := range conns {
		c.ws.Close()
	}
	s.wg.Wait()
	s.srv.Close()
	for _, tr := range trs {
		tr.CloseIdleConnections()
	}
	s.reportMu.Lock()
	s.closed = true
	s.reportMu.Unlock()
}

// errorf reports a failure on the test unless it has ended.
func (s *Server) errorf(format string, args ...any) {
	s.reportMu.RLock()
	defer s.reportMu.RUnlock()
	if !s.closed {
		s.tb.Errorf("fakediscord: "+format, args...)
	}
}

// logf logs on the test unless it has ended.
func (s *Server) logf(format string, args ...any) {
	s.reportMu.RLock()
	defer s.reportMu.RUnlock()
	if !s.closed {
		s.tb.Logf("fakediscord: "+format, args...)
	}
}

// notify wakes every waiter; the caller holds s.mu.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// waitFor calls find under s.mu until it reports true or timeout passes.
func (s *Server) waitFor(timeout time.Duration, find func() bool) bool {
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ok := find()
		ch := s.changed
		s.mu.Unlock()
		if ok {
			return true
		}
		select {
		case <-ch:
		case <-deadline.C:
			s.mu.Lock()
			ok = find()
			s.mu.Unlock()
			return ok
		}
	}
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if websocket.IsWebSocketUpgrade(r) && !strings.HasPrefix(r.URL.Path, "/api/") {
		s.serveGateway(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/attachments/") {
		s.serveCDN(w, r)
		return
	}
	s.serveREST(w, r)
}

// Clock is a manual clock for WithClock: time stands still until Advance.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a Clock showing t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// taken pairs a record with whether a Wait call has already returned it.
type taken[T any] struct {
	v     T
	taken bool
}

// String identifies the fake by its address, for test logs.
func (s *Server) String() string { return fmt.Sprintf("fakediscord.Server(%s)", s.srv.URL) }
