package main

import (
	"bytes"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/verbatim-bot/verbatim/retrieval"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// assertGolden compares got with testdata/name.golden, or rewrites the file
// under -update.
func assertGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run go test -update after a deliberate change)\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// Hand-made fixtures, so the golden files do not depend on ranking.
var (
	fullSource = retrieval.SourceRef{
		ID: 3, Title: "Russia's war aims", Author: "Jane Roe",
		URL: "https://example.com/war-aims", Published: "2025-02-24",
	}
	bareSource = retrieval.SourceRef{ID: 7}

	testResults = []retrieval.Result{
		{
			Kind: retrieval.ResultQuote, Text: "We will not allow NATO on our doorstep.",
			Speaker: "Sergei Ryabkov", SpeakerTitle: "Deputy Foreign Minister",
			Source: fullSource, Start: 120, End: 159, Paragraph: 4, Score: 12.5, Confidence: 0.9,
		},
		{
			Kind: retrieval.ResultQuote, Text: "special military operation",
			Source: fullSource, Start: 40, End: 66, Paragraph: 2, Score: 8.25, Fragment: true,
		},
		{
			Kind: retrieval.ResultQuote, Text: "It is about security.", Speaker: "Dmitry Peskov",
			Source: bareSource, Start: 0, End: 21, Paragraph: 1, Score: 7,
		},
		{
			Kind: retrieval.ResultPassage, Text: "The war began in February 2022 <after> months of \"build-up\".\x1b[31m",
			Source: fullSource, Start: 200, End: 265, Paragraph: 6, Score: 3.5,
		},
		{
			// A passage that opens with a quotation is printed without a
			// second pair of marks around it.
			Kind: retrieval.ResultPassage, Text: "“No, no, and no again,” Ryabkov said.",
			Source: fullSource, Start: 300, End: 339, Paragraph: 7, Score: 2,
		},
	}

	testSources = []retrieval.Source{
		{ID: 3, Library: "default", Metadata: retrieval.Metadata{
			Title: fullSource.Title, Author: fullSource.Author, URL: fullSource.URL,
			Published: fullSource.Published, Origin: "embedded:sample/war-aims.txt",
		}},
		{ID: 7, Library: "default", Metadata: retrieval.Metadata{Origin: "/home/me/notes\tfile.md"}},
	}

	testQuotes = []retrieval.Quote{
		{
			ID: 11, SourceID: 3, Text: "We will not allow NATO on our doorstep.", Span: retrieval.Span{Start: 120, End: 159},
			Paragraph: 4, Speaker: "Sergei Ryabkov", SpeakerTitle: "Deputy Foreign Minister", SpeakerKind: retrieval.KindPerson,
			SpeakerMention: &retrieval.Span{Start: 170, End: 177}, Confidence: 0.9,
		},
		{
			ID: 12, SourceID: 3, Text: "special military operation", Span: retrieval.Span{Start: 40, End: 66},
			Paragraph: 2, Fragment: true,
		},
		{ID: 13, SourceID: 99, Text: "orphan", Span: retrieval.Span{Start: 0, End: 6}, Paragraph: 1, Speaker: "X", Confidence: 0.5},
	}
)

func sourceMapOf(sources []retrieval.Source) map[int64]retrieval.Source {
	m := map[int64]retrieval.Source{}
	for _, s := range sources {
		m[s.ID] = s
	}
	return m
}

func TestRender(t *testing.T) {
	for _, tt := range []struct {
		name   string
		render func(*bytes.Buffer) error
	}{
		{"ask", func(b *bytes.Buffer) error { return renderResults(b, testResults) }},
		{"ask_nomatch", func(b *bytes.Buffer) error { return renderNoMatch(b, "default") }},
		{"ask_json", func(b *bytes.Buffer) error {
			return writeJSON(b, newAnswerJSON("Why did Russia go to war?", testResults), true)
		}},
		{"ask_json_nomatch", func(b *bytes.Buffer) error { return writeJSON(b, newAnswerJSON("Weather on Mars?", nil), true) }},
		{"ask_batch", func(b *bytes.Buffer) error {
			if err := writeJSON(b, newAnswerJSON("q1", testResults[:1]), false); err != nil {
				return err
			}
			return writeJSON(b, errorJSON{Question: `"`, Error: retrieval.ErrEmptyQuery.Error()}, false)
		}},
		{"quotes", func(b *bytes.Buffer) error { return renderQuotes(b, testQuotes, sourceMapOf(testSources)) }},
		{"quotes_empty", func(b *bytes.Buffer) error { return renderQuotes(b, nil, nil) }},
		{"quotes_json", func(b *bytes.Buffer) error {
			return writeJSON(b, newQuotesJSON(testQuotes, sourceMapOf(testSources)), true)
		}},
		{"sources", func(b *bytes.Buffer) error { return renderSources(b, testSources) }},
		{"sources_json", func(b *bytes.Buffer) error { return writeJSON(b, newSourcesJSON("default", testSources), true) }},
		{"eval", func(b *bytes.Buffer) error {
			qs := []retrieval.EvalQuestion{
				{Question: "a?", Words: []string{"alpha"}, Line: 1},
				{Question: "b?", Words: []string{"beta"}, Line: 2},
				{Question: "c?", Words: []string{"gamma"}, Line: 3},
				{Question: "n?", None: true, Line: 4},
				{Question: "e?", Words: []string{"x"}, Line: 5},
			}
			rep := retrieval.ScoreQuestions(qs, []retrieval.EvalAnswer{
				{Results: []retrieval.Result{{Text: "alpha"}}},
				{Results: []retrieval.Result{{Text: "1"}, {Text: "2"}, {Text: "3"}, {Text: "beta"}}},
				{Err: retrieval.ErrNoMatch},
				{Results: []retrieval.Result{{Text: "weak"}}},
				{Err: errors.New("database is locked")},
			})
			arep := retrieval.EvaluateAttributions(testQuotes, []retrieval.EvalAttribution{
				{Quote: "We will not", Speaker: "Sergei Ryabkov", Line: 1},
				{Quote: "special", Speaker: "Someone", Line: 2},
			})
			return renderEval(b, rep, &arep)
		}},
		{"eval_nogold", func(b *bytes.Buffer) error { return renderEval(b, retrieval.QuestionReport{}, nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tt.render(&b); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, tt.name, b.Bytes())
		})
	}
}

func TestPrintable(t *testing.T) {
	if got := printable("a\x1b[31mb\n\tc\x00"); got != "a\uFFFD[31mb\n\tc\uFFFD" {
		t.Errorf("printable = %q", got)
	}
}
