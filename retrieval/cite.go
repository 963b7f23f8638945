package retrieval

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Citations of a source in three styles, for study groups that hand in
// what they read: APA 7th edition, MLA 9th edition and Chicago 17th edition
// (notes and bibliography), each in its form for a web page or online
// article.
//
// Choices the styles leave to the writer, made here once:
//   - Titles keep the capitalisation of the source. APA asks for sentence
//     case and MLA and Chicago for title case, but changing case by rule
//     breaks proper nouns ("Why NATO Met in Vilnius" → "Why nato met in
//     vilnius"), and a citation must never misquote a title.
//   - The speaker of a quotation is named in full: which word of a name is
//     the family name cannot be told from the name alone ("Xi Jinping").
//   - What is unknown is left out the way each style says (APA "n.d.", a
//     title in the author's place), never guessed: a site name is only
//     given when known (CiteInfo.Site), and an access date only when given.

// CiteStyle is a citation style.
type CiteStyle string

// Citation styles.
const (
	CiteAPA     CiteStyle = "apa"     // APA 7th edition
	CiteMLA     CiteStyle = "mla"     // MLA Handbook, 9th edition
	CiteChicago CiteStyle = "chicago" // Chicago Manual of Style, 17th edition, notes and bibliography
)

// CiteStyles lists the citation styles in the order to offer them.
var CiteStyles = []CiteStyle{CiteAPA, CiteMLA, CiteChicago}

// Name returns the style's name for people: "APA 7", "MLA 9", "Chicago 17".
func (s CiteStyle) Name() string {
	switch s {
	case CiteAPA:
		return "APA 7"
	case CiteMLA:
		return "MLA 9"
	case CiteChicago:
		return "Chicago 17"
	}
	return string(s)
}

// ParseCiteStyle reads a style name in any case, with or without its
// edition ("apa", "MLA", "Chicago", "APA 7", "mla9"). For any other name it
// returns an error wrapping ErrUnknownStyle that names the valid ones.
func ParseCiteStyle(s string) (CiteStyle, error) {
	k := strings.ToLower(strings.Join(strings.Fields(s), ""))
	for _, st := range CiteStyles {
		ed := strings.ToLower(strings.ReplaceAll(st.Name(), " ", ""))
		if k == string(st) || k == ed {
			return st, nil
		}
	}
	names := make([]string, len(CiteStyles))
	for i, st := range CiteStyles {
		names[i] = string(st)
	}
	return "", fmt.Errorf("%w %q: use one of %s", ErrUnknownStyle, s, strings.Join(names, ", "))
}

// CiteInfo is what a citation says about a source. Empty fields are
// unknown.
type CiteInfo struct {
	// Author is one or more authors as written ("Jane Smith", "Smith,
	// Jane", "Jane Smith and John Doe", "Reuters"); several are separated
	// by "and", "&" or ";", or by commas between full names.
	Author    string
	Title     string
	Site      string // the website or publication
	Published string // YYYY-MM-DD, YYYY-MM or YYYY
	URL       string
	Accessed  time.Time // when the page was read; zero if unknown
}

// citeInfo returns what a result's source says for a citation.
func citeInfo(s SourceRef) CiteInfo {
	return CiteInfo{Author: s.Author, Title: s.Title, URL: s.URL, Published: s.Published}
}

// Cite formats a ready-to-paste citation of r's source in style, plain
// text: the quotation (exactly r.Text) with the style's in-text citation,
// crediting r.Speaker through the source ("as cited in", "qtd. in",
// "quoted in"), then the reference-list, works-cited or bibliography entry
// on its own line. A result with no text gives the entry alone. An unknown
// style is cited as APA.
func Cite(style CiteStyle, r Result) string {
	return cite(style, citeInfo(r.Source), r.Text, r.Speaker, plain)
}

// Bibliography returns the entry for c in style's list of sources (APA's
// reference list, MLA's works cited, Chicago's bibliography), plain text.
func Bibliography(style CiteStyle, c CiteInfo) string { return bibliography(style, c, plain) }

// CiteNote returns the in-text citation of c in style with speaker (may be
// empty) as the original speaker: APA's and MLA's parenthetical
// ("(Smith, 2025)", "(qtd. in Smith)") or Chicago's full note, without its
// number.
func CiteNote(style CiteStyle, c CiteInfo, speaker string) string {
	return inText(style, c, speaker, plain)
}

// markup says how to set italics: plain text has none.
type markup func(string) string

func plain(s string) string { return s }

func cite(style CiteStyle, c CiteInfo, quote, speaker string, it markup) string {
	entry := bibliography(style, c, it)
	if quote == "" {
		return entry
	}
	var q string
	switch style {
	case CiteMLA:
		// MLA names the original speaker in the sentence and gives the
		// source with "qtd. in".
		q = `"` + quote + `" ` + inText(style, c, speaker, it) + "."
		if speaker != "" {
			q = speaker + ": " + q
		}
	case CiteChicago:
		q = `"` + quote + `"¹` + "\n" + "1. " + inText(style, c, speaker, it)
	default:
		q = `"` + quote + `" ` + inText(style, c, speaker, it) + "."
	}
	return q + "\n" + entry
}

// inText is the in-text citation (Chicago: the note).
func inText(style CiteStyle, c CiteInfo, speaker string, it markup) string {
	as := parseAuthors(c.Author)
	switch style {
	case CiteMLA:
		// The in-text citation names what the entry starts with: the
		// title, where the author is left out (no author, or an
		// organisation that is also the site).
		who := mlaShortAuthor(as)
		if c.Site != "" && sameName(c.Site, c.Author) {
			who = ""
		}
		if who == "" {
			who = `"` + quotedTitleOr(c.Title, "Untitled web page") + `"`
		}
		if speaker != "" {
			return "(qtd. in " + who + ")"
		}
		return "(" + who + ")"
	case CiteChicago:
		return chicagoNote(c, as, speaker, it)
	default:
		who := apaShortAuthor(as)
		if who == "" {
			who = it(titleOr(c.Title, "[Untitled web page]"))
		}
		year := "n.d."
		if d, ok := parseDate(c.Published); ok {
			year = fmt.Sprint(d.year)
		}
		if speaker != "" {
			return "(" + speaker + ", as cited in " + who + ", " + year + ")"
		}
		return "(" + who + ", " + year + ")"
	}
}

func bibliography(style CiteStyle, c CiteInfo, it markup) string {
	as := parseAuthors(c.Author)
	switch style {
	case CiteMLA:
		return mlaEntry(c, as, it)
	case CiteChicago:
		return chicagoEntry(c, as, it)
	default:
		return apaEntry(c, as, it)
	}
}

// apaEntry: Author, A. A. (Year, Month Day). Title. Site. URL
// (APA 7 §9.8, §10.16 "Webpage on a website"). Without an author the title
// takes its place (§9.12); without a date "(n.d.)" (§9.17); the site is
// left out when it is also the author (§10.16).
func apaEntry(c CiteInfo, as []author, it markup) string {
	var parts []string
	title := it(titleOr(c.Title, "[Untitled web page]"))
	date := "(n.d.)."
	if d, ok := parseDate(c.Published); ok {
		date = "(" + d.apa() + ")."
	}
	if len(as) > 0 {
		parts = append(parts, endWith(apaAuthors(as), "."), date, endWith(title, "."))
	} else {
		parts = append(parts, endWith(title, "."), date)
	}
	if c.Site != "" && !sameName(c.Site, c.Author) {
		parts = append(parts, endWith(c.Site, "."))
	}
	if c.URL != "" {
		parts = append(parts, c.URL) // no period after a URL (§9.35)
	}
	return strings.Join(parts, " ")
}

// mlaEntry: Author. "Title." Site, Day Mon. Year, URL. (MLA 9 §5.1–5.115:
// author, title of source, container, publication date, location; URLs
// without http:// or https://, §5.97). Without an author the entry starts
// with the title (§5.23); an organisation that is both author and site is
// given as site only (§5.17); without a date, the access date if known
// (§5.111).
func mlaEntry(c CiteInfo, as []author, it markup) string {
	var b strings.Builder
	if len(as) > 0 && !(c.Site != "" && sameName(c.Site, c.Author)) {
		b.WriteString(endWith(mlaAuthors(as), ".") + " ")
	}
	b.WriteString(`"` + endWith(quotedTitleOr(c.Title, "Untitled web page"), ".") + `"`)
	var rest []string
	if c.Site != "" {
		rest = append(rest, it(c.Site))
	}
	d, dated := parseDate(c.Published)
	if dated {
		rest = append(rest, d.mla())
	}
	if c.URL != "" {
		rest = append(rest, stripScheme(c.URL))
	}
	if len(rest) > 0 {
		b.WriteString(" " + strings.Join(rest, ", ") + ".")
	}
	if !dated && !c.Accessed.IsZero() {
		b.WriteString(" Accessed " + mlaDate(c.Accessed) + ".")
	}
	return b.String()
}

// chicagoEntry: Last, First. "Title." Site, Month Day, Year. URL.
// (CMOS 17 §14.206–14.207, §14.191 for news sites). Without an author the
// entry starts with the title; without a date, "Accessed Month Day, Year."
// if the access date is known.
func chicagoEntry(c CiteInfo, as []author, it markup) string {
	var parts []string
	if len(as) > 0 {
		parts = append(parts, endWith(chicagoAuthors(as), "."))
	}
	parts = append(parts, `"`+endWith(quotedTitleOr(c.Title, "Untitled web page"), ".")+`"`)
	var pub []string
	if c.Site != "" {
		pub = append(pub, c.Site)
	}
	d, dated := parseDate(c.Published)
	if dated {
		pub = append(pub, d.chicago())
	}
	if len(pub) > 0 {
		parts = append(parts, endWith(strings.Join(pub, ", "), "."))
	}
	if !dated && !c.Accessed.IsZero() {
		parts = append(parts, "Accessed "+chicagoDate(c.Accessed)+".")
	}
	if c.URL != "" {
		parts = append(parts, c.URL+".")
	}
	return strings.Join(parts, " ")
}

// chicagoNote: First Last, "Title," Site, Month Day, Year, URL. (CMOS 17
// §14.206), with "Speaker, quoted in" before it for a quotation taken from
// the source (§14.260).
func chicagoNote(c CiteInfo, as []author, speaker string, it markup) string {
	var b strings.Builder
	if speaker != "" {
		b.WriteString(speaker + ", quoted in ")
	}
	if len(as) > 0 {
		b.WriteString(chicagoNoteAuthors(as) + ", ")
	}
	var rest []string
	if c.Site != "" {
		rest = append(rest, c.Site)
	}
	if d, ok := parseDate(c.Published); ok {
		rest = append(rest, d.chicago())
	} else if !c.Accessed.IsZero() {
		rest = append(rest, "accessed "+chicagoDate(c.Accessed))
	}
	if c.URL != "" {
		rest = append(rest, c.URL)
	}
	// The comma or period after the title goes inside the quotation
	// marks, unless the title ends with its own mark.
	title := quotedTitleOr(c.Title, "Untitled web page")
	mark := ","
	if len(rest) == 0 {
		mark = "."
	}
	b.WriteString(`"` + endWith(title, mark) + `"`)
	if len(rest) > 0 {
		b.WriteString(" " + endWith(strings.Join(rest, ", "), "."))
	}
	return b.String()
}

// author is one author's name: a person's given and family names, or a
// group's (an organisation's) name in full.
type author struct {
	given, family, suffix string
	group                 string
}

// groupWords mark a name as an organisation's rather than a person's.
var groupWords = func() map[string]bool {
	m := make(map[string]bool)
	for _, w := range strings.Fields(`news press agency ministry office department inc ltd llc co corp corporation
		company associated times post journal institute university college council committee organization
		organisation government service services foundation association society group network media staff
		editors editorial team board bureau centre center commission union nations reuters bbc cnn npr
		club party league trust fund bank house review magazine daily weekly herald tribune gazette guardian
		telegraph monitor observer radio television tv online`) {
		m[w] = true
	}
	return m
}()

// nameParticles belong to the family name ("van Gogh", "de la Cruz").
var nameParticles = map[string]bool{
	"van": true, "von": true, "de": true, "der": true, "den": true, "da": true, "di": true, "del": true,
	"della": true, "la": true, "le": true, "du": true, "dos": true, "das": true, "ter": true, "ten": true,
	"bin": true, "ibn": true, "al": true, "el": true, "st.": true,
}

var nameSuffixes = map[string]bool{"jr.": true, "jr": true, "sr.": true, "sr": true, "ii": true, "iii": true, "iv": true}

// parseAuthors splits an author field into authors.
func parseAuthors(s string) []author {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return nil
	}
	if !strings.ContainsAny(s, ";,") && looksLikeGroup(s) {
		return []author{{group: s}} // "Ministry of Trade and Industry"
	}
	var names []string
	if strings.Contains(s, ";") {
		names = strings.Split(s, ";")
	} else {
		s = strings.ReplaceAll(s, " & ", " and ")
		for _, p := range strings.Split(s, " and ") {
			p = strings.TrimSuffix(strings.TrimSpace(p), ",")
			if !strings.Contains(p, ",") {
				names = append(names, p)
				continue
			}
			// "Jane Smith, John Doe" lists names; "Smith, Jane" inverts one.
			pieces := strings.Split(p, ",")
			list := true
			for _, pc := range pieces {
				if pc = strings.TrimSpace(pc); pc != "" && len(strings.Fields(pc)) < 2 && !nameSuffixes[strings.ToLower(pc)] {
					list = false
				}
			}
			if list {
				names = append(names, pieces...)
			} else {
				names = append(names, p)
			}
		}
	}
	var out []author
	for _, n := range names {
		if n = strings.TrimSpace(n); n != "" {
			out = append(out, parseName(n))
		}
	}
	return out
}

// parseName reads one name: "Family, Given[, Suffix]" or "Given Family
// [Suffix]" for a person; anything that does not look like a person's name
// is a group's.
func parseName(n string) author {
	if strings.Count(n, ",") >= 1 {
		pieces := strings.Split(n, ",")
		a := author{family: strings.TrimSpace(pieces[0]), given: strings.TrimSpace(pieces[1])}
		if len(pieces) > 2 {
			a.suffix = strings.TrimSpace(pieces[2])
		}
		if nameSuffixes[strings.ToLower(a.given)] { // "Martin Luther King, Jr."
			b := parseName(a.family)
			b.suffix = a.given
			return b
		}
		if a.family == "" || a.given == "" || looksLikeGroup(a.family) {
			return author{group: n}
		}
		return a
	}
	words := strings.Fields(n)
	if len(words) < 2 || len(words) > 5 || looksLikeGroup(n) {
		return author{group: n}
	}
	a := author{}
	if nameSuffixes[strings.ToLower(words[len(words)-1])] && len(words) > 2 {
		a.suffix = words[len(words)-1]
		words = words[:len(words)-1]
	}
	i := len(words) - 1
	for i > 1 && nameParticles[strings.ToLower(words[i-1])] {
		i--
	}
	a.given = strings.Join(words[:i], " ")
	a.family = strings.Join(words[i:], " ")
	return a
}

// looksLikeGroup reports whether a name is an organisation's: it has a word
// of groupWords, a digit, a word in capitals ("BBC") or a lower-case word
// that is no name particle ("Ministry of Defence").
func looksLikeGroup(n string) bool {
	for _, w := range strings.Fields(n) {
		lw := strings.ToLower(strings.Trim(w, ".,"))
		if lw == "and" || lw == "&" {
			continue // joins names as well as words of a name
		}
		if groupWords[lw] || strings.IndexFunc(w, unicode.IsDigit) >= 0 {
			return true
		}
		letters := strings.TrimRight(w, ".")
		if utf8.RuneCountInString(letters) > 1 && letters == strings.ToUpper(letters) &&
			letters != strings.ToLower(letters) && !nameSuffixes[strings.ToLower(letters)] {
			return true // an acronym; "J." is an initial, "II" a suffix
		}
		if r, _ := utf8.DecodeRuneInString(w); unicode.IsLower(r) && !nameParticles[lw] {
			return true
		}
	}
	return false
}

// initials: "Jane Marie" → "J. M.", "Jean-Paul" → "J.-P.".
func initials(given string) string {
	var out []string
	for _, w := range strings.Fields(given) {
		var parts []string
		for _, h := range strings.Split(w, "-") {
			if r, _ := utf8.DecodeRuneInString(h); r != utf8.RuneError && unicode.IsLetter(r) {
				parts = append(parts, string(unicode.ToUpper(r))+".")
			}
		}
		if len(parts) > 0 {
			out = append(out, strings.Join(parts, "-"))
		}
	}
	return strings.Join(out, " ")
}

// apaName: "Smith, J. M." (a suffix after the initials: "King, M. L., Jr.").
func (a author) apaName() string { return a.name(a.family + ", " + initials(a.given)) }

// invertedName: "Smith, Jane" (MLA and Chicago's first author).
func (a author) invertedName() string { return a.name(a.family + ", " + a.given) }

// fullName: "Jane Smith" (MLA and Chicago's other authors, Chicago notes).
func (a author) fullName() string { return a.name(a.given + " " + a.family) }

// name is a group's name as it stands, or a person's names arranged as
// person has them, followed by the suffix after a comma.
func (a author) name(person string) string {
	if a.group != "" {
		return a.group
	}
	if a.suffix != "" {
		return person + ", " + a.suffix
	}
	return person
}

func (a author) short() string {
	if a.group != "" {
		return a.group
	}
	return a.family
}

// apaAuthors: one to twenty authors all given, "&" before the last; of
// more, the first nineteen, an ellipsis and the last (APA 7 §9.8).
func apaAuthors(as []author) string {
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.apaName()
	}
	switch n := len(names); {
	case n == 1:
		return names[0]
	case n == 2:
		return names[0] + ", & " + names[1]
	case n <= 20:
		return strings.Join(names[:n-1], ", ") + ", & " + names[n-1]
	default:
		return strings.Join(names[:19], ", ") + ", . . . " + names[n-1]
	}
}

// apaShortAuthor: in-text, one or two family names, or the first and "et
// al." (APA 7 §8.17).
func apaShortAuthor(as []author) string {
	switch len(as) {
	case 0:
		return ""
	case 1:
		return as[0].short()
	case 2:
		return as[0].short() + " & " + as[1].short()
	}
	return as[0].short() + " et al."
}

// mlaAuthors: one, two ("Smith, Jane, and John Doe"), or the first and "et
// al." for three or more (MLA 9 §5.6–5.7).
func mlaAuthors(as []author) string {
	switch len(as) {
	case 1:
		return as[0].invertedName()
	case 2:
		return as[0].invertedName() + ", and " + as[1].fullName()
	}
	return as[0].invertedName() + ", et al."
}

func mlaShortAuthor(as []author) string {
	switch len(as) {
	case 0:
		return ""
	case 1:
		return as[0].short()
	case 2:
		return as[0].short() + " and " + as[1].short()
	}
	return as[0].short() + " et al."
}

// chicagoAuthors: the bibliography lists up to ten authors, the first
// inverted; of more than ten, the first seven and "et al." (CMOS 17
// §14.76).
func chicagoAuthors(as []author) string {
	if len(as) > 10 {
		as = as[:7]
		return listAnd(invertFirst(as), false) + ", et al."
	}
	return listAnd(invertFirst(as), true)
}

func invertFirst(as []author) []string {
	names := make([]string, len(as))
	for i, a := range as {
		if i == 0 {
			names[i] = a.invertedName()
		} else {
			names[i] = a.fullName()
		}
	}
	return names
}

// chicagoNoteAuthors: up to three authors in full, more as the first and
// "et al." (CMOS 17 §14.76).
func chicagoNoteAuthors(as []author) string {
	if len(as) > 3 {
		return as[0].fullName() + " et al."
	}
	names := make([]string, len(as))
	for i, a := range as {
		names[i] = a.fullName()
	}
	if len(names) == 2 {
		return names[0] + " and " + names[1]
	}
	return listAnd(names, true)
}

// listAnd joins names with commas and "and" before the last (with the
// serial comma from three names on; after an inverted first name always
// with a comma).
func listAnd(names []string, and bool) string {
	switch n := len(names); {
	case n == 1:
		return names[0]
	case !and:
		return strings.Join(names, ", ")
	default:
		return strings.Join(names[:n-1], ", ") + ", and " + names[n-1]
	}
}

// pubDate is a publication date to the day, month or year.
type pubDate struct{ year, month, day int }

// parseDate reads YYYY-MM-DD, YYYY-MM or YYYY.
func parseDate(s string) (pubDate, bool) {
	s = strings.TrimSpace(s)
	for _, f := range []struct {
		layout string
		parts  int
	}{{"2006-01-02", 3}, {"2006-01", 2}, {"2006", 1}} {
		t, err := time.Parse(f.layout, s)
		if err != nil {
			continue
		}
		d := pubDate{year: t.Year()}
		if f.parts >= 2 {
			d.month = int(t.Month())
		}
		if f.parts == 3 {
			d.day = t.Day()
		}
		return d, true
	}
	return pubDate{}, false
}

// apa: "2025, December 14".
func (d pubDate) apa() string {
	switch {
	case d.day > 0:
		return fmt.Sprintf("%d, %s %d", d.year, time.Month(d.month), d.day)
	case d.month > 0:
		return fmt.Sprintf("%d, %s", d.year, time.Month(d.month))
	}
	return fmt.Sprint(d.year)
}

// mlaMonths are MLA's month abbreviations (MLA 9 §9.25).
var mlaMonths = [...]string{"Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."}

// mla: "14 Dec. 2025".
func (d pubDate) mla() string {
	switch {
	case d.day > 0:
		return fmt.Sprintf("%d %s %d", d.day, mlaMonths[d.month-1], d.year)
	case d.month > 0:
		return fmt.Sprintf("%s %d", mlaMonths[d.month-1], d.year)
	}
	return fmt.Sprint(d.year)
}

// chicago: "December 14, 2025".
func (d pubDate) chicago() string {
	switch {
	case d.day > 0:
		return fmt.Sprintf("%s %d, %d", time.Month(d.month), d.day, d.year)
	case d.month > 0:
		return fmt.Sprintf("%s %d", time.Month(d.month), d.year)
	}
	return fmt.Sprint(d.year)
}

func mlaDate(t time.Time) string {
	t = t.UTC()
	return pubDate{t.Year(), int(t.Month()), t.Day()}.mla()
}

func chicagoDate(t time.Time) string {
	t = t.UTC()
	return pubDate{t.Year(), int(t.Month()), t.Day()}.chicago()
}

// endWith appends p unless s already ends with terminal punctuation (a
// title ending "?" takes no added period or comma). After closing
// quotation marks p goes inside them, as American usage (APA, MLA,
// Chicago) puts periods and commas: 'a compromise.' not 'a compromise'.
func endWith(s, p string) string {
	body := strings.TrimRight(s, "'\"\u2019\u201d")
	if strings.ContainsAny(lastRune(body), ".?!") {
		return s
	}
	return body + p + s[len(body):]
}

func lastRune(s string) string {
	r, _ := utf8.DecodeLastRuneInString(s)
	if r == utf8.RuneError {
		return ""
	}
	return string(r)
}

func titleOr(title, untitled string) string {
	if t := strings.TrimSpace(title); t != "" {
		return t
	}
	return untitled
}

// quotedTitleOr is titleOr for a title set in double quotation marks (MLA
// and Chicago): the title's own double marks become single ones, as both
// styles want for a quotation inside a quoted title (MLA 9 §6.20, CMOS 17
// §14.177), so that the marks still pair up.
func quotedTitleOr(title, untitled string) string {
	return innerQuotes.Replace(titleOr(title, untitled))
}

var innerQuotes = strings.NewReplacer(`"`, "'", "\u201c", "\u2018", "\u201d", "\u2019")

func sameName(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), " "), strings.Join(strings.Fields(b), " "))
}

func stripScheme(u string) string {
	for _, p := range []string{"https://", "http://"} {
		if len(u) > len(p) && strings.EqualFold(u[:len(p)], p) {
			return u[len(p):]
		}
	}
	return u
}
