package retrieval

import (
	"context"
	"fmt"
	"strings"
)

// The full-text match on the PostgreSQL store. Everything after it — the
// weighing of terms, the source-level BM25, the speaker-aware rerank, the
// relevance floor — is the code SQLite's candidates go through (rank.go).
//
// units.tsv is the tsvector of a unit's text (weight A), speaker (B) and
// speaker title (C) in the "verbatim" configuration (English stemming, no
// stop words, accents folded: what FTS5 indexes), kept by PostgreSQL as a
// generated column and indexed with GIN (pgmigrations/0001). A question's
// terms reach the match
// only as text[] parameters, each turned into a tsquery by plainto_tsquery,
// which reads its argument as words, never as operators: no user text is
// ever tsquery syntax. The plan (planMatch) is the same as SQLite's: the
// OR of the terms while that is cheap, else the rarest terms with a few
// common ones as boosts, else the two rarest ANDed with a bound on the rows
// scored.

// pgRankWeights are ts_rank's weights for D, C, B, A: the text counts most,
// then the speaker and the speaker's title, as bm25Weights do for FTS5.
const pgRankWeights = `'{0.1, 0.5, 0.75, 1.0}'`

// pgRankNorm is ts_rank's normalisation: 1 divides by 1 + the log of the
// unit's length, so that a short sentence holding the terms ranks above a
// long one holding them as often, as BM25's length normalisation does.
const pgRankNorm = 1

// pgLifted is how many hits the common terms' boosts may add to the
// candidates (pgCandidates).
const pgLifted = 16

// pgGroup is the tsquery of one group of surface terms, the array
// parameter $n: the OR of each term's plainto_tsquery.
func pgGroup(n int) string {
	return fmt.Sprintf(`(SELECT tsquery_or_agg(plainto_tsquery('verbatim', t)) FROM unnest($%d::text[]) AS t)`, n)
}

// pgTSQuery returns the tsquery of plan's groups, parameters from $first
// on, and the arguments for them.
func pgTSQuery(groups [][]string, and bool, first int) (string, []any) {
	op := " || "
	if and {
		op = " && "
	}
	parts := make([]string, len(groups))
	args := make([]any, len(groups))
	for i, g := range groups {
		parts[i] = pgGroup(first + i)
		args[i] = g
	}
	return "(" + strings.Join(parts, op) + ")", args
}

// pgCandidates is candidates on PostgreSQL: up to maxCandidates visible
// hits of the library of st (of collection collID in it, unless 0), best
// ts_rank first, and up to pgLifted more that the plan's boosts lift.
func (ix *Index) pgCandidates(ctx context.Context, st libStats, collID int64, plan matchPlan) ([]*candidate, error) {
	args := []any{st.id, maxCandidates}
	tsq, qargs := pgTSQuery(plan.groups, plan.and, len(args)+1)
	args = append(args, qargs...)

	score := "ts_rank(" + pgRankWeights + ", u.tsv, q.q, " + fmt.Sprint(pgRankNorm) + ")"
	lift := "0"
	for _, b := range plan.boosts {
		bq, bargs := pgTSQuery([][]string{b.group}, false, len(args)+1)
		args = append(args, bargs...)
		args = append(args, b.weight)
		lift += fmt.Sprintf(" + $%d::float8 * (u.tsv @@ (q.q && %s))::int", len(args), bq)
	}
	filter := ""
	if collID != 0 {
		args = append(args, collID)
		filter = fmt.Sprintf(`
			AND EXISTS (SELECT 1 FROM collection_sources cs WHERE cs.collection_id = $%d AND cs.source_id = u.source_id)`, len(args))
	}
	limit := ""
	if plan.limit >= 0 {
		args = append(args, plan.limit)
		limit = fmt.Sprintf("\n\t\tLIMIT $%d", len(args))
	}
	// Each hit is ranked in the scan that finds it, from the tsvector in
	// hand; only the chosen few are then looked up in units and sources, so
	// that a common term costs one heap visit per hit, not three.
	//
	// The candidates are the best hits by ts_rank and, when the plan has
	// boosts, up to pgLifted more: the hits holding the most (by IDF) of
	// the common terms the match left out. FTS5's bm25 adds a boost to a
	// hit's score on the scale of its other terms; ts_rank saturates as
	// terms are added, so any boost added to it outweighs the rare terms'
	// evidence (measured: SciFact nDCG@10 0.659 -> 0.612 on the tune half).
	// Lifted hits join the best instead, and the rerank weighs them all.
	query := `
	WITH q AS MATERIALIZED (SELECT ` + tsq + ` AS q),
	hits AS MATERIALIZED (
		SELECT u.id, ` + score + ` AS score, ` + lift + ` AS lift
		FROM units u CROSS JOIN q
		WHERE u.tsv @@ q.q AND u.library_id = $1 AND u.hidden = 0` + filter + limit + `
	),
	picked AS MATERIALIZED (
		(SELECT id, score FROM hits ORDER BY score DESC, id LIMIT $2)
		UNION
		(SELECT id, score FROM hits WHERE lift > 0 ORDER BY lift DESC, score DESC, id LIMIT ` + fmt.Sprint(pgLifted) + `)
	)
	SELECT u.id, u.kind, u.source_id, u.span_start, u.span_end, u.paragraph, u.text, u.speaker,
		u.speaker_title, u.speaker_kind, u.fragment, u.confidence, COALESCE(u.quote_id, 0),
		s.title, s.author, s.url, s.published, -picked.score, 0
	FROM picked
	JOIN units u ON u.id = picked.id
	JOIN sources s ON s.id = u.source_id
	WHERE s.library_id = $1
	ORDER BY picked.score DESC, u.id`
	return ix.queryCandidates(ctx, query, args...)
}

// pgDF returns how many units of the library of st match any of terms.
// A rare term's count is exact. Counting a common one exactly is what
// FTS5 does from its doclists in microseconds, but PostgreSQL visits every
// matching row: 30 to 50 ms for a word in a tenth of a million units. So
// past pgExactDF rows the count comes from PostgreSQL's own statistics of
// the tsvector column (pg_stats.most_common_elems, which ANALYZE keeps for
// every lexeme in more than a few rows in a thousand), scaled to the
// library; a term missing from them is counted, up to pgMaxDF.
func (ix *Index) pgDF(ctx context.Context, st libStats, terms []string) (int, error) {
	df, err := ix.pgCountDF(ctx, st, terms, pgExactDF)
	if err != nil || df < pgExactDF {
		return df, err
	}
	stmt, err := ix.stmt(ctx, `
		SELECT COALESCE(SUM(f.freq), 0), COUNT(f.freq)
		FROM pg_stats s
		CROSS JOIN LATERAL unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS f(elem, freq)
		WHERE s.schemaname = current_schema() AND s.tablename = 'units' AND s.attname = 'tsv'
			AND f.elem IN (SELECT unnest(tsvector_to_array(to_tsvector('verbatim', t))) FROM unnest($1::text[]) AS t)`)
	if err != nil {
		return 0, err
	}
	var freq float64
	var found int
	if err := stmt.QueryRowContext(ctx, terms).Scan(&freq, &found); err != nil {
		return 0, dbError(err)
	}
	if found > 0 {
		return max(df, min(int(freq*float64(st.units)), st.units)), nil
	}
	return ix.pgCountDF(ctx, st, terms, pgMaxDF(st.units))
}

// pgExactDF is how many rows pgDF counts before it estimates: enough to
// tell whether a term fits planMatch's budget of scored rows.
const pgExactDF = 2*maxScoredRows + 1

// pgCountDF counts the units of the library of st matching any of terms,
// up to limit.
func (ix *Index) pgCountDF(ctx context.Context, st libStats, terms []string, limit int) (int, error) {
	stmt, err := ix.stmt(ctx, `
		SELECT COUNT(*) FROM (
			SELECT 1 FROM units u
			WHERE u.tsv @@ `+pgGroup(1)+` AND u.library_id = $2
			LIMIT $3
		) AS hits`)
	if err != nil {
		return 0, err
	}
	var df int
	if err := stmt.QueryRowContext(ctx, terms, st.id, limit).Scan(&df); err != nil {
		return 0, dbError(err)
	}
	return df, nil
}

// pgMaxDF is the most units pgCountDF counts for a term missing from the
// statistics, in a library of units: enough to tell a rare term from a
// common one (maxDFShare), with room to spare.
func pgMaxDF(units int) int {
	return max(2*maxScoredRows, int(2*maxDFShare*float64(units))) + 1
}

// pgPlainSQL is plainSQL on PostgreSQL: the OR of the terms, ranked by
// ts_rank with default weights, no pruning, no rerank.
var pgPlainSQL = `
	WITH q AS MATERIALIZED (SELECT ` + pgGroup(1) + ` AS q)
	SELECT u.id FROM units u CROSS JOIN q
	WHERE u.tsv @@ q.q AND u.library_id = $2
	ORDER BY ts_rank(u.tsv, q.q) DESC, u.id
	LIMIT $3`

// pgBaselineSQL is baselineSQL on PostgreSQL.
var pgBaselineSQL = `
	WITH q AS MATERIALIZED (SELECT ` + pgGroup(1) + ` AS q)
	SELECT u.source_id, u.span_start FROM units u CROSS JOIN q
	WHERE u.tsv @@ q.q AND u.library_id = $2 AND u.hidden = 0 AND ($4 = 0 OR u.source_id = $4)
	ORDER BY ts_rank(u.tsv, q.q) DESC, u.id
	LIMIT $3`
