package retrieval_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestDaily_Due(t *testing.T) {
	utc := func(day, h, m, s int) time.Time { return time.Date(2026, 3, day, h, m, s, 0, time.UTC) }
	cet := time.FixedZone("CET", 2*3600)
	var never time.Time
	for _, tc := range []struct {
		name   string
		minute int
		last   time.Time
		now    time.Time
		due    bool
		next   time.Time
	}{
		{"BeforeSlot", 540, never, utc(2, 8, 59, 59), false, utc(2, 9, 0, 0)},
		{"AtSlot", 540, never, utc(2, 9, 0, 0), true, utc(2, 9, 0, 0)},
		{"AfterSlotNeverPosted", 540, never, utc(2, 17, 0, 0), true, utc(2, 17, 0, 0)},
		{"PostedAtSlot", 540, utc(2, 9, 0, 0), utc(2, 9, 0, 0), false, utc(3, 9, 0, 0)},
		{"PostedToday", 540, utc(2, 9, 0, 3), utc(2, 23, 59, 59), false, utc(3, 9, 0, 0)},
		{"PostedJustBeforeSlot", 540, utc(2, 8, 59, 59), utc(2, 9, 0, 0), true, utc(2, 9, 0, 0)},
		{"PostedYesterday", 540, utc(1, 9, 0, 0), utc(2, 9, 0, 1), true, utc(2, 9, 0, 1)},
		{"AfterMidnightPostedYesterday", 540, utc(1, 9, 0, 0), utc(2, 0, 0, 0), false, utc(2, 9, 0, 0)},
		{"MissedDaysPostOnce", 540, utc(1, 9, 0, 0), utc(5, 12, 0, 0), true, utc(5, 12, 0, 0)},
		{"MidnightSlotAtMidnight", 0, utc(1, 0, 0, 0), utc(2, 0, 0, 0), true, utc(2, 0, 0, 0)},
		{"MidnightSlotLastSecond", 0, utc(1, 0, 0, 0), utc(1, 23, 59, 59), false, utc(2, 0, 0, 0)},
		{"LastMinuteBefore", 1439, never, utc(2, 23, 58, 59), false, utc(2, 23, 59, 0)},
		{"LastMinuteAt", 1439, never, utc(2, 23, 59, 0), true, utc(2, 23, 59, 0)},
		{"LastMinuteThenMidnight", 1439, utc(1, 23, 59, 0), utc(2, 0, 0, 30), false, utc(2, 23, 59, 0)},
		// 09:30 in UTC+2 is 07:30 UTC: before an 08:00 UTC slot.
		{"OtherZoneBefore", 480, never, time.Date(2026, 3, 2, 9, 30, 0, 0, cet), false, utc(2, 8, 0, 0)},
		// 01:30 on the 3rd in UTC+2 is 23:30 UTC on the 2nd: the 2nd's slot.
		{"OtherZoneOtherDay", 1380, utc(1, 23, 0, 0), time.Date(2026, 3, 3, 1, 30, 0, 0, cet), true,
			time.Date(2026, 3, 3, 1, 30, 0, 0, cet)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := retrieval.Daily{Minute: tc.minute, LastPosted: tc.last}
			assert.Equal(t, tc.due, d.Due(tc.now))
			assert.True(t, tc.next.Equal(d.Next(tc.now)), "next %v, want %v", d.Next(tc.now), tc.next)
		})
	}
	assert.Equal(t, "00:00", retrieval.Daily{}.Clock())
	assert.Equal(t, "23:59", retrieval.Daily{Minute: 1439}.Clock())
}

// MustDailyIndex opens a fake-analysed index whose library "days" holds n
// full quotes, two fragments, one hidden quote and the same words twice in
// one source, and whose library "other" holds one quote.
func MustDailyIndex(tb testing.TB, n int) *retrieval.Index {
	tb.Helper()
	ix := MustOpenFakeIndex(tb)
	var a, b strings.Builder
	for i := range n {
		line := fmt.Sprintf("\"Quote number %d is a full statement,\" said Speaker %c.\n", i, 'A'+i%26)
		if i%2 == 0 {
			a.WriteString(line)
		} else {
			b.WriteString(line)
		}
	}
	a.WriteString("\"Quote number 0 is a full statement,\" said Speaker A.\n") // the same words again
	a.WriteString("\"a fragment\" said Speaker B.\n\"another one\" said Speaker C.\n")
	b.WriteString("\"This quote is hidden from everyone,\" said Speaker H.\n")
	MustAdd(tb, ix, "days",
		retrieval.Document{Metadata: retrieval.Metadata{Title: "Even", Origin: "even.txt"}, Text: a.String()},
		retrieval.Document{Metadata: retrieval.Metadata{Title: "Odd", Origin: "odd.txt"}, Text: b.String()})
	MustAdd(tb, ix, "other", retrieval.Document{Metadata: retrieval.Metadata{Title: "Other", Origin: "o.txt"},
		Text: "\"Only the other server has this one,\" said Speaker O.\n"})
	h := MustQuote(tb, ix, "days", "hidden from everyone")
	_, err := ix.HideQuote(context.Background(), "days", curator, h.ID, true)
	require.NoError(tb, err)
	return ix
}

func TestIndex_NextDaily(t *testing.T) {
	ctx := context.Background()

	t.Run("NeverRepeatsWithinACycle", func(t *testing.T) {
		const n = 7
		ix := MustDailyIndex(t, n)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1", Minute: 540}))
		day := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		var want []string
		for i := range n {
			want = append(want, fmt.Sprintf("Quote number %d is a full statement,", i))
		}
		// Four cycles: each n posts in a row are every full quote once.
		for cycle := range 4 {
			var got []string
			for range n {
				r, err := ix.NextDaily(ctx, "days", "c1", day)
				require.NoError(t, err)
				MustExact(t, ix, "days", r)
				assert.Equal(t, retrieval.ResultQuote, r.Kind)
				assert.NotZero(t, r.QuoteID)
				got = append(got, r.Text)
				d, err := ix.Daily(ctx, "days", "c1")
				require.NoError(t, err)
				assert.True(t, day.Equal(d.LastPosted))
				assert.False(t, d.Due(day), "posted today")
				day = day.AddDate(0, 0, 1)
			}
			assert.ElementsMatch(t, want, got, "cycle %d", cycle)
		}
	})

	t.Run("Concurrent", func(t *testing.T) {
		// Posts racing on one channel still make whole cycles: each
		// NextDaily is one transaction.
		const n = 4
		ix := MustDailyIndex(t, n)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c"}))
		texts := make(chan string, 2*n)
		var wg sync.WaitGroup
		for i := range 2 * n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r, err := ix.NextDaily(ctx, "days", "c", t0.Add(time.Duration(i)*time.Second))
				if assert.NoError(t, err) {
					texts <- r.Text
				}
			}()
		}
		wg.Wait()
		close(texts)
		count := map[string]int{}
		for text := range texts {
			count[text]++
		}
		require.Len(t, count, n)
		for text, c := range count {
			assert.Equal(t, 2, c, "%q posted %d times in two cycles", text, c)
		}
	})

	t.Run("Channels", func(t *testing.T) {
		// Each channel and each library keeps its own cycle.
		ix := MustDailyIndex(t, 3)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1"}))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c2"}))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "other", Channel: "c1"}))
		day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		seen := map[string]map[string]bool{"c1": {}, "c2": {}}
		for i := range 3 {
			for _, ch := range []string{"c1", "c2"} {
				r, err := ix.NextDaily(ctx, "days", ch, day.AddDate(0, 0, i))
				require.NoError(t, err)
				assert.False(t, seen[ch][r.Text], "%s repeated %q", ch, r.Text)
				seen[ch][r.Text] = true
			}
			r, err := ix.NextDaily(ctx, "other", "c1", day.AddDate(0, 0, i))
			require.NoError(t, err)
			assert.Equal(t, "Only the other server has this one,", r.Text, "another library's quotes never")
		}
	})

	t.Run("Collection", func(t *testing.T) {
		ix := MustDailyIndex(t, 6)
		srcs, err := ix.Sources(ctx, "days")
		require.NoError(t, err)
		require.NoError(t, ix.CreateCollection(ctx, "days", curator, "Odd"))
		require.NoError(t, ix.CollectSources(ctx, "days", curator, "Odd", false, srcs[1].ID))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c", Collection: "odd"}))
		d, err := ix.Daily(ctx, "days", "c")
		require.NoError(t, err)
		assert.Equal(t, "Odd", d.Collection, "the collection's own name")
		for i := range 6 {
			r, err := ix.NextDaily(ctx, "days", "c", t0.AddDate(0, 0, i))
			require.NoError(t, err)
			assert.Equal(t, srcs[1].ID, r.Source.ID)
		}
		require.NoError(t, ix.DeleteCollection(ctx, "days", curator, "Odd"))
		_, err = ix.NextDaily(ctx, "days", "c", t0.AddDate(0, 0, 7))
		assert.ErrorIs(t, err, retrieval.ErrUnknownCollection)
	})

	t.Run("FragmentsOnlyWhenNothingElse", func(t *testing.T) {
		ix := MustOpenFakeIndex(t)
		MustAdd(t, ix, "frag", retrieval.Document{Metadata: retrieval.Metadata{Title: "F", Origin: "f.txt"},
			Text: "\"a fragment\" said Speaker B.\n"})
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "frag", Channel: "c"}))
		r, err := ix.NextDaily(ctx, "frag", "c", t0)
		require.NoError(t, err)
		assert.Equal(t, "a fragment", r.Text)
		assert.True(t, r.Fragment)
	})

	t.Run("Errors", func(t *testing.T) {
		ix := MustDailyIndex(t, 2)
		_, err := ix.NextDaily(ctx, "days", "none", t0)
		assert.ErrorIs(t, err, retrieval.ErrNoDaily)
		_, err = ix.NextDaily(ctx, "nope", "c", t0)
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
		// A library with no quotes at all.
		MustAdd(t, ix, "empty", retrieval.Document{Metadata: retrieval.Metadata{Title: "E", Origin: "e.txt"},
			Text: "No quotation here.\n"})
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "empty", Channel: "c"}))
		_, err = ix.NextDaily(ctx, "empty", "c", t0)
		assert.ErrorIs(t, err, retrieval.ErrNothingToPost)
		d, err := ix.Daily(ctx, "empty", "c")
		require.NoError(t, err)
		assert.True(t, d.LastPosted.IsZero(), "a failed post records nothing")
	})
}

func TestIndex_SetDaily(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		ix := MustDailyIndex(t, 3)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1", Minute: 540}))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "other", Channel: "c9", Minute: 0}))
		h := MustHistory(t, ix, "days", 0)
		assert.Equal(t, retrieval.ActionDailySet, h[0].Action)
		assert.Equal(t, curator, h[0].Actor)
		assert.Contains(t, h[0].Detail, "09:00 UTC")

		// Post, then move the time earlier: the post is kept, so no second
		// post today.
		posted := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
		_, err := ix.NextDaily(ctx, "days", "c1", posted)
		require.NoError(t, err)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1", Minute: 480}))
		d, err := ix.Daily(ctx, "days", "c1")
		require.NoError(t, err)
		assert.True(t, posted.Equal(d.LastPosted))
		assert.False(t, d.Due(posted.Add(2*time.Hour)), "already posted today")
		// Moved later, it posts again at the new time.
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1", Minute: 600}))
		d, err = ix.Daily(ctx, "days", "c1")
		require.NoError(t, err)
		assert.True(t, posted.Equal(d.LastPosted))
		assert.False(t, d.Due(posted.Add(59*time.Minute)))
		assert.True(t, d.Due(posted.Add(time.Hour)))

		// The same schedule again changes and records nothing.
		n := len(MustHistory(t, ix, "days", 0))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c1", Minute: 600}))
		assert.Len(t, MustHistory(t, ix, "days", 0), n)

		all, err := ix.Dailies(ctx)
		require.NoError(t, err)
		require.Len(t, all, 2)
		assert.Equal(t, retrieval.Daily{Library: "days", Channel: "c1", Minute: 600, LastPosted: d.LastPosted}, all[0])
		assert.Equal(t, retrieval.Daily{Library: "other", Channel: "c9"}, all[1])

		require.NoError(t, ix.StopDaily(ctx, "days", curator, "c1"))
		assert.Equal(t, retrieval.ActionDailyStop, MustHistory(t, ix, "days", 0)[0].Action)
		assert.ErrorIs(t, ix.StopDaily(ctx, "days", curator, "c1"), retrieval.ErrNoDaily)
		assert.ErrorIs(t, ix.StopDaily(ctx, "other", curator, "c1"), retrieval.ErrNoDaily, "another library's channel")
		_, err = ix.Daily(ctx, "days", "c1")
		assert.ErrorIs(t, err, retrieval.ErrNoDaily)
		all, err = ix.Dailies(ctx)
		require.NoError(t, err)
		assert.Len(t, all, 1)
		require.NoError(t, ix.Check(ctx))
	})

	t.Run("Persists", func(t *testing.T) {
		path := t.TempDir() + "/daily.db"
		ix := retrieval.NewIndex(path)
		require.NoError(t, ix.Open())
		MustAdd(t, ix, "days", retrieval.Document{Metadata: retrieval.Metadata{Title: "T", Origin: "t.txt"},
			Text: "\"We will meet again next week in Vilnius,\" said Olaf Scholz.\n"})
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c", Minute: 75}))
		require.NoError(t, ix.Close())
		ix2 := MustOpenIndexAt(t, path)
		all, err := ix2.Dailies(ctx)
		require.NoError(t, err)
		require.Len(t, all, 1)
		assert.Equal(t, 75, all[0].Minute)
		assert.Equal(t, "01:15", all[0].Clock())
	})

	t.Run("Errors", func(t *testing.T) {
		ix := MustDailyIndex(t, 2)
		before := MustHistory(t, ix, "days", 0)
		for _, d := range []retrieval.Daily{
			{Library: "days", Channel: "c", Minute: -1},
			{Library: "days", Channel: "c", Minute: 1440},
			{Library: "days", Channel: " "},
			{Library: "", Channel: "c"},
		} {
			assert.Error(t, ix.SetDaily(ctx, curator, d), "%+v", d)
		}
		assert.ErrorIs(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c", Collection: "nope"}),
			retrieval.ErrUnknownCollection)
		assert.Error(t, ix.SetDaily(ctx, retrieval.Actor{}, retrieval.Daily{Library: "days", Channel: "c"}))
		assert.Error(t, ix.StopDaily(ctx, "days", retrieval.Actor{}, "c"))
		assert.ErrorIs(t, ix.StopDaily(ctx, "nope", curator, "c"), retrieval.ErrUnknownLibrary)
		assert.Equal(t, before, MustHistory(t, ix, "days", 0), "refused changes write nothing")
		all, err := ix.Dailies(ctx)
		require.NoError(t, err)
		assert.Empty(t, all)
	})

	t.Run("NewCollectionNewCycle", func(t *testing.T) {
		ix := MustDailyIndex(t, 2)
		srcs, err := ix.Sources(ctx, "days")
		require.NoError(t, err)
		require.NoError(t, ix.CreateCollection(ctx, "days", curator, "Both"))
		require.NoError(t, ix.CollectSources(ctx, "days", curator, "Both", false, srcs[0].ID, srcs[1].ID))
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c"}))
		first, err := ix.NextDaily(ctx, "days", "c", t0)
		require.NoError(t, err)
		require.NoError(t, ix.SetDaily(ctx, curator, retrieval.Daily{Library: "days", Channel: "c", Collection: "Both"}))
		// Two quotes, new cycle: over the next two posts both are shown,
		// the first one included.
		seen := map[string]bool{}
		for i := 1; i <= 2; i++ {
			r, err := ix.NextDaily(ctx, "days", "c", t0.AddDate(0, 0, i))
			require.NoError(t, err)
			seen[r.Text] = true
		}
		assert.True(t, seen[first.Text])
		assert.Len(t, seen, 2)
	})
}
