// Package fakediscord is a test-only stand-in for Discord: the REST API and
// the gateway websocket, enough for the bot's end-to-end tests to drive the
// real github.com/bwmarrin/discordgo v0.29.0 client offline. It imitates
// Discord closely enough to catch the bugs that only show up against Discord
// itself: a reply after the 3 s deadline, a second acknowledgement, a
// followup under the wrong id, a 2001-character message, a reply that could
// ping @everyone.
//
// # Use
//
//	f := fakediscord.New(t)                 // TLS server, closed by t.Cleanup
//	s, _ := discordgo.New("Bot " + fakediscord.DefaultToken)
//	s.Identify.Intents = discordgo.IntentsGuilds | discordgo.IntentsGuildMessages
//	s.ShouldReconnectOnError = false        // no reconnect goroutines after the test
//	f.Redirect(s)                           // s.Client and s.Dialer dial the fake
//	bot.Register(s)                         // the project's handlers
//	if err := s.Open(); err != nil { t.Fatal(err) }
//	t.Cleanup(func() { s.Close() })         // registered after New, so it runs first; sleeps 1 s
//	id := f.WaitIdentified(t, 5*time.Second) // IDENTIFY seen, READY sent; check id.Intents
//
//	i := fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID,
//		fakediscord.DefaultUserID, "ask", fakediscord.StringOpt("question", "what is go?"))
//	f.DispatchInteraction(t, i)
//	req := f.WaitRequest(t, 3*time.Second, fakediscord.And(fakediscord.IsCallback, fakediscord.IsOK))
//	var resp struct {
//		Type int
//		Data struct{ Content string }
//	}
//	req.Decode(&resp) // the body has already been checked: see below
//	// A deferred answer: f.WaitRequest(t, d, fakediscord.IsEditOriginal), or read
//	// the final state of every message the bot wrote with f.Messages().
//
// Redirect changes no discordgo package variable, so tests may call
// t.Parallel, each with its own Server. Build one discordgo Session per
// Server: discordgo caches the gateway URL in the session.
//
// # Gateway
//
// The gateway sends HELLO, checks the IDENTIFY token (4004 otherwise) and
// intents (4014 for those WithDisallowedIntents marks as not enabled), and
// answers with READY (v, user, guilds, session_id, resume_gateway_url,
// application) and, with the GUILDS intent, a GUILD_CREATE per guild. It
// ACKs every heartbeat, answers RESUME with the missed dispatches and
// RESUMED, and numbers dispatches with increasing s. While the client is
// disconnected, Dispatch keeps events for the RESUME, as Discord does.
// Dispatch also applies the intent rules to MESSAGE_CREATE (see Dispatch).
//
// Sharding works as on Discord: an IDENTIFY with shard [id, count] gets
// only the guilds, and the events of the guilds, for which
// (guild_id >> 22) % count == id (direct messages go to shard 0); one
// without a shard gets everything; an invalid shard is closed with 4010.
// ShardOf, GuildOnShard, Deliveries and the ...Shard fault helpers serve
// tests of a sharded client.
//
// SendReconnect (op 7), SendInvalidSession (op 9), CloseGateway and
// DropGateway drive fault tests. The fake never sends op 7 in answer to a
// RESUME unless a test asks for it with ReconnectOnNextResume, and
// SendReconnect refuses while a handshake is in progress: discordgo
// v0.29.0's Open holds the session lock while it waits for READY/RESUMED,
// and op 7 then deadlocks it (discordgo issue #513).
//
// # Interactions
//
// The builders (SlashCommand, Autocomplete, Button, StringSelect,
// MessageCommand, UserCommand, ModalSubmit, MessageCreate) produce payloads
// with the JSON types discordgo needs; its Interaction decoding is
// all-or-nothing, so one wrong type would hand the handler an Interaction
// with no ID or Token. Each interaction gets a fresh id and token, and
// Dispatch checks that discordgo decodes it. The invoking member's
// permissions are DefaultMemberPermissions; WithPermissions changes them
// (add PermManageGuild for a moderator).
//
// Interaction routes follow Discord: a first callback more than 3 s after
// the dispatch gets 404 10062 and kills the token; a second callback gets
// 400 40060; followups and @original before any callback, after a late
// callback, after 15 min, or under anything but the application id get 404
// 10015. WithClock with a Clock lets a test cross these deadlines without
// sleeping. These answers are logged but are not test failures, since fault
// tests provoke them; assert on Request.Status (IsOK) to catch them.
//
// # Attachments and channels
//
// AddAttachment uploads a file as a user's client would and returns an
// Attachment for AttachmentOpt; its URL (on CDNHost, with Discord's signed
// query) is served by the fake to any client Redirect points at it, so a
// bot downloads it with its session's HTTP client. A download that carries
// an Authorization header is reported: the token must not leave the API.
// WithChannel names a guild's text channels in GUILD_CREATE, where a
// client's state finds them. ThreadCreate builds a THREAD_CREATE payload
// (a thread started from a message has the message's id), and GET
// /channels/{id}/messages/{id} returns a message of that channel, one the
// bot wrote or one dispatched with MESSAGE_CREATE (its text blanked under
// the MESSAGE_CONTENT rule), so a bot can read a thread's starter message
// from its parent.
//
// # Contract checks
//
// Every request body is checked, and a violation fails the test with
// tb.Errorf naming the field and the rule, and gets Discord's answer: 400
// {"code":50035,"message":"Invalid Form Body","errors":{...}}, or 50006 for
// an empty message. The checks are:
//
//   - Discord's OpenAPI 3.1 schema (shared/discord/openapi.json, found by
//     walking up from the working directory; loaded once per process) for the
//     route's application/json body, or payload_json of a multipart body.
//     Callback bodies are checked against the schema of their type.
//     default_member_permissions, which discordgo sends as a string, is read
//     as a number first. Without the document this part is skipped, with one
//     log line per Server.
//   - Path ids must be snowflakes.
//   - Limits the schema misses (shared/discord/LIMITS.md): content 2000;
//     10 embeds; embed title 256, description 4096, 25 fields, field name
//     256 and value 1024, footer 2048, author 256, 6000 in all; 5 action rows
//     of at most 5 buttons or one select; custom_id 1-100 and unique per
//     message; button label 80; link buttons with url and no custom_id, other
//     buttons with custom_id; allowed flags per endpoint (type 5 takes only
//     EPHEMERAL); non-empty new messages; CHAT_INPUT names matching Discord's
//     pattern in lower case with descriptions of 1-100 (USER and MESSAGE
//     commands: no description, no options); 25 options, 25 choices of 1-100
//     characters with string values of at most 100; autocomplete XOR choices;
//     required options first; 8000 characters per command; 100 CHAT_INPUT,
//     15 USER and 15 MESSAGE commands; 25 autocomplete choices; callback type
//     valid for the interaction type; modal rows of one text input each, with
//     label 1-45, style 1 or 2, placeholder 100, value 4000, min_length 0-4000
//     no greater than max_length 1-4000.
//   - The project's rule: every body that creates or edits a message
//     (callback types 4 and 7, followups, webhook edits, channel messages)
//     sets allowed_mentions with an empty (or null) parse, no users, no roles
//     and no replied_user, so quoted text can never ping anyone.
//
// Routes the fake does not implement answer 404 and fail the test, naming
// Discord's route when the spec has it.
//
// # Recorder
//
// Every REST request is kept as a Request: method, path, route, query,
// headers, Authorization, raw body, decoded JSON, files, time, and the
// status and body of the answer. WaitRequest waits for one (each is returned
// once), Requests takes a snapshot, and InjectFault makes the next matching
// requests get a 429 (with retry_after and X-RateLimit-* headers), 502 or
// 500 instead. The fake never logs the Authorization header.
package fakediscord
