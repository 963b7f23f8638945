package main

import (
	"context"
	"fmt"
	"io"
	"strconv"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func (m *Main) runQuotes(ctx context.Context, args []string) error {
	fs, c := m.flagSet("quotes", "verbatim quotes [--db PATH] [--library NAME] [--speaker NAME] [--source ID] [--json]")
	speaker := fs.String("speaker", "", "only quotes whose speaker's name contains `NAME` (any case)")
	sourceID := fs.Int64("source", 0, "only quotes from the source with this `ID`")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf(fs, "unexpected argument %q", pos[0])
	}
	if *sourceID < 0 {
		return usageErrorf(fs, "--source %d: ids are positive", *sourceID)
	}
	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	sources, err := sourceMap(ctx, ix, c.library)
	if err != nil {
		return indexError(ctx, ix, "quotes", c.library, 0, err)
	}
	if _, ok := sources[*sourceID]; *sourceID != 0 && !ok {
		return sourceError(c.library, *sourceID)
	}
	quotes, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: c.library, Speaker: *speaker, SourceID: *sourceID})
	if err != nil {
		return indexError(ctx, ix, "quotes", c.library, *sourceID, err)
	}
	if *asJSON {
		return writeJSON(m.Stdout, newQuotesJSON(quotes, sources), true)
	}
	return renderQuotes(m.Stdout, quotes, sources)
}

// sourceMap lists the sources of library by id.
func sourceMap(ctx context.Context, ix *retrieval.Index, library string) (map[int64]retrieval.Source, error) {
	list, err := ix.Sources(ctx, library)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]retrieval.Source, len(list))
	for _, s := range list {
		m[s.ID] = s
	}
	return m, nil
}

func (m *Main) runSources(ctx context.Context, args []string) error {
	fs, c := m.flagSet("sources", "verbatim sources [--db PATH] [--library NAME] [--json]")
	asJSON := fs.Bool("json", false, "print JSON instead of text")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf(fs, "unexpected argument %q", pos[0])
	}
	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	sources, err := ix.Sources(ctx, c.library)
	if err != nil {
		return indexError(ctx, ix, "sources", c.library, 0, err)
	}
	if *asJSON {
		return writeJSON(m.Stdout, newSourcesJSON(c.library, sources), true)
	}
	return renderSources(m.Stdout, sources)
}

// runSource runs "source text ID" and "source rm ID".
func (m *Main) runSource(ctx context.Context, args []string) error {
	fs, c := m.flagSet("source", "verbatim source text [--db PATH] [--library NAME] ID\n  verbatim source rm [--db PATH] [--library NAME] ID")
	pos, err := m.parse(fs, c, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 || (pos[0] != "text" && pos[0] != "rm") {
		return usageErrorf(fs, "want \"text ID\" or \"rm ID\"")
	}
	sub := pos[0]
	if len(pos) != 2 {
		return usageErrorf(fs, "%s needs exactly one source ID", sub)
	}
	id, err := strconv.ParseInt(pos[1], 10, 64)
	if err != nil || id <= 0 {
		return usageErrorf(fs, "source ID %q: want a positive number, as listed by \"verbatim sources\"", pos[1])
	}
	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	s, err := ix.Source(ctx, c.library, id)
	if err != nil {
		return indexError(ctx, ix, "source "+sub, c.library, id, err)
	}
	if sub == "text" {
		_, err = io.WriteString(m.Stdout, s.Text) // exactly the stored bytes: no newline added
		return err
	}
	if err := ix.RemoveSource(ctx, c.library, id); err != nil {
		return indexError(ctx, ix, "source rm", c.library, id, err)
	}
	_, err = fmt.Fprintf(m.Stdout, "removed source %d (%s) from library %q\n", id, cell(s.Title), c.library)
	return err
}
