package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Embedded evaluation files, inside data.Eval.
const (
	evalQuestionsFile    = "eval/questions.jsonl"
	evalAttributionsFile = "eval/attributions.jsonl"
)

// runEval runs the embedded evaluation. By default it builds a fresh
// temporary database from the embedded sample, so that the figures depend on
// the code alone; --db evaluates an existing database instead.
func (m *Main) runEval(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "polnear" {
		return m.runEvalPolNeAR(args[1:])
	}
	if len(args) > 0 && args[0] == "retrieval" {
		return m.runEvalRetrieval(ctx, args[1:])
	}
	fset, c := m.flagSet("eval", "verbatim eval [--db PATH] [--library NAME] [-k N]\n  verbatim eval polnear [--errors FILE] DIR\n  "+evalRetrievalSynopsis)
	fset.Lookup("db").Usage = "evaluate this database `path` instead of a fresh temporary copy of the sample"
	k := fset.Int("k", 10, "results asked for each question (MRR looks this deep; at least 3)")
	dbSet := false
	pos, err := m.parse(fset, c, args)
	if err != nil {
		return err
	}
	fset.Visit(func(f *flag.Flag) { dbSet = dbSet || f.Name == "db" })
	if len(pos) > 0 {
		return usageErrorf(fset, "unexpected argument %q", pos[0])
	}
	if *k < 3 || *k > MaxK {
		return usageErrorf(fset, "-k %d: want 3 to %d", *k, MaxK)
	}

	questions, err := readEvalFile(evalQuestionsFile, retrieval.ParseEvalQuestions)
	if err != nil {
		return err
	}
	gold, err := readEvalFile(evalAttributionsFile, retrieval.ParseEvalAttributions)
	noGold := errors.Is(err, fs.ErrNotExist)
	if err != nil && !noGold {
		return err
	}

	db, library := c.db, c.library
	if !dbSet {
		dir, err := os.MkdirTemp("", "verbatim-eval-")
		if err != nil {
			return fmt.Errorf("eval: %w", err)
		}
		defer os.RemoveAll(dir)
		db, library = filepath.Join(dir, "eval.db"), retrieval.DefaultLibrary
	}
	ix, err := m.openIndex(ctx, db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)
	if _, err := ix.Sources(ctx, library); err != nil {
		return indexError(ctx, ix, "eval", library, 0, err)
	}

	rep := retrieval.EvaluateQuestions(ctx, ix, library, questions, *k)
	var arep *retrieval.AttributionReport
	if !noGold {
		quotes, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library})
		if err != nil {
			return indexError(ctx, ix, "eval", library, 0, err)
		}
		r := retrieval.EvaluateAttributions(quotes, gold)
		arep = &r
	}
	if err := renderEval(m.Stdout, rep, arep); err != nil {
		return err
	}
	if rep.Errors > 0 {
		return fmt.Errorf("eval: %d question(s) could not be searched (see above)", rep.Errors)
	}
	return nil
}

// readEvalFile reads and parses one embedded evaluation file.
func readEvalFile[T any](name string, parse func(io.Reader) ([]T, error)) ([]T, error) {
	f, err := data.Eval.Open(name)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	items, err := parse(f)
	if err != nil {
		return nil, fmt.Errorf("eval: %s: %w", name, err)
	}
	return items, nil
}

// renderEval prints the figures, then what went wrong question by question.
func renderEval(w io.Writer, rep retrieval.QuestionReport, arep *retrieval.AttributionReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "questions     %d answerable, %d with no answer\n", rep.Answerable, rep.NoneTotal)
	fmt.Fprintf(&b, "recall@1      %.3f (%d/%d)\n", rep.RecallAt1, rep.Hits1(), rep.Answerable)
	fmt.Fprintf(&b, "recall@3      %.3f (%d/%d)\n", rep.RecallAt3, rep.Hits3(), rep.Answerable)
	fmt.Fprintf(&b, "MRR           %.3f\n", rep.MRR)
	fmt.Fprintf(&b, "none correct  %.3f (%d/%d)\n", rep.NoneAccuracy, rep.NoneCorrect, rep.NoneTotal)
	if arep == nil {
		fmt.Fprintf(&b, "attribution   - (no %s yet)\n", evalAttributionsFile)
	} else {
		fmt.Fprintf(&b, "attribution   %.3f (%d/%d)\n", arep.Accuracy, arep.Correct, arep.Total)
	}
	for _, q := range rep.Questions {
		switch {
		case q.Err != nil:
			fmt.Fprintf(&b, "error         line %d %q: %v\n", q.Question.Line, q.Question.Question, q.Err)
		case q.Question.None && !q.Correct:
			fmt.Fprintf(&b, "miss          line %d %q: want nothing, got %d result(s)\n", q.Question.Line, q.Question.Question, q.Results)
		case !q.Question.None && q.Rank == 0 && q.Results == 0:
			fmt.Fprintf(&b, "miss          line %d %q: nothing found\n", q.Question.Line, q.Question.Question)
		case !q.Question.None && q.Rank == 0:
			fmt.Fprintf(&b, "miss          line %d %q: no relevant result among %d\n", q.Question.Line, q.Question.Question, q.Results)
		case !q.Question.None && q.Rank > 3:
			fmt.Fprintf(&b, "low           line %d %q: first relevant result at rank %d\n", q.Question.Line, q.Question.Question, q.Rank)
		}
	}
	if arep != nil {
		for _, miss := range arep.Misses {
			fmt.Fprintf(&b, "misattributed line %d %q: %s\n", miss.Gold.Line, miss.Gold.Quote, miss.Reason)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// runEvalPolNeAR scores quote extraction and attribution on a directory of
// the PolNeAR corpus, prints the figures next to a plain baseline's, and
// writes every error to a file.
func (m *Main) runEvalPolNeAR(args []string) error {
	fset, c := m.flagSet("eval polnear", "verbatim eval polnear [--errors FILE] DIR")
	errorsFile := fset.String("errors", "polnear-errors.txt", "write the false positives, false negatives and wrong speakers to this `file`")
	pos, err := m.parse(fset, c, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageErrorf(fset, "want one directory (with text/ and attributions/), got %d arguments", len(pos))
	}
	rep, err := retrieval.EvaluatePolNeAR(os.DirFS(pos[0]))
	if err != nil {
		return fmt.Errorf("eval polnear: %w", err)
	}
	var b strings.Builder
	writePolNeARErrors(&b, rep)
	if err := os.WriteFile(*errorsFile, []byte(b.String()), 0o644); err != nil {
		return fmt.Errorf("eval polnear: %w", err)
	}
	return renderPolNeAR(m.Stdout, rep, *errorsFile)
}

// renderPolNeAR prints the figures of Analyze and of the baseline side by
// side.
func renderPolNeAR(w io.Writer, rep retrieval.PolNeARReport, errorsFile string) error {
	var b strings.Builder
	s, bl := rep.System, rep.Baseline
	fmt.Fprintf(&b, "articles          %d, gold quotes %d\n", rep.Articles, s.Gold)
	fmt.Fprintf(&b, "                  %-22s %s\n", "verbatim", "baseline")
	row := func(name string, v, bv float64, detail, bdetail string) {
		fmt.Fprintf(&b, "%-17s %.3f %-16s %.3f %s\n", name, v, detail, bv, bdetail)
	}
	frac := func(a, n int) string { return fmt.Sprintf("(%d/%d)", a, n) }
	row("quote precision", s.Precision(), bl.Precision(), frac(s.MatchedPredicted, s.Predicted), frac(bl.MatchedPredicted, bl.Predicted))
	row("quote recall", s.Recall(), bl.Recall(), frac(s.MatchedGold, s.Gold), frac(bl.MatchedGold, bl.Gold))
	row("quote F1", s.F1(), bl.F1(), "", "")
	row("speaker accuracy", s.SpeakerAccuracy(), bl.SpeakerAccuracy(), frac(s.SpeakerRight, s.SpeakerTotal), frac(bl.SpeakerRight, bl.SpeakerTotal))
	for _, k := range []string{retrieval.SourceName, retrieval.SourcePronoun, retrieval.SourceNominal, retrieval.SourceNone} {
		c, bc := s.ByKind[k], bl.ByKind[k]
		if c == nil && bc == nil {
			continue
		}
		c, bc = orZero(c), orZero(bc)
		row("  source "+k, c.Share(), bc.Share(), frac(c.Right, c.Total), frac(bc.Right, bc.Total))
	}
	counts := map[string]int{}
	for _, e := range rep.Errors {
		counts[e.Kind]++
	}
	fmt.Fprintf(&b, "errors            %d false positive, %d false negative, %d wrong speaker: %s\n",
		counts[retrieval.ErrKindFalsePositive], counts[retrieval.ErrKindFalseNegative], counts[retrieval.ErrKindSpeaker], errorsFile)
	_, err := io.WriteString(w, b.String())
	return err
}

func orZero(c *retrieval.PolNeARCount) *retrieval.PolNeARCount {
	if c == nil {
		return &retrieval.PolNeARCount{}
	}
	return c
}

// writePolNeARErrors lists the errors of rep article by article, each with
// enough of the text around it to judge it.
func writePolNeARErrors(b *strings.Builder, rep retrieval.PolNeARReport) {
	article := ""
	for _, e := range rep.Errors {
		if e.Article != article {
			article = e.Article
			fmt.Fprintf(b, "\n== %s\n", article)
		}
		t := e.Text
		switch e.Kind {
		case retrieval.ErrKindFalsePositive:
			fmt.Fprintf(b, "FP  rule=%s %s\n    content %s\n", orDash(e.Rule), excerpt(t, e.Quote, 60), excerpt(t, e.Content, 0))
		case retrieval.ErrKindFalseNegative:
			fmt.Fprintf(b, "FN  source=%s (%s) %s\n", spanText(t, e.GoldSource), orDash(e.SourceKind), excerpt(t, e.Quote, 60))
		case retrieval.ErrKindSpeaker:
			fmt.Fprintf(b, "SPK gold=%s (%s) got=%s -> %q rule=%s\n    %s\n", spanText(t, e.GoldSource), e.SourceKind, spanText(t, e.Mention), e.Speaker, orDash(e.Rule), excerpt(t, widen(e.Quote, e.GoldSource, e.Mention), 40))
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func spanText(text string, s *retrieval.Span) string {
	if s == nil {
		return "-"
	}
	return fmt.Sprintf("%q", text[s.Start:s.End])
}

// widen returns the smallest span holding s and the spans that are not nil.
func widen(s retrieval.Span, more ...*retrieval.Span) retrieval.Span {
	for _, m := range more {
		if m != nil {
			s.Start, s.End = min(s.Start, m.Start), max(s.End, m.End)
		}
	}
	return s
}

// excerpt quotes s with up to ctx bytes of context on each side, on one
// line, the span itself between [[ and ]].
func excerpt(text string, s retrieval.Span, ctx int) string {
	from, to := max(0, s.Start-ctx), min(len(text), s.End+ctx)
	for from > 0 && !utf8.RuneStart(text[from]) {
		from--
	}
	for to < len(text) && !utf8.RuneStart(text[to]) {
		to++
	}
	one := strings.NewReplacer("\n", " ", "\r", " ")
	return one.Replace(text[from:s.Start] + "[[" + text[s.Start:s.End] + "]]" + text[s.End:to])
}

const evalRetrievalSynopsis = "verbatim eval retrieval [--scores FILE] [--store URL] wikiqa FILE | scifact DIR"

// runEvalRetrieval scores ranking on a public gold set (WikiQA or SciFact)
// in a fresh temporary database, and prints our figures next to the plain
// bm25 baseline's.
func (m *Main) runEvalRetrieval(ctx context.Context, args []string) error {
	fset, _ := m.flagSet("eval retrieval", evalRetrievalSynopsis)
	scores := fset.String("scores", "", "also write each question's scores to this `file`")
	store := fset.String("store", "", "build the gold library in this empty PostgreSQL database (a postgres:// `URL`) instead of a temporary SQLite file")
	pos, err := m.parse(fset, nil, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usageErrorf(fset, "want a set (wikiqa or scifact) and its path, got %d arguments", len(pos))
	}
	var set retrieval.GoldSet
	switch pos[0] {
	case "wikiqa":
		f, err := os.Open(pos[1])
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		set, err = retrieval.ParseWikiQA(f)
		f.Close()
		if err != nil {
			return fmt.Errorf("eval retrieval: %s: %w", pos[1], err)
		}
	case "scifact":
		if set, err = retrieval.ParseSciFact(os.DirFS(pos[1])); err != nil {
			return fmt.Errorf("eval retrieval: %s: %w", pos[1], err)
		}
	default:
		return usageErrorf(fset, "unknown set %q: want wikiqa or scifact", pos[0])
	}

	path := *store
	if path == "" {
		dir, err := os.MkdirTemp("", "verbatim-eval-")
		if err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "gold.db")
	} else if !retrieval.IsPostgresURL(path) {
		return usageErrorf(fset, "--store %q: want a postgres:// URL", path)
	}
	ix := retrieval.NewIndex(path)
	ix.Logger = m.Logger
	if err := ix.Open(); err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	defer m.closeIndex(ix)
	rep, err := retrieval.EvaluateGoldSet(ctx, ix, set.Name, set)
	if err != nil {
		return fmt.Errorf("eval retrieval: %w", err)
	}
	if *scores != "" {
		var b strings.Builder
		writeGoldScores(&b, rep)
		if err := os.WriteFile(*scores, []byte(b.String()), 0o644); err != nil {
			return fmt.Errorf("eval retrieval: %w", err)
		}
	}
	return renderGold(m.Stdout, rep)
}

// renderGold prints the figures of a gold-set evaluation: for each split,
// ours, the baseline's and their ratio.
func renderGold(w io.Writer, rep retrieval.GoldReport) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d questions scored (%d left out: nothing relevant in the library), %d sources, %d sentences\n",
		rep.Set, rep.Questions, rep.Unanswered, rep.Sources, rep.Sentences)
	tune, report := rep.Split(retrieval.SplitTune), rep.Split(retrieval.SplitReport)
	fmt.Fprintf(&b, "splits: tune %d, report %d questions (by document hash); ranking is tuned on tune only, quote report\n",
		tune.Questions, report.Questions)
	fmt.Fprintf(&b, "%-18s %-26s %-17s %s\n", "", "report", "tune", "all")
	fmt.Fprintf(&b, "%-18s %-8s %-8s %-8s %-8s %-8s %-8s %s\n", "", "verbatim", "baseline", "ratio", "verbatim", "baseline", "verbatim", "baseline")
	all := rep.Split(retrieval.SplitAll)
	row := func(name string, get func(retrieval.GoldScores) float64) {
		ratio := "-"
		if bl := get(report.Baseline); bl > 0 {
			ratio = fmt.Sprintf("%.2f×", get(report.Ours)/bl)
		}
		fmt.Fprintf(&b, "%-18s %-8.4f %-8.4f %-8s %-8.4f %-8.4f %-8.4f %.4f\n", name,
			get(report.Ours), get(report.Baseline), ratio, get(tune.Ours), get(tune.Baseline), get(all.Ours), get(all.Baseline))
	}
	if rep.Selection {
		row("selection MAP", func(s retrieval.GoldScores) float64 { return s.MAP })
		row("selection MRR", func(s retrieval.GoldScores) float64 { return s.MRR })
	}
	level := "open"
	if rep.Level == retrieval.LevelDocument {
		level = "doc"
	}
	row(level+" nDCG@10", func(s retrieval.GoldScores) float64 { return s.NDCG10 })
	row(level+" MRR@10", func(s retrieval.GoldScores) float64 { return s.MRR10 })
	row(level+" Recall@10", func(s retrieval.GoldScores) float64 { return s.Recall10 })
	_, err := io.WriteString(w, b.String())
	return err
}

// writeGoldScores lists each question's scores, ours then the baseline's.
func writeGoldScores(b *strings.Builder, rep retrieval.GoldReport) {
	fmt.Fprintf(b, "question\tsplit\tMAP\tMRR\tnDCG@10\tMRR@10\tR@10\tbase MAP\tbase MRR\tbase nDCG@10\tbase MRR@10\tbase R@10\n")
	for _, q := range rep.PerQuestion {
		o, bl := q.Ours, q.Baseline
		fmt.Fprintf(b, "%s\t%s\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\t%.4f\n", q.ID, q.Split,
			o.MAP, o.MRR, o.NDCG10, o.MRR10, o.Recall10, bl.MAP, bl.MRR, bl.NDCG10, bl.MRR10, bl.Recall10)
	}
}
