package retrieval

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"io/fs"
	"math"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The retrieval evaluation scores ranking on public gold sets, WikiQA (Yang,
// Yih and Meek, EMNLP 2015) and SciFact (Wadden et al., EMNLP 2020, as the
// BEIR task), against a plain baseline over the same index.
//
// Every document of a set becomes one Source, added with Index.Add: its
// title (only for SciFact, where BEIR searches title and abstract) and then
// its sentences, each its own paragraph, separated by blank lines. A
// paragraph is never split across units, so every unit the index returns
// starts inside exactly one gold sentence (or the title), and the
// evaluation maps it back by its Start offset. A gold sentence that the
// segmenter splits in two is found by either half, once.
//
// The baseline is what FTS5 gives with no help: bm25() with its default
// weights over the same units, the question's words quoted and OR-ed (all of
// them: quoting alone keeps FTS5's syntax out), no stop-word list, no
// reranking. Both systems' rankings are reduced to distinct gold sentences
// (or documents) in order of first appearance.
//
// Neither set has a train split we can use as such here (WikiQA ships dev
// only, SciFact claims_train only), so each is split deterministically into
// a tuning half and a reporting half by a hash of the document a question
// is about (see GoldSplit): ranking is tuned on "tune" and the figures to
// quote are those of "report".

// Gold split names.
const (
	SplitTune   = "tune"
	SplitReport = "report"
	SplitAll    = "all"
)

// Gold levels: what open retrieval is judged on.
const (
	LevelSentence = "sentence"
	LevelDocument = "document"
)

// GoldDoc is one document of a gold set: a title and its sentences in
// order. An empty sentence keeps its index but has no text in the source.
type GoldDoc struct {
	ID        string
	Title     string
	Sentences []string
}

// GoldSentence names sentence Index (0-based) of document Doc.
type GoldSentence struct {
	Doc   string
	Index int
}

// GoldQuestion is a question and the answers a gold set accepts.
type GoldQuestion struct {
	ID   string
	Text string
	// Doc is the document whose sentences are the question's own
	// candidates for answer-sentence selection; empty when there is none.
	Doc string
	// Sentences are the sentences that answer the question.
	Sentences map[GoldSentence]bool
	// Docs are the documents relevant to the question.
	Docs map[string]bool
	// Split is SplitTune or SplitReport.
	Split string
}

// GoldSet is a gold set ready to evaluate.
type GoldSet struct {
	Name string
	// Level is LevelSentence when open retrieval is judged by sentences,
	// LevelDocument when by documents.
	Level string
	// TitleInText puts each document's title into its source text as the
	// first paragraph, so that it is searched.
	TitleInText bool
	Docs        []GoldDoc
	Questions   []GoldQuestion
}

// GoldSplit returns the split a question belongs to, from the key of what it
// is about (a WikiQA DocumentID, the first cited SciFact document): FNV-1a
// of the key, even → SplitTune, odd → SplitReport. Questions about the same
// document land in the same half, so that near-duplicate questions (SciFact
// states many claims twice, once negated) cannot be tuned on in one half
// and scored in the other.
func GoldSplit(key string) string {
	h := fnv.New32a()
	h.Write([]byte(key))
	if h.Sum32()%2 == 0 {
		return SplitTune
	}
	return SplitReport
}

// ParseWikiQA reads a WikiQA split (WikiQA-dev.tsv and the like): a header
// line, then QuestionID, Question, DocumentID, DocumentTitle, SentenceID,
// Sentence and Label separated by tabs. SentenceID is the DocumentID, a
// hyphen and the sentence's 0-based index. Questions with no answering
// sentence are kept; the evaluation leaves them out.
func ParseWikiQA(r io.Reader) (GoldSet, error) {
	set := GoldSet{Name: "wikiqa", Level: LevelSentence}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	docs := make(map[string]int)
	questions := make(map[string]int)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimRight(sc.Text(), "\r")
		if line == 1 {
			if !strings.HasPrefix(text, "QuestionID\t") {
				return GoldSet{}, fmt.Errorf("line 1: want the header QuestionID\\tQuestion\\t…, got %.40q", text)
			}
			continue
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		f := strings.Split(text, "\t")
		if len(f) != 7 {
			return GoldSet{}, fmt.Errorf("line %d: %d fields, want 7", line, len(f))
		}
		qid, question, did, title, sid, sentence, label := f[0], f[1], f[2], f[3], f[4], f[5], f[6]
		i := strings.LastIndexByte(sid, '-')
		idx, err := strconv.Atoi(sid[i+1:])
		if i < 0 || err != nil || idx < 0 || idx > 10000 {
			return GoldSet{}, fmt.Errorf("line %d: sentence id %q is not DOC-N", line, sid)
		}
		if label != "0" && label != "1" {
			return GoldSet{}, fmt.Errorf("line %d: label %q, want 0 or 1", line, label)
		}
		if !utf8.ValidString(text) {
			return GoldSet{}, fmt.Errorf("line %d: %w", line, ErrInvalidUTF8)
		}

		di, ok := docs[did]
		if !ok {
			di = len(set.Docs)
			docs[did] = di
			set.Docs = append(set.Docs, GoldDoc{ID: did, Title: title})
		}
		d := &set.Docs[di]
		for len(d.Sentences) <= idx {
			d.Sentences = append(d.Sentences, "")
		}
		if d.Sentences[idx] != "" && d.Sentences[idx] != sentence {
			return GoldSet{}, fmt.Errorf("line %d: sentence %s differs from an earlier line", line, sid)
		}
		d.Sentences[idx] = sentence

		qi, ok := questions[qid]
		if !ok {
			qi = len(set.Questions)
			questions[qid] = qi
			set.Questions = append(set.Questions, GoldQuestion{
				ID: qid, Text: question, Doc: did, Split: GoldSplit(did),
				Sentences: make(map[GoldSentence]bool), Docs: make(map[string]bool),
			})
		}
		q := &set.Questions[qi]
		if q.Doc != did {
			return GoldSet{}, fmt.Errorf("line %d: question %s has candidates from %s and %s", line, qid, q.Doc, did)
		}
		if label == "1" {
			q.Sentences[GoldSentence{Doc: did, Index: idx}] = true
			q.Docs[did] = true
		}
	}
	if err := sc.Err(); err != nil {
		return GoldSet{}, fmt.Errorf("line %d: %w", line+1, err)
	}
	if len(set.Questions) == 0 {
		return GoldSet{}, errors.New("no questions")
	}
	return set, nil
}

// SciFact file names inside its directory.
const (
	SciFactCorpus = "corpus.csv"
	SciFactClaims = "claims_train.csv"
)

// ParseSciFact reads the SciFact corpus (corpus.csv: doc_id, title,
// abstract as a Python list of sentences, structured) and its claims
// (claims_train.csv: id, claim, evidence_doc_id, evidence_label,
// evidence_sentences, cited_doc_ids, several rows per claim) from fsys. A
// claim's relevant documents are its cited_doc_ids (BEIR); its relevant
// sentences are the evidence sentences. Every claim is kept.
func ParseSciFact(fsys fs.FS) (GoldSet, error) {
	set := GoldSet{Name: "scifact", Level: LevelDocument, TitleInText: true}
	err := readCSV(fsys, SciFactCorpus, []string{"doc_id", "title", "abstract"}, func(line int, rec map[string]string) error {
		sents, err := parsePyStrings(rec["abstract"])
		if err != nil {
			return fmt.Errorf("abstract: %w", err)
		}
		set.Docs = append(set.Docs, GoldDoc{ID: rec["doc_id"], Title: rec["title"], Sentences: sents})
		return nil
	})
	if err != nil {
		return GoldSet{}, err
	}
	known := make(map[string]bool, len(set.Docs))
	for _, d := range set.Docs {
		known[d.ID] = true
	}

	claims := make(map[string]int)
	err = readCSV(fsys, SciFactClaims, []string{"id", "claim", "evidence_doc_id", "evidence_sentences", "cited_doc_ids"}, func(line int, rec map[string]string) error {
		cited := parseIDList(rec["cited_doc_ids"])
		qi, ok := claims[rec["id"]]
		if !ok {
			qi = len(set.Questions)
			claims[rec["id"]] = qi
			split := ""
			if len(cited) > 0 {
				split = GoldSplit(minID(cited))
			} else {
				split = GoldSplit(rec["id"])
			}
			set.Questions = append(set.Questions, GoldQuestion{
				ID: rec["id"], Text: rec["claim"], Split: split,
				Sentences: make(map[GoldSentence]bool), Docs: make(map[string]bool),
			})
		}
		q := &set.Questions[qi]
		for _, id := range cited {
			if !known[id] {
				return fmt.Errorf("cited document %s is not in %s", id, SciFactCorpus)
			}
			q.Docs[id] = true
		}
		if ev := rec["evidence_doc_id"]; ev != "" {
			for _, s := range parseIDList(rec["evidence_sentences"]) {
				n, err := strconv.Atoi(s)
				if err != nil {
					return fmt.Errorf("evidence sentence %q: %w", s, err)
				}
				q.Sentences[GoldSentence{Doc: ev, Index: n}] = true
			}
		}
		return nil
	})
	if err != nil {
		return GoldSet{}, err
	}
	if len(set.Questions) == 0 {
		return GoldSet{}, fmt.Errorf("%s: no claims", SciFactClaims)
	}
	return set, nil
}

// readCSV reads a CSV file with a header from fsys and calls fn with each
// record as a map from column name to value. The columns in want must be
// there.
func readCSV(fsys fs.FS, name string, want []string, fn func(line int, rec map[string]string) error) error {
	f, err := fsys.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := csv.NewReader(f)
	header, err := r.Read()
	if err != nil {
		return fmt.Errorf("%s: header: %w", name, err)
	}
	col := make(map[string]int, len(header))
	for i, h := range header {
		col[strings.TrimPrefix(h, "\ufeff")] = i
	}
	for _, w := range want {
		if _, ok := col[w]; !ok {
			return fmt.Errorf("%s: no column %q", name, w)
		}
	}
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		line, _ := r.FieldPos(0)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m := make(map[string]string, len(col))
		for k, i := range col {
			if i < len(rec) {
				if !utf8.ValidString(rec[i]) {
					return fmt.Errorf("%s:%d: %w", name, line, ErrInvalidUTF8)
				}
				m[k] = rec[i]
			}
		}
		if err := fn(line, m); err != nil {
			return fmt.Errorf("%s:%d: %w", name, line, err)
		}
	}
}

// parseIDList reads a list of ids written "[1 2]", "[1, 2]" or "1".
func parseIDList(s string) []string {
	s = strings.Trim(strings.TrimSpace(s), "[]")
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\t' })
}

// minID returns the numerically smallest of ids (by string if not numbers).
func minID(ids []string) string {
	best := ids[0]
	for _, id := range ids[1:] {
		a, errA := strconv.ParseInt(id, 10, 64)
		b, errB := strconv.ParseInt(best, 10, 64)
		if (errA == nil && errB == nil && a < b) || ((errA != nil || errB != nil) && id < best) {
			best = id
		}
	}
	return best
}

// parsePyStrings parses a Python (or NumPy) list of string literals, such
// as ['a' "b's"] or ['a', 'b']: elements separated by white space or
// commas, each quoted with ' or ", with Python's backslash escapes.
func parsePyStrings(s string) ([]string, error) {
	s = strings.TrimSpace(s)
	if len(s) < 2 || s[0] != '[' || s[len(s)-1] != ']' {
		return nil, fmt.Errorf("not a list: %.40q", s)
	}
	var out []string
	i, end := 1, len(s)-1
	for {
		for i < end && (s[i] == ' ' || s[i] == ',' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
			i++
		}
		if i >= end {
			return out, nil
		}
		q := s[i]
		if q != '\'' && q != '"' {
			return nil, fmt.Errorf("byte %d: want a quote, got %q", i, q)
		}
		i++
		var b strings.Builder
		for {
			if i >= end {
				return nil, errors.New("unterminated string")
			}
			c := s[i]
			if c == q {
				i++
				break
			}
			if c != '\\' || i+1 >= end {
				b.WriteByte(c)
				i++
				continue
			}
			e := s[i+1]
			i += 2
			switch e {
			case 'n':
				b.WriteByte('\n')
			case 't':
				b.WriteByte('\t')
			case 'r':
				b.WriteByte('\r')
			case '\\', '\'', '"':
				b.WriteByte(e)
			case 'x', 'u', 'U':
				n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
				if i+n > end {
					return nil, fmt.Errorf("byte %d: short \\%c escape", i, e)
				}
				v, err := strconv.ParseUint(s[i:i+n], 16, 32)
				if err != nil || !utf8.ValidRune(rune(v)) {
					return nil, fmt.Errorf("byte %d: bad \\%c escape", i, e)
				}
				b.WriteRune(rune(v))
				i += n
			default:
				b.WriteByte('\\')
				b.WriteByte(e)
			}
		}
		out = append(out, b.String())
	}
}

// goldSpan is where one gold sentence (or, with sent -1, the title) lies in
// its source's text.
type goldSpan struct {
	start, end int
	sent       int
}

// GoldText lays out a gold document as a source text: the title (when
// withTitle) and then each non-empty sentence, each its own paragraph with
// a blank line between, white space inside a sentence collapsed to single
// spaces. It returns the text and, for each sentence index, the byte span
// [Start, End) of that sentence in it (a zero Span for an empty sentence).
func GoldText(d GoldDoc, withTitle bool) (string, []Span) {
	text, spans := goldText(d, withTitle)
	out := make([]Span, len(d.Sentences))
	for _, s := range spans {
		if s.sent >= 0 {
			out[s.sent] = Span{Start: s.start, End: s.end}
		}
	}
	return text, out
}

func goldText(d GoldDoc, withTitle bool) (string, []goldSpan) {
	var b strings.Builder
	var spans []goldSpan
	add := func(s string, sent int) {
		s = strings.Join(strings.Fields(s), " ")
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		spans = append(spans, goldSpan{start: b.Len(), end: b.Len() + len(s), sent: sent})
		b.WriteString(s)
	}
	if withTitle {
		add(d.Title, -1)
	}
	for i, s := range d.Sentences {
		add(s, i)
	}
	return b.String(), spans
}

// goldLibrary maps the sources of a gold set in a library back to its
// documents and sentences.
type goldLibrary struct {
	library string
	spans   map[int64][]goldSpan // by source id, in text order
	docs    map[int64][]string   // the gold documents stored as each source
	source  map[string]int64     // the source of each gold document
	// collection names the collection holding just one document's source,
	// for answer-sentence selection.
	collection map[string]string
	sentences  int
}

// goldHit is one distinct item of a ranking: a sentence of a source, or a
// whole source (sent == -2).
type goldHit struct {
	source int64
	sent   int
}

const wholeSource = -2

// addGoldSet adds the documents of set to library and, for the documents
// questions name as their candidates, one collection each.
func addGoldSet(ctx context.Context, ix *Index, library string, set GoldSet) (*goldLibrary, error) {
	gl := &goldLibrary{
		library:    library,
		spans:      make(map[int64][]goldSpan),
		docs:       make(map[int64][]string),
		source:     make(map[string]int64),
		collection: make(map[string]string),
	}
	const batch = 500
	for from := 0; from < len(set.Docs); from += batch {
		part := set.Docs[from:min(from+batch, len(set.Docs))]
		docs := make([]Document, 0, len(part))
		var layouts [][]goldSpan
		var kept []GoldDoc
		for _, d := range part {
			text, spans := goldText(d, set.TitleInText)
			if text == "" {
				continue
			}
			docs = append(docs, Document{
				Metadata: Metadata{Title: d.Title, Origin: set.Name + ":" + d.ID},
				Format:   "text",
				Text:     text,
			})
			layouts = append(layouts, spans)
			kept = append(kept, d)
		}
		res, err := ix.Add(ctx, library, docs...)
		if err != nil {
			return nil, fmt.Errorf("add %s documents: %w", set.Name, err)
		}
		for i, r := range res {
			id := r.Source.ID
			gl.source[kept[i].ID] = id
			gl.docs[id] = append(gl.docs[id], kept[i].ID)
			if _, ok := gl.spans[id]; !ok {
				gl.spans[id] = layouts[i]
				for _, s := range layouts[i] {
					if s.sent >= 0 {
						gl.sentences++
					}
				}
			}
		}
	}
	for _, q := range set.Questions {
		if q.Doc == "" {
			continue
		}
		if _, ok := gl.collection[q.Doc]; ok {
			continue
		}
		id, ok := gl.source[q.Doc]
		if !ok {
			continue
		}
		name := "gold " + q.Doc
		if err := ix.CreateCollection(ctx, library, LocalActor, name); err != nil {
			return nil, err
		}
		if err := ix.CollectSources(ctx, library, LocalActor, name, false, id); err != nil {
			return nil, err
		}
		gl.collection[q.Doc] = name
	}
	// As after any bulk load: on PostgreSQL, statistics for the planner
	// and for the search's estimates of common terms (pgDF), so that the
	// figures do not depend on whether autovacuum has been by.
	if err := ix.Optimize(ctx); err != nil {
		return nil, err
	}
	return gl, nil
}

// locate returns the sentence index of the gold sentence (or -1 for the
// title) in which a unit of source starting at byte start begins.
func (gl *goldLibrary) locate(source int64, start int) (int, bool) {
	spans := gl.spans[source]
	i := sort.Search(len(spans), func(i int) bool { return spans[i].end > start })
	if i == len(spans) || spans[i].start > start {
		return 0, false
	}
	return spans[i].sent, true
}

// hit turns a unit into a ranking item at level; ok is false for a unit
// outside every gold sentence (a title at sentence level).
func (gl *goldLibrary) hit(level string, source int64, start int) (goldHit, bool) {
	sent, ok := gl.locate(source, start)
	if !ok {
		return goldHit{}, false
	}
	if level == LevelDocument {
		return goldHit{source: source, sent: wholeSource}, true
	}
	if sent < 0 {
		return goldHit{}, false
	}
	return goldHit{source: source, sent: sent}, true
}

// relevant returns the hits that answer q at level.
func (gl *goldLibrary) relevant(q GoldQuestion, level string) map[goldHit]bool {
	out := make(map[goldHit]bool)
	if level == LevelDocument {
		for d := range q.Docs {
			if id, ok := gl.source[d]; ok {
				out[goldHit{source: id, sent: wholeSource}] = true
			}
		}
		return out
	}
	for s := range q.Sentences {
		if id, ok := gl.source[s.Doc]; ok {
			out[goldHit{source: id, sent: s.Index}] = true
		}
	}
	return out
}

// distinctHits keeps the first occurrence of each hit, at most k (k ≤ 0: all).
func distinctHits(hits []goldHit, k int) []goldHit {
	seen := make(map[goldHit]bool, len(hits))
	out := hits[:0:0]
	for _, h := range hits {
		if seen[h] {
			continue
		}
		seen[h] = true
		out = append(out, h)
		if k > 0 && len(out) == k {
			break
		}
	}
	return out
}

// searchHits ranks with Index.Search: limit results, reduced to hits at
// level. A question with no searchable word or no match ranks nothing.
func (gl *goldLibrary) searchHits(ctx context.Context, search searchFunc, text, collection, level string, limit int) ([]goldHit, error) {
	rs, err := search(ctx, Query{Library: gl.library, Text: text, Limit: limit, Collection: collection})
	if errors.Is(err, ErrEmptyQuery) || errors.Is(err, ErrNoMatch) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out []goldHit
	for _, r := range rs {
		if h, ok := gl.hit(level, r.Source.ID, r.Start); ok {
			out = append(out, h)
		}
	}
	return out, nil
}

// baselineSQL ranks the units of library ?2 (of source ?4 unless it is 0)
// by FTS5's bm25 with default weights.
const baselineSQL = `
	WITH hits AS MATERIALIZED (
		SELECT rowid AS id, bm25(units_fts) AS score FROM units_fts WHERE units_fts MATCH ?1
	)
	SELECT u.source_id, u.span_start
	FROM hits CROSS JOIN units u ON u.id = hits.id
	WHERE u.library_id = ?2 AND u.hidden = 0 AND (?4 = 0 OR u.source_id = ?4)
	ORDER BY hits.score, u.id
	LIMIT ?3`

// BaselineMatch is the baseline's FTS5 query for a question: every token
// (split as unicode61 splits them, lower-cased, de-duplicated) quoted and
// OR-ed, stop words and all. It returns ErrEmptyQuery when there is no
// token.
func BaselineMatch(text string) (string, error) {
	terms := baselineTerms(text)
	if len(terms) == 0 {
		return "", ErrEmptyQuery
	}
	return matchTerms(terms), nil
}

// baselineTerms is every token of text, lower-cased, de-duplicated.
func baselineTerms(text string) []string {
	var terms []string
	seen := make(map[string]bool)
	tokenize(text, func(tok string) {
		if !seen[tok] {
			seen[tok] = true
			terms = append(terms, tok)
		}
	})
	return terms
}

// baselineHits ranks with plain bm25: up to limit units (of source only,
// unless it is 0), reduced to hits at level.
func (gl *goldLibrary) baselineHits(ctx context.Context, ix *Index, text string, source int64, level string, limit int) ([]goldHit, error) {
	match, err := BaselineMatch(text)
	if err != nil {
		return nil, nil
	}
	libID, err := libraryID(ctx, ix.db, gl.library)
	if err != nil {
		return nil, err
	}
	query, arg := baselineSQL, any(match)
	if ix.dialect == dialectPostgres {
		query, arg = pgBaselineSQL, baselineTerms(text)
	}
	rows, err := ix.db.QueryContext(ctx, query, arg, libID, limit, source)
	if err != nil {
		return nil, dbError(err)
	}
	defer rows.Close()
	var out []goldHit
	for rows.Next() {
		var src int64
		var start int
		if err := rows.Scan(&src, &start); err != nil {
			return nil, dbError(err)
		}
		if h, ok := gl.hit(level, src, start); ok {
			out = append(out, h)
		}
	}
	return out, dbError(rows.Err())
}

// selectionRanking completes a ranking of one source's sentences: the
// ranked ones first, then the rest in text order (what a system that found
// nothing better would show).
func (gl *goldLibrary) selectionRanking(source int64, ranked []goldHit) []goldHit {
	out := distinctHits(ranked, 0)
	seen := make(map[goldHit]bool, len(out))
	for _, h := range out {
		seen[h] = true
	}
	for _, s := range gl.spans[source] {
		h := goldHit{source: source, sent: s.sent}
		if s.sent >= 0 && !seen[h] {
			out = append(out, h)
		}
	}
	return out
}

// judge returns, for each hit, whether it is relevant.
func judge(hits []goldHit, rel map[goldHit]bool) []bool {
	out := make([]bool, len(hits))
	for i, h := range hits {
		out[i] = rel[h]
	}
	return out
}

// AveragePrecision is the mean, over the relevant results in rel (rel[i]
// says whether the result at rank i+1 is relevant), of the precision at
// their rank, divided by relevant, the number of relevant items there are
// (so that one never ranked counts as 0). It is 0 when relevant is 0.
func AveragePrecision(rel []bool, relevant int) float64 {
	if relevant <= 0 {
		return 0
	}
	var sum float64
	hits := 0
	for i, r := range rel {
		if r {
			hits++
			sum += float64(hits) / float64(i+1)
		}
	}
	return sum / float64(relevant)
}

// ReciprocalRank is 1/rank of the first relevant result among the first k
// (all when k ≤ 0), or 0 if there is none.
func ReciprocalRank(rel []bool, k int) float64 {
	for i, r := range rel {
		if k > 0 && i >= k {
			break
		}
		if r {
			return 1 / float64(i+1)
		}
	}
	return 0
}

// NDCG is the normalised discounted cumulative gain at k with binary gains:
// Σ rel_i / log2(i+1) over the first k ranks i = 1…k, divided by the same
// sum for an ideal ranking of the relevant items there are. It is 0 when
// relevant is 0.
func NDCG(rel []bool, relevant, k int) float64 {
	if relevant <= 0 || k <= 0 {
		return 0
	}
	var dcg, ideal float64
	for i := 0; i < k; i++ {
		d := 1 / math.Log2(float64(i+2))
		if i < len(rel) && rel[i] {
			dcg += d
		}
		if i < relevant {
			ideal += d
		}
	}
	return dcg / ideal
}

// Recall is the share of the relevant items there are that appear among the
// first k results. It is 0 when relevant is 0.
func Recall(rel []bool, relevant, k int) float64 {
	if relevant <= 0 {
		return 0
	}
	n := 0
	for i, r := range rel {
		if i >= k {
			break
		}
		if r {
			n++
		}
	}
	return float64(n) / float64(relevant)
}

// GoldScores are one system's mean figures over the questions of a split.
type GoldScores struct {
	// MAP and MRR rank each question's own candidate sentences
	// (answer-sentence selection); zero when the set has none.
	MAP, MRR float64
	// NDCG10, MRR10 and Recall10 rank the whole library (open retrieval)
	// at the set's Level.
	NDCG10, MRR10, Recall10 float64
}

// GoldSplitReport is our figures and the baseline's on one split.
type GoldSplitReport struct {
	Name      string
	Questions int
	Ours      GoldScores
	Baseline  GoldScores
}

// GoldQuestionScore is how one question fared.
type GoldQuestionScore struct {
	ID, Split string
	Ours      GoldScores
	Baseline  GoldScores
}

// GoldReport is the result of EvaluateGoldSet.
type GoldReport struct {
	Set         string
	Level       string
	Selection   bool // answer-sentence selection was scored
	Sources     int  // sources in the library (identical documents share one)
	Sentences   int  // gold sentences in them
	Questions   int  // questions scored
	Unanswered  int  // questions left out: nothing relevant in the library
	Splits      []GoldSplitReport
	PerQuestion []GoldQuestionScore
}

// Split returns the figures of the named split (zero if there is none).
func (r GoldReport) Split(name string) GoldSplitReport {
	for _, s := range r.Splits {
		if s.Name == name {
			return s
		}
	}
	return GoldSplitReport{Name: name}
}

// How deep each system is asked to rank. Search is asked for more than 10
// results because a quote and the sentence around it reduce to one hit; at
// document level, because several sentences of one document do.
const (
	goldK             = 10
	searchLimitSent   = 2 * goldK
	searchLimitDoc    = 5 * goldK
	baselineLimitSent = 10 * goldK
	baselineLimitDoc  = 200 * goldK
	selectionLimit    = 100
)

// EvaluateGoldSet adds the documents of set to library (which should not
// exist yet) in ix, then ranks every question that has a relevant item in
// it twice, with Index.Search and with the plain bm25 baseline, and scores
// both: answer-sentence selection (MAP, MRR; for questions naming their
// candidates' document) and open retrieval over the whole library (nDCG@10,
// MRR@10, Recall@10 at set.Level). Figures are given for SplitTune,
// SplitReport and SplitAll.
func EvaluateGoldSet(ctx context.Context, ix *Index, library string, set GoldSet) (GoldReport, error) {
	gl, err := addGoldSet(ctx, ix, library, set)
	if err != nil {
		return GoldReport{}, err
	}
	return evaluateGold(ctx, ix, gl, set, ix.Search)
}

// searchFunc is Index.Search, or a variant of it being measured.
type searchFunc func(ctx context.Context, q Query) ([]Result, error)

// evaluateGold scores search and the baseline on the questions of set,
// already added to ix as gl. Questions are ranked by as many workers as
// there are processors: each ranking is a read, and the index serves reads
// concurrently.
func evaluateGold(ctx context.Context, ix *Index, gl *goldLibrary, set GoldSet, search searchFunc) (GoldReport, error) {
	rep := GoldReport{Set: set.Name, Level: set.Level, Sources: len(gl.spans), Sentences: gl.sentences}
	scores := make([]*GoldQuestionScore, len(set.Questions))
	errs := make([]error, len(set.Questions))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				scores[i], errs[i] = gl.score(ctx, ix, search, set, set.Questions[i])
			}
		}()
	}
	for i := range set.Questions {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return GoldReport{}, err
	}
	for i, qs := range scores {
		if errs[i] != nil {
			return GoldReport{}, fmt.Errorf("question %s: %w", set.Questions[i].ID, errs[i])
		}
		if qs == nil {
			rep.Unanswered++
			continue
		}
		rep.Selection = rep.Selection || set.Questions[i].Doc != ""
		rep.PerQuestion = append(rep.PerQuestion, *qs)
	}
	rep.Questions = len(rep.PerQuestion)
	for _, name := range []string{SplitTune, SplitReport, SplitAll} {
		s := GoldSplitReport{Name: name}
		for _, q := range rep.PerQuestion {
			if name != SplitAll && q.Split != name {
				continue
			}
			s.Questions++
			s.Ours.add(q.Ours)
			s.Baseline.add(q.Baseline)
		}
		s.Ours.scale(s.Questions)
		s.Baseline.scale(s.Questions)
		rep.Splits = append(rep.Splits, s)
	}
	return rep, nil
}

// score ranks one question both ways and scores the rankings; it returns nil
// for a question with nothing relevant in the library.
func (gl *goldLibrary) score(ctx context.Context, ix *Index, search searchFunc, set GoldSet, q GoldQuestion) (*GoldQuestionScore, error) {
	rel := gl.relevant(q, set.Level)
	if len(rel) == 0 {
		return nil, nil
	}
	qs := &GoldQuestionScore{ID: q.ID, Split: q.Split}
	if src, ok := gl.source[q.Doc]; ok && q.Doc != "" {
		selRel := gl.relevant(q, LevelSentence)
		ours, err := gl.searchHits(ctx, search, q.Text, gl.collection[q.Doc], LevelSentence, selectionLimit)
		if err != nil {
			return nil, err
		}
		base, err := gl.baselineHits(ctx, ix, q.Text, src, LevelSentence, selectionLimit)
		if err != nil {
			return nil, err
		}
		or, br := judge(gl.selectionRanking(src, ours), selRel), judge(gl.selectionRanking(src, base), selRel)
		qs.Ours.MAP, qs.Ours.MRR = AveragePrecision(or, len(selRel)), ReciprocalRank(or, 0)
		qs.Baseline.MAP, qs.Baseline.MRR = AveragePrecision(br, len(selRel)), ReciprocalRank(br, 0)
	}

	searchLimit, baselineLimit := searchLimitSent, baselineLimitSent
	if set.Level == LevelDocument {
		searchLimit, baselineLimit = searchLimitDoc, baselineLimitDoc
	}
	ours, err := gl.searchHits(ctx, search, q.Text, "", set.Level, searchLimit)
	if err != nil {
		return nil, err
	}
	base, err := gl.baselineHits(ctx, ix, q.Text, 0, set.Level, baselineLimit)
	if err != nil {
		return nil, err
	}
	or, br := judge(distinctHits(ours, goldK), rel), judge(distinctHits(base, goldK), rel)
	qs.Ours.NDCG10, qs.Ours.MRR10, qs.Ours.Recall10 = NDCG(or, len(rel), goldK), ReciprocalRank(or, goldK), Recall(or, len(rel), goldK)
	qs.Baseline.NDCG10, qs.Baseline.MRR10, qs.Baseline.Recall10 = NDCG(br, len(rel), goldK), ReciprocalRank(br, goldK), Recall(br, len(rel), goldK)
	return qs, nil
}

func (g *GoldScores) add(o GoldScores) {
	g.MAP += o.MAP
	g.MRR += o.MRR
	g.NDCG10 += o.NDCG10
	g.MRR10 += o.MRR10
	g.Recall10 += o.Recall10
}

func (g *GoldScores) scale(n int) {
	if n == 0 {
		return
	}
	f := 1 / float64(n)
	g.MAP *= f
	g.MRR *= f
	g.NDCG10 *= f
	g.MRR10 *= f
	g.Recall10 *= f
}
