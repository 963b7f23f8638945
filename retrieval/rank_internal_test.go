package retrieval

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// qterms builds query terms with given IDFs: "ukraine", 2.0, "nato", 1.0, ….
func qterms(pairs ...any) []queryTerm {
	var qts []queryTerm
	for i := 0; i < len(pairs); i += 2 {
		t := pairs[i].(string)
		qts = append(qts, queryTerm{norm: normTerm(t), terms: []string{t}, idf: pairs[i+1].(float64)})
	}
	return qts
}

// cand builds a candidate. Options: "quote", "fragment", "speaker=…",
// "title=…", "kind=…", "source=N", "span=S-E", "bm25=F".
func cand(id int64, text string, opts ...string) *candidate {
	c := &candidate{unitID: id, sourceID: id, bm25: 1}
	c.Kind = ResultPassage
	c.Text = text
	c.Start, c.End = 0, len(text)
	for _, o := range opts {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "quote":
			c.Kind = ResultQuote
		case "fragment":
			c.Kind, c.Fragment = ResultQuote, true
		case "speaker":
			c.Kind, c.Speaker, c.speakerKind = ResultQuote, v, KindPerson
		case "title":
			c.SpeakerTitle = v
		case "kind":
			c.speakerKind = v
		case "source":
			c.sourceID = int64(mustAtoi(v))
		case "span":
			s, e, _ := strings.Cut(v, "-")
			c.Start, c.End = mustAtoi(s), mustAtoi(e)
		case "bm25":
			c.bm25 = float64(mustAtoi(v))
		}
	}
	return c
}

func mustAtoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		panic(err)
	}
	return n
}

func texts(cs []*candidate) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Text)
	}
	return out
}

func TestRerank(t *testing.T) {
	t.Run("Coverage", func(t *testing.T) {
		// The text holding both terms beats one holding only the common
		// one, even with a better bm25.
		got := rerank(qterms("arctic", 3.0, "shipping", 1.0), 100, []*candidate{
			cand(1, "Shipping shipping shipping everywhere", "bm25=9"),
			cand(2, "Arctic shipping grew", "bm25=3"),
		})
		require.NotEmpty(t, got)
		assert.Equal(t, "Arctic shipping grew", got[0].Text)
	})
	t.Run("FragmentPenalty", func(t *testing.T) {
		got := rerank(qterms("deterrence", 2.0), 100, []*candidate{
			cand(1, "deterrence blunder", "fragment"),
			cand(2, "We will restore deterrence in the north", "quote"),
		})
		require.Len(t, got, 2)
		assert.Equal(t, int64(2), got[0].unitID)
		assert.Less(t, got[1].Score, 0.7*got[0].Score)
	})
	t.Run("AttributedAboveUnattributed", func(t *testing.T) {
		got := rerank(qterms("deterrence", 2.0), 100, []*candidate{
			cand(1, "We will restore deterrence in the north", "quote"),
			cand(2, "They will restore deterrence in the south", "speaker=Mark Rutte"),
		})
		require.Len(t, got, 2)
		assert.Equal(t, "Mark Rutte", got[0].Speaker)
	})
	t.Run("SpeakerBoost", func(t *testing.T) {
		// The passage mentions both words, the quote only one plus its
		// speaker's name; the named speaker's quote wins.
		got := rerank(qterms("stoltenberg", 3.0, "ukraine", 1.0), 100, []*candidate{
			cand(1, "Stoltenberg spoke about Ukraine at length in Kyiv", "bm25=5"),
			cand(2, "We stand with Ukraine", "speaker=Jens Stoltenberg", "bm25=2"),
		})
		require.NotEmpty(t, got)
		assert.Equal(t, int64(2), got[0].unitID)
		assert.True(t, got[0].speakerMatch)
	})
	t.Run("OverlapDropped", func(t *testing.T) {
		// A sentence holding a chosen quote repeats it.
		got := rerank(qterms("ukraine", 2.0), 100, []*candidate{
			cand(1, `"We stand with Ukraine," said Jens Stoltenberg.`, "source=7", "span=100-148"),
			cand(2, "We stand with Ukraine,", "speaker=Jens Stoltenberg", "source=7", "span=101-123"),
			cand(3, "Ukraine asked for more air defence", "source=7", "span=149-183"),
		})
		assert.Equal(t, []string{"We stand with Ukraine,", "Ukraine asked for more air defence"}, texts(got))
	})
	t.Run("NearDuplicateDropped", func(t *testing.T) {
		got := rerank(qterms("ukraine", 2.0), 100, []*candidate{
			cand(1, "Allies pledged new air defence systems for Ukraine today"),
			cand(2, "Allies pledged new air defence systems for Ukraine"),
			cand(3, "Ukraine thanked them"),
		})
		assert.Len(t, got, 2)
		assert.NotContains(t, texts(got), "Allies pledged new air defence systems for Ukraine")
	})
	t.Run("Diversity", func(t *testing.T) {
		// Three near-equal quotes from one speaker and a slightly weaker one
		// from another: the other speaker makes the top two.
		got := rerank(qterms("sanctions", 2.0), 100, []*candidate{
			cand(1, "Sanctions on oil work", "speaker=Jens Stoltenberg", "bm25=10"),
			cand(2, "Sanctions on gas work too", "speaker=Jens Stoltenberg", "bm25=10"),
			cand(3, "Sanctions on coal will follow", "speaker=Jens Stoltenberg", "bm25=10"),
			cand(4, "Sanctions must be widened", "speaker=Mark Rutte", "bm25=8"),
		})
		require.GreaterOrEqual(t, len(got), 2)
		assert.Equal(t, "Mark Rutte", got[1].Speaker)
	})
	t.Run("NoDiversityForNamedSpeaker", func(t *testing.T) {
		// The question asks for Stoltenberg: his weaker second quote is not
		// pushed below Rutte's for repeating him.
		got := rerank(qterms("stoltenberg", 3.0, "sanctions", 2.0), 100, []*candidate{
			cand(1, "Sanctions on oil work", "speaker=Jens Stoltenberg", "bm25=10"),
			cand(2, "Sanctions on gas work too", "speaker=Jens Stoltenberg", "bm25=1"),
			cand(3, "Stoltenberg is right that sanctions must be widened", "speaker=Mark Rutte", "bm25=10"),
		})
		require.Len(t, got, 3)
		assert.Equal(t, []int64{1, 2, 3}, []int64{got[0].unitID, got[1].unitID, got[2].unitID})
	})
	t.Run("Proximity", func(t *testing.T) {
		got := rerank(qterms("prime", 2.0, "minister", 2.0), 100, []*candidate{
			cand(1, "The minister said prime time was over"),
			cand(2, "The prime minister resigned"),
		})
		require.Len(t, got, 2)
		assert.Equal(t, int64(2), got[0].unitID)
	})
	t.Run("Floor", func(t *testing.T) {
		// "capital" is known, "france" is not (maximal IDF): coverage < ½.
		got := rerank(qterms("capital", 4.0, "france", 8.0), 100, []*candidate{
			cand(1, "Capital flows into the Arctic rose"),
		})
		assert.Nil(t, got)
	})
	t.Run("FloorTwoTerms", func(t *testing.T) {
		// A long paraphrase sharing two of its words with the answer is
		// answered; one shared word needs half the IDF mass.
		qts := qterms("officials", 2.75, "discuss", 5.15, "whether", 5.15, "give", 4.05, "war", 1.7)
		got := rerank(qts, 100, []*candidate{cand(1, "Officials would not give an inch")})
		assert.Len(t, got, 1)
		got = rerank(qts, 100, []*candidate{cand(1, "Officials met again")})
		assert.Nil(t, got)
	})
	t.Run("WeakDropped", func(t *testing.T) {
		got := rerank(qterms("arctic", 3.0, "ice", 3.0, "route", 3.0, "melting", 3.0), 100, []*candidate{
			cand(1, "Arctic ice melting opens the route", "bm25=10"),
			cand(2, "A new route", "bm25=1"),
		})
		assert.Equal(t, []string{"Arctic ice melting opens the route"}, texts(got))
	})
	t.Run("PrefixStable", func(t *testing.T) {
		// Search asks for offset+limit results only; that must not change
		// the order, or pages would disagree.
		build := func() []*candidate {
			var cs []*candidate
			for i, s := range []string{"oil", "gas", "coal", "steel", "grain", "chips", "ships", "gold"} {
				cs = append(cs, cand(int64(i+1), "Sanctions on "+s+" and "+s+" imports", "speaker=Speaker "+s[:1],
					"source="+strconv.Itoa(1+i%3), "bm25="+strconv.Itoa(1+i),
					"span="+strconv.Itoa(100*i)+"-"+strconv.Itoa(100*i+50)))
			}
			return cs
		}
		all := texts(rerank(qterms("sanctions", 2.0, "imports", 1.0), 100, build()))
		require.Len(t, all, 8)
		for n := 1; n <= len(all); n++ {
			assert.Equal(t, all[:n], texts(rerank(qterms("sanctions", 2.0, "imports", 1.0), n, build())))
		}
	})
	t.Run("ScoresDescend", func(t *testing.T) {
		var cs []*candidate
		for i, s := range []string{"oil", "gas", "coal", "steel", "grain", "chips"} {
			cs = append(cs, cand(int64(i+1), "Sanctions on "+s, "speaker=Speaker "+s, "source=1",
				"span="+strconv.Itoa(10*i)+"-"+strconv.Itoa(10*i+9)))
		}
		got := rerank(qterms("sanctions", 2.0), 100, cs)
		require.Len(t, got, 6)
		for i := 1; i < len(got); i++ {
			assert.LessOrEqual(t, got[i].Score, got[i-1].Score)
		}
	})
}

func TestSpeakerIntent(t *testing.T) {
	tests := []struct {
		question, speaker, kind, title string
		want                           bool
	}{
		{"What did Stoltenberg say about Ukraine?", "Jens Stoltenberg", KindPerson, "", true},
		{"what did jens say", "Jens Stoltenberg", KindPerson, "", true},
		{"What did Erdogan say?", "Recep Tayyip Erdoğan", KindPerson, "", true},
		{"What did Russia's deputy foreign minister say?", "Sergei Ryabkov", KindPerson, "Russia's Deputy Foreign Minister", true},
		{"What did the foreign minister say?", "Sergei Ryabkov", KindPerson, "Russia's Deputy Foreign Minister", true},
		{"What did Russia say about Ukraine?", "Sergei Ryabkov", KindPerson, "Russia's Deputy Foreign Minister", false},
		{"What did the spokesperson say?", "Dmitry Peskov", KindPerson, "Spokesperson", true},
		{"What did the Kremlin say?", "the Kremlin", KindOrganization, "", true},
		{"foreign policy of Hungary", "Ministry of Foreign Affairs", KindOrganization, "", false},
		{"What did the Ministry of Foreign Affairs say?", "Ministry of Foreign Affairs", KindOrganization, "", true},
		{"Ukraine", "Jens Stoltenberg", KindPerson, "NATO Secretary General", false},
	}
	for _, tt := range tests {
		var qts []queryTerm
		for _, term := range QueryTerms(tt.question) {
			qts = append(qts, queryTerm{norm: normTerm(term), terms: []string{term}, idf: 1})
		}
		c := cand(1, "Some words were said here.", "speaker="+tt.speaker, "kind="+tt.kind, "title="+tt.title)
		c.analyse(qts, float64(len(qts)), nil)
		assert.Equal(t, tt.want, c.speakerMatch, "%q → %s (%s)", tt.question, tt.speaker, tt.title)
	}
}

func TestIDF(t *testing.T) {
	assert.Greater(t, idf(1000, 0), idf(1000, 1))
	assert.Greater(t, idf(1000, 1), idf(1000, 500))
	assert.Greater(t, idf(1000, 1000), 0.0)
	assert.Equal(t, idf(10, 10), idf(10, 20), "df is capped at n")
}

func TestNormTerm(t *testing.T) {
	assert.Equal(t, normTerm("members"), normTerm("member"))
	assert.Equal(t, "erdogan", normTerm("erdoğan"))
	assert.Equal(t, "рябков", normTerm("рябков"))
	assert.Equal(t, []string{"russia", "deputi", "foreign", "minist"}, contentTokens("Russia's Deputy Foreign Minister"))
}

func TestMatchTerms(t *testing.T) {
	assert.Equal(t, `"a""b" OR """"`, matchTerms([]string{`a"b`, `"`}))
}

// TestCandidatePlan checks that SQLite runs the FTS5 match first and looks
// units up by rowid, rather than walking the whole library.
func TestCandidatePlan(t *testing.T) {
	ix := NewIndex(":memory:")
	require.NoError(t, ix.Open())
	defer ix.Close()
	for name, q := range map[string]string{"candidates": candidateSQL, "bounded": candidateBoundedSQL, "df": dfSQL} {
		args := []any{`"nato"`, 1}
		if q != dfSQL {
			args = append(args, maxCandidates, maxCandidates, maxScoredRows)
		}
		rows, err := ix.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+q, args...)
		require.NoError(t, err)
		var plan []string
		for rows.Next() {
			var id, parent, unused int
			var detail string
			require.NoError(t, rows.Scan(&id, &parent, &unused, &detail))
			plan = append(plan, detail)
		}
		require.NoError(t, rows.Err())
		rows.Close()
		joined := strings.Join(plan, "\n")
		assert.Contains(t, joined, "SCAN units_fts VIRTUAL TABLE", name)
		assert.Contains(t, joined, "SCAN hits", name, "the hits drive the join")
		// Each hit is one point lookup: by primary key, or through
		// units_library_id on (library_id, rowid), which is as good.
		lookup := false
		for _, line := range plan {
			if strings.HasPrefix(line, "SEARCH u ") {
				lookup = strings.Contains(line, "INTEGER PRIMARY KEY") || strings.Contains(line, "rowid=?")
			}
		}
		assert.True(t, lookup, "%s plan:\n%s", name, joined)
		assert.NotContains(t, plan, "SCAN u", name)
	}
}

func TestMatchable(t *testing.T) {
	qts := []queryTerm{
		{norm: "russia", terms: []string{"russia", "russian"}, df: 900},
		{norm: "ryabkov", terms: []string{"ryabkov"}, df: 40},
		{norm: "pizza", terms: []string{"pizza"}, df: 0},
	}
	// Large library: the common term goes, the absent one is never sent.
	assert.Equal(t, `"ryabkov"`, matchable(qts, 10_000).all())
	// Small library: nothing is pruned; the rarest term comes first.
	assert.Equal(t, `"ryabkov" OR "russia" OR "russian"`, matchable(qts, 1_000).all())
	// Only common terms: they stay, or nothing could be found.
	assert.Equal(t, `"russia" OR "russian"`, matchable(qts[:1], 10_000).all())
	assert.Empty(t, matchable(qts[2:], 10_000))
}

// TestWeighTerms checks that document frequencies are the library's own,
// whether the database holds one library (counted from the FTS5 doclists
// alone) or several (counted through the units).
func TestWeighTerms(t *testing.T) {
	ctx := context.Background()
	ix := NewIndex(":memory:")
	require.NoError(t, ix.Open())
	defer ix.Close()
	doc := Document{Text: "Sanctions on oil.\nSanctions on gas.\nTalks on grain.\n"}
	_, err := ix.Add(ctx, "a", doc)
	require.NoError(t, err)
	stA, err := ix.libraryStats(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, 3, stA.units)
	assert.Equal(t, 1, stA.libraries)

	one, err := ix.weighTerms(ctx, stA, []string{"sanctions", "sanction", "grain", "pizza"})
	require.NoError(t, err)
	require.Len(t, one, 3, "sanctions and sanction share a stem")
	assert.Equal(t, []int{2, 1, 0}, []int{one[0].df, one[1].df, one[2].df})
	assert.Greater(t, one[2].idf, one[1].idf)
	assert.Greater(t, one[1].idf, one[0].idf)

	doc.Text += "Sanctions on coal.\n"
	_, err = ix.Add(ctx, "b", doc)
	require.NoError(t, err)
	stA, err = ix.libraryStats(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, 3, stA.units)
	assert.Equal(t, 2, stA.libraries)
	two, err := ix.weighTerms(ctx, stA, []string{"sanctions", "sanction", "grain", "pizza"})
	require.NoError(t, err)
	assert.Equal(t, one, two)

	// A write to the library makes the cached counts stale.
	_, err = ix.Add(ctx, "a", Document{Text: "Grain prices rose.\n"})
	require.NoError(t, err)
	stA2, err := ix.libraryStats(ctx, "a")
	require.NoError(t, err)
	assert.Equal(t, 4, stA2.units)
	assert.NotEqual(t, stA.version, stA2.version)
	three, err := ix.weighTerms(ctx, stA2, []string{"grain"})
	require.NoError(t, err)
	assert.Equal(t, 2, three[0].df)
}

// TestWeighSources_SummaryMatchesText checks that the source_terms rows
// written at ingest weigh sources exactly as reading their text does, and
// that a source without a row (stored before source_terms existed) is
// still weighed.
func TestWeighSources_SummaryMatchesText(t *testing.T) {
	ctx := context.Background()
	ix := NewIndex(":memory:")
	require.NoError(t, ix.Open())
	defer ix.Close()
	texts := []string{
		"Sanctions went on. The ministers sanctioned the Café. Dying days of sanctions.\nLying, tying: ÉTÉ été.",
		"The minister went home. Nothing about it.",
		strings.Repeat("sanction ", 20) + "went gone going",
	}
	for _, text := range texts {
		_, err := ix.Add(ctx, "a", Document{Text: text})
		require.NoError(t, err)
	}
	st, err := ix.libraryStats(ctx, "a")
	require.NoError(t, err)
	qts, err := ix.weighTerms(ctx, st, QueryTerms("sanctions minister went dying été café"))
	require.NoError(t, err)
	ids := []any{int64(1), int64(2), int64(3)}
	read, err := ix.readSources(ctx, qts, ids)
	require.NoError(t, err)
	require.Len(t, read, 3)

	var sums []sourceSummary
	for _, id := range ids {
		var s sourceSummary
		require.NoError(t, ix.db.QueryRowContext(ctx, `SELECT tokens, terms FROM source_terms WHERE source_id = ?`, id).
			Scan(&s.tokens, &s.terms))
		sums = append(sums, s)
	}
	for i, id := range ids {
		r := read[id.(int64)]
		assert.Equal(t, r.length, float64(sums[i].tokens), "length of source %d", id)
		for j, qt := range qts {
			assert.Equal(t, r.tf[j], float64(sums[i].count(qt.norm)), "tf of %q in source %d", qt.norm, id)
		}
	}
	assert.Equal(t, 20.0, read[3].tf[0], "sanction")

	cands := func() []*candidate {
		return []*candidate{{sourceID: 1}, {sourceID: 2}, {sourceID: 3}}
	}
	withRows := cands()
	require.NoError(t, ix.weighSources(ctx, qts, withRows))
	_, err = ix.db.ExecContext(ctx, `DELETE FROM source_terms`)
	require.NoError(t, err)
	withoutRows := cands()
	require.NoError(t, ix.weighSources(ctx, qts, withoutRows))
	for i := range withRows {
		assert.InDelta(t, withoutRows[i].sourceBM25, withRows[i].sourceBM25, 1e-12)
	}
	best := 0.0
	for _, c := range withRows {
		best = max(best, c.sourceBM25)
	}
	assert.Equal(t, 1.0, best)
}

func TestPrefixRunes(t *testing.T) {
	assert.Equal(t, "ab", prefixRunes("abc", 2))
	assert.Equal(t, "éé", prefixRunes("ééé", 2))
	assert.Equal(t, "é", prefixRunes("é", 5))
	assert.Equal(t, "", prefixRunes("abc", 0))
}

func TestPlanMatch(t *testing.T) {
	qt := func(df int, terms ...string) queryTerm { return queryTerm{norm: terms[0], terms: terms, df: df} }
	const units = 1_000_000
	for _, tt := range []struct {
		name   string
		ms     matchSet
		expr   string
		limit  int
		strict bool
		boosts []string
	}{
		{"Cheap", matchSet{qt(10, "ryabkov"), qt(900, "russia", "russian")},
			`"ryabkov" OR "russia" OR "russian"`, -1, false, nil},
		{"RareWithinBudget", matchSet{qt(40, "ryabkov"), qt(maxScoredRows-50, "arctic"), qt(30_000, "russia")},
			`"ryabkov" OR "arctic"`, -1, true, []string{`("ryabkov" OR "arctic") AND "russia"`}},
		{"RareOverBudgetStops", matchSet{qt(40, "ryabkov"), qt(maxScoredRows, "arctic"), qt(30_000, "russia", "russian")},
			`"ryabkov"`, -1, true, []string{`"ryabkov" AND "arctic"`, `"ryabkov" AND ("russia" OR "russian")`}},
		{"BoostsCapped", matchSet{qt(40, "a1"), qt(3000, "c1"), qt(3001, "c2"), qt(3002, "c3"), qt(3003, "c4"), qt(3004, "c5")},
			`"a1"`, -1, true, []string{`"a1" AND "c1"`, `"a1" AND "c2"`, `"a1" AND "c3"`, `"a1" AND "c4"`}},
		{"OneCommon", matchSet{qt(30_000, "russia", "russian")},
			`("russia" OR "russian")`, maxScoredRows, false, nil},
		{"AllCommon", matchSet{qt(20_000, "said"), qt(30_000, "russia", "russian"), qt(40_000, "year")},
			`"said" AND ("russia" OR "russian")`, maxScoredRows, true, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := planMatch(tt.ms, units)
			assert.Equal(t, tt.expr, got.expr)
			assert.Equal(t, tt.limit, got.limit)
			assert.Equal(t, tt.strict, got.strict)
			var boosts []string
			for _, b := range got.boosts {
				boosts = append(boosts, b.expr)
				assert.Greater(t, b.weight, 0.0)
			}
			assert.Equal(t, tt.boosts, boosts)
		})
	}
	// A rarer common term lifts more.
	got := planMatch(matchSet{qt(40, "a1"), qt(3000, "c1"), qt(30_000, "c2")}, units)
	require.Len(t, got.boosts, 2)
	assert.Greater(t, got.boosts[0].weight, got.boosts[1].weight)
}

// TestSearch_BoundedWork checks that a library large enough for planMatch
// to leave terms out still answers: a rare term decides, and a question of
// common terms alone is answered from the bounded set of hits.
func TestSearch_BoundedWork(t *testing.T) {
	ctx := context.Background()
	ix := NewIndex(":memory:")
	require.NoError(t, ix.Open())
	defer ix.Close()
	var docs []Document
	for i := range 60 {
		var b strings.Builder
		for j := range 50 {
			fmt.Fprintf(&b, "Grain prices rose in market %d on day %d.\n", i, j)
		}
		docs = append(docs, Document{Text: b.String()})
	}
	docs = append(docs, Document{Text: "The albatross flew over the grain market.\n"})
	_, err := ix.Add(ctx, "a", docs...)
	require.NoError(t, err)
	st, err := ix.libraryStats(ctx, "a")
	require.NoError(t, err)
	require.Greater(t, st.units, maxScoredRows)

	res, err := ix.Search(ctx, Query{Library: "a", Text: "grain market albatross"})
	require.NoError(t, err)
	assert.Equal(t, "The albatross flew over the grain market.", res[0].Text, "the rare term decides")

	res, err = ix.Search(ctx, Query{Library: "a", Text: "grain prices"})
	require.NoError(t, err)
	assert.NotEmpty(t, res)
	assert.Contains(t, res[0].Text, "Grain prices")
}

// referenceTokenize is tokenize as it was written first, rune by rune: the
// fast path must split and lower-case exactly as it did.
func referenceTokenize(text string, fn func(tok string)) {
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			fn(b.String())
			b.Reset()
		}
	}
	for _, r := range text {
		if r != utf8.RuneError && isTokenRune(r) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		flush()
	}
	flush()
}

func TestTokenize_MatchesReference(t *testing.T) {
	collect := func(f func(string, func(string)), text string) []string {
		var out []string
		f(text, func(tok string) { out = append(out, strings.Clone(tok)) })
		return out
	}
	texts := []string{
		"", " ", "a", "A", "Hello, World!", "don't stop", "C++ and me@x.com", "ubuntu 20.04",
		"José Ñúñez said «Привет»", "naïve café", "abcÉdef", "ÉCOLE Normale", "x\xffy", "\xff", "a\xe2\x80\x99s",
		"日本語のテキスト mixed ASCII", "ǅemal İstanbul ΣΑΣ", "tab\tnew\nline", "12abc34 AbC9", "end é",
	}
	rng := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("aZ9 .-'éÉßİ\u2019日\ufffd")
	for range 2000 {
		n := rng.IntN(12)
		var b strings.Builder
		for range n {
			b.WriteRune(alphabet[rng.IntN(len(alphabet))])
		}
		if rng.IntN(10) == 0 {
			b.WriteByte(0xff)
		}
		texts = append(texts, b.String())
	}
	for _, text := range texts {
		assert.Equal(t, collect(referenceTokenize, text), collect(tokenize, text), "%q", text)
	}
}
