package bot

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPageStore(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	t.Run("OK", func(t *testing.T) {
		ps := newPageStore(time.Minute, 10)
		id := ps.put(&page{guildID: "g1", query: "q"}, now)
		assert.Len(t, id, 12)
		p, ok := ps.get(id, "g1", now.Add(59*time.Second))
		require.True(t, ok)
		assert.Equal(t, "q", p.query)
	})
	t.Run("OtherGuild", func(t *testing.T) {
		ps := newPageStore(time.Minute, 10)
		id := ps.put(&page{guildID: "g1"}, now)
		_, ok := ps.get(id, "g2", now)
		assert.False(t, ok)
		_, ok = ps.get(id, "", now)
		assert.False(t, ok)
	})
	t.Run("Expired", func(t *testing.T) {
		ps := newPageStore(time.Minute, 10)
		id := ps.put(&page{guildID: "g1"}, now)
		_, ok := ps.get(id, "g1", now.Add(time.Minute))
		assert.False(t, ok)
		// Expired pages are dropped on the next put.
		ps.put(&page{guildID: "g1"}, now.Add(2*time.Minute))
		assert.Equal(t, 1, ps.len())
	})
	t.Run("SizeCap", func(t *testing.T) {
		ps := newPageStore(time.Hour, 3)
		var ids []string
		for i := range 5 {
			ids = append(ids, ps.put(&page{guildID: "g", offset: i}, now))
		}
		assert.Equal(t, 3, ps.len())
		for i, id := range ids {
			_, ok := ps.get(id, "g", now)
			assert.Equal(t, i >= 2, ok, "page %d: the oldest go first", i)
		}
	})
	t.Run("ManyPuts", func(t *testing.T) {
		// The queue of ids does not grow without bound.
		ps := newPageStore(time.Second, 100)
		for i := range 10000 {
			ps.put(&page{guildID: "g"}, now.Add(time.Duration(i)*time.Millisecond))
		}
		assert.LessOrEqual(t, ps.len(), 100)
		assert.LessOrEqual(t, len(ps.order), 1001)
	})
	t.Run("IDsDiffer", func(t *testing.T) {
		seen := map[string]bool{}
		for range 1000 {
			id := newStateID()
			assert.False(t, seen[id])
			seen[id] = true
		}
	})
}

func TestCustomID(t *testing.T) {
	id := customID(actionCite, newStateID(), 3)
	assert.LessOrEqual(t, len(id), 100)
	action, _, n, ok := parseCustomID(id)
	assert.True(t, ok)
	assert.Equal(t, actionCite, action)
	assert.Equal(t, 3, n)
	for _, bad := range []string{"", "v1", "v1:a:b", "v2:more:x:0", "v1:more:x:y", "v1:more:x:99", "v1:more:x:0:extra"} {
		_, _, _, ok := parseCustomID(bad)
		assert.False(t, ok, bad)
	}
}

func TestCooldowns(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	c := newCooldowns(3 * time.Second)
	ok, _ := c.allow("u1", now)
	assert.True(t, ok)
	ok, wait := c.allow("u1", now.Add(time.Second))
	assert.False(t, ok)
	assert.Equal(t, 2*time.Second, wait)
	ok, _ = c.allow("u2", now.Add(time.Second))
	assert.True(t, ok, "cooldowns are per user")
	ok, _ = c.allow("u1", now.Add(3*time.Second))
	assert.True(t, ok)

	off := newCooldowns(0)
	for range 3 {
		ok, _ := off.allow("u1", now)
		assert.True(t, ok)
	}

	t.Run("Pruned", func(t *testing.T) {
		c := newCooldowns(time.Second)
		for i := range 10000 {
			c.allow(fmt.Sprint(i), now)
		}
		c.allow("late", now.Add(time.Minute))
		assert.Len(t, c.last, 1)
	})
}
