package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// polnearFixture is the hand-written brat fixture of the retrieval tests.
var polnearFixture = filepath.Join("..", "..", "retrieval", "testdata", "polnear")

func TestEval_PolNeAR(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		errs := filepath.Join(t.TempDir(), "errors.txt")
		stdout, _, err := runMain(t, env(), "", "eval", "polnear", "--errors", errs, polnearFixture)
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"articles          2, gold quotes 4", "quote F1          1.000", "speaker accuracy  1.000", "baseline", "0 false positive, 0 false negative, 0 wrong speaker: " + errs} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		if _, err := os.Stat(errs); err != nil {
			t.Error(err)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"eval", "polnear"},
			{"eval", "polnear", "a", "b"},
		} {
			_, _, err := runMain(t, env(), "", args...)
			if code := exitCode(err); code != 2 {
				t.Errorf("%q: exit %d (err %v), want 2", args, code, err)
			}
		}
	})
	t.Run("NoTexts", func(t *testing.T) {
		_, _, err := runMain(t, env(), "", "eval", "polnear", "--errors", filepath.Join(t.TempDir(), "e.txt"), t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "no text/*.txt") {
			t.Errorf("err = %v, want no text/*.txt", err)
		}
	})
}

func TestWritePolNeARErrors(t *testing.T) {
	text := "Intro. “We will win,” she said. The “fixers” left.\nNext line."
	at := func(s string) retrieval.Span {
		i := strings.Index(text, s)
		return retrieval.Span{Start: i, End: i + len(s)}
	}
	she, fixers := at("she"), at("fixers")
	rep := retrieval.PolNeARReport{Errors: []retrieval.PolNeARError{
		{Article: "a", Kind: retrieval.ErrKindSpeaker, Text: text, Quote: at("We will win"), GoldSource: &fixers, SourceKind: retrieval.SourceNominal, Mention: &she, Speaker: "Ann", Rule: "right"},
		{Article: "a", Kind: retrieval.ErrKindFalsePositive, Text: text, Quote: fixers, Content: at("“fixers”")},
		{Article: "b", Kind: retrieval.ErrKindFalseNegative, Text: text, Quote: at("Next line.")},
	}}
	var b strings.Builder
	writePolNeARErrors(&b, rep)
	got := b.String()
	for _, want := range []string{
		"\n== a\n",
		`SPK gold="fixers" (nominal) got="she" -> "Ann" rule=right`,
		"FP  rule=- ",
		"[[fixers]]",
		"\n== b\n",
		"FN  source=- (-) ",
		"left. [[Next line.]]", // one line: the newline becomes a space
	} {
		if !strings.Contains(got, want) {
			t.Errorf("lacks %q:\n%s", want, got)
		}
	}
}
