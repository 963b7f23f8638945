package retrieval_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestParseCiteStyle(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want retrieval.CiteStyle
	}{
		{"apa", retrieval.CiteAPA},
		{"APA", retrieval.CiteAPA},
		{" APA 7 ", retrieval.CiteAPA},
		{"mla", retrieval.CiteMLA},
		{"MLA9", retrieval.CiteMLA},
		{"Chicago", retrieval.CiteChicago},
		{"chicago 17", retrieval.CiteChicago},
	} {
		got, err := retrieval.ParseCiteStyle(tc.in)
		require.NoError(t, err, tc.in)
		assert.Equal(t, tc.want, got, tc.in)
	}
	for _, bad := range []string{"", "harvard", "apa 6", "mla'; DROP TABLE x"} {
		_, err := retrieval.ParseCiteStyle(bad)
		require.Error(t, err, bad)
		assert.True(t, errors.Is(err, retrieval.ErrUnknownStyle), bad)
		for _, st := range retrieval.CiteStyles {
			assert.Contains(t, err.Error(), string(st), "the error names the valid styles")
		}
	}
}

// The expected entries below were written from the style guides' patterns
// for a web page or online article, not from the output:
//
//	APA 7 §10.16:  Author, A. A. (Year, Month Day). Title. Site Name. URL
//	MLA 9:         Author Last, First. "Title." Site, Day Mon. Year, url-without-scheme.
//	Chicago 17 bibliography (§14.206): Last, First. "Title." Site, Month Day, Year. URL.
//	Chicago 17 note:                   First Last, "Title," Site, Month Day, Year, URL.
func TestBibliography(t *testing.T) {
	full := retrieval.CiteInfo{
		Author:    "Jane Smith",
		Title:     "Vilnius summit ends with a pledge",
		Site:      "Example News",
		Published: "2025-12-14",
		URL:       "https://example.org/summit",
	}
	with := func(f func(*retrieval.CiteInfo)) retrieval.CiteInfo {
		c := full
		f(&c)
		return c
	}
	accessed := time.Date(2026, 3, 1, 15, 4, 0, 0, time.UTC)
	for _, tc := range []struct {
		name                  string
		info                  retrieval.CiteInfo
		apa, mla, chicago     string
		chicagoNote, apaInTxt string
	}{{
		name:        "Full",
		info:        full,
		apa:         "Smith, J. (2025, December 14). Vilnius summit ends with a pledge. Example News. https://example.org/summit",
		mla:         `Smith, Jane. "Vilnius summit ends with a pledge." Example News, 14 Dec. 2025, example.org/summit.`,
		chicago:     `Smith, Jane. "Vilnius summit ends with a pledge." Example News, December 14, 2025. https://example.org/summit.`,
		chicagoNote: `Jane Smith, "Vilnius summit ends with a pledge," Example News, December 14, 2025, https://example.org/summit.`,
		apaInTxt:    "(Smith, 2025)",
	}, {
		// APA §9.12: the title moves to the author's place; MLA §5.23 and
		// Chicago start with the title.
		name:        "NoAuthor",
		info:        with(func(c *retrieval.CiteInfo) { c.Author = "" }),
		apa:         "Vilnius summit ends with a pledge. (2025, December 14). Example News. https://example.org/summit",
		mla:         `"Vilnius summit ends with a pledge." Example News, 14 Dec. 2025, example.org/summit.`,
		chicago:     `"Vilnius summit ends with a pledge." Example News, December 14, 2025. https://example.org/summit.`,
		chicagoNote: `"Vilnius summit ends with a pledge," Example News, December 14, 2025, https://example.org/summit.`,
		apaInTxt:    "(Vilnius summit ends with a pledge, 2025)",
	}, {
		// APA "n.d."; MLA and Chicago give the access date instead.
		name:        "NoDateAccessed",
		info:        with(func(c *retrieval.CiteInfo) { c.Published = ""; c.Accessed = accessed }),
		apa:         "Smith, J. (n.d.). Vilnius summit ends with a pledge. Example News. https://example.org/summit",
		mla:         `Smith, Jane. "Vilnius summit ends with a pledge." Example News, example.org/summit. Accessed 1 Mar. 2026.`,
		chicago:     `Smith, Jane. "Vilnius summit ends with a pledge." Example News. Accessed March 1, 2026. https://example.org/summit.`,
		chicagoNote: `Jane Smith, "Vilnius summit ends with a pledge," Example News, accessed March 1, 2026, https://example.org/summit.`,
		apaInTxt:    "(Smith, n.d.)",
	}, {
		// Nothing known but the title: nothing invented.
		name:        "TitleOnly",
		info:        retrieval.CiteInfo{Title: "Notes from the summit"},
		apa:         "Notes from the summit. (n.d.).",
		mla:         `"Notes from the summit."`,
		chicago:     `"Notes from the summit."`,
		chicagoNote: `"Notes from the summit."`,
		apaInTxt:    "(Notes from the summit, n.d.)",
	}, {
		name:        "NoSiteNoURL",
		info:        with(func(c *retrieval.CiteInfo) { c.Site = ""; c.URL = "" }),
		apa:         "Smith, J. (2025, December 14). Vilnius summit ends with a pledge.",
		mla:         `Smith, Jane. "Vilnius summit ends with a pledge." 14 Dec. 2025.`,
		chicago:     `Smith, Jane. "Vilnius summit ends with a pledge." December 14, 2025.`,
		chicagoNote: `Jane Smith, "Vilnius summit ends with a pledge," December 14, 2025.`,
		apaInTxt:    "(Smith, 2025)",
	}, {
		// APA: "&" between two; MLA and Chicago: "and", second name not inverted.
		name:        "TwoAuthors",
		info:        with(func(c *retrieval.CiteInfo) { c.Author = "Jane Smith and John Doe" }),
		apa:         "Smith, J., & Doe, J. (2025, December 14). Vilnius summit ends with a pledge. Example News. https://example.org/summit",
		mla:         `Smith, Jane, and John Doe. "Vilnius summit ends with a pledge." Example News, 14 Dec. 2025, example.org/summit.`,
		chicago:     `Smith, Jane, and John Doe. "Vilnius summit ends with a pledge." Example News, December 14, 2025. https://example.org/summit.`,
		chicagoNote: `Jane Smith and John Doe, "Vilnius summit ends with a pledge," Example News, December 14, 2025, https://example.org/summit.`,
		apaInTxt:    "(Smith & Doe, 2025)",
	}, {
		// MLA: three or more authors are the first and "et al."; APA lists
		// up to twenty; Chicago's bibliography up to ten, its note three.
		name:        "ThreeAuthors",
		info:        with(func(c *retrieval.CiteInfo) { c.Author = "Jane Smith, John Doe, and Ann Lee" }),
		apa:         "Smith, J., Doe, J., & Lee, A. (2025, December 14). Vilnius summit ends with a pledge. Example News. https://example.org/summit",
		mla:         `Smith, Jane, et al. "Vilnius summit ends with a pledge." Example News, 14 Dec. 2025, example.org/summit.`,
		chicago:     `Smith, Jane, John Doe, and Ann Lee. "Vilnius summit ends with a pledge." Example News, December 14, 2025. https://example.org/summit.`,
		chicagoNote: `Jane Smith, John Doe, and Ann Lee, "Vilnius summit ends with a pledge," Example News, December 14, 2025, https://example.org/summit.`,
		apaInTxt:    "(Smith et al., 2025)",
	}, {
		// A group author that is also the site: APA leaves the site out,
		// MLA the author (§5.17).
		name: "GroupAuthorIsSite",
		info: retrieval.CiteInfo{Author: "Reuters", Site: "Reuters", Title: "Grain deal extended",
			Published: "2023-05-17", URL: "https://example.com/grain"},
		apa:         "Reuters. (2023, May 17). Grain deal extended. https://example.com/grain",
		mla:         `"Grain deal extended." Reuters, 17 May 2023, example.com/grain.`,
		chicago:     `Reuters. "Grain deal extended." Reuters, May 17, 2023. https://example.com/grain.`,
		chicagoNote: `Reuters, "Grain deal extended," Reuters, May 17, 2023, https://example.com/grain.`,
		apaInTxt:    "(Reuters, 2023)",
	}, {
		// A title's own question mark replaces the period or comma.
		name:        "TitleQuestion",
		info:        with(func(c *retrieval.CiteInfo) { c.Title = "Why did Russia go to war?" }),
		apa:         "Smith, J. (2025, December 14). Why did Russia go to war? Example News. https://example.org/summit",
		mla:         `Smith, Jane. "Why did Russia go to war?" Example News, 14 Dec. 2025, example.org/summit.`,
		chicago:     `Smith, Jane. "Why did Russia go to war?" Example News, December 14, 2025. https://example.org/summit.`,
		chicagoNote: `Jane Smith, "Why did Russia go to war?" Example News, December 14, 2025, https://example.org/summit.`,
		apaInTxt:    "(Smith, 2025)",
	}, {
		// Month only (September is "Sept." in MLA); an inverted name with a
		// middle initial.
		name: "MonthInvertedName",
		info: retrieval.CiteInfo{Author: "Doe, John Q.", Title: "Harvest report", Site: "Farm Weekly",
			Published: "2024-09", URL: "http://farm.example/h"},
		apa:         "Doe, J. Q. (2024, September). Harvest report. Farm Weekly. http://farm.example/h",
		mla:         `Doe, John Q. "Harvest report." Farm Weekly, Sept. 2024, farm.example/h.`,
		chicago:     `Doe, John Q. "Harvest report." Farm Weekly, September 2024. http://farm.example/h.`,
		chicagoNote: `John Q. Doe, "Harvest report," Farm Weekly, September 2024, http://farm.example/h.`,
		apaInTxt:    "(Doe, 2024)",
	}, {
		// A suffix follows the initials in APA and the given name in MLA and
		// Chicago; a hyphenated given name keeps its hyphen in initials.
		name:        "SuffixAndHyphen",
		info:        retrieval.CiteInfo{Author: "Martin Luther King Jr.; Jean-Paul Sartre", Title: "Letters", Published: "1963"},
		apa:         "King, M. L., Jr., & Sartre, J.-P. (1963). Letters.",
		mla:         `King, Martin Luther, Jr., and Jean-Paul Sartre. "Letters." 1963.`,
		chicago:     `King, Martin Luther, Jr., and Jean-Paul Sartre. "Letters." 1963.`,
		chicagoNote: `Martin Luther King, Jr. and Jean-Paul Sartre, "Letters," 1963.`,
		apaInTxt:    "(King & Sartre, 1963)",
	}, {
		// An organisation's name is never inverted, even with "and" in it.
		name:        "Organisation",
		info:        retrieval.CiteInfo{Author: "Ministry of Trade and Industry", Title: "Tariffs", Published: "2020-01-02"},
		apa:         "Ministry of Trade and Industry. (2020, January 2). Tariffs.",
		mla:         `Ministry of Trade and Industry. "Tariffs." 2 Jan. 2020.`,
		chicago:     `Ministry of Trade and Industry. "Tariffs." January 2, 2020.`,
		chicagoNote: `Ministry of Trade and Industry, "Tariffs," January 2, 2020.`,
		apaInTxt:    "(Ministry of Trade and Industry, 2020)",
	}} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.apa, retrieval.Bibliography(retrieval.CiteAPA, tc.info), "APA")
			assert.Equal(t, tc.mla, retrieval.Bibliography(retrieval.CiteMLA, tc.info), "MLA")
			assert.Equal(t, tc.chicago, retrieval.Bibliography(retrieval.CiteChicago, tc.info), "Chicago")
			assert.Equal(t, tc.chicagoNote, retrieval.CiteNote(retrieval.CiteChicago, tc.info, ""), "Chicago note")
			assert.Equal(t, tc.apaInTxt, retrieval.CiteNote(retrieval.CiteAPA, tc.info, ""), "APA in-text")
		})
	}
}

func TestCite(t *testing.T) {
	r := retrieval.Result{
		Kind:    retrieval.ResultQuote,
		Text:    "We will never accept this at all,",
		Speaker: "Sergei Ryabkov",
		Source: retrieval.SourceRef{ID: 1, Title: "Moscow answers", Author: "Jane Smith",
			URL: "https://example.org/moscow", Published: "2025-12-14"},
	}
	t.Run("OK", func(t *testing.T) {
		// APA §8.6: "(Speaker, as cited in Author, Year)"; MLA: the speaker
		// in the sentence and "(qtd. in Author)"; Chicago §14.260: the note
		// reads "Speaker, quoted in" the source.
		assert.Equal(t,
			`"We will never accept this at all," (Sergei Ryabkov, as cited in Smith, 2025).`+"\n"+
				`Smith, J. (2025, December 14). Moscow answers. https://example.org/moscow`,
			retrieval.Cite(retrieval.CiteAPA, r))
		assert.Equal(t,
			`Sergei Ryabkov: "We will never accept this at all," (qtd. in Smith).`+"\n"+
				`Smith, Jane. "Moscow answers." 14 Dec. 2025, example.org/moscow.`,
			retrieval.Cite(retrieval.CiteMLA, r))
		assert.Equal(t,
			`"We will never accept this at all,"¹`+"\n"+
				`1. Sergei Ryabkov, quoted in Jane Smith, "Moscow answers," December 14, 2025, https://example.org/moscow.`+"\n"+
				`Smith, Jane. "Moscow answers." December 14, 2025. https://example.org/moscow.`,
			retrieval.Cite(retrieval.CiteChicago, r))
	})
	t.Run("Unattributed", func(t *testing.T) {
		r := r
		r.Speaker = ""
		first := func(s string) string { return strings.SplitN(s, "\n", 2)[0] }
		assert.Equal(t, `"We will never accept this at all," (Smith, 2025).`, first(retrieval.Cite(retrieval.CiteAPA, r)))
		assert.Equal(t, `"We will never accept this at all," (Smith).`, first(retrieval.Cite(retrieval.CiteMLA, r)))
	})
	t.Run("InTextMatchesEntry", func(t *testing.T) {
		// MLA's in-text citation names the entry's first element: the
		// title where an organisation is both author and site (§5.17).
		r := r
		r.Speaker = ""
		c := retrieval.CiteInfo{Author: "Reuters", Site: "Reuters", Title: "Grain deal extended", Published: "2023-05-17"}
		assert.Equal(t, `("Grain deal extended")`, retrieval.CiteNote(retrieval.CiteMLA, c, ""))
		assert.Equal(t, `(qtd. in "Grain deal extended")`, retrieval.CiteNote(retrieval.CiteMLA, c, "Olaf Scholz"))
		c.Site = "Reuters Agency"
		assert.Equal(t, `(Reuters)`, retrieval.CiteNote(retrieval.CiteMLA, c, ""))
	})
	t.Run("UnknownStyleIsAPA", func(t *testing.T) {
		assert.Equal(t, retrieval.Cite(retrieval.CiteAPA, r), retrieval.Cite(retrieval.CiteStyle("harvard"), r))
	})
	t.Run("NoText", func(t *testing.T) {
		r := r
		r.Text = ""
		assert.Equal(t, `Smith, J. (2025, December 14). Moscow answers. https://example.org/moscow`,
			retrieval.Cite(retrieval.CiteAPA, r))
	})
	t.Run("QuoteExact", func(t *testing.T) {
		// Whatever the quote holds, Cite carries it unchanged.
		r := r
		r.Text = `*not bold* _nor_ "nested" ‘quotes’ — and a line`
		for _, st := range retrieval.CiteStyles {
			assert.Contains(t, retrieval.Cite(st, r), `"`+r.Text+`"`, st)
		}
	})
}

// A title that holds a quotation: MLA and Chicago set the title in double
// marks, so its own double marks become single ones (MLA 9 §6.20, CMOS 17
// §14.177); APA sets the title without marks and keeps them as they are.
// All three put the period inside closing marks.
func TestBibliography_QuotationInTitle(t *testing.T) {
	for _, title := range []string{
		`Ukraine's concession "is not really a compromise"`,
		"Ukraine's concession \u201cis not really a compromise\u201d",
	} {
		c := retrieval.CiteInfo{Title: title, Published: "2025-12-14"}
		curly := strings.ContainsRune(title, '\u201c')
		inner := `'is not really a compromise.'`
		if curly {
			inner = "\u2018is not really a compromise.\u2019"
		}
		assert.Equal(t, `"Ukraine's concession `+inner+`" 14 Dec. 2025.`,
			retrieval.Bibliography(retrieval.CiteMLA, c), "MLA, %s", title)
		assert.Equal(t, `"Ukraine's concession `+inner+`" December 14, 2025.`,
			retrieval.Bibliography(retrieval.CiteChicago, c), "Chicago, %s", title)
		closing := `"`
		if curly {
			closing = "\u201d"
		}
		assert.Equal(t, strings.TrimSuffix(title, closing)+"."+closing+" (2025, December 14).",
			retrieval.Bibliography(retrieval.CiteAPA, c), "APA, %s", title)
	}
}
