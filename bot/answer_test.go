package bot

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// TestAnswerButtons checks every shape of an answer's buttons against
// Discord's limits: at most five rows of five, unique custom_ids of at
// most 100 characters, labels of at most 80; and the bounds of Previous
// and Next.
func TestAnswerButtons(t *testing.T) {
	r := retrieval.Result{Kind: retrieval.ResultQuote, Text: "x", Paragraph: 2, Source: retrieval.SourceRef{ID: 1}}
	for n := 1; n <= 5; n++ {
		for _, feedback := range []bool{false, true} {
			for _, more := range []bool{false, true} {
				p := &page{results: make([]retrieval.Result, n), counts: make([]int, n)}
				for i := range p.results {
					p.results[i] = r
				}
				rows := answerButtons(newStateID(), p, feedback, more)
				if len(rows) > 5 {
					t.Errorf("n=%d feedback=%v more=%v: %d rows", n, feedback, more, len(rows))
				}
				seen := map[string]bool{}
				for _, row := range rows {
					bs := row.(discordgo.ActionsRow).Components
					if len(bs) > 5 {
						t.Errorf("n=%d: %d buttons in a row", n, len(bs))
					}
					for _, c := range bs {
						b := c.(discordgo.Button)
						if len(b.CustomID) > 100 || seen[b.CustomID] {
							t.Errorf("custom_id %q too long or repeated", b.CustomID)
						}
						seen[b.CustomID] = true
						if utf8.RuneCountInString(b.Label) > 80 {
							t.Errorf("label %q too long", b.Label)
						}
					}
				}
				want := 4 * n
				if feedback {
					want += 2
				}
				if more {
					want++
				}
				if len(seen) != want {
					t.Errorf("n=%d feedback=%v more=%v: %d buttons, want %d", n, feedback, more, len(seen), want)
				}
			}
		}
	}

	t.Run("Bounds", func(t *testing.T) {
		for _, tc := range []struct {
			paragraph, count int
			prevOff, nextOff bool
		}{
			{1, 3, true, false},
			{2, 3, false, false},
			{3, 3, false, true},
			{1, 1, true, true},
			{4, 0, false, false}, // count unknown: Next stays on
		} {
			r := r
			r.Paragraph = tc.paragraph
			p := &page{results: []retrieval.Result{r}, counts: []int{tc.count}}
			row := answerButtons("s", p, false, false)[0].(discordgo.ActionsRow).Components
			prev, next := row[0].(discordgo.Button), row[2].(discordgo.Button)
			if !strings.HasPrefix(prev.CustomID, "v1:prev:") || !strings.HasPrefix(next.CustomID, "v1:next:") {
				t.Fatalf("buttons %+v", row)
			}
			if prev.Disabled != tc.prevOff || next.Disabled != tc.nextOff {
				t.Errorf("¶ %d of %d: previous off %v, next off %v", tc.paragraph, tc.count, prev.Disabled, next.Disabled)
			}
		}
	})
}

func TestCompactEmbed(t *testing.T) {
	long := strings.Repeat("word ", 2000)
	rs := []retrieval.Result{
		{Kind: retrieval.ResultQuote, Text: "We will not allow **NATO** on our doorstep.", Speaker: "Sergei Ryabkov", Paragraph: 4, QuoteID: 11,
			Source: retrieval.SourceRef{ID: 1, Title: "Russia's war aims"}},
		{Kind: retrieval.ResultQuote, Text: long, Speaker: "@everyone", Paragraph: 1, Source: retrieval.SourceRef{ID: 2}},
	}
	e := compactEmbed(rs, true)
	if n := utf8.RuneCountInString(e.Description); n > maxDescription {
		t.Fatalf("description %d characters", n)
	}
	for _, want := range []string{pinnedMark, "**1.** “We will not allow \\*\\*NATO\\*\\* on our doorstep.” — Sergei Ryabkov", "quote #11", "**2.**", "Untitled source #2"} {
		if !strings.Contains(e.Description, want) {
			t.Errorf("description lacks %q:\n%s", want, e.Description)
		}
	}
	if strings.Count(e.Description, "word") > maxCompactQuote {
		t.Errorf("a long quote is not shortened")
	}
}
