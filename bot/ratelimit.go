package bot

import (
	"fmt"
	"math"
	"sync"
	"time"
)

// DefaultServerRate is how many questions one server may ask per minute
// (ServerRate): well above what a lively community asks, well below what a
// script could push through.
const DefaultServerRate = 60

// serverLimiter is a token bucket per server: each holds up to rate
// questions and refills at rate per minute, so a burst of rate questions
// goes through at once and a steady flood is held to rate a minute.
type serverLimiter struct {
	rate int // per minute; 0 or less turns the limit off

	mu      sync.Mutex
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

// maxBuckets bounds the memory the limiter holds; full buckets are dropped
// first, as they hold nothing a fresh bucket would not.
const maxBuckets = 10000

func newServerLimiter(rate int) *serverLimiter {
	return &serverLimiter{rate: rate, buckets: make(map[string]*bucket)}
}

// allow reports whether server may ask one more question now, and if not,
// how long until it may. An allowed question uses up one token.
func (l *serverLimiter) allow(server string, now time.Time) (bool, time.Duration) {
	if l.rate <= 0 || server == "" {
		return true, 0
	}
	capacity := float64(l.rate)
	perSec := capacity / 60
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[server]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.prune(now, capacity, perSec)
		}
		b = &bucket{tokens: capacity, last: now}
		l.buckets[server] = b
	}
	if el := now.Sub(b.last).Seconds(); el > 0 {
		b.tokens = math.Min(capacity, b.tokens+el*perSec)
		b.last = now
	}
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / perSec * float64(time.Second))
		return false, max(wait, time.Second)
	}
	b.tokens--
	return true, 0
}

// prune forgets the buckets that have refilled completely.
func (l *serverLimiter) prune(now time.Time, capacity, perSec float64) {
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*perSec >= capacity {
			delete(l.buckets, k)
		}
	}
}

// msgServerBusy tells a member that their server has asked too much for
// the moment; it is private and names no one else.
func msgServerBusy(wait time.Duration) string {
	secs := int(math.Ceil(wait.Seconds()))
	return fmt.Sprintf("This server is asking more questions than the bot can take right now. "+
		"Please try again in %d second%s.", secs, plural(secs))
}
