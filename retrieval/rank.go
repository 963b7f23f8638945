package retrieval

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Result kinds.
const (
	ResultQuote   = "quote"
	ResultPassage = "passage"
)

// Query is a question asked of one library.
type Query struct {
	Library string
	Text    string
	Limit   int // results wanted; 0 (or less) means DefaultLimit
	Offset  int // results to skip, for paging; less than 0 means 0
	// Collection, if set, restricts the answer to the sources of that
	// collection of the library (ErrUnknownCollection if there is none).
	Collection string
}

// DefaultLimit is the number of results a Query with Limit 0 returns.
const DefaultLimit = 5

// Result is one answer to a Query: a quote or a passage, always the exact
// slice Source.Text[Start:End] of its source.
type Result struct {
	Kind         string    `json:"kind"`
	Text         string    `json:"text"`
	Speaker      string    `json:"speaker"`
	SpeakerTitle string    `json:"speaker_title"`
	Source       SourceRef `json:"source"`
	Start        int       `json:"start"`
	End          int       `json:"end"`
	Paragraph    int       `json:"paragraph"`
	Score        float64   `json:"score"` // higher is better; comparable within one answer only
	Fragment     bool      `json:"fragment,omitempty"`
	Confidence   float64   `json:"confidence,omitempty"`
	QuoteID      int64     `json:"quote_id,omitempty"`
	Pinned       bool      `json:"pinned,omitempty"` // a curator pinned it as the answer to the question
}

// Ranking parameters. They were set by reasoning and by the tests in
// rank_internal_test.go, not fitted; the eval over data/ is the place to
// tune them.
const (
	// maxCandidates is how many FTS5 hits, best bm25 first, are reranked.
	maxCandidates = 100
	// In a library of at least minPruneUnits units, a term found in more
	// than maxDFShare of them is left out of the FTS5 query if a rarer one
	// is left (see matchable).
	minPruneUnits = 2000
	maxDFShare    = 0.05

	// bm25 column weights for (text, speaker, speaker_title): the words
	// said matter most; a name or a role only says who said them.
	bm25Weights = "1.0, 0.75, 0.5"

	// The score before adjustments mixes these three, each in [0, 1].
	weightBM25      = 0.30
	weightCoverage  = 0.60
	weightProximity = 0.10

	// Evidence beyond the unit itself, each also in [0, 1] before its
	// weight. A sentence rarely repeats every word of the question: the
	// source around it, its title and where it stands say what it is
	// about. Chosen on the tuning halves of WikiQA dev and SciFact
	// claims_train (README, "Quality on public gold data"); a library of
	// one source sees the first two as constants.
	//
	// weightSource: BM25 of the whole source for the question (SciFact
	// nDCG@10 0.616 → 0.678 alone; more weight gained ≤ 0.01 there and
	// nothing on WikiQA).
	weightSource = 1.0
	// weightTitle: the share of the question's IDF mass in the source's
	// title (WikiQA open nDCG@10 +0.03 to +0.07, where titles are not in the text;
	// −0.003 on SciFact, where they are).
	weightTitle = 0.3
	// weightLead / paragraph: the lead prior. A source's opening states
	// its subject (a Wikipedia summary's first sentence, a news story's
	// lede), so among comparable matches the earlier wins. WikiQA
	// selection MAP 0.61 → 0.67 and open nDCG@10 +0.06; SciFact −0.002.
	weightLead = 0.15

	// Multipliers for what kind of unit a candidate is.
	fragmentFactor   = 0.6  // a scare quote or short phrase, not a statement
	attributedFactor = 1.1  // a quote with a speaker
	unattribFactor   = 1.03 // a quote without one is still a quote
	speakerFactor    = 1.6  // the question names this quote's speaker

	// quoteShareOfPassage is how much of a sentence a quotation must fill
	// for the sentence to be shown as that quotation instead.
	quoteShareOfPassage = 0.6

	// The relevance floor: some candidate must cover at least minCoverage
	// of the question's IDF mass, or minCoverageMulti with two or more
	// distinct terms, or the answer is ErrNoMatch. Unknown words weigh the
	// most, so a question resting on one word the library lacks ("capital
	// of France", "What did Zelensky say about Crimea?") finds nothing,
	// while a long paraphrase that shares a few rarer words with the
	// answer still finds it. Measured on data/eval (38 answerable, 13
	// off-topic questions): a single floor of 0.5 gave recall@3 0.68; 0.25
	// gave 0.82; off-topic questions stayed unanswered at every setting,
	// their best coverage being 0.16.
	minCoverage      = 0.5
	minCoverageMulti = 0.25
	// minRelative drops results scoring below this share of the best.
	minRelative = 0.35
	// maxOverlap is the token overlap (Jaccard) above which a text counts as
	// a near-duplicate of one already chosen.
	maxOverlap = 0.8
	// Diversity: each result already chosen from the same speaker (other
	// than one the question asks about) or the same source divides the
	// score by 1 + these.
	sameSpeakerPenalty = 0.25
	sameSourcePenalty  = 0.1
)

// candidateSQL finds the best FTS5 hits in one library.
//
// The match runs in MATERIALIZED CTEs and CROSS JOIN (which SQLite never
// reorders) keeps them the outer loop: left to itself, the planner prefers
// to walk every unit of the library through units_library_id and probe the
// hits, which grows with the library rather than with the matches (FTS5.md
// §1.7 has the same trap costing seconds). The library filter sits on the
// join, before ORDER BY/LIMIT, so another library's rows can neither leak in
// nor crowd this library's out of the top candidates. It is checked on both
// the unit and its source. Hidden units (a hidden quote and the sentences
// around it) are filtered out the same way.
//
// bm25 costs about a microsecond per row, and FTS5 computes it for every
// row it returns, so scored returns at most ?5 hits (all of them when ?5 is
// -1), newest first: FTS5 walks its doclists in rowid order and stops
// there. Search sets a bound only when its expression could match more
// rows than it means to pay for (see planMatch).
var candidateSQL = candidateQuery("", false, "?5")

// candidateBoundedSQL is candidateSQL with the hits cut to the best ?4 by
// bm25 before the join, so that only those are looked up in units and
// sources and sorted again. Its last column counts the hits kept: when the
// filters leave fewer than wanted although the cut was reached, the hits
// below the cut might have qualified, and Search asks candidateSQL instead.
var candidateBoundedSQL = candidateQuery("", true, "?5")

// candidateCollectionSQL is candidateSQL restricted to the sources of
// collection ?4: one primary-key probe of collection_sources per hit. Every
// hit is scored: a bound would count other collections' rows.
var candidateCollectionSQL = candidateQuery(`
		AND EXISTS (SELECT 1 FROM collection_sources cs WHERE cs.collection_id = ?4 AND cs.source_id = u.source_id)`,
	false, "-1")

// candidateQuery returns the candidate query with more conditions on u,
// bounded to the best ?4 hits or not, scoring at most scored hits.
func candidateQuery(and string, bounded bool, scored string) string {
	return candidateBoostedQuery(and, bounded, scored, 0)
}

// candidateBoostedQuery is candidateQuery whose cut also counts boosts
// common terms: for each, an FTS5 expression (?6, ?8, ...) selecting the
// hits that hold the term, and the weight (?7, ?9, ...) taken off such a
// hit's bm25 (more negative is better) before the cut. See planMatch.
func candidateBoostedQuery(and string, bounded bool, scored string, boosts int) string {
	cut, kept, score := "", "0", "bm25"
	if bounded {
		cut = `
		ORDER BY bm25, id
		LIMIT ?4`
		kept = "(SELECT COUNT(*) FROM hits)"
	}
	var ctes strings.Builder
	for i := range boosts {
		fmt.Fprintf(&ctes, `, b%d AS MATERIALIZED (
		SELECT rowid AS id FROM units_fts WHERE units_fts MATCH ?%d
	)`, i, 6+2*i)
		score += fmt.Sprintf(" - ?%d * (id IN b%d)", 7+2*i, i)
	}
	return `
	WITH scored AS MATERIALIZED (
		SELECT rowid AS id, bm25(units_fts, ` + bm25Weights + `) AS bm25
		FROM units_fts
		WHERE units_fts MATCH ?1
		ORDER BY rowid
		LIMIT ` + scored + `
	)` + ctes.String() + `, hits AS MATERIALIZED (
		SELECT id, ` + score + ` AS bm25 FROM scored` + cut + `
	)
	SELECT u.id, u.kind, u.source_id, u.span_start, u.span_end, u.paragraph, u.text, u.speaker,
		u.speaker_title, u.speaker_kind, u.fragment, u.confidence, COALESCE(u.quote_id, 0),
		s.title, s.author, s.url, s.published, hits.bm25, ` + kept + `
	FROM hits
	CROSS JOIN units u ON u.id = hits.id
	CROSS JOIN sources s ON s.id = u.source_id
	WHERE u.library_id = ?2 AND s.library_id = ?2 AND u.hidden = 0` + and + `
	ORDER BY hits.bm25, u.id
	LIMIT ?3`
}

// dfSQL counts the units of one library that match an FTS5 expression.
const dfSQL = `
	WITH hits AS MATERIALIZED (SELECT rowid AS id FROM units_fts WHERE units_fts MATCH ?1)
	SELECT COUNT(*) FROM hits CROSS JOIN units u ON u.id = hits.id WHERE u.library_id = ?2`

// dfOnlyLibrarySQL is dfSQL for a database holding one library (?2 is
// unused).
const dfOnlyLibrarySQL = `SELECT COUNT(*) + 0 * ?2 FROM units_fts WHERE units_fts MATCH ?1`

// candidate is one FTS5 hit being reranked.
type candidate struct {
	Result
	unitID      int64
	sourceID    int64
	speakerKind string
	bm25        float64 // FTS5's bm25 negated: higher is better

	tokens       []string        // content tokens of the text, normalised
	tokenSet     map[string]bool // tokens as a set
	sortedSet    []string        // tokens sorted, without repeats
	coverage     float64         // IDF-weighted share of query terms present
	sourceBM25   float64         // BM25 of the whole source, over the best candidate source's
	covered      int             // number of query terms present
	proximity    float64         // share of adjacent query-term pairs adjacent here
	speakerMatch bool            // the question names this quote's speaker
	score        float64
	kept         int // hits the bounded candidate query kept (0 for the others)
}

// queryTerm is one normalised query term with its weight in the library.
type queryTerm struct {
	norm  string   // normTerm form
	terms []string // the surface terms that normalise to it
	df    int      // units of the library that FTS5 matches for terms
	idf   float64
}

// Search answers q from its library (or, with q.Collection, from that
// collection's sources in it), best first. Quotes a curator hid, and the
// sentences holding them, are never results.
// It returns ErrEmptyQuery when the question has no searchable word,
// ErrUnknownLibrary when the library does not exist, ErrUnknownCollection
// when q.Collection names no collection of the library, and ErrNoMatch when
// nothing clears the relevance floor. An Offset past the last result gives
// an empty list and no error.
func (ix *Index) Search(ctx context.Context, q Query) ([]Result, error) {
	terms := QueryTerms(q.Text)
	if len(terms) == 0 {
		return nil, ErrEmptyQuery
	}
	st, err := ix.libraryStats(ctx, q.Library)
	if err != nil {
		return nil, err
	}
	var collID int64
	if q.Collection != "" {
		if collID, err = collectionID(ctx, ix.db, st.id, q.Collection); err != nil {
			return nil, fmt.Errorf("search %q: %w", q.Library, err)
		}
	}
	qterms, err := ix.weighTerms(ctx, st, terms)
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Library, err)
	}
	match := matchable(qterms, st.units)
	if len(match) == 0 {
		return nil, ErrNoMatch // no term occurs in the library
	}
	// Both expressions quote a subset of QueryTerms with matchTerms: what
	// MatchQuery would build from fewer words, and just as safe.
	plan := planMatch(match, st.units)
	cands, err := ix.candidates(ctx, st, collID, plan)
	if err == nil && len(cands) == 0 && plan.strict {
		// The strict expression found nothing to rank: ask for any term,
		// within the bound.
		all := match.allPlan()
		all.limit = maxScoredRows
		cands, err = ix.candidates(ctx, st, collID, all)
	}
	if err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Library, err)
	}
	if len(cands) == 0 {
		return nil, ErrNoMatch
	}
	if err := ix.weighSources(ctx, qterms, cands); err != nil {
		return nil, fmt.Errorf("search %q: %w", q.Library, err)
	}
	limit, offset := q.Limit, max(q.Offset, 0)
	if limit <= 0 {
		limit = DefaultLimit
	}
	// The greedy selection is prefix-stable: the first n results are the
	// same whatever n, so pages agree with each other.
	ranked := rerank(qterms, offset+limit, cands)
	if len(ranked) == 0 {
		return nil, ErrNoMatch
	}
	if offset >= len(ranked) {
		return []Result{}, nil
	}
	ranked = ranked[offset:min(offset+limit, len(ranked))]
	out := make([]Result, len(ranked))
	for i, c := range ranked {
		out[i] = c.Result
	}
	return out, nil
}

// candidates runs the FTS5 match and returns up to maxCandidates visible
// hits of the library of st (of collection collID in it, unless that is 0),
// best bm25 first. Within a collection every hit of plan.expr is scored: a
// bound would count other collections' rows.
//
// bm25 is computed for every hit scored (plan.limit), but only the best few
// are joined with their units and sources: in a database of one library,
// maxCandidates plus a margin for hidden units; with several, a few times
// that. When the filters leave too few of them, the query without that cut
// decides.
func (ix *Index) candidates(ctx context.Context, st libStats, collID int64, plan matchPlan) ([]*candidate, error) {
	if ix.dialect == dialectPostgres {
		return ix.pgCandidates(ctx, st, collID, plan)
	}
	if collID != 0 {
		return ix.queryCandidates(ctx, candidateCollectionSQL, plan.expr, st.id, maxCandidates, collID)
	}
	cut := maxCandidates + hiddenMargin
	if st.libraries > 1 {
		cut = maxCandidates * otherLibrariesFactor
	}
	query, args := candidateBoundedSQL, []any{plan.expr, st.id, maxCandidates, cut, plan.limit}
	if len(plan.boosts) > 0 {
		query = candidateBoostedQuery("", true, "?5", len(plan.boosts))
		for _, b := range plan.boosts {
			args = append(args, b.expr, b.weight)
		}
	}
	cands, err := ix.queryCandidates(ctx, query, args...)
	if err != nil || len(cands) >= maxCandidates {
		return cands, err
	}
	if len(cands) > 0 && cands[0].kept < cut {
		return cands, nil // every hit was looked at
	}
	if len(cands) == 0 {
		// Nothing visible among the best cut: look again below the cut
		// only if there was one.
		if n, err := ix.countHits(ctx, plan.expr, cut); err != nil || n < cut {
			return nil, err
		}
	}
	return ix.queryCandidates(ctx, candidateSQL, plan.expr, st.id, maxCandidates, 0, plan.limit)
}

// Bounds of the candidate cut (see candidates).
const (
	hiddenMargin         = 16
	otherLibrariesFactor = 4
)

// countHits counts the FTS5 hits of match, up to limit.
func (ix *Index) countHits(ctx context.Context, match string, limit int) (int, error) {
	stmt, err := ix.stmt(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM units_fts WHERE units_fts MATCH ?1 LIMIT ?2)`)
	if err != nil {
		return 0, err
	}
	var n int
	if err := stmt.QueryRowContext(ctx, match, limit).Scan(&n); err != nil {
		return 0, dbError(err)
	}
	return n, nil
}

// queryCandidates runs one of the candidate queries.
func (ix *Index) queryCandidates(ctx context.Context, query string, args ...any) ([]*candidate, error) {
	stmt, err := ix.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	rows, err := stmt.QueryContext(ctx, args...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []*candidate
	for rows.Next() {
		c := &candidate{}
		if err := rows.Scan(&c.unitID, &c.Kind, &c.sourceID, &c.Start, &c.End, &c.Paragraph, &c.Text,
			&c.Speaker, &c.SpeakerTitle, &c.speakerKind, &c.Fragment, &c.Confidence, &c.QuoteID,
			&c.Source.Title, &c.Source.Author, &c.Source.URL, &c.Source.Published, &c.bm25, &c.kept); err != nil {
			return nil, dbError(err)
		}
		c.Source.ID = c.sourceID
		c.bm25 = -c.bm25
		out = append(out, c)
	}
	return out, dbError(rows.Err())
}

// weighTerms groups the query terms by normalised form and weighs each group
// by its inverse document frequency among the library's units. A term the
// library has never seen gets the largest weight there is, so that a
// question about something absent cannot be answered by its other words.
//
// Counts are cached until the library changes: counting a common term's
// doclist in a library of a million units takes milliseconds.
func (ix *Index) weighTerms(ctx context.Context, st libStats, terms []string) ([]queryTerm, error) {
	var qts []queryTerm
	byNorm := make(map[string]int)
	for _, t := range terms {
		n := sharedNorm(t)
		if i, ok := byNorm[n]; ok {
			qts[i].terms = append(qts[i].terms, t)
			continue
		}
		byNorm[n] = len(qts)
		qts = append(qts, queryTerm{norm: n, terms: []string{t}})
	}
	// Irregular forms of a verb are the same term ("go", "went", "gone").
	for i := range qts {
		for _, v := range variants(qts[i].terms[0]) {
			if !stopWords[v] {
				qts[i].terms = append(qts[i].terms, v)
			}
		}
	}

	// With one library every hit is the library's: FTS5 can count its
	// doclists without visiting a single unit row.
	query := dfSQL
	if st.libraries == 1 {
		query = dfOnlyLibrarySQL
	}
	for i := range qts {
		m := matchTerms(qts[i].terms)
		df, ok := ix.cachedDF(st, m)
		if !ok {
			var err error
			if ix.dialect == dialectPostgres {
				df, err = ix.pgDF(ctx, st, qts[i].terms)
			} else {
				df, err = ix.sqliteDF(ctx, query, m, st.id)
			}
			if err != nil {
				return nil, err
			}
			ix.storeDF(st, m, df)
		}
		qts[i].df = df
		qts[i].idf = idf(st.units, df)
	}
	return qts, nil
}

// sqliteDF counts the units that FTS5 matches for m with query (dfSQL or
// dfOnlyLibrarySQL).
func (ix *Index) sqliteDF(ctx context.Context, query, m string, libID int64) (int, error) {
	stmt, err := ix.stmt(ctx, query)
	if err != nil {
		return 0, err
	}
	var df int
	if err := stmt.QueryRowContext(ctx, m, libID).Scan(&df); err != nil {
		return 0, dbError(err)
	}
	return df, nil
}

// matchSet is what matchable keeps of a question: its terms that occur in
// the library, grouped as in queryTerm, rarest first.
type matchSet []queryTerm

// all is the OR of every term of the set.
func (ms matchSet) all() string {
	var terms []string
	for _, qt := range ms {
		terms = append(terms, qt.terms...)
	}
	return matchTerms(terms)
}

// rows is how many rows the OR of every term could match at most: bm25 is
// computed for each of them.
func (ms matchSet) rows() int {
	n := 0
	for _, qt := range ms {
		n += qt.df
	}
	return n
}

// cheap reports whether the OR of every term is within maxScoredRows.
func (ms matchSet) cheap() bool { return ms.rows() <= maxScoredRows }

// matchable returns the terms worth sending to FTS5, rarest first: those
// that occur in the library, and in a large library only the ones in at
// most maxDFShare of its units, as long as one such term is left. bm25 is
// computed for every row a term matches, so one very common word ("Russia"
// in a library about Russia) makes a query slow without changing what
// ranks first (FTS5.md §3.3: no loss in quality at 5 %); reranking still
// counts the dropped terms in coverage.
func matchable(qts []queryTerm, units int) matchSet {
	var all, rare matchSet
	for _, qt := range qts {
		if qt.df == 0 {
			continue
		}
		all = append(all, qt)
		if float64(qt.df) <= maxDFShare*float64(units) {
			rare = append(rare, qt)
		}
	}
	ms := rare
	if units < minPruneUnits || len(rare) == 0 {
		ms = all
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].df < ms[j].df })
	return ms
}

// Bounds on the work of one question's FTS5 match (planMatch).
const (
	// maxScoredRows is how many rows bm25 may be computed for: at 1 to
	// 2.5 µs a row (FTS5.md §2 and our own measure), a few milliseconds.
	maxScoredRows = 2000
	// maxBoosts is how many common terms planMatch turns into boosts.
	maxBoosts = 4
)

// matchPlan is the FTS5 expression for a question's candidates and the
// most rows to score (-1: all of them).
type matchPlan struct {
	expr string
	// groups and and are expr as data, for the PostgreSQL store: the OR
	// (with and, the AND) of groups, each the OR of its surface terms.
	groups [][]string
	and    bool
	limit  int
	strict bool    // expr leaves out rows the OR of every term matches
	boosts []boost // common terms that lift the hits holding them
}

// boost lifts the hits of a strict expression that also hold a common
// term: expr matches them, and weight is taken off their bm25.
type boost struct {
	expr   string
	group  []string // the common term's surface forms, ANDed with the plan's expression
	weight float64
}

// planMatch returns the expression for the candidates of ms.
//
// While the OR of every term matches at most maxScoredRows rows, it is that
// OR, and every hit is scored. Beyond, bm25 for every row would cost more
// than the rest of the answer, and most of those rows hold one common word
// of the question and nothing else: rerank would rank them low anyway, for
// their coverage. Then only the rarest terms that fit in the budget are
// OR-ed. Left at that, the best candidates by bm25 would be the rare terms'
// shortest rows, and the one sentence holding every word of a question
// could fall below the cut; so each of a few common terms becomes a boost:
// the hits that also hold it (the rare expression AND the term, which FTS5
// answers by walking the rare doclists and seeking in the common one) have
// the term's IDF taken off their bm25, about what bm25 would add for one
// occurrence. The common term is not put in the scored expression itself:
// bm25 reads every doclist of its expression once per query for the IDF,
// which for a common term costs as much as the rows it saves.
//
// When every term is common, a row needs the two rarest, and the first
// maxScoredRows such rows are scored (FTS5 returns hits in rowid order and
// stops there), so the work of one question is bounded whatever the
// library's size.
func planMatch(ms matchSet, units int) matchPlan {
	if ms.cheap() {
		return ms.allPlan()
	}
	var rare []string
	var groups [][]string
	budget := maxScoredRows
	i := 0
	for ; i < len(ms) && ms[i].df <= budget; i++ { // rarest first
		rare = append(rare, group(ms[i]))
		groups = append(groups, ms[i].terms)
		budget -= ms[i].df
	}
	switch {
	case len(rare) > 0:
		plan := matchPlan{expr: strings.Join(rare, " OR "), groups: groups, limit: -1, strict: true}
		scored := plan.expr
		if len(rare) > 1 {
			scored = "(" + scored + ")"
		}
		for j := i; j < len(ms) && j < i+maxBoosts; j++ {
			plan.boosts = append(plan.boosts, boost{
				expr:   scored + " AND " + group(ms[j]),
				group:  ms[j].terms,
				weight: max(math.Log((float64(units)-float64(ms[j].df)+0.5)/(float64(ms[j].df)+0.5)), 1e-6),
			})
		}
		return plan
	case len(ms) == 1:
		return matchPlan{expr: group(ms[0]), groups: [][]string{ms[0].terms}, limit: maxScoredRows}
	}
	return matchPlan{expr: group(ms[0]) + " AND " + group(ms[1]), groups: [][]string{ms[0].terms, ms[1].terms},
		and: true, limit: maxScoredRows, strict: true}
}

// allPlan is the plan matching any term of the set, every hit scored.
func (ms matchSet) allPlan() matchPlan {
	plan := matchPlan{expr: ms.all(), limit: -1}
	for _, qt := range ms {
		plan.groups = append(plan.groups, qt.terms)
	}
	return plan
}

// group is the OR of one term's surface forms, quoted by matchTerms.
func group(qt queryTerm) string {
	if len(qt.terms) == 1 {
		return matchTerms(qt.terms)
	}
	return "(" + matchTerms(qt.terms) + ")"
}

// idf is BM25's inverse document frequency, shifted (as Lucene does) so it
// is never negative: ln(1 + (n − df + 0.5)/(df + 0.5)).
func idf(n, df int) float64 {
	df = min(df, n)
	return math.Log(1 + (float64(n-df)+0.5)/(float64(df)+0.5))
}

// rerank scores the candidates against the query terms, applies the
// relevance floor and picks up to want results in a diverse, de-duplicated
// order. It returns nil when nothing clears the floor.
func rerank(qts []queryTerm, want int, cands []*candidate) []*candidate {
	var totalIDF float64
	for _, qt := range qts {
		totalIDF += qt.idf
	}
	if totalIDF == 0 || len(cands) == 0 {
		return nil
	}

	var bestBM25 float64
	for _, c := range cands {
		bestBM25 = max(bestBM25, c.bm25)
	}
	nc := make(normCache)
	relevant := false
	for _, c := range cands {
		c.analyse(qts, totalIDF, nc)
		relevant = relevant || c.coverage >= minCoverage ||
			(c.covered >= 2 && c.coverage >= minCoverageMulti)
	}
	if !relevant {
		return nil
	}

	titles := make(map[int64]float64)
	for _, c := range cands {
		bm := 0.0
		if bestBM25 > 0 {
			bm = c.bm25 / bestBM25
		}
		title, ok := titles[c.sourceID]
		if !ok {
			title = idfShare(qts, totalIDF, toSet(nc.contentTokens(c.Source.Title)))
			titles[c.sourceID] = title
		}
		c.score = weightBM25*bm + weightCoverage*c.coverage + weightProximity*c.proximity +
			weightSource*c.sourceBM25 + weightTitle*title
		if c.Paragraph > 0 {
			c.score += weightLead / float64(c.Paragraph)
		}
		c.score *= c.factor()
	}
	cands = preferQuotes(cands)
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].score != cands[j].score {
			return cands[i].score > cands[j].score
		}
		return cands[i].unitID < cands[j].unitID
	})
	return diversify(cands, want)
}

// idfShare is the share of the query's IDF mass whose terms are in set.
func idfShare(qts []queryTerm, totalIDF float64, set map[string]bool) float64 {
	var in float64
	for _, qt := range qts {
		if set[qt.norm] {
			in += qt.idf
		}
	}
	return in / totalIDF
}

// Source-level BM25 (weighSources): the usual constants, and a cap on how
// many characters of one source are read, so that a book-length source
// costs no more than a long article.
const (
	sourceK1       = 1.2
	sourceB        = 0.75
	maxSourceChars = 64 << 10
)

// sourceSummary is a source's row of source_terms: what weighSources needs
// of its text.
type sourceSummary struct {
	tokens int    // tokens in the first maxSourceChars characters
	terms  string // "\n" then "term count\n" for each normalised content term among them, in order
}

// summarizeSource reads the first maxSourceChars characters of text as
// weighSources reads a source: every token counts towards its length, and
// each content token (isTerm) towards its normalised term.
func summarizeSource(text string) sourceSummary {
	text = prefixRunes(text, maxSourceChars)
	counts := make(map[string]int)
	var sum sourceSummary
	tokenSpans(text, func(from, to int) {
		sum.tokens++
		tok := strings.ToLower(text[from:to])
		if isTerm(tok) {
			counts[sharedNorm(tok)]++
		}
	})
	terms := make([]string, 0, len(counts))
	for t := range counts {
		terms = append(terms, t)
	}
	sort.Strings(terms)
	var b strings.Builder
	b.WriteByte('\n')
	for _, t := range terms {
		b.WriteString(t)
		b.WriteByte(' ')
		b.WriteString(strconv.Itoa(counts[t]))
		b.WriteByte('\n')
	}
	sum.terms = b.String()
	return sum
}

// count returns how many times the normalised term occurs in the summary.
func (s sourceSummary) count(term string) int {
	i := strings.Index(s.terms, "\n"+term+" ")
	if i < 0 {
		return 0
	}
	rest := s.terms[i+len(term)+2:]
	if j := strings.IndexByte(rest, '\n'); j >= 0 {
		rest = rest[:j]
	}
	n, _ := strconv.Atoi(rest)
	return n
}

// prefixRunes returns the first n characters of s, as SQLite's substr(s,
// 1, n) does.
func prefixRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for i := range s {
		if n == 0 {
			return s[:i]
		}
		n--
	}
	return s
}

// weighSources sets each candidate's sourceBM25: BM25 of the question over
// its whole source (up to maxSourceChars), with the terms' IDF among the
// library's units and the candidates' sources' mean length as the average,
// divided by the best candidate source's score so that it lies in [0, 1].
//
// The lengths and term counts come from source_terms, written at ingest;
// a source stored before it existed is read and tokenised here.
func (ix *Index) weighSources(ctx context.Context, qts []queryTerm, cands []*candidate) error {
	var ids []any
	seen := make(map[int64]bool)
	for _, c := range cands {
		if !seen[c.sourceID] {
			seen[c.sourceID] = true
			ids = append(ids, c.sourceID)
		}
	}
	if len(ids) < 2 {
		return nil // one source: the same for every candidate
	}
	type source struct {
		tf     []float64
		length float64
	}
	sources := make(map[int64]*source, len(ids))
	var total float64
	rows, err := ix.db.QueryContext(ctx, `SELECT source_id, tokens, terms FROM source_terms WHERE source_id IN (`+
		strings.Repeat("?, ", len(ids)-1)+`?)`, ids...)
	if err != nil {
		return dbError(err)
	}
	for rows.Next() {
		var id int64
		var sum sourceSummary
		if err := rows.Scan(&id, &sum.tokens, &sum.terms); err != nil {
			rows.Close()
			return dbError(err)
		}
		s := &source{tf: make([]float64, len(qts)), length: float64(sum.tokens)}
		for i, qt := range qts {
			s.tf[i] = float64(sum.count(qt.norm))
		}
		sources[id] = s
		total += s.length
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return dbError(err)
	}
	if missing := ids[:0:0]; len(sources) < len(ids) {
		for _, id := range ids {
			if sources[id.(int64)] == nil {
				missing = append(missing, id)
			}
		}
		read, err := ix.readSources(ctx, qts, missing)
		if err != nil {
			return err
		}
		for id, s := range read {
			sources[id] = &source{tf: s.tf, length: s.length}
			total += s.length
		}
	}
	if len(sources) == 0 || total == 0 {
		return nil
	}
	avg := total / float64(len(sources))
	scores := make(map[int64]float64, len(sources))
	var best float64
	for id, s := range sources {
		var sc float64
		norm := sourceK1 * (1 - sourceB + sourceB*s.length/avg)
		for i, f := range s.tf {
			if f > 0 {
				sc += qts[i].idf * f * (sourceK1 + 1) / (f + norm)
			}
		}
		scores[id] = sc
		best = max(best, sc)
	}
	if best == 0 {
		return nil
	}
	for _, c := range cands {
		c.sourceBM25 = scores[c.sourceID] / best
	}
	return nil
}

// readSource is a source's length and query-term counts, read from its
// text.
type readSource struct {
	tf     []float64
	length float64
}

// readSources reads and tokenises the sources ids (without a row in
// source_terms) for weighSources.
func (ix *Index) readSources(ctx context.Context, qts []queryTerm, ids []any) (map[int64]readSource, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	rows, err := ix.db.QueryContext(ctx, `SELECT id, substr(text, 1, ?) FROM sources WHERE id IN (`+
		strings.Repeat("?, ", len(ids)-1)+`?)`, append([]any{maxSourceChars}, ids...)...)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	want := make(map[string]int, len(qts))
	// Stemming every word of every source would cost more than the rest
	// of the search (BBC headlines: 9.5 → 27 ms a question). A Snowball
	// stem keeps its word's first two letters (but for "dying", "lying"
	// and "tying"), so a plain word whose first two letters start no query
	// term cannot be one; only irregular verb forms ("went" → "go") and
	// words with other letters need the full normTerm.
	prefixes := make(map[[2]byte]bool, len(qts)+3)
	for i, qt := range qts {
		want[qt.norm] = i
		if len(qt.norm) >= 2 {
			prefixes[[2]byte{qt.norm[0], qt.norm[1]}] = true
		}
	}
	for _, p := range []string{"dy", "ly", "ty"} {
		prefixes[[2]byte{p[0], p[1]}] = true
	}
	for form, n := range irregularNorms {
		if _, ok := want[n]; ok {
			prefixes[[2]byte{form[0], form[1]}] = true
		}
	}
	could := func(text string, from, to int) bool {
		if to-from < 2 || text[from] >= utf8.RuneSelf || text[from+1] >= utf8.RuneSelf {
			return true
		}
		return prefixes[[2]byte{lowerASCII(text[from]), lowerASCII(text[from+1])}]
	}
	out := make(map[int64]readSource, len(ids))
	nc := make(normCache)
	for rows.Next() {
		var id int64
		var text string
		if err := rows.Scan(&id, &text); err != nil {
			return nil, dbError(err)
		}
		s := readSource{tf: make([]float64, len(qts))}
		tokenSpans(text, func(from, to int) {
			s.length++
			if !could(text, from, to) {
				return
			}
			tok := strings.ToLower(text[from:to])
			if !isTerm(tok) {
				return
			}
			if i, ok := want[nc.norm(tok)]; ok {
				s.tf[i]++
			}
		})
		out[id] = s
	}
	return out, dbError(rows.Err())
}

// irregularNorms maps each irregular verb form to its normTerm, whose first
// letters may differ from its own ("went" → "go").
var irregularNorms = func() map[string]string {
	m := make(map[string]string, len(irregularBase))
	for w := range irregularBase {
		if len(w) >= 2 {
			m[w] = normTerm(w)
		}
	}
	return m
}()

// tokenSpans calls fn with the byte span of each token of text, split as
// tokenize splits them, without building the tokens.
func tokenSpans(text string, fn func(from, to int)) {
	start := -1
	for i := 0; i < len(text); {
		c := text[i]
		var in bool
		n := 1
		if c < utf8.RuneSelf {
			in = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
		} else {
			var r rune
			r, n = utf8.DecodeRuneInString(text[i:])
			in = r != utf8.RuneError && isTokenRune(r)
		}
		switch {
		case in && start < 0:
			start = i
		case !in && start >= 0:
			fn(start, i)
			start = -1
		}
		i += n
	}
	if start >= 0 {
		fn(start, len(text))
	}
}

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// preferQuotes drops a passage that is mostly one full quotation found among
// the candidates (a sentence that is nothing but the quote), giving the
// quote the passage's score if that is higher: the same words, shown with
// their speaker. Fragments do not stand in for their sentence.
func preferQuotes(cands []*candidate) []*candidate {
	quotes := make(map[int64][]*candidate)
	for _, c := range cands {
		if c.Kind == ResultQuote && !c.Fragment {
			quotes[c.sourceID] = append(quotes[c.sourceID], c)
		}
	}
	if len(quotes) == 0 {
		return cands
	}
	out := cands[:0]
	for _, c := range cands {
		if c.Kind == ResultPassage {
			if q := mostlyQuote(c, quotes[c.sourceID]); q != nil {
				q.score = max(q.score, c.score)
				continue
			}
		}
		out = append(out, c)
	}
	return out
}

// mostlyQuote returns the quote among qs that covers at least
// quoteShareOfPassage of passage p's bytes, or nil.
func mostlyQuote(p *candidate, qs []*candidate) *candidate {
	for _, q := range qs {
		overlap := min(p.End, q.End) - max(p.Start, q.Start)
		if overlap > 0 && float64(overlap) >= quoteShareOfPassage*float64(p.End-p.Start) {
			return q
		}
	}
	return nil
}

// analyse computes c's term coverage, proximity and speaker match.
func (c *candidate) analyse(qts []queryTerm, totalIDF float64, nc normCache) {
	c.tokens = nc.contentTokens(c.Text)
	c.tokenSet = toSet(c.tokens)
	c.sortedSet = make([]string, 0, len(c.tokenSet))
	for t := range c.tokenSet {
		c.sortedSet = append(c.sortedSet, t)
	}
	sort.Strings(c.sortedSet)
	name := nc.contentTokens(c.Speaker)
	title := nc.contentTokens(c.SpeakerTitle)
	nameSet, titleSet := toSet(name), toSet(title)

	var covered float64
	nameHits, titleHits := 0, 0
	for _, qt := range qts {
		inName, inTitle := nameSet[qt.norm], titleSet[qt.norm]
		if c.tokenSet[qt.norm] || inName || inTitle {
			covered += qt.idf
			c.covered++
		}
		if inName {
			nameHits++
		}
		if inTitle {
			titleHits++
		}
	}
	c.coverage = covered / totalIDF

	if len(qts) > 1 {
		pairs := 0
		for i := 0; i+1 < len(qts); i++ {
			if adjacent(c.tokens, qts[i].norm, qts[i+1].norm) {
				pairs++
			}
		}
		c.proximity = float64(pairs) / float64(len(qts)-1)
	}

	c.speakerMatch = c.Kind == ResultQuote && c.Speaker != "" &&
		(namesSpeaker(nameHits, len(nameSet), c.speakerKind) || namesRole(titleHits, len(titleSet)))
}

// namesSpeaker reports whether a question that shares hits of the n
// distinct tokens of a speaker's name names that speaker. One token is
// enough for a person ("Stoltenberg"); an organisation's name is made of
// common words ("Ministry of Foreign Affairs"), so it needs two, or all of
// a one-word name ("NATO").
func namesSpeaker(hits, n int, kind string) bool {
	if hits == 0 {
		return false
	}
	return kind == KindPerson || hits >= 2 || hits == n
}

// namesRole reports whether a question that shares hits of the n distinct
// tokens of a speaker's title names that role: two tokens ("foreign
// minister") or the whole title ("Spokesperson"). One word of a longer
// title ("Russia" in "Russia's Deputy Foreign Minister") is a topic, not a
// speaker.
func namesRole(hits, n int) bool {
	return hits >= 2 || (hits > 0 && hits == n)
}

// factor is c's multiplier for what kind of unit it is and whether the
// question asks for its speaker.
func (c *candidate) factor() float64 {
	f := 1.0
	if c.Kind == ResultQuote {
		switch {
		case c.Fragment:
			f = fragmentFactor
		case c.Speaker != "":
			f = attributedFactor
		default:
			f = unattribFactor
		}
	}
	if c.speakerMatch {
		f *= speakerFactor
	}
	return f
}

// diversify picks up to want results greedily from cands (sorted best
// first): at each step the candidate whose score, discounted for the
// speakers and sources already chosen, is highest. Near-duplicates of a
// chosen result are dropped, as are results far below the best. The chosen
// results carry their discounted score, which never increases down the list.
func diversify(cands []*candidate, want int) []*candidate {
	var chosen []*candidate
	speakers := make(map[string]int)
	sources := make(map[int64]int)
	left := make([]*candidate, 0, len(cands))
	for _, c := range cands {
		if c.coverage > 0 {
			left = append(left, c)
		}
	}
	for len(left) > 0 && len(chosen) < want {
		// Only the result chosen last can have made a candidate a
		// duplicate: the others were checked in earlier rounds.
		var last *candidate
		if len(chosen) > 0 {
			last = chosen[len(chosen)-1]
		}
		best, bestScore := -1, 0.0
		keep := left[:0]
		for _, c := range left {
			if last != nil && duplicates(c, last) {
				continue
			}
			keep = append(keep, c)
			penalty := sameSourcePenalty * float64(sources[c.sourceID])
			if sp := speakerKey(c); sp != "" && !c.speakerMatch {
				penalty += sameSpeakerPenalty * float64(speakers[sp])
			}
			if s := c.score / (1 + penalty); best < 0 || s > bestScore {
				best, bestScore = len(keep)-1, s
			}
		}
		left = keep
		if best < 0 || (len(chosen) > 0 && bestScore < minRelative*chosen[0].Score) {
			break
		}
		c := left[best]
		left = append(left[:best], left[best+1:]...)
		c.Score = bestScore
		chosen = append(chosen, c)
		sources[c.sourceID]++
		if sp := speakerKey(c); sp != "" {
			speakers[sp]++
		}
	}
	return chosen
}

func speakerKey(c *candidate) string { return strings.ToLower(c.Speaker) }

// duplicates reports whether c repeats o: it overlaps o in the same source
// (a sentence holding a chosen quote, or the reverse), or shares nearly all
// its words with o.
func duplicates(c, o *candidate) bool {
	if c.sourceID == o.sourceID && c.Start < o.End && o.Start < c.End {
		return true
	}
	return jaccard(c.sortedSet, o.sortedSet) >= maxOverlap
}

// jaccard is |a ∩ b| / |a ∪ b| of two sorted sets; 0 when both are empty.
func jaccard(a, b []string) float64 {
	inter := 0
	for i, j := 0, 0; i < len(a) && j < len(b); {
		switch {
		case a[i] == b[j]:
			inter++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	union := len(a) + len(b) - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// adjacent reports whether a is directly followed by b somewhere in toks.
func adjacent(toks []string, a, b string) bool {
	for i := 0; i+1 < len(toks); i++ {
		if toks[i] == a && toks[i+1] == b {
			return true
		}
	}
	return false
}

func toSet(toks []string) map[string]bool {
	m := make(map[string]bool, len(toks))
	for _, t := range toks {
		m[t] = true
	}
	return m
}
