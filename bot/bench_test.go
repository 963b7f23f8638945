package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// benchPassages is the size of the benchmark's library, in passages
// (sentences, each one searchable unit).
const benchPassages = 10000

// benchWindow is how many interactions the benchmark keeps in flight: a
// busy server's worth, well inside what answers within three seconds.
const benchWindow = 32

// MustBuildLibrary fills library with copies of the sample article, each a
// distinct source (its own origin, title and closing line), until it holds
// at least passages passages. It returns the number of passages.
func MustBuildLibrary(tb testing.TB, ix *retrieval.Index, library string, passages int) int {
	tb.Helper()
	docs := sampleDocs(tb)
	per := 0
	for _, d := range docs {
		per += len(retrieval.Analyze(d.Text).Sentences)
	}
	require.Positive(tb, per)
	total := 0
	var batch []retrieval.Document
	for n := 1; total < passages; n++ {
		for _, d := range docs {
			d.Text += fmt.Sprintf("\n\nThis is copy number %d of the sample.\n", n)
			d.Origin = fmt.Sprintf("copy-%05d/%s", n, d.Origin)
			d.Title = fmt.Sprintf("%s (copy %d)", d.Title, n)
			batch = append(batch, d)
			total += len(retrieval.Analyze(d.Text).Sentences)
		}
		if len(batch) >= 50 || total >= passages {
			_, err := ix.Add(context.Background(), library, batch...)
			require.NoError(tb, err)
			batch = batch[:0]
		}
	}
	return total
}

// BenchmarkInteractions pushes /ask interactions through the fake
// Discord's gateway to the bot, over a real discordgo session, against a
// 10,000-passage library, keeping benchWindow in flight. It reports
// answered interactions per second (dispatch to edited answer, all
// included: gateway, discordgo, search, REST and the fake's contract
// checks) and the acknowledgement latency from dispatch to the deferral
// reaching the fake.
func BenchmarkInteractions(b *testing.B) {
	ix := MustOpenIndex(b)
	library := bot.LibraryName(e2eGuildA)
	n := MustBuildLibrary(b, ix, library, benchPassages)
	b.Logf("library: %d passages", n)

	questions := benchQuestions(b)
	// "ask" is the bot as it ships; "ask-no-study" the same without the
	// study-group features (settings, pins, paragraph counts and the cited
	// log each answer reads or writes), for the ratio.
	for _, tc := range []struct {
		name  string
		study bool
	}{{"ask", true}, {"ask-no-study", false}} {
		f := fakediscord.New(b, fakediscord.WithGuilds(e2eGuildA))
		bt := bot.New(bot.Config{Token: fakediscord.DefaultToken}, ix)
		if !tc.study {
			bt.Study = nil
		}
		bt.Logger = slog.New(slog.DiscardHandler)
		bt.Cooldown = 0
		bt.Session.ShouldReconnectOnError = false
		f.Redirect(bt.Session)
		require.NoError(b, bt.Open(context.Background()))
		b.Cleanup(func() { _ = bt.Close() })
		f.WaitIdentified(b, 5*time.Second)
		b.Run(tc.name, func(b *testing.B) { benchAsk(b, f, questions) })
	}
}

// benchAsk asks b.N questions through f, at most benchWindow at a time.
func benchAsk(b *testing.B, f *fakediscord.Server, questions []string) {
	dispatched := make(map[string]time.Time, b.N)
	var pending []*fakediscord.Interaction
	answered := func(i *fakediscord.Interaction) {
		r := f.WaitRequest(b, 30*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsEditOriginal))
		if !fakediscord.IsOK(r) {
			b.Fatalf("%s: %s", r, r.Response)
		}
	}
	b.ResetTimer()
	start := time.Now()
	for k := 0; k < b.N; k++ {
		if len(pending) == benchWindow {
			answered(pending[0])
			pending = pending[1:]
		}
		i := fakediscord.SlashCommand(e2eGuildA, e2eChan, fakediscord.DefaultUserID, "ask",
			fakediscord.StringOpt("question", questions[k%len(questions)]))
		dispatched[i.ID] = time.Now()
		f.DispatchInteraction(b, i)
		pending = append(pending, i)
	}
	for _, i := range pending {
		answered(i)
	}
	elapsed := time.Since(start)
	b.StopTimer()

	var acks []time.Duration
	for _, r := range f.Requests() {
		if t0, ok := dispatched[r.Params["interaction_id"]]; ok && fakediscord.IsCallback(r) {
			acks = append(acks, r.Time.Sub(t0))
		}
	}
	require.Len(b, acks, b.N)
	sort.Slice(acks, func(i, j int) bool { return acks[i] < acks[j] })
	pct := func(p float64) float64 {
		return float64(acks[min(int(p*float64(len(acks))), len(acks)-1)]) / float64(time.Millisecond)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "answers/s")
	b.ReportMetric(pct(0.50), "ack-p50-ms")
	b.ReportMetric(pct(0.99), "ack-p99-ms")
}

// benchQuestions are the eval questions, answerable or not.
func benchQuestions(tb testing.TB) []string {
	tb.Helper()
	fh, err := data.Eval.Open("eval/questions.jsonl")
	require.NoError(tb, err)
	defer fh.Close()
	qs, err := retrieval.ParseEvalQuestions(fh)
	require.NoError(tb, err)
	var out []string
	for _, q := range qs {
		out = append(out, q.Question)
	}
	require.NotEmpty(tb, out)
	return out
}
