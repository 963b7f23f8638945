package retrieval

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// EvalQuestion is one line of an evaluation question file (JSON Lines):
//
//	{"question": "...", "speaker": "...", "words": ["...", ...]}
//	{"question": "...", "none": true}
//
// A result is relevant to an answerable question when its speaker equals
// Speaker (if Speaker is set) or its text contains any of Words, ignoring
// case. A None question is answered correctly by finding nothing.
type EvalQuestion struct {
	Question string   `json:"question"`
	Speaker  string   `json:"speaker,omitempty"`
	Words    []string `json:"words,omitempty"`
	None     bool     `json:"none,omitempty"`
	Line     int      `json:"-"` // 1-based line in the file it came from
}

// Relevant reports whether r answers q.
func (q EvalQuestion) Relevant(r Result) bool {
	if q.Speaker != "" && strings.EqualFold(strings.TrimSpace(r.Speaker), strings.TrimSpace(q.Speaker)) {
		return true
	}
	text := evalFold(r.Text)
	for _, w := range q.Words {
		if w = evalFold(w); w != "" && strings.Contains(text, w) {
			return true
		}
	}
	return false
}

// EvalAttribution is one line of an attribution gold file (JSON Lines): the
// first words of a quotation in the sample text, and who said it. An empty
// Speaker means the quote is expected to be unattributed; an empty
// SpeakerTitle means the title is not checked.
type EvalAttribution struct {
	Quote        string `json:"quote"`
	Speaker      string `json:"speaker"`
	SpeakerTitle string `json:"speaker_title,omitempty"`
	Line         int    `json:"-"`
}

// ParseEvalQuestions reads questions, one JSON object a line; blank lines
// are skipped. A malformed line is an error naming its line number.
func ParseEvalQuestions(r io.Reader) ([]EvalQuestion, error) {
	var qs []EvalQuestion
	err := evalReadLines(r, func(n int, line []byte) error {
		var q EvalQuestion
		if err := evalDecode(line, &q); err != nil {
			return err
		}
		switch {
		case strings.TrimSpace(q.Question) == "":
			return errors.New(`"question" is empty`)
		case q.None && (q.Speaker != "" || len(q.Words) > 0):
			return errors.New(`a "none" question cannot have "speaker" or "words"`)
		case !q.None && q.Speaker == "" && len(q.Words) == 0:
			return errors.New(`give "speaker" or "words", or "none": true`)
		}
		q.Line = n
		qs = append(qs, q)
		return nil
	})
	return qs, err
}

// ParseEvalAttributions reads attribution gold lines, one JSON object a
// line; blank lines are skipped. A malformed line is an error naming its
// line number.
func ParseEvalAttributions(r io.Reader) ([]EvalAttribution, error) {
	var as []EvalAttribution
	err := evalReadLines(r, func(n int, line []byte) error {
		var a EvalAttribution
		if err := evalDecode(line, &a); err != nil {
			return err
		}
		if strings.TrimSpace(a.Quote) == "" {
			return errors.New(`"quote" is empty`)
		}
		a.Line = n
		as = append(as, a)
		return nil
	})
	return as, err
}

func evalReadLines(r io.Reader, fn func(n int, line []byte) error) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1024*1024)
	for n := 1; sc.Scan(); n++ {
		line := sc.Bytes()
		if len(strings.TrimSpace(string(line))) == 0 {
			continue
		}
		if err := fn(n, line); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
	}
	return sc.Err()
}

// evalDecode decodes one JSON object, rejecting unknown fields (a typo in
// a gold file would otherwise silently weaken the test) and trailing data.
func evalDecode(line []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(line)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("more than one JSON value on the line")
	}
	return nil
}

// EvalAnswer is what a search returned for one question.
type EvalAnswer struct {
	Results []Result
	Err     error // ErrNoMatch counts as no results, not as an error
}

// QuestionResult is how one question fared.
type QuestionResult struct {
	Question EvalQuestion
	Rank     int   // 1-based rank of the first relevant result; 0 if none
	Results  int   // number of results returned
	Correct  bool  // relevant result in the top 3, or nothing for a None question
	Err      error // an unexpected search error
}

// QuestionReport sums up a question evaluation. Recall@k is the share of
// answerable questions with a relevant result in the top k; MRR is the mean
// of 1/rank of the first relevant result (0 when there is none); None
// accuracy is the share of None questions answered with nothing.
type QuestionReport struct {
	Answerable   int
	RecallAt1    float64
	RecallAt3    float64
	MRR          float64
	NoneTotal    int
	NoneCorrect  int
	NoneAccuracy float64
	Errors       int // questions whose search failed unexpectedly
	Questions    []QuestionResult
}

// Hits1 is the number of answerable questions answered at rank 1.
func (r QuestionReport) Hits1() int { return r.hits(1) }

// Hits3 is the number of answerable questions answered in the top 3.
func (r QuestionReport) Hits3() int { return r.hits(3) }

func (r QuestionReport) hits(k int) int {
	n := 0
	for _, q := range r.Questions {
		if !q.Question.None && q.Rank > 0 && q.Rank <= k {
			n++
		}
	}
	return n
}

// EvaluateQuestions asks each question of library, k results each (at least
// 3), and scores the answers with ScoreQuestions. Search errors other than
// ErrNoMatch are recorded per question, not returned.
func EvaluateQuestions(ctx context.Context, ix *Index, library string, qs []EvalQuestion, k int) QuestionReport {
	k = max(k, 3)
	answers := make([]EvalAnswer, len(qs))
	for i, q := range qs {
		results, err := ix.Search(ctx, Query{Library: library, Text: q.Question, Limit: k})
		answers[i] = EvalAnswer{Results: results, Err: err}
	}
	return ScoreQuestions(qs, answers)
}

// ScoreQuestions scores answers[i] against qs[i]. It is pure, so the metric
// arithmetic can be tested on hand-made rankings.
func ScoreQuestions(qs []EvalQuestion, answers []EvalAnswer) QuestionReport {
	var rep QuestionReport
	var hits1, hits3 int
	var rr float64
	for i, q := range qs {
		var a EvalAnswer
		if i < len(answers) {
			a = answers[i]
		}
		res := QuestionResult{Question: q, Results: len(a.Results)}
		if a.Err != nil && !errors.Is(a.Err, ErrNoMatch) {
			res.Err = a.Err
			rep.Errors++
		}
		if q.None {
			rep.NoneTotal++
			res.Correct = res.Err == nil && len(a.Results) == 0
			if res.Correct {
				rep.NoneCorrect++
			}
		} else {
			rep.Answerable++
			for j, r := range a.Results {
				if q.Relevant(r) {
					res.Rank = j + 1
					break
				}
			}
			if res.Rank == 1 {
				hits1++
			}
			if res.Rank >= 1 && res.Rank <= 3 {
				hits3++
				res.Correct = true
			}
			if res.Rank > 0 {
				rr += 1 / float64(res.Rank)
			}
		}
		rep.Questions = append(rep.Questions, res)
	}
	if rep.Answerable > 0 {
		n := float64(rep.Answerable)
		rep.RecallAt1, rep.RecallAt3, rep.MRR = float64(hits1)/n, float64(hits3)/n, rr/n
	}
	if rep.NoneTotal > 0 {
		rep.NoneAccuracy = float64(rep.NoneCorrect) / float64(rep.NoneTotal)
	}
	return rep
}

// AttributionMiss is a gold attribution the quotes got wrong.
type AttributionMiss struct {
	Gold   EvalAttribution
	Found  *Quote // the quote matched to Gold, or nil if no quote starts with Gold.Quote
	Reason string
}

// AttributionReport sums up an attribution evaluation.
type AttributionReport struct {
	Total    int
	Correct  int
	Accuracy float64 // Correct / Total; 0 when Total is 0
	Misses   []AttributionMiss
}

// EvaluateAttributions matches each gold line to the first quote whose text
// starts with the gold quote (ignoring case, spacing and the form of
// apostrophes and quotation marks) and counts it correct when the speaker
// matches and, if the gold line gives one, the title matches too.
func EvaluateAttributions(quotes []Quote, gold []EvalAttribution) AttributionReport {
	rep := AttributionReport{Total: len(gold)}
	folded := make([]string, len(quotes))
	for i, q := range quotes {
		folded[i] = evalFold(q.Text)
	}
	for _, g := range gold {
		prefix := evalFold(g.Quote)
		var found *Quote
		for i := range quotes {
			if strings.HasPrefix(folded[i], prefix) {
				found = &quotes[i]
				break
			}
		}
		var reason string
		switch {
		case found == nil:
			reason = "no quote starts with these words"
		case !evalSameName(found.Speaker, g.Speaker):
			reason = fmt.Sprintf("speaker %q, want %q", found.Speaker, g.Speaker)
		case g.SpeakerTitle != "" && !evalSameName(found.SpeakerTitle, g.SpeakerTitle):
			reason = fmt.Sprintf("title %q, want %q", found.SpeakerTitle, g.SpeakerTitle)
		}
		if reason == "" {
			rep.Correct++
			continue
		}
		rep.Misses = append(rep.Misses, AttributionMiss{Gold: g, Found: found, Reason: reason})
	}
	if rep.Total > 0 {
		rep.Accuracy = float64(rep.Correct) / float64(rep.Total)
	}
	return rep
}

func evalSameName(a, b string) bool {
	return evalFold(a) == evalFold(b)
}

// evalFold lower-cases s, collapses runs of white space to one space, trims
// it, and makes typographic apostrophes and quotation marks plain, so that
// gold files need not reproduce a source's typography.
func evalFold(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '\u2018', '\u2019', '\u02BC':
			return '\''
		case '\u201C', '\u201D':
			return '"'
		}
		return r
	}, s)
	return strings.ToLower(strings.Join(strings.Fields(s), " "))
}
