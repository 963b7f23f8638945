package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Searcher answers a question from one library.
type Searcher interface {
	// Search returns the results for q, best first; the first n results are
	// the same whatever q.Limit, so pages agree. It returns
	// retrieval.ErrEmptyQuery when the question has no searchable word,
	// retrieval.ErrUnknownLibrary when the library does not exist and
	// retrieval.ErrNoMatch when nothing is relevant. An Offset past the last
	// result gives an empty list and no error.
	Search(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error)
}

// SourceLister lists the sources of a library.
type SourceLister interface {
	// Sources returns the sources of library, without their text, in the
	// order they were added. It returns retrieval.ErrUnknownLibrary when the
	// library does not exist.
	Sources(ctx context.Context, library string) ([]retrieval.Source, error)
}

// QuoteLister lists the quotes of a library.
type QuoteLister interface {
	// Quotes returns the quotes matching f in source and text order. It
	// returns retrieval.ErrUnknownLibrary when the library does not exist.
	Quotes(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error)
}

// SpeakerLister completes speaker names.
type SpeakerLister interface {
	// Speakers returns at most limit speakers of library whose name (or a
	// word of it) starts with prefix, ignoring case, most quoted first. It
	// returns retrieval.ErrUnknownLibrary when the library does not exist.
	Speakers(ctx context.Context, library, prefix string, limit int) ([]string, error)
}

// PassageReader reads one paragraph of a source.
type PassageReader interface {
	// Passage returns paragraph n (from 1) of source id in library. It
	// returns retrieval.ErrUnknownLibrary, or retrieval.ErrUnknownSource
	// when the source or the paragraph is gone.
	Passage(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error)
}

// Library is everything the bot reads from the index: *retrieval.Index
// satisfies it.
type Library interface {
	Searcher
	SourceLister
	QuoteLister
	SpeakerLister
	PassageReader
}

// SampleLoader loads the built-in sample library. The bot cannot do it
// itself: the sample is embedded in package data, which bot must not
// import, so cmd provides it.
type SampleLoader interface {
	// LoadSample adds the sample documents to library (creating it) and
	// returns how many were new; loading them twice adds nothing.
	LoadSample(ctx context.Context, library string) (added int, err error)
}

// SampleLoaderFunc adapts a function to SampleLoader.
type SampleLoaderFunc func(ctx context.Context, library string) (int, error)

// LoadSample calls f.
func (f SampleLoaderFunc) LoadSample(ctx context.Context, library string) (int, error) {
	return f(ctx, library)
}

// LibraryName is the library that holds the sources of the Discord server
// guildID. It is what moderators pass to "verbatim ingest --library".
func LibraryName(guildID string) string { return "guild-" + guildID }

// Defaults for the Bot's options.
const (
	DefaultCooldown        = 3 * time.Second
	DefaultMaxResults      = 3
	DefaultStateTTL        = 30 * time.Minute
	DefaultMaxStates       = 10000
	DefaultAnswerTimeout   = 10 * time.Second
	DefaultShutdownTimeout = 10 * time.Second
	DefaultDeferAfter      = 1500 * time.Millisecond
	DefaultMaxUpload       = 10 << 20 // Discord's upload limit without Nitro
	DefaultCurateTimeout   = 2 * time.Minute
)

// MaxQuestionLength is the longest question /ask accepts, in characters;
// Discord enforces it through the option's max_length.
const MaxQuestionLength = 500

// Config is what cmd reads from the environment for the bot.
type Config struct {
	// Token is the bot token, with or without the "Bot " prefix. A secret:
	// it is never logged (Config's LogValue and String hide it).
	Token string
	// GuildID, if set, registers the commands in that server only, where
	// they appear at once (for development); otherwise globally.
	GuildID string
}

// String describes c without its token.
func (c Config) String() string {
	return fmt.Sprintf("bot.Config{Token: %s, GuildID: %q}", redact(c.Token), c.GuildID)
}

// GoString is String, so that %#v hides the token too.
func (c Config) GoString() string { return c.String() }

// LogValue logs c without its token.
func (c Config) LogValue() slog.Value {
	return slog.GroupValue(slog.String("token", redact(c.Token)), slog.String("guild_id", c.GuildID))
}

func redact(token string) string {
	if token == "" {
		return "(unset)"
	}
	return "(set)"
}

// Bot is Verbatim on Discord. Create it with New, set the exported fields,
// then Open; Close stops it. The fields are read once, by Open or by the
// first HandleInteraction or HandleMessage: set them before.
type Bot struct {
	// Logger receives the details of every error; defaults to slog.Default().
	Logger *slog.Logger
	// Now is the clock for cooldowns and button state; defaults to time.Now.
	Now func() time.Time
	// Cooldown is the time a user must wait between questions (/ask, an
	// @mention, Find sources); 0 turns it off.
	Cooldown time.Duration
	// ServerRate is how many questions one server may ask per minute, all
	// its members together, in bursts of up to ServerRate; 0 or less (what
	// New sets) turns it off, and serve sets DefaultServerRate. Members
	// over it are told privately to try again later.
	ServerRate int
	// MaxQuestion is the longest question accepted, in characters, at most
	// MaxQuestionLength (which Discord enforces on /ask itself); longer
	// @mention questions are cut to it.
	MaxQuestion int
	// MaxResults is the number of quote cards in one answer, 1 to 5.
	MaxResults int
	// StateTTL is how long the buttons of an answer keep working, and
	// MaxStates how many answers' buttons are remembered at once (the
	// oldest are forgotten first).
	StateTTL  time.Duration
	MaxStates int
	// AnswerTimeout bounds the work for one interaction.
	AnswerTimeout time.Duration
	// DeferAfter is how long a handler that usually answers at once may
	// take before the bot defers its reply (Discord allows three seconds).
	DeferAfter time.Duration
	// ShutdownTimeout bounds how long Close waits for answers in flight.
	ShutdownTimeout time.Duration
	// Sample, if set, enables /library sample.
	Sample SampleLoader
	// Curator, if set, enables the curation commands (/source, /quote,
	// /collection, /settings, /optout and "Add as source") and channel
	// scopes. New sets it when the Library is also a Curator.
	Curator Curator
	// Study, if set, enables the study-group features: /compare, /export,
	// /daily, /pin, /unpin, /gaps, reading a quote in its context passage
	// by passage, feedback buttons and pinned answers. New sets it when
	// the Library is also a Study.
	Study Study
	// DailyTick, if set, drives the daily-quote scheduler: on each tick it
	// posts the daily quotes due at Now. When nil, Open ticks every
	// DefaultDailyInterval. Tests send ticks with a fake clock.
	DailyTick <-chan time.Time
	// Fetcher, if set, enables /source add url: and /source refresh.
	Fetcher Fetcher
	// MaxUpload is the largest attachment /source add accepts, in bytes;
	// at most retrieval.MaxDocumentSize.
	MaxUpload int64
	// CurateTimeout bounds the work for one curation interaction (a fetch
	// and a large ingest take longer than an answer).
	CurateTimeout time.Duration
	// StallTimeout is how long the Discord session may stay wedged (its
	// lock held throughout, as discordgo issue #513 leaves it) before the
	// bot abandons it and opens a new one; 0 turns the watchdog off.
	StallTimeout time.Duration
	// Session is the Discord session New creates, exposed so that tests
	// can point it at a fake Discord before Open. It serves the first of
	// Shards; Open makes a copy with the same settings for each other
	// shard. If a session stalls, the watchdog serves its shard through a
	// new copy instead; Session still names the first. Sessions returns
	// the ones serving now.
	Session *discordgo.Session
	// ShardCount is how many gateway shards the whole bot runs on, across
	// all its processes; 0 or 1 runs it unsharded. Shards are the ones
	// this Bot runs, one session each, all sharing its handlers, library
	// and limits; empty means shard 0. Discord sends a server's events to
	// shard (server_id >> 22) % ShardCount only, and direct messages to
	// shard 0. Only the Bot running shard 0 registers the commands, and
	// each Bot posts the daily quotes of its own shards' servers.
	ShardCount int
	Shards     []int
	// IdentifyInterval is the pause between opening two shards' sessions:
	// Discord accepts one IDENTIFY per 5 s (per max_concurrency bucket)
	// and invalidates the others. 0 opens them back to back.
	IdentifyInterval time.Duration

	cfg     Config
	lib     Library
	ctx     context.Context // cancelled by Close; every handler's context ends with it
	cancel  context.CancelFunc
	pages   *pageStore
	threads *threadStore
	cool    *cooldowns
	rate    *serverLimiter

	mu       sync.Mutex
	selfID   string // the bot's user id, from READY
	inflight int
	closing  bool
	closed   bool
	idle     chan struct{}      // closed when inflight drops to 0 while closing
	shards   []*shard           // set by Open, in shard order
	count    int                // ShardCount as Open read it: 1 when unsharded
	live     *discordgo.Session // the first shard's session serving: Session, or the watchdog's copy

	wg sync.WaitGroup // the watchdogs and the daily-quote scheduler
}

// New returns a Bot serving lib with the defaults set. It makes no network
// call; Open connects.
func New(cfg Config, lib Library) *Bot {
	token := strings.TrimSpace(cfg.Token)
	if token != "" && !strings.HasPrefix(token, "Bot ") {
		token = "Bot " + token
	}
	// discordgo.New cannot fail for a string token.
	s, _ := discordgo.New(token)
	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
	ctx, cancel := context.WithCancel(context.Background())
	cur, _ := lib.(Curator)
	study, _ := lib.(Study)
	return &Bot{
		Logger:           slog.Default(),
		Now:              time.Now,
		Cooldown:         DefaultCooldown,
		MaxQuestion:      MaxQuestionLength,
		MaxResults:       DefaultMaxResults,
		StateTTL:         DefaultStateTTL,
		MaxStates:        DefaultMaxStates,
		AnswerTimeout:    DefaultAnswerTimeout,
		DeferAfter:       DefaultDeferAfter,
		ShutdownTimeout:  DefaultShutdownTimeout,
		MaxUpload:        DefaultMaxUpload,
		CurateTimeout:    DefaultCurateTimeout,
		StallTimeout:     DefaultStallTimeout,
		IdentifyInterval: DefaultIdentifyInterval,
		Curator:          cur,
		Study:            study,
		Session:          s,
		cfg:              cfg,
		lib:              lib,
		ctx:              ctx,
		cancel:           cancel,
	}
}

// init fills in options left zero and creates the stores; it runs once,
// from Open or the first Handle call.
func (b *Bot) init() {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.pages != nil {
		return
	}
	if b.Logger == nil {
		b.Logger = slog.Default()
	}
	if b.Now == nil {
		b.Now = time.Now
	}
	b.MaxResults = min(max(b.MaxResults, 1), 5)
	if b.StateTTL <= 0 {
		b.StateTTL = DefaultStateTTL
	}
	if b.MaxStates <= 0 {
		b.MaxStates = DefaultMaxStates
	}
	if b.AnswerTimeout <= 0 {
		b.AnswerTimeout = DefaultAnswerTimeout
	}
	if b.DeferAfter <= 0 || b.DeferAfter > 2500*time.Millisecond {
		b.DeferAfter = DefaultDeferAfter
	}
	if b.ShutdownTimeout <= 0 {
		b.ShutdownTimeout = DefaultShutdownTimeout
	}
	if b.MaxUpload <= 0 {
		b.MaxUpload = DefaultMaxUpload
	}
	b.MaxUpload = min(b.MaxUpload, retrieval.MaxDocumentSize)
	if b.CurateTimeout <= 0 {
		b.CurateTimeout = DefaultCurateTimeout
	}
	b.pages = newPageStore(b.StateTTL, b.MaxStates)
	b.threads = newThreadStore(b.MaxStates)
	b.cool = newCooldowns(b.Cooldown)
	b.rate = newServerLimiter(b.ServerRate)
	if b.MaxQuestion <= 0 || b.MaxQuestion > MaxQuestionLength {
		b.MaxQuestion = MaxQuestionLength
	}
}

// Open connects each of the Bot's shards to Discord's gateway, one after
// the other, and, if it runs shard 0, registers the commands (a bulk
// overwrite, in Config.GuildID if set, else globally) once the first is
// ready. If any shard fails to connect, the ones already open are closed.
func (b *Bot) Open(ctx context.Context) error {
	b.init()
	if b.cfg.Token == "" {
		return errors.New("discord token is empty")
	}
	ids, count, err := shardSet(b.Shards, b.ShardCount)
	if err != nil {
		return err
	}
	shards := b.newShards(ids, count)
	b.mu.Lock()
	b.shards, b.count = shards, count
	b.mu.Unlock()
	for k, sh := range shards {
		if k > 0 && b.IdentifyInterval > 0 {
			select {
			case <-ctx.Done():
				b.abandonShards()
				return fmt.Errorf("connect to discord: %w", ctx.Err())
			case <-time.After(b.IdentifyInterval):
			}
		}
		if err := b.openShard(sh); err != nil {
			b.abandonShards()
			return fmt.Errorf("connect to discord: %s: %w", sh.name(count), err)
		}
		if k == 0 {
			if err := b.ready(ctx, sh, ids[0] == 0); err != nil {
				b.abandonShards()
				return err
			}
		}
	}
	if b.StallTimeout > 0 {
		for _, sh := range shards {
			b.wg.Add(1)
			go b.watch(sh)
		}
	}
	if b.Study != nil {
		tick, stop := b.DailyTick, func() {}
		if tick == nil {
			t := time.NewTicker(DefaultDailyInterval)
			tick, stop = t.C, t.Stop
		}
		b.wg.Add(1)
		go b.runDailies(tick, stop)
	}
	return nil
}

// ready reads the bot's ids from the first shard's READY and, if register,
// registers the commands through it.
func (b *Bot) ready(ctx context.Context, sh *shard, register bool) error {
	s := sh.first
	// Open returns once READY has been read, and the state holds it.
	appID := ""
	if st := s.State; st != nil {
		st.RLock()
		if st.User != nil {
			b.setSelf(st.User.ID)
			appID = st.User.ID
		}
		if st.Application != nil && st.Application.ID != "" {
			appID = st.Application.ID
		}
		st.RUnlock()
	}
	if appID == "" {
		return errors.New("connect to discord: READY named no application")
	}
	if !register {
		b.Logger.Info("discord bot ready; the commands are registered by the process running shard 0",
			"user_id", b.self(), "application_id", appID, "shard", sh.id, "shards", b.count)
		return nil
	}
	cmds := Commands(b.Sample != nil)
	if b.Curator != nil {
		cmds = append(cmds, CurationCommands()...)
	}
	if b.Study != nil {
		cmds = append(cmds, StudyCommands()...)
	}
	if _, err := s.ApplicationCommandBulkOverwrite(appID, b.cfg.GuildID, cmds,
		discordgo.WithContext(ctx)); err != nil {
		return fmt.Errorf("register commands: %w", err)
	}
	b.Logger.Info("discord bot ready", "user_id", b.self(), "application_id", appID, "guild_id", b.cfg.GuildID,
		"shards", b.count)
	return nil
}

// addHandlers routes s's events to b and returns the functions that
// remove the handlers again. Each handler answers through the session the
// event came in on.
func (b *Bot) addHandlers(s *discordgo.Session) []func() {
	return []func(){
		s.AddHandler(func(s *discordgo.Session, r *discordgo.Ready) {
			if r.User != nil {
				b.setSelf(r.User.ID)
			}
		}),
		s.AddHandler(func(s *discordgo.Session, ic *discordgo.InteractionCreate) {
			b.HandleInteraction(context.Background(), s, ic.Interaction)
		}),
		s.AddHandler(func(s *discordgo.Session, mc *discordgo.MessageCreate) {
			b.HandleMessage(context.Background(), s, b.self(), mc.Message)
		}),
	}
}

func (b *Bot) setSelf(id string) {
	b.mu.Lock()
	b.selfID = id
	b.mu.Unlock()
}

func (b *Bot) self() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.selfID
}

func (b *Bot) removeHandlers() {
	b.mu.Lock()
	var removes []func()
	for _, sh := range b.shards {
		removes = append(removes, sh.removes...)
		sh.removes = nil
	}
	b.mu.Unlock()
	for _, rm := range removes {
		rm()
	}
}

// Close stops taking new work (interactions arriving now are told the bot
// is restarting), waits up to ShutdownTimeout for the answers in flight,
// cancels whatever is still running and closes the Discord session.
func (b *Bot) Close() error {
	b.init()
	b.mu.Lock()
	if b.closing {
		b.mu.Unlock()
		return nil
	}
	b.closing = true
	idle := make(chan struct{})
	if b.inflight == 0 {
		close(idle)
	} else {
		b.idle = idle
	}
	n := b.inflight
	b.mu.Unlock()

	if n > 0 {
		b.Logger.Info("waiting for answers in flight", "count", n, "timeout", b.ShutdownTimeout)
	}
	timer := time.NewTimer(b.ShutdownTimeout)
	select {
	case <-idle:
		timer.Stop()
	case <-timer.C:
		b.Logger.Warn("answers still in flight at shutdown; cancelling them", "timeout", b.ShutdownTimeout)
		b.cancel()
		// Cancelled handlers still tell their users; give them a moment.
		select {
		case <-idle:
		case <-time.After(2 * time.Second):
		}
	}
	b.cancel()
	b.wg.Wait() // the watchdog and the daily-quote scheduler

	b.mu.Lock()
	b.closed = true
	sessions := b.liveSessions()
	if len(b.shards) == 0 {
		sessions = []*discordgo.Session{b.Session} // never opened
	}
	b.mu.Unlock()
	b.removeHandlers()
	return closeSessions(sessions, b.Logger)
}

// begin records one more event being handled. ok is false once Close has
// finished (the event is dropped); closing is true while Close is waiting
// (the event gets a "restarting" reply).
func (b *Bot) begin() (closing, ok bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return false, false
	}
	b.inflight++
	return b.closing, true
}

// end records that an event begun with begin is done.
func (b *Bot) end() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.inflight--
	if b.inflight == 0 && b.idle != nil {
		close(b.idle)
		b.idle = nil
	}
}
