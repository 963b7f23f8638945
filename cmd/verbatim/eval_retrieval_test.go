package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// goldFixtures are the hand-made gold sets of the retrieval tests.
var goldFixtures = filepath.Join("..", "..", "retrieval", "testdata", "evalret")

func TestEval_Retrieval(t *testing.T) {
	t.Run("WikiQA", func(t *testing.T) {
		scores := filepath.Join(t.TempDir(), "scores.tsv")
		stdout, _, err := runMain(t, env(), "", "eval", "retrieval", "--scores", scores, "wikiqa", filepath.Join(goldFixtures, "wikiqa.tsv"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"wikiqa: 3 questions scored (1 left out", "3 sources, 9 sentences", "selection MAP      1.0000", "open nDCG@10", "open Recall@10     1.0000   1.0000   1.00×"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		b, err := os.ReadFile(scores)
		if err != nil {
			t.Fatal(err)
		}
		if lines := strings.Count(string(b), "\n"); lines != 4 {
			t.Errorf("scores file has %d lines, want a header and 3:\n%s", lines, b)
		}
	})
	t.Run("SciFact", func(t *testing.T) {
		stdout, _, err := runMain(t, env(), "", "eval", "retrieval", "scifact", filepath.Join(goldFixtures, "scifact"))
		if err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"scifact: 3 questions scored", "doc nDCG@10        1.0000   1.0000"} {
			if !strings.Contains(stdout, want) {
				t.Errorf("output lacks %q:\n%s", want, stdout)
			}
		}
		if strings.Contains(stdout, "selection") {
			t.Errorf("SciFact has no answer-sentence selection:\n%s", stdout)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"eval", "retrieval"},
			{"eval", "retrieval", "wikiqa"},
			{"eval", "retrieval", "trec", "x"},
		} {
			_, _, err := runMain(t, env(), "", args...)
			if code := exitCode(err); code != 2 {
				t.Errorf("%q: exit %d (err %v), want 2", args, code, err)
			}
		}
	})
	t.Run("NoFile", func(t *testing.T) {
		_, _, err := runMain(t, env(), "", "eval", "retrieval", "wikiqa", filepath.Join(t.TempDir(), "none.tsv"))
		if err == nil || exitCode(err) == 2 {
			t.Errorf("err = %v, want a plain error", err)
		}
	})
}
