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
	fset, c := m.flagSet("eval", "verbatim eval [--db PATH] [--library NAME] [-k N]")
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
