package fakediscord

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// Request is one REST request the fake received, with the answer it gave.
type Request struct {
	Method string
	Path   string            // as sent, e.g. /api/v9/interactions/1/tok/callback
	Host   string            // the host the client meant, e.g. discord.com
	Route  string            // the matched route in the spec's terms, e.g. /channels/{channel_id}/messages; "" if none
	Params map[string]string // path parameters by the spec's names, e.g. "channel_id"
	Query  url.Values
	Header http.Header
	// Authorization is the Authorization header, kept so that tests can
	// check the token is sent. The fake never logs it.
	Authorization string
	Body          []byte // raw body; for multipart, the whole multipart body
	JSON          any    // the decoded JSON body (payload_json for multipart); nil if none
	Files         []File // files of a multipart body
	Time          time.Time

	Status     int      // the status the fake answered with
	Response   []byte   // the body the fake answered with
	Violations []string // contract violations found (each also reported with tb.Errorf)
}

// File is a file part of a multipart request.
type File struct {
	Field       string // e.g. files[0]
	Name        string
	ContentType string
	Data        []byte
}

// Decode unmarshals the request's JSON body (payload_json for multipart) into v.
func (r Request) Decode(v any) error {
	if r.JSON == nil {
		return fmt.Errorf("%s %s has no JSON body", r.Method, r.Path)
	}
	b, err := json.Marshal(r.JSON)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// String summarises the request without headers, so the token stays out of logs.
func (r Request) String() string {
	return fmt.Sprintf("%s %s -> %d", r.Method, r.Path, r.Status)
}

type recorded struct {
	r     Request
	taken bool
}

func (s *Server) record(r Request) {
	s.mu.Lock()
	s.requests = append(s.requests, &recorded{r: r})
	s.notify()
	s.mu.Unlock()
}

// Requests returns a snapshot of every REST request so far, in arrival order.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.requests))
	for i, r := range s.requests {
		out[i] = r.r
	}
	return out
}

// WaitRequest waits for the earliest request matching pred that no earlier
// WaitRequest has returned, marks it returned and returns it. So two
// interactions' callbacks are returned by two calls, in order. It calls
// tb.Fatalf after timeout, listing the requests seen, so call it from the
// test's goroutine.
func (s *Server) WaitRequest(tb testing.TB, timeout time.Duration, pred func(Request) bool) Request {
	tb.Helper()
	var got Request
	ok := s.waitFor(timeout, func() bool {
		for _, r := range s.requests {
			if !r.taken && pred(r.r) {
				r.taken, got = true, r.r
				return true
			}
		}
		return false
	})
	if !ok {
		var seen []string
		for _, r := range s.Requests() {
			seen = append(seen, r.String())
		}
		tb.Fatalf("fakediscord: no matching request within %v; seen: [%s]", timeout, strings.Join(seen, ", "))
	}
	return got
}

// Messages returns a snapshot of the messages the bot has created and not
// deleted, as they stand after any edits, in creation order: interaction
// responses, followups and channel messages. A deferred response that was
// never edited still has flag 128 (LOADING), as the user would still see
// "thinking...".
func (s *Server) Messages() []*Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Message
	for _, id := range s.msgOrder {
		if m, ok := s.messages[id]; ok {
			out = append(out, m.clone())
		}
	}
	return out
}

// Route templates, as in Discord's OpenAPI document.
const (
	routeGateway        = "/gateway"
	routeGatewayBot     = "/gateway/bot"
	routeMe             = "/users/@me"
	routeGlobalCommands = "/applications/{application_id}/commands"
	routeGuildCommands  = "/applications/{application_id}/guilds/{guild_id}/commands"
	routeCallback       = "/interactions/{interaction_id}/{interaction_token}/callback"
	routeWebhook        = "/webhooks/{webhook_id}/{webhook_token}"
	routeOriginal       = "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
	routeWebhookMessage = "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
	routeChannelMessage = "/channels/{channel_id}/messages"
	routeMessage        = "/channels/{channel_id}/messages/{message_id}"
)

// IsCallback matches POST /interactions/{id}/{token}/callback.
func IsCallback(r Request) bool { return r.Method == http.MethodPost && r.Route == routeCallback }

// IsEditOriginal matches PATCH /webhooks/{app}/{token}/messages/@original.
func IsEditOriginal(r Request) bool { return r.Method == http.MethodPatch && r.Route == routeOriginal }

// IsFollowup matches POST /webhooks/{app}/{token}.
func IsFollowup(r Request) bool { return r.Method == http.MethodPost && r.Route == routeWebhook }

// IsChannelMessage matches POST /channels/{id}/messages.
func IsChannelMessage(r Request) bool {
	return r.Method == http.MethodPost && r.Route == routeChannelMessage
}

// IsGetMessage matches GET /channels/{id}/messages/{id}.
func IsGetMessage(r Request) bool { return r.Method == http.MethodGet && r.Route == routeMessage }

// IsCommandsPut matches the bulk overwrite of global or guild commands.
func IsCommandsPut(r Request) bool {
	return r.Method == http.MethodPut && (r.Route == routeGlobalCommands || r.Route == routeGuildCommands)
}

// IsOK matches requests the fake answered with a 2xx status. Combine it with
// another predicate to fail (by timeout) when the bot's call was refused:
// And(IsEditOriginal, IsOK).
func IsOK(r Request) bool { return r.Status >= 200 && r.Status < 300 }

// ForInteraction matches the requests that answer i: its callback and the
// webhook requests made with its token.
func ForInteraction(i *Interaction) func(Request) bool {
	return func(r Request) bool {
		return r.Params["interaction_id"] == i.ID || r.Params["webhook_token"] == i.Token
	}
}

// And matches requests that every pred matches.
func And(preds ...func(Request) bool) func(Request) bool {
	return func(r Request) bool {
		for _, p := range preds {
			if !p(r) {
				return false
			}
		}
		return true
	}
}
