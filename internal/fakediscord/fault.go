package fakediscord

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"time"
)

// Fault is an error answer injected in place of a route's normal one, for
// tests of how the bot copes with rate limits and outages.
type Fault struct {
	Status     int           // 429, 500, 502, ...
	RetryAfter time.Duration // for 429: retry_after and the X-RateLimit-* headers
	Global     bool          // for 429: a global rate limit
}

// RateLimit is a 429 with Discord's JSON body and headers. Keep retryAfter
// short: discordgo sleeps for it and then retries, without limit.
func RateLimit(retryAfter time.Duration, global bool) Fault {
	return Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Global: global}
}

// ServerError is a 5xx. discordgo v0.29.0 retries 502 (up to MaxRestRetries)
// and no other status.
func ServerError(status int) Fault { return Fault{Status: status} }

type fault struct {
	pred func(Request) bool
	n    int
	f    Fault
}

// InjectFault makes the next n requests that match pred get f instead of
// their normal answer. Their bodies are still checked. Faults are tried in
// the order they were injected.
func (s *Server) InjectFault(pred func(Request) bool, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &fault{pred: pred, n: n, f: f})
}

// takeFault returns the fault for r, if any, and uses it up.
func (s *Server) takeFault(r Request) *Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.pred(r) {
			f.n--
			if f.n <= 0 {
				s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			}
			return &f.f
		}
	}
	return nil
}

func (f Fault) reply(now time.Time) reply {
	if f.Status != http.StatusTooManyRequests {
		return discordError(f.Status, 0, fmt.Sprintf("%d: %s", f.Status, http.StatusText(f.Status)))
	}
	secs := f.RetryAfter.Seconds()
	h := http.Header{}
	h.Set("Retry-After", strconv.Itoa(int(math.Ceil(secs))))
	h.Set("X-RateLimit-Limit", "5")
	h.Set("X-RateLimit-Remaining", "0")
	h.Set("X-RateLimit-Reset", strconv.FormatFloat(float64(now.Add(f.RetryAfter).UnixMilli())/1000, 'f', 3, 64))
	h.Set("X-RateLimit-Reset-After", strconv.FormatFloat(secs, 'f', 3, 64))
	h.Set("X-RateLimit-Bucket", "fakediscord")
	scope := "user"
	if f.Global {
		h.Set("X-RateLimit-Global", "true")
		scope = "global"
	}
	h.Set("X-RateLimit-Scope", scope)
	return reply{status: http.StatusTooManyRequests, header: h, body: map[string]any{
		"message": "You are being rate limited.", "retry_after": secs, "global": f.Global,
	}}
}
