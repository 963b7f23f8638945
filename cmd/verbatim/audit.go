package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

const auditSynopsis = "verbatim audit [--db PATH] [--library NAME] [--source ID] [--csv|--json]"

// runAudit prints a library's audit log, newest first: as a table, as CSV
// (for spreadsheets) or as JSON.
func (m *Main) runAudit(ctx context.Context, args []string) error {
	fs, c := m.flagSet("audit", auditSynopsis)
	sourceID := fs.Int64("source", 0, "only the changes to the source with this `ID` (also once removed)")
	asCSV := fs.Bool("csv", false, "print CSV with the header "+strings.Join(auditCSVHeader, ","))
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
	if *asCSV && *asJSON {
		return usageErrorf(fs, "--csv or --json, not both")
	}
	ix, err := m.openIndex(ctx, c.db)
	if err != nil {
		return err
	}
	defer m.closeIndex(ix)

	entries, err := ix.History(ctx, c.library, *sourceID, 0)
	if err != nil {
		return indexError(ctx, ix, "audit", c.library, *sourceID, err)
	}
	switch {
	case *asCSV:
		return writeAuditCSV(m.Stdout, entries)
	case *asJSON:
		return writeJSON(m.Stdout, newAuditJSON(c.library, entries), true)
	}
	return renderAudit(m.Stdout, entries)
}

// auditCSVHeader is the first row of audit --csv.
var auditCSVHeader = []string{"time", "actor_id", "actor_name", "action", "source_id", "detail"}

// writeAuditCSV writes entries as CSV. Names and details come from chat
// users, so a cell that a spreadsheet would run as a formula is defused
// with a leading apostrophe (OWASP's advice for CSV injection).
func writeAuditCSV(w io.Writer, entries []retrieval.AuditEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(auditCSVHeader); err != nil {
		return err
	}
	for _, e := range entries {
		if err := cw.Write([]string{
			e.Time.UTC().Format(time.RFC3339),
			csvCell(e.Actor.ID),
			csvCell(e.Actor.Name),
			e.Action,
			sourceIDCell(e.SourceID),
			csvCell(e.Detail),
		}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// csvCell defuses a cell a spreadsheet would read as a formula.
func csvCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// sourceIDCell is a source id, or empty for a change to no single source.
func sourceIDCell(id int64) string {
	if id == 0 {
		return ""
	}
	return strconv.FormatInt(id, 10)
}

// auditEntryJSON is one entry of audit --json. SourceID is 0 for a change
// to no single source.
type auditEntryJSON struct {
	ID        int64  `json:"id"`
	Time      string `json:"time"`
	ActorID   string `json:"actor_id"`
	ActorName string `json:"actor_name"`
	Action    string `json:"action"`
	SourceID  int64  `json:"source_id"`
	Detail    string `json:"detail"`
}

// auditJSON is the output of audit --json. Entries is never null.
type auditJSON struct {
	Library string           `json:"library"`
	Entries []auditEntryJSON `json:"entries"`
}

func newAuditJSON(library string, entries []retrieval.AuditEntry) auditJSON {
	out := auditJSON{Library: library, Entries: make([]auditEntryJSON, 0, len(entries))}
	for _, e := range entries {
		out.Entries = append(out.Entries, auditEntryJSON{
			ID: e.ID, Time: e.Time.UTC().Format(time.RFC3339), ActorID: e.Actor.ID, ActorName: e.Actor.Name,
			Action: e.Action, SourceID: e.SourceID, Detail: e.Detail,
		})
	}
	return out
}

// renderAudit prints entries as a table for people.
func renderAudit(w io.Writer, entries []retrieval.AuditEntry) error {
	if len(entries) == 0 {
		_, err := fmt.Fprintln(w, "No changes recorded.")
		return err
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tBY\tACTION\tSOURCE\tDETAIL")
	for _, e := range entries {
		who := e.Actor.Name
		if who == "" {
			who = e.Actor.ID
		} else if e.Actor.ID != "" && e.Actor.ID != retrieval.LocalActor.ID {
			who += " (" + e.Actor.ID + ")"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.Time.UTC().Format(time.RFC3339), oneLine(who), e.Action,
			sourceIDCell(e.SourceID), oneLine(e.Detail))
	}
	return tw.Flush()
}

// oneLine keeps a cell on its line: a name or title with a line break or
// tab would break the table.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
