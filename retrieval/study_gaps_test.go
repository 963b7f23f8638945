package retrieval_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// tick makes ix's clock advance a minute at each reading, from t0.
func tick(ix *retrieval.Index, t0 time.Time) {
	n := 0
	ix.Now = func() time.Time {
		n++
		return t0.Add(time.Duration(n) * time.Minute)
	}
}

var t0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestIndex_Gaps(t *testing.T) {
	ctx := context.Background()

	t.Run("OK", func(t *testing.T) {
		ix := MustStudyIndex(t)
		tick(ix, t0)
		for _, q := range []string{
			"Why did Russia go to war?",
			"How are submarine cables protected?",
			"why did russia go to WAR",
			"Russia — why did it go to war…",
		} {
			require.NoError(t, ix.RecordGap(ctx, "study", q))
		}
		gaps, err := ix.Gaps(ctx, "study", 0)
		require.NoError(t, err)
		require.Len(t, gaps, 2)
		assert.Equal(t, retrieval.Gap{Question: "Russia — why did it go to war…", Asked: 3, Down: 0,
			Last: t0.Add(4 * time.Minute)}, gaps[0], "grouped, with the latest wording")
		assert.Equal(t, retrieval.Gap{Question: "How are submarine cables protected?", Asked: 1,
			Last: t0.Add(2 * time.Minute)}, gaps[1])

		top, err := ix.Gaps(ctx, "study", 1)
		require.NoError(t, err)
		assert.Equal(t, gaps[:1], top)
	})

	t.Run("Isolation", func(t *testing.T) {
		ix := MustStudyIndex(t)
		require.NoError(t, ix.RecordGap(ctx, "study", "Why did Russia go to war?"))
		gaps, err := ix.Gaps(ctx, "other", 0)
		require.NoError(t, err)
		assert.Empty(t, gaps)
		// A server with no library yet gets one, to learn what to add.
		require.NoError(t, ix.RecordGap(ctx, "new-server", "Why did Russia go to war?"))
		gaps, err = ix.Gaps(ctx, "new-server", 0)
		require.NoError(t, err)
		require.Len(t, gaps, 1)
		assert.Equal(t, 1, gaps[0].Asked, "not counted with the other library's")
		_, err = ix.Gaps(ctx, "nope", 0)
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
	})

	t.Run("Errors", func(t *testing.T) {
		ix := MustStudyIndex(t)
		assert.Error(t, ix.RecordGap(ctx, "study", "   "))
		assert.Error(t, ix.RecordGap(ctx, "", "why?"))
		gaps, err := ix.Gaps(ctx, "study", 0)
		require.NoError(t, err)
		assert.Empty(t, gaps)
	})

	t.Run("HostileQuestion", func(t *testing.T) {
		// Users' words are stored and returned as written, never read as SQL.
		ix := MustStudyIndex(t)
		q := `war'); DELETE FROM gaps; DROP TABLE sources; -- "x" NEAR(a b) *`
		require.NoError(t, ix.RecordGap(ctx, "study", q))
		require.NoError(t, ix.RecordFeedback(ctx, "study", "m'1", `u"1`, q, -1))
		gaps, err := ix.Gaps(ctx, "study", 0)
		require.NoError(t, err)
		require.Len(t, gaps, 1)
		assert.Equal(t, q, gaps[0].Question)
		assert.Equal(t, 2, gaps[0].Asked)
		up, down, err := ix.Feedback(ctx, "study", "m'1")
		require.NoError(t, err)
		assert.Equal(t, [2]int{0, 1}, [2]int{up, down})
		srcs, err := ix.Sources(ctx, "study")
		require.NoError(t, err)
		assert.Len(t, srcs, len(studyDocs))
	})

	t.Run("Trim", func(t *testing.T) {
		defer retrieval.SetMaxGapsForTest(3)()
		ix := MustStudyIndex(t)
		tick(ix, t0)
		for _, fruit := range []string{"apples", "bananas", "cherries", "dates", "figs"} {
			require.NoError(t, ix.RecordGap(ctx, "study", fmt.Sprintf("what about %s?", fruit)))
		}
		require.NoError(t, ix.RecordGap(ctx, "other", "kept elsewhere"))
		gaps, err := ix.Gaps(ctx, "study", 0)
		require.NoError(t, err)
		var qs []string
		for _, g := range gaps {
			qs = append(qs, g.Question)
		}
		assert.ElementsMatch(t, []string{"what about cherries?", "what about dates?", "what about figs?"}, qs,
			"the newest three are kept")
		gaps, err = ix.Gaps(ctx, "other", 0)
		require.NoError(t, err)
		assert.Len(t, gaps, 1, "another library's gaps are not trimmed for this one's")
	})
}

func TestIndex_RecordFeedback(t *testing.T) {
	ctx := context.Background()
	ix := MustStudyIndex(t)
	tick(ix, t0)
	q := "Why did Russia go to war?"

	require.NoError(t, ix.RecordFeedback(ctx, "study", "m1", "u1", q, 1))
	require.NoError(t, ix.RecordFeedback(ctx, "study", "m1", "u2", q, -1))
	require.NoError(t, ix.RecordFeedback(ctx, "study", "m1", "u3", q, -1))
	require.NoError(t, ix.RecordFeedback(ctx, "study", "m1", "u3", q, -1)) // the same vote again
	require.NoError(t, ix.RecordFeedback(ctx, "study", "m2", "u1", "cables?", 1))
	up, down, err := ix.Feedback(ctx, "study", "m1")
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, 2}, [2]int{up, down})

	require.NoError(t, ix.RecordGap(ctx, "study", "why did russia go to WAR"))
	gaps, err := ix.Gaps(ctx, "study", 0)
	require.NoError(t, err)
	require.Len(t, gaps, 1)
	assert.Equal(t, 3, gaps[0].Asked, "two thumbs-down and one unanswered")
	assert.Equal(t, 2, gaps[0].Down)

	// u2 changes their mind: the vote and its gap are taken back.
	require.NoError(t, ix.RecordFeedback(ctx, "study", "m1", "u2", q, 1))
	up, down, err = ix.Feedback(ctx, "study", "m1")
	require.NoError(t, err)
	assert.Equal(t, [2]int{2, 1}, [2]int{up, down})
	gaps, err = ix.Gaps(ctx, "study", 0)
	require.NoError(t, err)
	require.Len(t, gaps, 1)
	assert.Equal(t, 2, gaps[0].Asked)
	assert.Equal(t, 1, gaps[0].Down)

	t.Run("Isolation", func(t *testing.T) {
		up, down, err := ix.Feedback(ctx, "other", "m1")
		require.NoError(t, err)
		assert.Zero(t, up+down, "the same message id in another library")
		require.NoError(t, ix.RecordFeedback(ctx, "other", "m1", "u9", q, -1))
		up, down, err = ix.Feedback(ctx, "study", "m1")
		require.NoError(t, err)
		assert.Equal(t, [2]int{2, 1}, [2]int{up, down})
	})

	t.Run("Errors", func(t *testing.T) {
		for _, vote := range []int{0, 2, -2} {
			assert.Error(t, ix.RecordFeedback(ctx, "study", "m1", "u1", q, vote), vote)
		}
		assert.Error(t, ix.RecordFeedback(ctx, "study", "", "u1", q, 1))
		assert.Error(t, ix.RecordFeedback(ctx, "study", "m1", " ", q, 1))
		assert.ErrorIs(t, ix.RecordFeedback(ctx, "nope", "m1", "u1", q, 1), retrieval.ErrUnknownLibrary)
		_, _, err := ix.Feedback(ctx, "nope", "m1")
		assert.ErrorIs(t, err, retrieval.ErrUnknownLibrary)
		up, down, err := ix.Feedback(ctx, "study", "m1")
		require.NoError(t, err)
		assert.Equal(t, [2]int{2, 1}, [2]int{up, down}, "refused votes changed nothing")
	})
}

func TestWriteGapsCSV(t *testing.T) {
	last := time.Date(2026, 3, 1, 12, 30, 0, 0, time.FixedZone("CET", 3600))
	gaps := []retrieval.Gap{
		{Question: "Why did Russia go to war?", Asked: 3, Down: 1, Last: last},
		{Question: `=HYPERLINK("http://evil.example","click")`, Asked: 2, Last: last},
		{Question: "+1 for cables", Asked: 1, Last: last},
		{Question: "-2+3", Asked: 1, Last: last},
		{Question: "@SUM(A1:A9)", Asked: 1, Last: last},
		{Question: "  =1+1", Asked: 1, Last: last},
		{Question: "＝1+1", Asked: 1, Last: last},
		{Question: "a, \"quoted\"\nquestion", Asked: 1, Last: last},
		{Question: "what about e-mail = spam?", Asked: 1, Last: last},
	}
	var buf bytes.Buffer
	require.NoError(t, retrieval.WriteGapsCSV(&buf, gaps))
	recs, err := csv.NewReader(&buf).ReadAll()
	require.NoError(t, err)
	require.Len(t, recs, len(gaps)+1)
	assert.Equal(t, []string{"question", "asked", "down", "last_asked"}, recs[0])
	assert.Equal(t, []string{"Why did Russia go to war?", "3", "1", "2026-03-01T11:30:00Z"}, recs[1])
	want := []string{
		`'=HYPERLINK("http://evil.example","click")`,
		"'+1 for cables",
		"'-2+3",
		"'@SUM(A1:A9)",
		"'  =1+1",
		"'＝1+1",
		"a, \"quoted\"\nquestion",   // safe: kept as it is, quoted by CSV
		"what about e-mail = spam?", // a formula character inside is harmless
	}
	for i, w := range want {
		assert.Equal(t, w, recs[i+2][0])
	}

	buf.Reset()
	require.NoError(t, retrieval.WriteGapsCSV(&buf, nil))
	assert.Equal(t, "question,asked,down,last_asked\n", buf.String())
}
