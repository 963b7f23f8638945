package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Discord's deadlines for interactions.
const (
	InteractionDeadline = 3 * time.Second  // to the first callback
	TokenLifetime       = 15 * time.Minute // for followups and edits
)

// maxBody is Discord's request size limit (25 MiB).
const maxBody = 25 << 20

// Message flags the fake looks at.
const (
	flagSuppressEmbeds        = 1 << 2
	flagEphemeral             = 1 << 6
	flagLoading               = 1 << 7
	flagSuppressNotifications = 1 << 12
	flagVoiceMessage          = 1 << 13
	flagComponentsV2          = 1 << 15
)

var snowflakeRe = regexp.MustCompile(`^(0|[1-9][0-9]*)$`)

type route struct {
	method string
	tmpl   string
	segs   []string
	auth   bool // needs "Authorization: Bot <token>"; interaction-token routes do not
	handle func(*Server, *call) reply
}

// call is one REST request being answered.
type call struct {
	req    *Request
	val    any // body decoded with json.Number, as the checks see it
	files  []File
	params map[string]string
}

type reply struct {
	status int
	body   any // marshalled to JSON; nil for no body
	header http.Header
}

var routes = func() []route {
	rs := []route{
		{method: http.MethodGet, tmpl: routeGateway, handle: (*Server).getGateway},
		{method: http.MethodGet, tmpl: routeGatewayBot, auth: true, handle: (*Server).getGatewayBot},
		{method: http.MethodGet, tmpl: routeMe, auth: true, handle: (*Server).getMe},
		{method: http.MethodPut, tmpl: routeGlobalCommands, auth: true, handle: (*Server).putCommands},
		{method: http.MethodPut, tmpl: routeGuildCommands, auth: true, handle: (*Server).putCommands},
		{method: http.MethodPost, tmpl: routeCallback, handle: (*Server).postCallback},
		{method: http.MethodGet, tmpl: routeOriginal, handle: (*Server).getWebhookMessage},
		{method: http.MethodPatch, tmpl: routeOriginal, handle: (*Server).patchWebhookMessage},
		{method: http.MethodDelete, tmpl: routeOriginal, handle: (*Server).deleteWebhookMessage},
		{method: http.MethodPost, tmpl: routeWebhook, handle: (*Server).postFollowup},
		{method: http.MethodGet, tmpl: routeWebhookMessage, handle: (*Server).getWebhookMessage},
		{method: http.MethodPatch, tmpl: routeWebhookMessage, handle: (*Server).patchWebhookMessage},
		{method: http.MethodDelete, tmpl: routeWebhookMessage, handle: (*Server).deleteWebhookMessage},
		{method: http.MethodPost, tmpl: routeChannelMessage, auth: true, handle: (*Server).postChannelMessage},
		{method: http.MethodGet, tmpl: routeMessage, auth: true, handle: (*Server).getChannelMessage},
	}
	for i := range rs {
		rs[i].segs = strings.Split(rs[i].tmpl, "/")
	}
	return rs
}()

// matchTemplate matches path against a template split into segments; a
// literal segment such as @original must match exactly.
func matchTemplate(segs []string, path string) (map[string]string, bool) {
	parts := strings.Split(path, "/")
	if len(parts) != len(segs) {
		return nil, false
	}
	params := map[string]string{}
	for i, seg := range segs {
		if strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") {
			if parts[i] == "" {
				return nil, false
			}
			params[seg[1:len(seg)-1]] = parts[i]
		} else if seg != parts[i] {
			return nil, false
		}
	}
	return params, true
}

func findRoute(method, path string) (*route, map[string]string) {
	for i := range routes {
		if routes[i].method != method {
			continue
		}
		if p, ok := matchTemplate(routes[i].segs, path); ok {
			return &routes[i], p
		}
	}
	return nil, nil
}

func discordError(status, code int, msg string) reply {
	return reply{status: status, body: map[string]any{"message": msg, "code": code}}
}

func unknownInteraction() reply { return discordError(404, 10062, "Unknown interaction") }
func unknownWebhook() reply     { return discordError(404, 10015, "Unknown Webhook") }
func unknownMessage() reply     { return discordError(404, 10008, "Unknown Message") }

func (s *Server) serveREST(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	req := Request{
		Method:        r.Method,
		Path:          r.URL.Path,
		Host:          r.Host,
		Query:         r.URL.Query(),
		Header:        r.Header.Clone(),
		Authorization: r.Header.Get("Authorization"),
		Body:          body,
		Time:          s.now(),
	}
	var rep reply
	switch {
	case err != nil:
		rep = discordError(400, 0, "400: Bad Request")
	case len(body) > maxBody:
		s.errorf("%s %s: body over Discord's 25 MiB limit", req.Method, req.Path)
		rep = discordError(413, 40005, "Request entity too large")
	default:
		rep = s.answer(&req, r.Header.Get("Content-Type"))
	}
	var out []byte
	if rep.body != nil {
		out, err = json.Marshal(rep.body)
		if err != nil {
			panic(err) // the fake marshals only its own values
		}
	}
	req.Status, req.Response = rep.status, out
	s.record(req)
	for k, v := range rep.header {
		w.Header()[k] = v
	}
	if out != nil {
		w.Header().Set("Content-Type", "application/json")
	}
	w.WriteHeader(rep.status)
	w.Write(out)
}

// answer runs the checks shared by every route, then the route's handler.
func (s *Server) answer(req *Request, contentType string) reply {
	rest, ok := strings.CutPrefix(req.Path, "/api/v9")
	if !ok {
		rest, ok = strings.CutPrefix(req.Path, "/api/v10")
	}
	var rt *route
	var params map[string]string
	if ok {
		rt, params = findRoute(req.Method, rest)
	}
	if rt == nil {
		hint := ""
		if s.spec != nil && ok {
			if tmpl := s.spec.route(req.Method, rest); tmpl != "" {
				hint = fmt.Sprintf(" (Discord's route %s %s)", req.Method, tmpl)
			}
		}
		s.errorf("%s %s: route not implemented by the fake%s", req.Method, req.Path, hint)
		return discordError(404, 0, "404: Not Found")
	}
	req.Route, req.Params = rt.tmpl, params

	if rt.auth && req.Authorization != "Bot "+s.token {
		// The header's value is never logged.
		s.errorf("%s %s: Authorization header is not \"Bot \" followed by the expected token", req.Method, req.Path)
		return discordError(401, 0, "401: Unauthorized")
	}

	c := &call{req: req, params: params}
	var vs []violation
	names := make([]string, 0, len(params))
	for k := range params {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.HasSuffix(k, "_id") && !snowflakeRe.MatchString(params[k]) {
			vs = append(vs, violation{k, "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not snowflake.", params[k])})
		}
	}

	if len(req.Body) > 0 {
		raw, files, err := splitBody(req.Body, contentType)
		if err != nil {
			s.errorf("%s %s: %v", req.Method, req.Path, err)
			return discordError(400, 50109, "The request body contains invalid JSON.")
		}
		c.files = files
		req.Files = files
		if raw != nil {
			if err := json.Unmarshal(raw, &req.JSON); err != nil {
				s.errorf("%s %s: body is not JSON: %v", req.Method, req.Path, err)
				return discordError(400, 50109, "The request body contains invalid JSON.")
			}
			c.val, _ = jsonschema.UnmarshalJSON(bytes.NewReader(raw))
			vs = append(vs, s.checkContract(rt, c, raw)...)
		}
	}
	if len(vs) > 0 {
		lines := make([]string, len(vs))
		for i, v := range vs {
			lines[i] = v.String()
		}
		req.Violations = lines
		s.errorf("%s %s: request breaks Discord's contract:\n\t%s", req.Method, req.Path, strings.Join(lines, "\n\t"))
	}
	if f := s.takeFault(*req); f != nil {
		return f.reply(s.now())
	}
	if len(vs) > 0 {
		return invalidFormBody(vs)
	}
	return rt.handle(s, c)
}

// splitBody returns the JSON part of a body: the body itself, or the
// payload_json part of a multipart body, with the multipart files.
func splitBody(body []byte, contentType string) ([]byte, []File, error) {
	mt, mp, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, nil, fmt.Errorf("Content-Type %q: %v", contentType, err)
	}
	switch mt {
	case "application/json":
		return body, nil, nil
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), mp["boundary"])
		var payload []byte
		var files []File
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return nil, nil, fmt.Errorf("multipart body: %v", err)
			}
			data, err := io.ReadAll(p)
			if err != nil {
				return nil, nil, fmt.Errorf("multipart body: %v", err)
			}
			if p.FormName() == "payload_json" {
				payload = data
				continue
			}
			files = append(files, File{Field: p.FormName(), Name: p.FileName(), ContentType: p.Header.Get("Content-Type"), Data: data})
		}
		if payload == nil {
			payload = []byte("{}")
		}
		return payload, files, nil
	default:
		return nil, nil, fmt.Errorf("Content-Type %q: discordgo sends application/json or multipart/form-data", contentType)
	}
}

func (s *Server) getGateway(*call) reply {
	return reply{status: 200, body: map[string]any{"url": gatewayURL}}
}

func (s *Server) getGatewayBot(*call) reply {
	return reply{status: 200, body: map[string]any{
		"url": gatewayURL, "shards": 1,
		"session_start_limit": map[string]any{"total": 1000, "remaining": 999, "reset_after": 14400000, "max_concurrency": 1},
	}}
}

func (s *Server) getMe(*call) reply {
	return reply{status: 200, body: map[string]any{
		"id": s.bot.ID, "username": s.bot.Username, "discriminator": "0", "global_name": nil, "avatar": nil,
		"bot": true, "verified": true, "mfa_enabled": false, "flags": 0, "public_flags": 0, "locale": "en-US",
	}}
}

// putCommands answers a bulk overwrite: the commands with ids, which stay the
// same across overwrites for the same name and type, as on Discord.
func (s *Server) putCommands(c *call) reply {
	var cmds []map[string]any
	if err := c.req.Decode(&cmds); err != nil {
		return discordError(400, 50035, "Invalid Form Body")
	}
	guild := c.params["guild_id"]
	s.mu.Lock()
	defer s.mu.Unlock()
	version := NewSnowflake()
	out := make([]map[string]any, 0, len(cmds))
	for _, cmd := range cmds {
		r := map[string]any{}
		for k, v := range cmd {
			r[k] = v
		}
		typ := 1
		if t, ok := cmd["type"].(float64); ok && t != 0 {
			typ = int(t)
		}
		name, _ := cmd["name"].(string)
		key := fmt.Sprintf("%s/%d/%s", guild, typ, name)
		id := s.commandIDs[key]
		if id == "" {
			id = NewSnowflake()
			s.commandIDs[key] = id
		}
		r["id"], r["application_id"], r["version"], r["type"] = id, s.appID, version, typ
		if guild != "" {
			r["guild_id"] = guild
		}
		if _, ok := r["description"]; !ok {
			r["description"] = ""
		}
		switch p := cmd["default_member_permissions"].(type) {
		case float64:
			r["default_member_permissions"] = strconv.FormatInt(int64(p), 10)
		case nil:
			r["default_member_permissions"] = nil
		}
		if _, ok := r["nsfw"]; !ok {
			r["nsfw"] = false
		}
		if _, ok := r["integration_types"]; !ok {
			r["integration_types"] = []int{0}
		}
		out = append(out, r)
	}
	return reply{status: 200, body: out}
}

// commandID returns the id the bot registered for a command, or a fresh one;
// the caller holds s.mu.
func (s *Server) commandID(guild string, typ int, name string) string {
	if typ == 0 {
		typ = 1
	}
	if id := s.commandIDs[fmt.Sprintf("%s/%d/%s", guild, typ, name)]; id != "" {
		return id
	}
	if id := s.commandIDs[fmt.Sprintf("/%d/%s", typ, name)]; id != "" {
		return id
	}
	return NewSnowflake()
}

// interactionState is what the fake knows about a dispatched interaction.
type interactionState struct {
	id, token  string
	kind       int
	guildID    string
	channelID  string
	dispatched time.Time
	acked      bool
	ackType    int
	late       bool     // the first callback came after the deadline: the token is dead
	message    *Message // the message a component was on, if any
	originalID string   // the @original message, once there is one
	followups  map[string]bool
}

func (s *Server) prepareInteraction(tb testing.TB, i *Interaction) bool {
	s.mu.Lock()
	if i.ApplicationID == "" {
		i.ApplicationID = s.appID
	}
	if d, ok := i.Data.(*CommandData); ok && d.ID == "" {
		d.ID = s.commandID(i.GuildID, d.Type, d.Name)
	}
	s.mu.Unlock()
	raw, err := json.Marshal(i)
	if err != nil {
		tb.Errorf("fakediscord: Dispatch INTERACTION_CREATE: %v", err)
		return false
	}
	var di discordgo.Interaction
	if err := json.Unmarshal(raw, &di); err != nil || di.ID != i.ID || di.Token != i.Token {
		tb.Errorf("fakediscord: Dispatch INTERACTION_CREATE: discordgo would decode it as an empty Interaction: %v", err)
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, dup := s.interactions[i.ID]; dup {
		tb.Errorf("fakediscord: interaction %s dispatched twice; build a new one for each dispatch", i.ID)
		return false
	}
	st := &interactionState{
		id: i.ID, token: i.Token, kind: i.Type, guildID: i.GuildID, channelID: i.ChannelID,
		dispatched: s.now(), followups: map[string]bool{},
	}
	if i.Message != nil {
		st.message = i.Message.clone()
	}
	s.interactions[i.ID] = st
	s.byToken[i.Token] = st
	return true
}

// callbackTypes lists the callback types Discord accepts per interaction type.
var callbackTypes = map[int][]int{
	InteractionApplicationCommand: {4, 5, 9, 10, 12},
	InteractionMessageComponent:   {4, 5, 6, 7, 9, 10, 12},
	InteractionAutocomplete:       {8},
	InteractionModalSubmit:        {4, 5, 6, 7, 10},
}

func (s *Server) postCallback(c *call) reply {
	id, tok := c.params["interaction_id"], c.params["interaction_token"]
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.interactions[id]
	if st == nil || st.token != tok {
		s.logf("callback for interaction %s: unknown id or token; answered 10062", id)
		return unknownInteraction()
	}
	if st.acked {
		s.logf("callback for interaction %s: already acknowledged; answered 40060", id)
		return discordError(400, 40060, "Interaction has already been acknowledged.")
	}
	if late := s.now().Sub(st.dispatched); late > InteractionDeadline {
		st.late = true
		s.logf("callback for interaction %s came %v after dispatch, past Discord's %v; answered 10062", id, late, InteractionDeadline)
		return unknownInteraction()
	}
	body, _ := c.val.(map[string]any)
	typ64, _ := intOf(body["type"])
	typ := int(typ64)
	allowed := false
	for _, t := range callbackTypes[st.kind] {
		allowed = allowed || t == typ
	}
	if !allowed {
		v := violation{"type", "INTERACTION_RESPONSE_TYPE_INVALID",
			fmt.Sprintf("callback type %d is not valid for interaction type %d (allowed: %v)", typ, st.kind, callbackTypes[st.kind])}
		s.errorf("%s %s: %s", c.req.Method, c.req.Path, v)
		return invalidFormBody([]violation{v})
	}
	st.acked, st.ackType = true, typ
	data, _ := body["data"].(map[string]any)
	var msg *Message
	switch typ {
	case 4:
		msg = s.newBotMessage(st.channelID, st.guildID)
		msg.Type = 20
		msg.applyCreate(data, c.files)
	case 5:
		msg = s.newBotMessage(st.channelID, st.guildID)
		msg.Type = 20
		f, _ := intOf(data["flags"])
		msg.Flags = flagLoading | int(f)&flagEphemeral
	case 6, 7:
		if st.message != nil {
			msg = s.messages[st.message.ID]
			if msg == nil {
				msg = st.message
			}
			if typ == 7 {
				msg.applyEdit(data, c.files, s.now())
			}
			st.originalID = msg.ID
		}
	}
	if msg != nil && (typ == 4 || typ == 5) {
		s.storeMessage(msg)
		st.originalID = msg.ID
	}
	if v, _ := strconv.ParseBool(c.req.Query.Get("with_response")); v {
		resp := map[string]any{"interaction": map[string]any{"id": st.id, "type": st.kind}}
		res := map[string]any{"type": typ}
		if msg != nil {
			res["message"] = msg.clone()
		}
		resp["resource"] = res
		return reply{status: 200, body: resp}
	}
	return reply{status: 204}
}

// webhookState finds the interaction behind a webhook route; the caller
// holds s.mu.
func (s *Server) webhookState(c *call) (*interactionState, *reply) {
	app, tok := c.params["webhook_id"], c.params["webhook_token"]
	fail := func(why string) (*interactionState, *reply) {
		s.logf("%s %s: %s; answered 10015", c.req.Method, c.req.Path, why)
		r := unknownWebhook()
		return nil, &r
	}
	st := s.byToken[tok]
	switch {
	case app != s.appID:
		return fail(fmt.Sprintf("webhook id %s is not the application id %s (interaction webhooks use i.AppID, not i.ID)", app, s.appID))
	case st == nil:
		return fail("unknown interaction token")
	case s.now().Sub(st.dispatched) > TokenLifetime:
		return fail(fmt.Sprintf("interaction token older than %v", TokenLifetime))
	case st.late:
		return fail("interaction token invalidated: the first callback missed the 3 s deadline")
	case !st.acked:
		return fail("no callback has acknowledged the interaction yet")
	}
	return st, nil
}

// webhookMessage resolves the message a webhook message route names; the
// caller holds s.mu.
func (s *Server) webhookMessage(c *call, st *interactionState) (*Message, *reply) {
	id := c.params["message_id"]
	if c.req.Route == routeOriginal {
		id = st.originalID
	} else if id != st.originalID && !st.followups[id] {
		r := unknownMessage()
		return nil, &r
	}
	m := s.messages[id]
	if m == nil && st.message != nil && st.message.ID == id {
		m = st.message
	}
	if m == nil {
		r := unknownMessage()
		return nil, &r
	}
	return m, nil
}

func (s *Server) getWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, fail := s.webhookState(c)
	if fail != nil {
		return *fail
	}
	m, fail := s.webhookMessage(c, st)
	if fail != nil {
		return *fail
	}
	return reply{status: 200, body: m.clone()}
}

func (s *Server) patchWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, fail := s.webhookState(c)
	if fail != nil {
		return *fail
	}
	m, fail := s.webhookMessage(c, st)
	if fail != nil {
		return *fail
	}
	body, _ := c.val.(map[string]any)
	next := m.clone()
	next.applyEdit(body, c.files, s.now())
	if next.empty() {
		v := violation{"", "EMPTY_MESSAGE", "the edit would leave the message empty (50006)"}
		s.errorf("%s %s: %s", c.req.Method, c.req.Path, v)
		return invalidFormBody([]violation{v})
	}
	*m = *next
	return reply{status: 200, body: m.clone()}
}

func (s *Server) deleteWebhookMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, fail := s.webhookState(c)
	if fail != nil {
		return *fail
	}
	m, fail := s.webhookMessage(c, st)
	if fail != nil {
		return *fail
	}
	delete(s.messages, m.ID)
	return reply{status: 204}
}

// postFollowup creates a followup message. It is always a new message: the
// documented way to finish a deferred (type 5) response is to edit
// @original, so the fake leaves the loading message (flag 128) in place and
// a test can see a bot that leaves the user with "thinking...".
func (s *Server) postFollowup(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	st, fail := s.webhookState(c)
	if fail != nil {
		return *fail
	}
	body, _ := c.val.(map[string]any)
	m := s.newBotMessage(st.channelID, st.guildID)
	m.applyCreate(body, c.files)
	s.storeMessage(m)
	st.followups[m.ID] = true
	if wait, _ := strconv.ParseBool(c.req.Query.Get("wait")); !wait {
		return reply{status: 204}
	}
	return reply{status: 200, body: m.clone()}
}

func (s *Server) postChannelMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := c.val.(map[string]any)
	m := s.newBotMessage(c.params["channel_id"], "")
	m.WebhookID, m.ApplicationID = "", ""
	m.applyCreate(body, c.files)
	if ref, ok := body["message_reference"]; ok && ref != nil {
		m.Type = 19
		m.MessageReference, _ = json.Marshal(ref)
	}
	s.storeMessage(m)
	return reply{status: 200, body: m.clone()}
}

// getChannelMessage returns a message the bot wrote (an interaction
// response, a followup or a channel message) as it stands, or one a test
// dispatched with MESSAGE_CREATE, if it is in the channel asked; anything
// else is Unknown Message. A thread started from a message has that
// message's id, so a bot finds a thread's starter with this route and the
// thread's parent channel. Like Discord, the fake blanks the content of a
// user's guild message that does not mention the bot when the session
// lacks MESSAGE_CONTENT.
func (s *Server) getChannelMessage(c *call) reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := c.params["message_id"]
	m, ok := s.messages[id]
	if !ok {
		if m, ok = s.userMessages[id]; ok && m.GuildID != "" && !s.mentionsBot(m) && !s.hasIntent(discordgo.IntentMessageContent) {
			m = m.clone()
			m.Content, m.Embeds, m.Attachments, m.Components = "", nil, nil, nil
		}
	}
	if !ok || m.ChannelID != c.params["channel_id"] {
		return unknownMessage()
	}
	return reply{status: 200, body: m.clone()}
}

// mentionsBot reports whether m mentions the bot.
func (s *Server) mentionsBot(m *Message) bool {
	for _, u := range m.Mentions {
		if u.ID == s.bot.ID {
			return true
		}
	}
	return false
}

// hasIntent reports whether the current session identified with intent;
// the caller holds s.mu.
func (s *Server) hasIntent(intent discordgo.Intent) bool {
	return s.session != nil && s.session.identify.Intents&intent != 0
}

// newBotMessage starts a message from the bot; the caller holds s.mu.
func (s *Server) newBotMessage(channelID, guildID string) *Message {
	return &Message{
		ID: NewSnowflake(), ChannelID: channelID, GuildID: guildID, Author: s.bot,
		Timestamp: s.now().UTC(), WebhookID: s.appID, ApplicationID: s.appID,
	}
}

// storeMessage keeps m for Messages; the caller holds s.mu.
func (s *Server) storeMessage(m *Message) {
	if _, ok := s.messages[m.ID]; !ok {
		s.msgOrder = append(s.msgOrder, m.ID)
	}
	s.messages[m.ID] = m
}

// applyCreate fills a new message from a create body.
func (m *Message) applyCreate(body map[string]any, files []File) {
	if s, ok := body["content"].(string); ok {
		m.Content = s
	}
	m.Embeds = rawEmbeds(body["embeds"])
	m.Components = rawComponents(body["components"])
	if f, ok := intOf(body["flags"]); ok {
		m.Flags |= int(f)
	}
	m.TTS, _ = body["tts"].(bool)
	m.Attachments = attachments(m, files)
}

// applyEdit applies an edit body: a field that is absent or null is left
// as it was.
func (m *Message) applyEdit(body map[string]any, files []File, now time.Time) {
	if s, ok := body["content"].(string); ok {
		m.Content = s
	}
	if _, ok := body["embeds"].([]any); ok {
		m.Embeds = rawEmbeds(body["embeds"])
	}
	if _, ok := body["components"].([]any); ok {
		m.Components = rawComponents(body["components"])
	}
	if f, ok := intOf(body["flags"]); ok {
		m.Flags = m.Flags&^flagSuppressEmbeds | int(f)&flagSuppressEmbeds
	}
	if len(files) > 0 {
		m.Attachments = append(m.Attachments, attachments(m, files)...)
	}
	m.Flags &^= flagLoading
	t := now.UTC()
	m.EditedTimestamp = &t
}

func (m *Message) empty() bool {
	return strings.TrimSpace(m.Content) == "" && len(m.Embeds) == 0 && len(m.Components) == 0 && len(m.Attachments) == 0
}

// rawComponents keeps components as sent, numbering those without an id
// depth-first from 1, as Discord does.
func rawComponents(v any) []json.RawMessage {
	arr, _ := v.([]any)
	next := 1
	var number func(v any) any
	number = func(v any) any {
		switch x := v.(type) {
		case []any:
			out := make([]any, len(x))
			for i, e := range x {
				out[i] = number(e)
			}
			return out
		case map[string]any:
			c := make(map[string]any, len(x)+1)
			for k, e := range x {
				c[k] = e
			}
			if _, ok := c["id"]; !ok {
				c["id"] = next
			}
			next++
			for _, k := range []string{"components", "accessory"} {
				if e, ok := c[k]; ok {
					c[k] = number(e)
				}
			}
			return c
		}
		return v
	}
	out := make([]json.RawMessage, 0, len(arr))
	for _, x := range arr {
		b, _ := json.Marshal(number(x))
		out = append(out, b)
	}
	return out
}

// rawEmbeds keeps embeds as sent, with the defaults Discord fills in: type
// "rich" and inline false on fields.
func rawEmbeds(v any) []json.RawMessage {
	arr, _ := v.([]any)
	out := make([]json.RawMessage, 0, len(arr))
	for _, x := range arr {
		if e, ok := x.(map[string]any); ok {
			c := map[string]any{"type": "rich"}
			for k, v := range e {
				c[k] = v
			}
			if fields, ok := c["fields"].([]any); ok {
				fs := make([]any, len(fields))
				for i, f := range fields {
					fm, _ := f.(map[string]any)
					fc := map[string]any{"inline": false}
					for k, v := range fm {
						fc[k] = v
					}
					fs[i] = fc
				}
				c["fields"] = fs
			}
			x = c
		}
		b, _ := json.Marshal(x)
		out = append(out, b)
	}
	return out
}

func attachments(m *Message, files []File) []json.RawMessage {
	out := make([]json.RawMessage, 0, len(files))
	for _, f := range files {
		id := NewSnowflake()
		url := fmt.Sprintf("https://cdn.discordapp.com/attachments/%s/%s/%s", m.ChannelID, id, f.Name)
		b, _ := json.Marshal(map[string]any{
			"id": id, "filename": f.Name, "size": len(f.Data), "content_type": f.ContentType,
			"url": url, "proxy_url": strings.Replace(url, "cdn.discordapp.com", "media.discordapp.net", 1),
		})
		out = append(out, b)
	}
	return out
}
