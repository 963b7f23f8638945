package retrieval

import (
	"context"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCandidateCollectionPlan checks that restricting a search to a
// collection keeps TestCandidatePlan's plan: the FTS5 hits drive the join,
// each hit is one point lookup of its unit, and membership is one
// probe of collection_sources, never a scan.
func TestCandidateCollectionPlan(t *testing.T) {
	ix := NewIndex(":memory:")
	require.NoError(t, ix.Open())
	defer ix.Close()
	rows, err := ix.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+candidateCollectionSQL,
		`"nato"`, 1, maxCandidates, 1)
	require.NoError(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	require.NoError(t, rows.Err())
	joined := strings.Join(plan, "\n")
	assert.Contains(t, joined, "SCAN units_fts VIRTUAL TABLE")
	assert.Contains(t, joined, "SCAN hits", "the hits drive the join")
	assert.Regexp(t, `SEARCH u USING (INTEGER PRIMARY KEY|.*rowid=\?)`, joined)
	// By the primary key or the source_id index: either way both columns
	// are bound, one probe.
	assert.Regexp(t, `SEARCH cs .*USING .*\((collection_id=\? AND source_id=\?|source_id=\? AND collection_id=\?)\)`, joined)
	for _, line := range plan {
		assert.False(t, line == "SCAN u" || strings.HasPrefix(line, "SCAN u ") || strings.HasPrefix(line, "SCAN cs"),
			"plan:\n%s", joined)
	}
}
