package retrieval_test

import (
	"fmt"
	"os"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func ExampleExportMarkdown() {
	rs := []retrieval.Result{{
		Kind:         retrieval.ResultQuote,
		Text:         "We will never accept this at all,",
		Speaker:      "Sergei Ryabkov",
		SpeakerTitle: "Deputy Foreign Minister",
		Source: retrieval.SourceRef{ID: 1, Title: "Moscow answers", Author: "Jane Smith",
			URL: "https://example.org/moscow", Published: "2025-12-14"},
	}}
	if err := retrieval.ExportMarkdown(os.Stdout, "Week 3", rs, retrieval.CiteAPA); err != nil {
		fmt.Println(err)
	}
	// Output:
	// # Week 3
	//
	// 1 quotation cited. Citation style: APA 7.
	//
	// ## 1. Sergei Ryabkov, Deputy Foreign Minister
	//
	// > We will never accept this at all,
	//
	// (Sergei Ryabkov, as cited in Smith, 2025)\
	// Smith, J. (2025, December 14). _Moscow answers_. https://example.org/moscow
	//
	// ## Sources
	//
	// - Smith, J. (2025, December 14). _Moscow answers_. https://example.org/moscow
}
