package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// Study groups: the features that let a group read sources together
// (compare speakers, read a quote in its context, cite and export, a
// daily quote, thread follow-ups, feedback and gap reports, pinned
// answers, and the server's answer settings). What they need of the index
// is declared here, as small interfaces *retrieval.Index satisfies.

// Comparer finds what different speakers said on a topic.
type Comparer interface {
	// Compare returns the most relevant attributed quote of each distinct
	// speaker, at most speakers results, most relevant first, scoped as
	// Search is. It returns retrieval.ErrEmptyQuery,
	// retrieval.ErrUnknownLibrary or retrieval.ErrNoMatch as Search does.
	Compare(ctx context.Context, q retrieval.Query, speakers int) ([]retrieval.Result, error)
}

// ParagraphCounter bounds reading a source passage by passage.
type ParagraphCounter interface {
	// ParagraphCount returns the number of paragraphs of source id. It
	// returns retrieval.ErrUnknownLibrary or retrieval.ErrUnknownSource.
	ParagraphCount(ctx context.Context, library string, sourceID int64) (int, error)
}

// CitedLog remembers the quotes shown in a channel or thread: the study
// packet /export sends.
type CitedLog interface {
	// RecordCited adds rs to the packet of thread (a channel or thread
	// id), once each, in the order first shown.
	RecordCited(ctx context.Context, library, thread string, rs ...retrieval.Result) error
	// Cited returns the packet of thread, re-read from the sources; quotes
	// whose source changed or went are left out.
	Cited(ctx context.Context, library, thread string) ([]retrieval.Result, error)
}

// FeedbackLog records what readers think of the answers, and the
// questions the library could not answer.
type FeedbackLog interface {
	// RecordFeedback records user's vote (+1 or -1) on the answer in
	// message messageID to question; a user has one vote per message,
	// which a later vote replaces.
	RecordFeedback(ctx context.Context, library, messageID, userID, question string, vote int) error
	// RecordGap records question as one the library had no good answer
	// for.
	RecordGap(ctx context.Context, library, question string) error
}

// Pinner keeps the answers moderators pinned to recurring questions.
type Pinner interface {
	// Pin makes quote quoteID the answer to question (compared by its
	// search terms). It returns retrieval.ErrUnknownQuote.
	Pin(ctx context.Context, library string, actor retrieval.Actor, question string, quoteID int64) error
	// Unpin removes the pin of question. It returns retrieval.ErrNoPin
	// when there is none.
	Unpin(ctx context.Context, library string, actor retrieval.Actor, question string) error
	// Pinned returns the quote pinned to question; ok is false when none
	// is (or it was hidden or removed since), and, with a collection (a
	// channel's scope), when the quote's source is not in it.
	Pinned(ctx context.Context, library, collection, question string) (r retrieval.Result, ok bool, err error)
}

// Study is everything the study-group features need of the index:
// *retrieval.Index satisfies it.
type Study interface {
	Comparer
	ParagraphCounter
	CitedLog
	FeedbackLog
	Pinner
	GapReporter
	DailyScheduler
}

// Settings keys for how answers look, set with /settings answers.
const (
	settingLayout   = "layout"   // full | compact
	settingResults  = "results"  // 1..5
	settingButtons  = "buttons"  // on | off
	settingFeedback = "feedback" // on | off
)

// answerLook is how a server wants its answers: the settings above, with
// the Bot's defaults for those unset.
type answerLook struct {
	compact  bool
	results  int
	buttons  bool
	feedback bool
}

// look reads library's answer settings. A setting that cannot be read
// (or holds a value the bot does not know) keeps its default: an answer
// with the default look beats no answer.
func (b *Bot) look(ctx context.Context, c *call, library string) answerLook {
	l := answerLook{results: b.MaxResults, buttons: true, feedback: b.Study != nil}
	if b.Curator == nil {
		return l
	}
	get := func(key string) string {
		v, err := b.Curator.Setting(ctx, library, key)
		if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
			c.log.Warn("read answer setting", "key", key, "err", err)
			return ""
		}
		return v
	}
	// One query for all four, when the index can list a library's
	// settings (*retrieval.Index can).
	if all, ok := b.Curator.(settingsLister); ok {
		m, err := all.Settings(ctx, library)
		if err != nil && !errors.Is(err, retrieval.ErrUnknownLibrary) {
			c.log.Warn("read answer settings", "err", err)
		}
		get = func(key string) string { return m[key] }
	}
	l.compact = get(settingLayout) == "compact"
	if n, err := strconv.Atoi(get(settingResults)); err == nil && n >= 1 && n <= 5 {
		l.results = n
	}
	l.buttons = get(settingButtons) != "off"
	l.feedback = l.buttons && get(settingFeedback) != "off" && b.Study != nil
	return l
}

// settingsLister reads all of a library's settings at once.
type settingsLister interface {
	// Settings returns the library's settings by key. It returns
	// retrieval.ErrUnknownLibrary.
	Settings(ctx context.Context, library string) (map[string]string, error)
}

// Options of /settings answers.
const (
	subAnswers  = "answers"
	optLayout   = "layout"
	optResults  = "results"
	optButtons  = "buttons"
	optFeedback = "feedback"
)

// answerSettings answers /settings answers: with no option it shows the
// server's answer settings, otherwise it changes those given. Curators
// only.
func (b *Bot) answerSettings(c *call, opts []*discordgo.ApplicationCommandInteractionDataOption) {
	type change struct{ key, value string }
	var changes []change
	var bad []string
	onOff := func(opt, key string) {
		v, ok := textOption(opts, opt)
		if !ok {
			return
		}
		switch v = strings.ToLower(v); v {
		case "on", "off":
			changes = append(changes, change{key, v})
		default:
			bad = append(bad, "`"+opt+"` is on or off")
		}
	}
	if v, ok := textOption(opts, optLayout); ok {
		switch v = strings.ToLower(v); v {
		case "full", "compact":
			changes = append(changes, change{settingLayout, v})
		default:
			bad = append(bad, "`layout` is full or compact")
		}
	}
	if n, ok := intOption(opts, optResults); ok {
		if n >= 1 && n <= 5 {
			changes = append(changes, change{settingResults, strconv.FormatInt(n, 10)})
		} else {
			bad = append(bad, "`results` is 1 to 5")
		}
	}
	onOff(optButtons, settingButtons)
	onOff(optFeedback, settingFeedback)

	b.curated(c, accessCurator, false, func(ctx context.Context, library string, actor retrieval.Actor) step {
		if len(bad) > 0 {
			return now(textReply("Nothing was changed: "+strings.Join(bad, "; ")+".", true))
		}
		for _, ch := range changes {
			if err := b.Curator.SetSetting(ctx, library, actor, ch.key, ch.value); err != nil {
				return now(b.curateError(c, library, err))
			}
		}
		if len(changes) > 0 {
			c.log.Info("answer settings changed", "library", library, "count", len(changes))
		}
		l := b.look(ctx, c, library)
		layout := "full cards"
		if l.compact {
			layout = "compact (one card listing the quotes)"
		}
		onoff := func(v bool) string {
			if v {
				return "on"
			}
			return "off"
		}
		head := "This server's answers:"
		if len(changes) > 0 {
			head = "**Saved.** This server's answers now:"
		}
		feedback := onoff(l.feedback)
		if !l.buttons {
			feedback = "off (no buttons)"
		}
		return now(textReply(fmt.Sprintf("%s\n• layout: %s\n• results: %d per answer\n• buttons: %s\n• feedback (👍/👎): %s\n"+
			"Change them with `/settings answers layout: results: buttons: feedback:`.",
			head, layout, l.results, onoff(l.buttons), feedback), true))
	})
}
