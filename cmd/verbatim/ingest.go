package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func (m *Main) runIngest(ctx context.Context, args []string) error {
	fset, c := m.flagSet("ingest", "verbatim ingest [--db PATH] [--library NAME] [--title T] [--author A] [--url U] [--published YYYY-MM-DD] PATH...")
	var meta retrieval.Metadata
	fset.StringVar(&meta.Title, "title", "", "title of the source(s), overriding the document's own")
	fset.StringVar(&meta.Author, "author", "", "author of the source(s)")
	fset.StringVar(&meta.URL, "url", "", "link to the original")
	fset.StringVar(&meta.Published, "published", "", "publication date, `YYYY-MM-DD`")
	paths, err := m.parse(fset, c, args)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		return usageErrorf(fset, "no file or folder given")
	}
	if meta.Published != "" {
		if _, err := time.Parse(time.DateOnly, meta.Published); err != nil {
			return usageErrorf(fset, "--published %q: want a date as YYYY-MM-DD", meta.Published)
		}
	}

	// Load every path before touching the database, so that one bad file
	// means nothing changes and every problem is reported at once.
	bar := newProgress(m.Stderr, len(paths))
	var (
		docs    []retrieval.Document
		skipped []retrieval.Skipped
		bad     []string
	)
	for i, p := range paths {
		bar.Set(i, "reading "+p)
		d, s, problems := loadPath(p, meta)
		docs, skipped, bad = append(docs, d...), append(skipped, s...), append(bad, problems...)
	}
	bar.Done()
	if len(bad) > 0 {
		for _, line := range bad {
			fmt.Fprintln(m.Stderr, "verbatim:", line)
		}
		return fmt.Errorf("nothing was ingested: %d problem(s) above; fix or leave out those files and run again", len(bad))
	}
	if len(docs) == 0 {
		printSkipped(m, skipped)
		return errors.New("nothing to ingest: no .txt, .md or .html file found in the paths given")
	}

	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	bar.Set(len(paths), fmt.Sprintf("indexing %d document(s)", len(docs)))
	results, err := ix.Add(ctx, c.library, docs...)
	bar.Done()
	if err != nil {
		var ie *retrieval.IngestError
		if errors.As(err, &ie) {
			return fmt.Errorf("nothing was ingested: %s", describeProblem(ie))
		}
		return fmt.Errorf("nothing was ingested: %w", err)
	}
	return m.printIngestSummary(c.library, results, skipped)
}

// loadPath parses the file or folder p. Documents get their file's absolute
// path as Origin. Problems come back as lines for a person: what was wrong
// with which file, and what to do.
func loadPath(p string, meta retrieval.Metadata) ([]retrieval.Document, []retrieval.Skipped, []string) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return nil, nil, []string{fmt.Sprintf("%s: %v", p, err)}
	}
	if _, err := os.Stat(abs); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, nil, []string{fmt.Sprintf("%s: no such file or folder; check the path", p)}
		}
		return nil, nil, []string{fmt.Sprintf("%s: %v", p, err)}
	}
	dir, base := filepath.Dir(abs), filepath.Base(abs)
	docs, skipped, err := retrieval.LoadDocuments(os.DirFS(dir), base, meta)
	if err != nil {
		return nil, nil, problemLines(dir, err)
	}
	for i := range docs {
		docs[i].Origin = originPath(dir, base, docs[i].Origin)
	}
	for i := range skipped {
		skipped[i].Path = originPath(dir, base, skipped[i].Path)
	}
	return docs, skipped, nil
}

// originPath turns a path LoadDocuments reported inside os.DirFS(dir) into
// an absolute file path. An empty name means the root itself.
func originPath(dir, base, name string) string {
	if name == "" {
		name = base
	}
	if filepath.IsAbs(name) {
		return name
	}
	return filepath.Join(dir, filepath.FromSlash(name))
}

// problemLines splits err (possibly joined) into one line per bad file.
func problemLines(dir string, err error) []string {
	var errs []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	} else {
		errs = []error{err}
	}
	var lines []string
	for _, e := range errs {
		var ie *retrieval.IngestError
		if errors.As(e, &ie) {
			ie2 := *ie
			ie2.File = originPath(dir, "", ie.File)
			lines = append(lines, describeProblem(&ie2))
			continue
		}
		lines = append(lines, e.Error())
	}
	return lines
}

// describeProblem says what was wrong with a file and what to do about it.
func describeProblem(ie *retrieval.IngestError) string {
	where := ie.File
	if ie.Line > 0 {
		where = fmt.Sprintf("%s:%d", ie.File, ie.Line)
	}
	msg := fmt.Sprintf("%s: %v", where, ie.Err)
	for _, h := range ingestHints {
		// Add advice only to a bare sentinel: retrieval's wrapped errors
		// already say what to do, and saying it twice is noise.
		if errors.Is(ie.Err, h.err) && ie.Err.Error() == h.err.Error() {
			return msg + "; " + h.hint
		}
	}
	return msg
}

// ingestHints says what to do about each kind of bad file.
var ingestHints = []struct {
	err  error
	hint string
}{
	{retrieval.ErrEmptyDocument, "add text to it or leave it out"},
	{retrieval.ErrBinary, "convert it to text (.txt, .md or .html) or leave it out"},
	{retrieval.ErrInvalidUTF8, "re-save it as UTF-8"},
	{retrieval.ErrUnsupportedFormat, "use a .txt, .md or .html file"},
	{retrieval.ErrInvalidMetadata, "fix the metadata (dates are YYYY-MM-DD)"},
	{fs.ErrPermission, "make it readable"},
}

func printSkipped(m *Main, skipped []retrieval.Skipped) {
	for _, s := range skipped {
		fmt.Fprintf(m.Stdout, "skipped %s: %s\n", s.Path, s.Reason)
	}
}

// printIngestSummary says what each document became and the totals.
func (m *Main) printIngestSummary(library string, results []retrieval.AddResult, skipped []retrieval.Skipped) error {
	var b strings.Builder
	count := map[retrieval.AddStatus]int{}
	var passages, quotes, speakers int
	for _, r := range results {
		count[r.Status]++
		passages += r.Passages
		quotes += r.Quotes
		speakers += r.Speakers
		fmt.Fprintf(&b, "%-9s #%d %s (%s): %d passages, %d quotes\n",
			r.Status, r.Source.ID, cell(r.Source.Title), r.Source.Origin, r.Passages, r.Quotes)
	}
	for _, s := range skipped {
		fmt.Fprintf(&b, "skipped   %s: %s\n", s.Path, s.Reason)
	}
	fmt.Fprintf(&b, "library %q: %d added, %d unchanged, %d replaced; %d passages, %d quotes, %d speakers; %d file(s) skipped\n",
		library, count[retrieval.StatusAdded], count[retrieval.StatusUnchanged], count[retrieval.StatusReplaced],
		passages, quotes, speakers, len(skipped))
	_, err := fmt.Fprint(m.Stdout, b.String())
	return err
}
