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

func ExampleCite() {
	r := retrieval.Result{
		Kind:    retrieval.ResultQuote,
		Text:    "We will never accept this at all,",
		Speaker: "Sergei Ryabkov",
		Source: retrieval.SourceRef{ID: 1, Title: "Moscow answers", Author: "Jane Smith",
			URL: "https://example.org/moscow", Published: "2025-12-14"},
	}
	for _, style := range retrieval.CiteStyles {
		fmt.Printf("%s:\n%s\n\n", style.Name(), retrieval.Cite(style, r))
	}
	// Output:
	// APA 7:
	// "We will never accept this at all," (Sergei Ryabkov, as cited in Smith, 2025).
	// Smith, J. (2025, December 14). Moscow answers. https://example.org/moscow
	//
	// MLA 9:
	// Sergei Ryabkov: "We will never accept this at all," (qtd. in Smith).
	// Smith, Jane. "Moscow answers." 14 Dec. 2025, example.org/moscow.
	//
	// Chicago 17:
	// "We will never accept this at all,"¹
	// 1. Sergei Ryabkov, quoted in Jane Smith, "Moscow answers," December 14, 2025, https://example.org/moscow.
	// Smith, Jane. "Moscow answers." December 14, 2025. https://example.org/moscow.
}
