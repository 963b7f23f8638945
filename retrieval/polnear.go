package retrieval

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The PolNeAR evaluation scores quote extraction and speaker attribution
// against the PolNeAR corpus (Newell, Margolin and Ruths, LREC 2018): news
// articles whose attributions are annotated in brat standoff format.
//
// A directory of the corpus holds text/<article>.txt and
// attributions/<article>_<annotator>.ann. Where an article has several
// annotation files, the first by name is the gold. The protocol:
//
//   - Gold quotes are the attributions whose Content contains a quotation
//     mark: ", “, ”, or two apostrophes ('') as the New York Times writes
//     them. Their Content spans include the marks.
//   - A predicted quote matches a gold quote when its content span (the
//     reported clause it belongs to, see quoteCue) overlaps at least half of
//     one fragment of the gold Content. Precision is the share of predicted
//     quotes that match some gold quote; recall the share of gold quotes
//     that some predicted quote matches. A split quotation ("…," she said.
//     "…") is one gold quote with two fragments, so both halves count as
//     matches and neither is a false positive.
//   - Speaker accuracy: among matched predicted quotes, the share whose
//     speaker mention overlaps the gold Source of the gold quote they overlap
//     most (when the gold quote has no Source, having no mention is right).
//     It is broken down by the kind of the gold Source text: a pronoun, a
//     capitalised name, or a nominal ("a senior official").
//
// Annotation offsets count Unicode code points; they are converted to byte
// offsets before anything else.

// PolNeAR gold source kinds.
const (
	SourceName    = "name"
	SourcePronoun = "pronoun"
	SourceNominal = "nominal"
	SourceNone    = "none" // the gold attribution has no Source
)

// PolNeARScores are the counts behind one system's figures.
type PolNeARScores struct {
	Gold             int // gold quotes
	Predicted        int // predicted quotes that are scored
	MatchedGold      int // gold quotes that some prediction matches
	MatchedPredicted int // predictions that match some gold quote
	SpeakerTotal     int // matched predictions
	SpeakerRight     int // of which the speaker mention overlaps the gold Source
	// ByKind counts SpeakerTotal and SpeakerRight by the kind of the gold
	// Source (SourceName, SourcePronoun, SourceNominal, SourceNone).
	ByKind map[string]*PolNeARCount
}

// PolNeARCount is a count of right answers out of a total.
type PolNeARCount struct{ Right, Total int }

// Share returns Right/Total, or 0 when Total is 0.
func (c PolNeARCount) Share() float64 { return ratio(c.Right, c.Total) }

// Precision is the share of predicted quotes that match a gold quote.
func (s PolNeARScores) Precision() float64 { return ratio(s.MatchedPredicted, s.Predicted) }

// Recall is the share of gold quotes matched by a predicted quote.
func (s PolNeARScores) Recall() float64 { return ratio(s.MatchedGold, s.Gold) }

// F1 is the harmonic mean of Precision and Recall.
func (s PolNeARScores) F1() float64 {
	p, r := s.Precision(), s.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

// SpeakerAccuracy is the share of matched predictions with the right
// speaker mention.
func (s PolNeARScores) SpeakerAccuracy() float64 { return ratio(s.SpeakerRight, s.SpeakerTotal) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// PolNeARReport is the result of EvaluatePolNeAR: the figures of Analyze,
// those of a plain baseline (quotation-mark spans, the nearest capitalised
// name before each as the speaker) on the same gold, and every error
// Analyze made.
type PolNeARReport struct {
	Articles int // articles with a gold annotation file
	System   PolNeARScores
	Baseline PolNeARScores
	Errors   []PolNeARError
}

// PolNeAR error kinds.
const (
	ErrKindFalsePositive = "FP"      // a predicted quote matching no gold quote
	ErrKindFalseNegative = "FN"      // a gold quote no prediction matches
	ErrKindSpeaker       = "speaker" // a matched quote with the wrong speaker
)

// PolNeARError is one mistake of Analyze on one article. Spans are byte
// offsets into the article's text, which Text holds.
type PolNeARError struct {
	Article string
	Kind    string
	Text    string // the article
	Quote   Span   // the predicted quote (FP, speaker) or the gold Content's first fragment (FN)
	Content Span   // the predicted content span (FP, speaker)
	// Speaker errors: the gold Source (nil if none), its kind, the predicted
	// mention (nil if none), the resolved speaker and the attribution rule.
	GoldSource *Span
	SourceKind string
	Mention    *Span
	Speaker    string
	Rule       string
}

// polnearGold is one gold attribution whose Content contains a quotation
// mark, with byte offsets.
type polnearGold struct {
	content []Span
	source  []Span
}

// polnearPrediction is one predicted quote as the scorer sees it.
type polnearPrediction struct {
	quote   Span
	content Span
	mention *Span
	speaker string
	rule    string
}

// EvaluatePolNeAR scores Analyze, and the baseline, on the PolNeAR articles
// in fsys (text/ and attributions/ at its root). An article without an
// annotation file is skipped; a malformed annotation file is an error.
func EvaluatePolNeAR(fsys fs.FS) (PolNeARReport, error) {
	var rep PolNeARReport
	texts, err := fs.Glob(fsys, "text/*.txt")
	if err != nil {
		return rep, fmt.Errorf("polnear: %w", err)
	}
	if len(texts) == 0 {
		return rep, fmt.Errorf("polnear: no text/*.txt: %w", fs.ErrNotExist)
	}
	sort.Strings(texts)
	for _, tf := range texts {
		article := strings.TrimSuffix(path.Base(tf), ".txt")
		anns, err := fs.Glob(fsys, "attributions/"+globEscape(article)+"_*.ann")
		if err != nil {
			return rep, fmt.Errorf("polnear: %w", err)
		}
		if len(anns) == 0 {
			continue
		}
		sort.Strings(anns)
		b, err := fs.ReadFile(fsys, tf)
		if err != nil {
			return rep, fmt.Errorf("polnear: %w", err)
		}
		text := string(b)
		golds, err := readPolNeARGold(fsys, anns[0], text)
		if err != nil {
			return rep, err
		}
		rep.Articles++
		preds := polnearPredict(text)
		rep.Errors = append(rep.Errors, scorePolNeAR(&rep.System, article, text, golds, preds)...)
		scorePolNeAR(&rep.Baseline, article, text, golds, polnearBaseline(text))
	}
	return rep, nil
}

func globEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `*`, `\*`, `?`, `\?`, `[`, `\[`)
	return r.Replace(s)
}

// polnearPredict returns the quotes of Analyze that the evaluation scores.
func polnearPredict(text string) []polnearPrediction {
	a := Analyze(text)
	var out []polnearPrediction
	for i, q := range a.Quotes {
		c := a.cues[i]
		if c.notQuote {
			continue
		}
		out = append(out, polnearPrediction{quote: q.Span, content: c.content, mention: q.SpeakerMention, speaker: q.Speaker, rule: c.rule})
	}
	return out
}

// scorePolNeAR adds one article's counts to s and returns its errors.
func scorePolNeAR(s *PolNeARScores, article, text string, golds []polnearGold, preds []polnearPrediction) []PolNeARError {
	if s.ByKind == nil {
		s.ByKind = make(map[string]*PolNeARCount)
	}
	var errs []PolNeARError
	s.Gold += len(golds)
	s.Predicted += len(preds)
	matched := make([]bool, len(golds))
	for _, p := range preds {
		best, bestCover := -1, 0.0
		for gi, g := range golds {
			for _, f := range g.content {
				ov := min(p.content.End, f.End) - max(p.content.Start, f.Start)
				if ov <= 0 || 2*ov < f.Len() {
					continue
				}
				if c := float64(ov) / float64(max(f.Len(), 1)); c > bestCover {
					best, bestCover = gi, c
				}
			}
		}
		if best < 0 {
			errs = append(errs, PolNeARError{Article: article, Kind: ErrKindFalsePositive, Text: text, Quote: p.quote, Content: p.content, Mention: p.mention, Speaker: p.speaker, Rule: p.rule})
			continue
		}
		s.MatchedPredicted++
		matched[best] = true
		g := golds[best]
		kind := SourceNone
		right := p.mention == nil
		if len(g.source) > 0 {
			kind = polnearSourceKind(text, g.source)
			right = p.mention != nil && overlapsGold(*p.mention, g.source)
		}
		c := s.ByKind[kind]
		if c == nil {
			c = &PolNeARCount{}
			s.ByKind[kind] = c
		}
		c.Total++
		s.SpeakerTotal++
		if right {
			c.Right++
			s.SpeakerRight++
			continue
		}
		e := PolNeARError{Article: article, Kind: ErrKindSpeaker, Text: text, Quote: p.quote, Content: p.content, SourceKind: kind, Mention: p.mention, Speaker: p.speaker, Rule: p.rule}
		if len(g.source) > 0 {
			src := Span{g.source[0].Start, g.source[len(g.source)-1].End}
			e.GoldSource = &src
		}
		errs = append(errs, e)
	}
	for gi, g := range golds {
		if matched[gi] {
			s.MatchedGold++
			continue
		}
		e := PolNeARError{Article: article, Kind: ErrKindFalseNegative, Text: text, Quote: g.content[0]}
		if len(g.source) > 0 {
			e.SourceKind = polnearSourceKind(text, g.source)
			src := Span{g.source[0].Start, g.source[len(g.source)-1].End}
			e.GoldSource = &src
		}
		errs = append(errs, e)
	}
	return errs
}

// overlapsGold reports whether a overlaps any of the gold spans bs.
func overlapsGold(a Span, bs []Span) bool {
	for _, b := range bs {
		if min(a.End, b.End) > max(a.Start, b.Start) {
			return true
		}
	}
	return false
}

// polnearPronouns are the gold Source texts classed as pronouns.
var polnearPronouns = set(`he she they it we i you him her them us me his hers its their
theirs our ours my mine your yours who whom which that this these those
himself herself themselves itself myself ourselves`)

// polnearSourceKind classifies a gold Source: a pronoun, a name (its first
// word after a determiner is capitalised: "Mr. Trump", "The Post"), or a
// nominal ("a senior official").
func polnearSourceKind(text string, src []Span) string {
	var parts []string
	for _, s := range src {
		parts = append(parts, text[s.Start:s.End])
	}
	words := strings.Fields(strings.Join(parts, " "))
	if len(words) == 0 {
		return SourceNone
	}
	if len(words) == 1 && polnearPronouns[strings.ToLower(strings.Trim(words[0], ",.;:"))] {
		return SourcePronoun
	}
	w := words[0]
	if len(words) > 1 && isArticle(strings.ToLower(w)) {
		w = words[1]
	}
	if r, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(r) {
		return SourceName
	}
	return SourceNominal
}

// readPolNeARGold reads the gold quotes of one brat annotation file, with
// offsets converted from code points to bytes of text.
func readPolNeARGold(fsys fs.FS, name, text string) ([]polnearGold, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("polnear: %w", err)
	}
	defer f.Close()
	atts, err := parseBrat(bufio.NewScanner(f), newCodePoints(text))
	if err != nil {
		return nil, fmt.Errorf("polnear: %s: %w", name, err)
	}
	var golds []polnearGold
	for _, a := range atts {
		if len(a.content) == 0 || !hasQuotationMark(text, a.content) {
			continue
		}
		golds = append(golds, polnearGold{content: a.content, source: a.source})
	}
	return golds, nil
}

// hasQuotationMark reports whether any of the spans of text holds a double
// quotation mark, or two apostrophes in a row standing for one.
func hasQuotationMark(text string, spans []Span) bool {
	for _, s := range spans {
		t := text[s.Start:s.End]
		if strings.ContainsAny(t, "\"“”„«»″") || strings.Contains(t, "''") {
			return true
		}
	}
	return false
}

// bratAttribution is one E line of a brat file, resolved to byte spans.
type bratAttribution struct {
	content, source, cue []Span
}

// codePoints converts code-point offsets into byte offsets of one text.
type codePoints []int

func newCodePoints(text string) codePoints {
	cp := make(codePoints, 0, len(text)+1)
	for i := range text {
		cp = append(cp, i)
	}
	return append(cp, len(text))
}

// byteOffset returns the byte offset of code point n, or false if n is out
// of range.
func (cp codePoints) byteOffset(n int) (int, bool) {
	if n < 0 || n >= len(cp) {
		return 0, false
	}
	return cp[n], true
}

// parseBrat reads brat standoff lines: text-bound annotations
// `T<n>\t<Label> <start> <end>[;<start> <end>]\t<text>` and events
// `E<n>\tAttribution:T.. Content:T.. Cue:T.. Source:T..`. Other lines are
// ignored.
func parseBrat(sc *bufio.Scanner, cp codePoints) ([]bratAttribution, error) {
	type textBound struct {
		label string
		spans []Span
	}
	tbs := make(map[string]textBound)
	var events [][]string
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fields := strings.Split(line, "\t")
		if len(fields) < 2 {
			continue
		}
		switch {
		case strings.HasPrefix(fields[0], "T"):
			label, offsets, ok := strings.Cut(fields[1], " ")
			if !ok {
				return nil, fmt.Errorf("line %d: no offsets", n)
			}
			var spans []Span
			for _, frag := range strings.Split(offsets, ";") {
				xy := strings.Fields(frag)
				if len(xy) != 2 {
					return nil, fmt.Errorf("line %d: offsets %q", n, frag)
				}
				x, err1 := strconv.Atoi(xy[0])
				y, err2 := strconv.Atoi(xy[1])
				if err := errors.Join(err1, err2); err != nil {
					return nil, fmt.Errorf("line %d: %w", n, err)
				}
				bx, ok1 := cp.byteOffset(x)
				by, ok2 := cp.byteOffset(y)
				if !ok1 || !ok2 || bx > by {
					return nil, fmt.Errorf("line %d: span %d-%d out of the text's %d code points", n, x, y, len(cp)-1)
				}
				spans = append(spans, Span{bx, by})
			}
			tbs[fields[0]] = textBound{label, spans}
		case strings.HasPrefix(fields[0], "E"):
			events = append(events, strings.Fields(fields[1]))
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	var out []bratAttribution
	for _, args := range events {
		var a bratAttribution
		for _, arg := range args {
			role, id, _ := strings.Cut(arg, ":")
			tb, ok := tbs[id]
			if !ok {
				continue
			}
			switch role {
			case "Content":
				a.content = tb.spans
			case "Source":
				a.source = tb.spans
			case "Cue":
				a.cue = tb.spans
			}
		}
		out = append(out, a)
	}
	return out, nil
}

// polnearBaseline is the plain baseline: every pair of double quotation
// marks in a paragraph is a quote, and the nearest capitalised word run
// before it (outside quotations, not opening a sentence) is the speaker.
func polnearBaseline(text string) []polnearPrediction {
	var out []polnearPrediction
	for _, p := range splitParagraphs(text) {
		open := -1
		var lastName *Span
		wordStart := -1
		for i := p.Start; i <= p.End; {
			r, n := rune(' '), 1
			if i < p.End {
				r, n = utf8.DecodeRuneInString(text[i:])
			}
			if open < 0 {
				switch {
				case unicode.IsLetter(r) || r == '.' && wordStart >= 0:
					if wordStart < 0 {
						wordStart = i
					}
				default:
					if wordStart >= 0 {
						w, _ := utf8.DecodeRuneInString(text[wordStart:])
						if unicode.IsUpper(w) && !isFunctionWord(strings.TrimSuffix(text[wordStart:i], ".")) {
							if lastName != nil && strings.TrimSpace(text[lastName.End:wordStart]) == "" {
								lastName.End = i // "Hillary Clinton"
							} else {
								lastName = &Span{wordStart, i}
							}
						}
						wordStart = -1
					}
				}
			}
			if r == '"' || r == '“' || r == '”' {
				if open < 0 && r != '”' {
					open = i
				} else if open >= 0 && r != '“' {
					q := Span{open, i + n}
					pr := polnearPrediction{quote: q, content: q, rule: "baseline"}
					if lastName != nil {
						m := *lastName
						pr.mention = &m
						pr.speaker = text[m.Start:m.End]
					}
					out = append(out, pr)
					open = -1
				}
			}
			i += n
		}
	}
	return out
}
