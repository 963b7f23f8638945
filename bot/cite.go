package bot

import "github.com/verbatim-bot/verbatim/retrieval"

// maxCitedQuote is the longest quote a styled citation carries, so that
// the citation and its entry fit one message.
const maxCitedQuote = 1200

// styledCitation returns the name of the style action names and r's
// citation in it (retrieval.Cite), its quote shortened to fit a message.
func styledCitation(action string, r retrieval.Result) (name, text string) {
	style := retrieval.CiteAPA
	switch action {
	case actionMLA:
		style = retrieval.CiteMLA
	case actionChicago:
		style = retrieval.CiteChicago
	}
	r.Text, _ = truncate(oneLine(r.Text), maxCitedQuote)
	return style.Name(), retrieval.Cite(style, r)
}
