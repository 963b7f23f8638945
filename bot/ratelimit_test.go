package bot

import (
	"testing"
	"time"
)

func TestServerLimiter_Allow(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t.Run("Burst", func(t *testing.T) {
		l := newServerLimiter(3)
		for n := range 3 {
			if ok, _ := l.allow("g", t0); !ok {
				t.Fatalf("question %d of a burst of 3 refused", n+1)
			}
		}
		ok, wait := l.allow("g", t0)
		if ok {
			t.Fatal("4th question in the same instant allowed")
		}
		if wait != 20*time.Second {
			t.Errorf("wait = %v, want 20s (one token at 3 a minute)", wait)
		}
		if ok, _ := l.allow("other", t0); !ok {
			t.Error("another server was held back")
		}
	})
	t.Run("Refill", func(t *testing.T) {
		l := newServerLimiter(60)
		for range 60 {
			l.allow("g", t0)
		}
		if ok, _ := l.allow("g", t0.Add(500*time.Millisecond)); ok {
			t.Error("allowed before a token refilled")
		}
		if ok, _ := l.allow("g", t0.Add(1100*time.Millisecond)); !ok {
			t.Error("refused after a second at 60 a minute")
		}
		// A steady flood gets through at the rate and no faster.
		allowed := 0
		for s := 2; s <= 61; s++ {
			for range 5 {
				if ok, _ := l.allow("g", t0.Add(time.Duration(s)*time.Second)); ok {
					allowed++
				}
			}
		}
		if allowed != 60 {
			t.Errorf("%d allowed in a minute of flooding, want 60", allowed)
		}
	})
	t.Run("Off", func(t *testing.T) {
		l := newServerLimiter(0)
		for range 1000 {
			if ok, _ := l.allow("g", t0); !ok {
				t.Fatal("refused with the limit off")
			}
		}
	})
	t.Run("MinimumWait", func(t *testing.T) {
		l := newServerLimiter(6000)
		for range 6000 {
			l.allow("g", t0)
		}
		if _, wait := l.allow("g", t0); wait < time.Second {
			t.Errorf("wait %v: a user is never told to wait under a second", wait)
		}
	})
	t.Run("Bounded", func(t *testing.T) {
		l := newServerLimiter(10)
		for n := range maxBuckets + 10 {
			l.allow(string(rune(n)), t0)
		}
		l.allow("late", t0.Add(time.Hour))
		if n := len(l.buckets); n > maxBuckets {
			t.Errorf("%d buckets kept, limit %d", n, maxBuckets)
		}
	})
}
