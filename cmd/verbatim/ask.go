package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// MaxK is the most results ask returns for one question.
const MaxK = 50

// errEmptyQuestion is what ask says for retrieval.ErrEmptyQuery.
var errEmptyQuestion = errors.New("the question has no searchable words: ask with at least one word, e.g. verbatim ask \"Why did Russia go to war in Ukraine?\"")

func (m *Main) runAsk(ctx context.Context, args []string) error {
	fs, c := m.flagSet("ask", "verbatim ask [--db PATH] [--library NAME] [-k N] [--json] QUESTION\n  verbatim ask [--db PATH] [--library NAME] [-k N] --batch FILE --json")
	k := fs.Int("k", retrieval.DefaultLimit, "number of results wanted (1-50)")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	batch := fs.String("batch", "", "answer each line of `FILE` (\"-\" for standard input), one JSON object a line out")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	switch {
	case *k < 1 || *k > MaxK:
		return usageErrorf(fs, "-k %d: want 1 to %d", *k, MaxK)
	case *batch != "" && len(pos) > 0:
		return usageErrorf(fs, "give a question or --batch FILE, not both")
	case *batch == "" && len(pos) == 0:
		return usageErrorf(fs, "no question given")
	}

	var in io.Reader
	if *batch == "-" {
		in = m.Stdin
	} else if *batch != "" {
		f, err := os.Open(*batch)
		if err != nil {
			return fmt.Errorf("ask --batch: %w", err)
		}
		defer f.Close()
		in = f
	}

	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	if in != nil {
		return m.askBatch(ctx, ix, c.library, *k, in)
	}
	question := strings.Join(pos, " ")
	results, err := search(ctx, ix, c.library, question, *k)
	switch {
	case errors.Is(err, retrieval.ErrEmptyQuery):
		return errEmptyQuestion
	case err != nil:
		return indexError(ctx, ix, "ask", c.library, 0, err)
	case *asJSON:
		return writeJSON(m.Stdout, newAnswerJSON(question, results), true)
	case len(results) == 0:
		return renderNoMatch(m.Stdout, c.library)
	default:
		return renderResults(m.Stdout, results)
	}
}

// search asks one question; "nothing found" is no results, not an error.
func search(ctx context.Context, ix *retrieval.Index, library, question string, k int) ([]retrieval.Result, error) {
	results, err := ix.Search(ctx, retrieval.Query{Library: library, Text: question, Limit: k})
	if errors.Is(err, retrieval.ErrNoMatch) {
		return nil, nil
	}
	return results, err
}

// askBatch answers each non-blank line of in and prints one JSON object a
// line. A question with no searchable words gets an object with "error";
// anything else that goes wrong (an unknown library, a broken database)
// stops the batch.
func (m *Main) askBatch(ctx context.Context, ix *retrieval.Index, library string, k int, in io.Reader) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		question := strings.TrimSpace(sc.Text())
		if question == "" {
			continue
		}
		results, err := search(ctx, ix, library, question, k)
		var out any = newAnswerJSON(question, results)
		if errors.Is(err, retrieval.ErrEmptyQuery) {
			out = errorJSON{Question: question, Error: retrieval.ErrEmptyQuery.Error()}
		} else if err != nil {
			return indexError(ctx, ix, fmt.Sprintf("ask --batch: line %d", n), library, 0, err)
		}
		if err := writeJSON(m.Stdout, out, false); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("ask --batch: %w", err)
	}
	return nil
}

// writeJSON writes v as one JSON value and a newline; indented for people,
// compact for one-object-a-line output. HTML characters are not escaped, so
// quoted text reads as it was written.
func writeJSON(w io.Writer, v any, indent bool) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(v)
}
