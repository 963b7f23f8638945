package retrieval

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kljensen/snowball/english"
	"golang.org/x/text/unicode/norm"
)

// Limits on what a question may send to FTS5. Every term is one more posting
// list for bm25 to walk, so the cap keeps a pasted essay from costing seconds
// (FTS5.md §4); terms longer than maxTermRunes are not words anyone searches
// for, only padding.
const (
	maxQueryTerms = 32
	maxTermRunes  = 64
)

// stopWords are dropped from questions before they reach FTS5: the Lucene
// English list, wh-words, auxiliaries, pronouns, the verbs of reporting and
// words that ask for someone's words rather than name a topic ("Ryabkov's
// view?", "quotes from Zelensky"): a library rarely contains them, so as
// terms of their own they would sink such questions below the relevance
// floor.
//
// "say", "said", "tell" and friends are stop words on purpose: a question is
// almost always "what did X say about Y", and in news text "said" is in a
// large share of all sentences, so as an OR term it matches most of the
// library, costs latency (FTS5.md §3.2: frequent terms take a 1M-row query
// from ≈50 ms to 1.5 s) and ranks nothing, while quote units never contain it
// (the attribution verb sits outside the quotation marks). On data/eval
// keeping them changes nothing (recall@3 0.816 either way), so latency
// decides.
var stopWords = func() map[string]bool {
	words := strings.Fields(`
		a an and are as at be but by for if in into is it no not of on or such
		that the their then there these they this to was will with

		what which who whom whose when where why how whats whos

		am been being do does did doing done have has had having can could
		shall should would may might must were isn aren wasn weren don doesn
		didn won wouldn couldn shouldn hasn haven hadn ll ve re

		me my mine myself we us our ours ourselves you your yours yourself
		yourselves he him his himself she her hers herself its itself them
		theirs themselves

		about above after again all any both each few more most other some so
		than too very just only own same from up down out off over under here
		once also ever nor those while until because before during through
		between against

		say says said saying tell tells told think thinks
		anything something anyone someone anybody somebody please know

		view views opinion opinions stance thoughts comment comments quote
		quotes quoted remark remarks
	`)
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}()

// isTokenRune reports whether r belongs to a token the way FTS5's unicode61
// tokenizer decides it: letters, numbers and private-use characters
// (categories L*, N*, Co); everything else separates tokens.
func isTokenRune(r rune) bool {
	return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
}

// tokenize calls fn with each lower-cased token of text, in order. Invalid
// UTF-8 bytes decode to U+FFFD, which is not a token rune, so they separate
// tokens and never reach fn. A token may share memory with text: clone it to
// keep it beyond text's life.
//
// Reranking tokenises every candidate, so plain ASCII tokens, nearly all of
// them in English text, are handed over as slices of text (lower-cased in a
// reused buffer when needed) instead of being built rune by rune.
func tokenize(text string, fn func(tok string)) {
	var buf []byte
	var b strings.Builder
	start := -1    // byte offset of the current ASCII run, or -1
	upper := false // the current ASCII run has an upper-case letter
	flushASCII := func(end int) {
		if start < 0 {
			return
		}
		tok := text[start:end]
		start = -1
		if !upper {
			fn(tok)
			return
		}
		buf = append(buf[:0], tok...)
		for i, c := range buf {
			if 'A' <= c && c <= 'Z' {
				buf[i] = c + 'a' - 'A'
			}
		}
		fn(string(buf))
	}
	flush := func() {
		if b.Len() > 0 {
			fn(b.String())
			b.Reset()
		}
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf && b.Len() == 0 {
			switch {
			case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
				if start < 0 {
					start, upper = i, false
				}
			case 'A' <= c && c <= 'Z':
				if start < 0 {
					start, upper = i, false
				}
				upper = true
			default:
				flushASCII(i)
			}
			i++
			continue
		}
		// A token with a non-ASCII letter: build it rune by rune, from the
		// start of its ASCII part.
		if start >= 0 {
			for _, r := range text[start:i] {
				b.WriteRune(unicode.ToLower(r))
			}
			start = -1
		}
		r, n := utf8.DecodeRuneInString(text[i:])
		i += n
		if r != utf8.RuneError && isTokenRune(r) {
			b.WriteRune(unicode.ToLower(r))
			continue
		}
		flush()
	}
	flushASCII(len(text))
	flush()
}

// isTerm reports whether a lower-cased token is worth searching for: not a
// stop word, not a single character and not absurdly long.
func isTerm(tok string) bool {
	n := utf8.RuneCountInString(tok)
	return n > 1 && n <= maxTermRunes && !stopWords[tok]
}

// QueryTerms returns the searchable terms of a question, in order of first
// appearance: tokens split the way FTS5's unicode61 tokenizer splits them,
// lower-cased, without stop words or one-character tokens, de-duplicated and
// capped at 32. It returns nil when nothing is left.
func QueryTerms(text string) []string {
	var terms []string
	seen := make(map[string]bool)
	tokenize(text, func(tok string) {
		if len(terms) >= maxQueryTerms || seen[tok] || !isTerm(tok) {
			return
		}
		seen[tok] = true
		terms = append(terms, tok)
	})
	return terms
}

// MatchQuery turns a user's question into an FTS5 MATCH expression that
// cannot be read as query syntax: every term of QueryTerms wrapped in double
// quotes (any interior quote doubled) and joined with OR. It is the only way
// user text reaches FTS5. It returns ErrEmptyQuery when the question has no
// searchable word.
func MatchQuery(text string) (string, error) {
	terms := QueryTerms(text)
	if len(terms) == 0 {
		return "", ErrEmptyQuery
	}
	return matchTerms(terms), nil
}

// matchTerms quotes each term as an FTS5 string and joins them with OR.
func matchTerms(terms []string) string {
	var b strings.Builder
	for i, t := range terms {
		if i > 0 {
			b.WriteString(" OR ")
		}
		b.WriteByte('"')
		b.WriteString(strings.ReplaceAll(t, `"`, `""`))
		b.WriteByte('"')
	}
	return b.String()
}

// normTerm maps a term to the form ranking compares: diacritics removed, as
// remove_diacritics does in the index, and English words stemmed with the
// Snowball stemmer. Query terms and candidate tokens both pass through it,
// so the two sides always agree, whatever the index's Porter stemmer does.
func normTerm(tok string) string {
	tok = foldDiacritics(tok)
	for i := 0; i < len(tok); i++ {
		if c := tok[i]; c < 'a' || c > 'z' {
			return tok // not a plain English word: leave it alone
		}
	}
	return english.Stem(lemma(tok), true)
}

// foldDiacritics strips combining marks from s ("José" → "Jose").
func foldDiacritics(s string) string {
	if isASCII(s) {
		return s
	}
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// contentTokens returns the normalised content tokens of text in order, with
// stop words and one-character tokens dropped exactly as QueryTerms drops
// them, so that adjacent query terms can be found adjacent in a text.
func contentTokens(text string) []string { return normCache(nil).contentTokens(text) }

// normCache remembers normTerm's answers for one question, in front of
// sharedNorms (which needs a lock). Stemming is most of the cost of
// reranking, and the candidates of one question share most of their words.
// A nil normCache remembers nothing itself.
type normCache map[string]string

func (nc normCache) norm(tok string) string {
	if n, ok := nc[tok]; ok {
		return n
	}
	n := sharedNorm(tok)
	if nc != nil {
		nc[tok] = n
	}
	return n
}

func (nc normCache) contentTokens(text string) []string {
	var out []string
	tokenize(text, func(tok string) {
		if isTerm(tok) {
			out = append(out, nc.norm(tok))
		}
	})
	return out
}
