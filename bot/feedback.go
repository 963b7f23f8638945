package bot

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// /gaps sends curators the questions the library answered worst (no good
// answer, or 👎 from readers), most asked first, as a list and a CSV file,
// so they know which sources to add.

// maxGapsShown is the number of questions /gaps lists in its message; the
// CSV holds up to maxGapsCSV.
const (
	maxGapsShown = 15
	maxGapsCSV   = 1000
)

// GapReporter lists the questions the library had no good answer for.
type GapReporter interface {
	// Gaps returns at most limit of them, most asked first.
	Gaps(ctx context.Context, library string, limit int) ([]retrieval.Gap, error)
}

// gaps answers /gaps: the most asked questions without a good answer, and
// all of them as a CSV file. Curators only.
func (b *Bot) gaps(c *call) {
	b.curated(c, accessCurator, false, func(ctx context.Context, library string, _ retrieval.Actor) step {
		return later(func(ctx context.Context) reply {
			gs, err := b.Study.Gaps(ctx, library, maxGapsCSV)
			if err != nil && !isUnknownLibrary(err) {
				return b.curateError(c, library, err)
			}
			if len(gs) == 0 {
				return textReply("No unanswered questions recorded yet. Questions the library has no answer for, "+
					"and answers readers mark 👎, are listed here.", true)
			}
			var sb strings.Builder
			for i, g := range gs {
				if i == maxGapsShown {
					fmt.Fprintf(&sb, "… and %d more in the CSV.\n", len(gs)-maxGapsShown)
					break
				}
				q, _ := fitEscaped(oneLine(g.Question), 150)
				line := fmt.Sprintf("**%d.** %s — asked %d×", i+1, q, g.Asked)
				if g.Down > 0 {
					line += fmt.Sprintf(", 👎 %d", g.Down)
				}
				if !g.Last.IsZero() {
					line += ", last " + timestamp(g.Last, "R")
				}
				sb.WriteString(line + "\n")
			}
			desc, _ := truncate(sb.String(), maxDescription)
			var buf bytes.Buffer
			if err := retrieval.WriteGapsCSV(&buf, gs); err != nil {
				return b.curateError(c, library, fmt.Errorf("write gaps csv: %w", err))
			}
			c.log.Info("gaps listed", "library", library, "count", len(gs))
			return reply{ephemeral: true,
				content: "Questions this server's library answers worst, most asked first: add sources on them.",
				embeds: []*discordgo.MessageEmbed{{Type: discordgo.EmbedTypeRich, Color: cardColor,
					Title: "Unanswered questions", Description: desc}},
				files: []*discordgo.File{{Name: "gaps.csv", ContentType: "text/csv; charset=utf-8", Reader: bytes.NewReader(buf.Bytes())}},
			}
		})
	})
}
