package retrieval

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/go-shiori/go-readability"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	mdtext "github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
	"golang.org/x/net/html"
)

// MaxDocumentSize is the largest file, in bytes, that ParseDocument and
// LoadDocuments accept: 20 MiB. That is several times a long book in plain
// text, so a larger file is almost certainly a data dump or several
// documents in one; the cap bounds the memory and time a single ingest can
// take.
const MaxDocumentSize = 20 << 20

// Limits that keep hostile or broken input from costing more than linear
// work. The HTML parser and go-readability spend time proportional to the
// nesting depth for every element, and goldmark likewise for every nested
// container, so nesting beyond these depths is flattened before parsing.
// Real documents stay far below them.
const (
	maxHTMLDepth         = 256     // open elements; deeper start tags are dropped, their text kept
	maxReadableElements  = 100_000 // beyond this, skip go-readability and take the whole body
	maxMarkdownNesting   = 32      // block quote and list markers on one line
	maxMarkdownIndent    = 2 * maxMarkdownNesting
	maxHeadlineRunes     = 120 // a plain-text first line longer than this is not a title
	controlShareInBinary = 10  // percent of control bytes above which data is binary
)

// Formats, as in Document.Format.
const (
	formatText     = "text"
	formatMarkdown = "markdown"
	formatHTML     = "html"
)

var formatByExt = map[string]string{
	".txt":      formatText,
	".text":     formatText,
	".md":       formatMarkdown,
	".markdown": formatMarkdown,
	".html":     formatHTML,
	".htm":      formatHTML,
}

const supportedExts = ".txt, .text, .md, .markdown, .html, .htm"

// ParseDocument turns the bytes of one file into a Document. name (a path)
// picks the format by extension, ignoring case: .txt and .text are plain
// text, .md and .markdown Markdown, .html and .htm HTML.
//
// The canonical text (Document.Text) has no byte-order mark, only \n line
// ends and no surrounding whitespace:
//
//   - Plain text is kept as written, minus an optional front-matter header:
//     a first line "---", then "key: value" lines (title, author, url,
//     published or date; other keys such as note are ignored), then "---".
//   - Markdown (which may have the same header) is rendered to plain text:
//     markup is removed, link text kept, HTML blocks and images dropped;
//     each heading, paragraph and code block is a paragraph, paragraphs are
//     separated by a blank line, and each list item or table row is a line.
//   - HTML is reduced to its main text with go-readability (navigation,
//     scripts, headers and footers go); each block element becomes a
//     paragraph, separated by blank lines, with runs of whitespace inside
//     it collapsed to one space and <br> kept as a line break.
//
// Metadata comes, in order of precedence, from the non-empty fields of meta,
// then the document itself, then defaults:
//
//   - Title: front matter; in plain text, else the first line when it is
//     short, is followed by more text and does not end with a full stop
//     (a news headline); in Markdown, else the first level-1 heading; in HTML,
//     og:title, else <title>. Default: the file name without extension.
//   - Author: front matter; HTML meta author, article:author or dc.creator.
//   - URL: front matter; HTML og:url, else <link rel="canonical">.
//   - Published: front matter; HTML article:published_time and similar
//     date meta tags. Dates are normalised to YYYY-MM-DD; RFC 3339 and a
//     few common forms ("2006-01-02 15:04", "January 2, 2006", "2 Jan
//     2006", RFC 1123) are accepted. A date in a document's meta tags that
//     does not parse is ignored; one in meta or front matter is an error.
//   - Origin: meta.Origin, else name.
//
// Errors are *IngestError naming the file (and the line, where known)
// wrapping ErrEmptyDocument, ErrBinary, ErrInvalidUTF8 (also for UTF-16),
// ErrUnsupportedFormat or ErrInvalidMetadata; a file over MaxDocumentSize
// gets an *IngestError with no sentinel.
func ParseDocument(name string, data []byte, meta Metadata) (Document, error) {
	fail := func(line int, err error) (Document, error) {
		return Document{}, &IngestError{File: name, Line: line, Err: err}
	}
	format, ok := formatOf(name)
	if !ok {
		return fail(0, unsupportedError(name))
	}
	if len(data) > MaxDocumentSize {
		return fail(0, tooLargeError(int64(len(data))))
	}
	if line, err := checkEncoding(data); err != nil {
		return fail(line, err)
	}
	explicit, err := cleanMetadata(meta)
	if err != nil {
		return fail(0, err)
	}

	src := normalizeNewlines(strings.TrimPrefix(string(data), "\ufeff"))
	var (
		text  string
		found Metadata
		line  int
	)
	switch format {
	case formatText:
		text, found, line, err = parseText(src)
	case formatMarkdown:
		text, found, line, err = parseMarkdown(src)
	case formatHTML:
		text, found = parseHTML(src)
	}
	if err != nil {
		return fail(line, err)
	}
	// Trimmed here too: a code block or <pre> keeps its indentation, but
	// not at the very start of the text.
	if text = strings.TrimSpace(text); text == "" {
		return fail(0, fmt.Errorf("%w: no text is left after reading it as %s; add some text or remove the file", ErrEmptyDocument, format))
	}

	doc := Document{Metadata: found, Format: format, Text: text}
	doc.Title = firstNonEmpty(explicit.Title, found.Title, defaultTitle(name))
	doc.Author = firstNonEmpty(explicit.Author, found.Author)
	doc.URL = firstNonEmpty(explicit.URL, found.URL)
	doc.Published = firstNonEmpty(explicit.Published, found.Published)
	doc.Origin = firstNonEmpty(explicit.Origin, name)
	return doc, nil
}

// Skipped is a file that LoadDocuments passed over, and why.
type Skipped struct {
	Path   string
	Reason string
}

// LoadDocuments reads root (a file or a directory, walked recursively in
// lexical order; "." is the top of fsys) from fsys and parses every file in
// it with ParseDocument. Inside directories, hidden files and directories
// (names starting with ".") and files of an unsupported type are skipped and
// reported; a file named directly must be supported.
//
// The fields of meta apply to every file loaded: a Title, Author, URL or
// Published given for a directory labels all of its documents alike. Origin
// is the file's path in fsys; when meta.Origin is set it replaces root, so
// a directory's files get meta.Origin + "/" + their path below root and a
// file named directly gets meta.Origin itself.
//
// Loading is all or nothing: every file is parsed first, and if any fails
// docs is nil and err joins one *IngestError per bad file (see
// ParseDocument), so a caller can report every problem at once and change
// nothing.
func LoadDocuments(fsys fs.FS, root string, meta Metadata) (docs []Document, skipped []Skipped, err error) {
	if !fs.ValidPath(root) {
		return nil, nil, &IngestError{File: root, Err: errors.New(`invalid path: use a slash-separated path inside the library folder without "..", or "." for all of it`)}
	}
	if _, err := cleanMetadata(meta); err != nil { // once, not once per file
		return nil, nil, &IngestError{File: root, Err: err}
	}
	info, err := fs.Stat(fsys, root)
	if err != nil {
		return nil, nil, &IngestError{File: root, Err: err}
	}
	if !info.IsDir() {
		doc, err := loadFile(fsys, root, meta)
		if err != nil {
			return nil, nil, err
		}
		return []Document{doc}, nil, nil
	}

	var errs []error
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, &IngestError{File: p, Err: err})
			return nil
		}
		if p != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				skipped = append(skipped, Skipped{Path: p, Reason: "hidden directory"})
				return fs.SkipDir
			}
			skipped = append(skipped, Skipped{Path: p, Reason: "hidden file"})
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if !d.Type().IsRegular() {
			// A link to a file is followed; links to directories are not,
			// so the walk cannot loop.
			if info, err := fs.Stat(fsys, p); d.Type()&fs.ModeSymlink == 0 || err != nil || !info.Mode().IsRegular() {
				skipped = append(skipped, Skipped{Path: p, Reason: "not a regular file (links to directories and devices are not followed)"})
				return nil
			}
		}
		if _, ok := formatOf(p); !ok {
			skipped = append(skipped, Skipped{Path: p, Reason: unsupportedError(p).Error()})
			return nil
		}
		m := meta
		if meta.Origin != "" {
			rel := p
			if root != "." {
				rel = strings.TrimPrefix(p, root+"/")
			}
			m.Origin = strings.TrimSuffix(meta.Origin, "/") + "/" + rel
		}
		doc, err := loadFile(fsys, p, m)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		docs = append(docs, doc)
		return nil
	})
	if err != nil { // only from the callback, which never fails
		errs = append(errs, &IngestError{File: root, Err: err})
	}
	if len(errs) > 0 {
		return nil, skipped, errors.Join(errs...)
	}
	return docs, skipped, nil
}

// loadFile reads and parses one file of fsys, never reading more than
// MaxDocumentSize+1 bytes.
func loadFile(fsys fs.FS, name string, meta Metadata) (Document, error) {
	if _, ok := formatOf(name); !ok {
		return Document{}, &IngestError{File: name, Err: unsupportedError(name)}
	}
	f, err := fsys.Open(name)
	if err != nil {
		return Document{}, &IngestError{File: name, Err: err}
	}
	defer f.Close()
	if info, err := f.Stat(); err == nil && info.Size() > MaxDocumentSize {
		return Document{}, &IngestError{File: name, Err: tooLargeError(info.Size())}
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentSize+1))
	if err != nil {
		return Document{}, &IngestError{File: name, Err: err}
	}
	return ParseDocument(name, data, meta)
}

func formatOf(name string) (string, bool) {
	f, ok := formatByExt[strings.ToLower(path.Ext(baseName(name)))]
	return f, ok
}

func unsupportedError(name string) error {
	ext := path.Ext(baseName(name))
	if ext == "" {
		return fmt.Errorf("%w (the name has no extension): use one of %s", ErrUnsupportedFormat, supportedExts)
	}
	return fmt.Errorf("%w %q: use one of %s, or export the document as one of them", ErrUnsupportedFormat, ext, supportedExts)
}

func tooLargeError(size int64) error {
	return fmt.Errorf("file is %d bytes, over the %d-byte (%d MiB) limit: split it into smaller documents",
		size, MaxDocumentSize, MaxDocumentSize>>20)
}

// baseName returns the last element of a slash- or backslash-separated path.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

func defaultTitle(name string) string {
	base := baseName(name)
	if t := strings.TrimSpace(strings.TrimSuffix(base, path.Ext(base))); t != "" {
		return t
	}
	return base
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// cleanMetadata trims the explicit metadata and normalises its date.
func cleanMetadata(m Metadata) (Metadata, error) {
	m.Title = strings.TrimSpace(m.Title)
	m.Author = strings.TrimSpace(m.Author)
	m.URL = strings.TrimSpace(m.URL)
	m.Origin = strings.TrimSpace(m.Origin)
	m.Published = strings.TrimSpace(m.Published)
	if m.Published != "" {
		d, ok := normalizeDate(m.Published)
		if !ok {
			return m, badDateError(m.Published)
		}
		m.Published = d
	}
	return m, nil
}

func badDateError(s string) error {
	return fmt.Errorf("%w: published date %q is not a date: write it as YYYY-MM-DD, for example 2025-12-14", ErrInvalidMetadata, s)
}

// dateLayouts are the date forms normalizeDate accepts. time.Parse matches
// month names without regard to case and accepts fractional seconds after
// any seconds field.
var dateLayouts = []string{
	"2006-01-02",
	time.RFC3339,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05 -0700",
	"2006-01-02 15:04:05",
	"2006-01-02 15:04",
	"2006/01/02",
	time.RFC1123Z,
	time.RFC1123,
	"Mon, 2 Jan 2006 15:04:05 -0700",
	"Mon, 2 Jan 2006 15:04:05 MST",
	"January 2, 2006",
	"Jan 2, 2006",
	"Monday, January 2, 2006",
	"2 January 2006",
	"2 Jan 2006",
}

// normalizeDate returns s as YYYY-MM-DD, in the time zone s was written in.
func normalizeDate(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range dateLayouts {
		if t, err := time.Parse(layout, s); err == nil {
			return t.Format("2006-01-02"), true
		}
	}
	return "", false
}

// checkEncoding reports data that is not UTF-8 text, with the line of the
// first bad byte where that helps.
func checkEncoding(data []byte) (line int, err error) {
	if bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
		return 0, fmt.Errorf("%w: it is UTF-16 (it starts with a UTF-16 byte-order mark): save or convert it as UTF-8", ErrInvalidUTF8)
	}
	if i := bytes.IndexByte(data, 0); i >= 0 {
		return 0, fmt.Errorf("%w: it holds a NUL byte at byte offset %d, so it is probably a PDF, word-processor file or image: export it as plain text, Markdown or HTML", ErrBinary, i)
	}
	control := 0
	for _, c := range data {
		if (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') || c == 0x7F {
			control++
		}
	}
	if control*100 > len(data)*controlShareInBinary {
		return 0, fmt.Errorf("%w: %d of its %d bytes are control characters: export it as plain text, Markdown or HTML", ErrBinary, control, len(data))
	}
	if utf8.Valid(data) {
		return 0, nil
	}
	off := 0
	for off < len(data) {
		r, size := utf8.DecodeRune(data[off:])
		if r == utf8.RuneError && size == 1 {
			break
		}
		off += size
	}
	line = 1 + bytes.Count(data[:off], []byte("\n"))
	return line, fmt.Errorf("%w: byte 0x%02X at byte offset %d (line %d) is not UTF-8: convert the file to UTF-8, for example with iconv -f WINDOWS-1252 -t UTF-8",
		ErrInvalidUTF8, data[off], off, line)
}

// normalizeNewlines turns CRLF and lone CR line ends into \n.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}

// splitFrontMatter removes a leading front-matter header from src: a line
// "---", then "key: value" lines (blank lines and # comments allowed), then
// a line "---". Known keys fill the metadata (date is a synonym for
// published); other keys are ignored. A leading "---" not followed by a
// "key: value" line or the closing "---", or never closed, is text, not a
// header. Errors (a malformed line or date) come with the 1-based line.
func splitFrontMatter(src string) (body string, m Metadata, line int, err error) {
	first, rest, ok := strings.Cut(src, "\n")
	if !ok || strings.TrimRight(first, " \t") != "---" {
		return src, Metadata{}, 0, nil
	}
	end := -1
	var lines []string
	for off := 0; off < len(rest); {
		l, _, _ := strings.Cut(rest[off:], "\n")
		next := off + len(l) + 1
		if strings.TrimRight(l, " \t") == "---" {
			end = min(next, len(rest))
			break
		}
		if len(lines) == 0 {
			if _, _, ok := frontMatterField(l); !ok {
				return src, Metadata{}, 0, nil
			}
		}
		lines = append(lines, l)
		off = next
	}
	if end < 0 {
		return src, Metadata{}, 0, nil
	}
	for i, l := range lines {
		n := i + 2 // 1-based, after the opening line
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		key, value, ok := frontMatterField(l)
		if !ok {
			return "", Metadata{}, n, fmt.Errorf("%w: front matter line %q is not \"key: value\": fix it, or end the header with a line \"---\"", ErrInvalidMetadata, t)
		}
		switch key {
		case "title":
			m.Title = value
		case "author":
			m.Author = value
		case "url":
			m.URL = value
		case "published", "date":
			if value == "" {
				continue
			}
			d, ok := normalizeDate(value)
			if !ok {
				return "", Metadata{}, n, badDateError(value)
			}
			m.Published = d
		}
	}
	return rest[end:], m, 0, nil
}

// frontMatterField parses "key: value", lower-casing the key and removing
// matching quotes around the value.
func frontMatterField(l string) (key, value string, ok bool) {
	key, value, ok = strings.Cut(l, ":")
	if !ok || key == "" {
		return "", "", false
	}
	for _, r := range key {
		if !(r == '_' || r == '-' || r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r))) {
			return "", "", false
		}
	}
	value = strings.TrimSpace(value)
	if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
		value = strings.TrimSpace(value[1 : len(value)-1])
	}
	return strings.ToLower(key), value, true
}

func parseText(src string) (text string, m Metadata, line int, err error) {
	body, m, line, err := splitFrontMatter(src)
	if err != nil {
		return "", m, line, err
	}
	text = strings.TrimSpace(body)
	if m.Title == "" {
		m.Title = headline(text)
	}
	return text, m, 0, nil
}

// headline returns the first line of text when it reads as a title: short,
// with a letter or digit, followed by more text, and not ending with a full
// stop or mid-sentence punctuation. Question and exclamation marks are
// allowed: news headlines such as "Can Yahoo dominate next decade?" end so.
func headline(text string) string {
	first, rest, ok := strings.Cut(text, "\n")
	first = strings.TrimSpace(first)
	if !ok || strings.TrimSpace(rest) == "" || utf8.RuneCountInString(first) > maxHeadlineRunes ||
		!strings.ContainsFunc(first, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return ""
	}
	if r, _ := utf8.DecodeLastRuneInString(first); strings.ContainsRune(".…,;:", r) {
		return ""
	}
	return first
}

// parseMarkdown renders src's Markdown as plain text; see ParseDocument.
func parseMarkdown(src string) (text string, m Metadata, line int, err error) {
	body, m, line, err := splitFrontMatter(src)
	if err != nil {
		return "", m, line, err
	}
	source := []byte(capMarkdownNesting(body))
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	r := mdRenderer{src: source}
	r.render(md.Parser().Parse(mdtext.NewReader(source)))
	if m.Title == "" {
		m.Title = r.title
	}
	return r.out.String(), m, 0, nil
}

// capMarkdownNesting rewrites any line whose leading container markup (block
// quote markers, list markers and indentation) nests deeper than
// maxMarkdownNesting, dropping the excess markers and indentation.
// goldmark's work grows with the square of the nesting on a line, so this
// bounds it; no real document nests that deep.
func capMarkdownNesting(src string) string {
	var b strings.Builder
	done := 0 // src[:done] is already in b (only once b is in use)
	for start := 0; start < len(src); {
		end := strings.IndexByte(src[start:], '\n')
		if end < 0 {
			end = len(src)
		} else {
			end += start
		}
		if capped, ok := capLinePrefix(src[start:end]); ok {
			b.WriteString(src[done:start])
			b.WriteString(capped)
			done = end
		}
		start = end + 1
	}
	if done == 0 {
		return src
	}
	b.WriteString(src[done:])
	return b.String()
}

// capLinePrefix returns line with its container prefix cut down, and
// whether it needed cutting.
func capLinePrefix(line string) (string, bool) {
	markers, indent, i := 0, 0, 0
	var kept strings.Builder
	over := false
	for i < len(line) {
		c := line[i]
		n := 0 // length of a marker at i, including one following space
		switch {
		case c == ' ' || c == '\t':
			w := 1
			if c == '\t' {
				w = 4
			}
			indent += w
			if indent > maxMarkdownIndent {
				over = true
			} else {
				kept.WriteByte(c)
			}
			i++
			continue
		case c == '>':
			n = 1
		case (c == '-' || c == '*' || c == '+') && i+1 < len(line) && (line[i+1] == ' ' || line[i+1] == '\t'):
			n = 2
		case c >= '0' && c <= '9':
			j := i
			for j < len(line) && j-i < 9 && line[j] >= '0' && line[j] <= '9' {
				j++
			}
			if j+1 < len(line) && (line[j] == '.' || line[j] == ')') && (line[j+1] == ' ' || line[j+1] == '\t') {
				n = j + 2 - i
			}
		}
		if n == 0 {
			break
		}
		markers++
		if markers > maxMarkdownNesting {
			over = true
		} else {
			kept.WriteString(line[i : i+n])
		}
		i += n
	}
	if !over {
		return line, false
	}
	return kept.String() + line[i:], true
}

// mdRenderer collects the plain text of a goldmark AST.
type mdRenderer struct {
	src   []byte
	out   strings.Builder
	title string   // text of the first level-1 heading
	group ast.Node // outermost list or table of the last block written
}

// render walks the block structure of doc, writing each text-bearing block.
func (r *mdRenderer) render(doc ast.Node) {
	walkMarkdown(doc, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.Paragraph, *ast.TextBlock:
			r.block(n, collapseLines(r.inline(n)))
		case *ast.Heading:
			t := collapseLines(r.inline(n))
			if n.Level == 1 && r.title == "" {
				r.title = collapse(t)
			}
			r.block(n, t)
		case *ast.FencedCodeBlock, *ast.CodeBlock:
			r.block(n, r.code(n))
		case *east.TableHeader, *east.TableRow:
			var cells []string
			for c := n.FirstChild(); c != nil; c = c.NextSibling() {
				cells = append(cells, collapse(r.inline(c)))
			}
			r.block(n, strings.Join(cells, " | "))
		case *ast.HTMLBlock, *ast.ThematicBreak:
		default:
			return true
		}
		return false
	}, nil)
}

// block writes one block's text: after a newline when it belongs to the
// same list or table as the block before it, else after a blank line.
func (r *mdRenderer) block(n ast.Node, text string) {
	text = tidyLines(text)
	if text == "" {
		return
	}
	var group ast.Node
	for p := n.Parent(); p != nil; p = p.Parent() {
		switch p.(type) {
		case *ast.List, *east.Table:
			group = p
		}
	}
	if r.out.Len() > 0 {
		if group != nil && group == r.group {
			r.out.WriteString("\n")
		} else {
			r.out.WriteString("\n\n")
		}
	}
	r.group = group
	r.out.WriteString(text)
}

// inline returns the text of n's inline content: markup removed, escapes
// and entities resolved, soft line breaks as spaces, hard ones as \n.
func (r *mdRenderer) inline(n ast.Node) string {
	var b strings.Builder
	code := 0
	walkMarkdown(n, func(c ast.Node) bool {
		switch c := c.(type) {
		case *ast.Text:
			v := c.Segment.Value(r.src)
			if code == 0 && !c.IsRaw() {
				v = unescapeMarkdown(v)
			}
			b.Write(v)
			switch {
			case c.HardLineBreak():
				b.WriteByte('\n')
			case c.SoftLineBreak():
				b.WriteByte(' ')
			}
		case *ast.String:
			v := c.Value
			if code == 0 && !c.IsRaw() && !c.IsCode() {
				v = unescapeMarkdown(v)
			}
			b.Write(v)
		case *ast.CodeSpan:
			code++
		case *ast.AutoLink:
			b.Write(c.Label(r.src))
			return false
		case *ast.RawHTML, *ast.Image, *east.TaskCheckBox:
			return false
		}
		return true
	}, func(c ast.Node) {
		if _, ok := c.(*ast.CodeSpan); ok {
			code--
		}
	})
	return b.String()
}

// code returns the lines of a code block as written.
func (r *mdRenderer) code(n ast.Node) string {
	var b strings.Builder
	lines := n.Lines()
	for i := 0; i < lines.Len(); i++ {
		seg := lines.At(i)
		b.Write(seg.Value(r.src))
	}
	return b.String()
}

func unescapeMarkdown(v []byte) []byte {
	return util.ResolveEntityNames(util.ResolveNumericReferences(util.UnescapePunctuations(v)))
}

// tidyLines trims each line of s and drops blank lines at its start and
// end, keeping blank lines inside it (as in code blocks).
func tidyLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRightFunc(l, unicode.IsSpace)
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// collapseLines collapses the whitespace inside each line of s to single
// spaces and drops empty lines.
func collapseLines(s string) string {
	lines := strings.Split(s, "\n")
	kept := lines[:0]
	for _, l := range lines {
		if l = collapse(l); l != "" {
			kept = append(kept, l)
		}
	}
	return strings.Join(kept, "\n")
}

// walkMarkdown visits root and its descendants in document order without
// recursion, so deeply nested input cannot exhaust the stack. enter returns
// whether to visit a node's children; leave, if not nil, is called after the
// children of every node entered.
func walkMarkdown(root ast.Node, enter func(ast.Node) bool, leave func(ast.Node)) {
	n := root
	for {
		entered := enter(n)
		if entered && n.FirstChild() != nil {
			n = n.FirstChild()
			continue
		}
		if entered && leave != nil {
			leave(n)
		}
		for n != root && n.NextSibling() == nil {
			n = n.Parent()
			if leave != nil {
				leave(n)
			}
		}
		if n == root {
			return
		}
		n = n.NextSibling()
	}
}

// walkHTML is walkMarkdown for HTML nodes.
func walkHTML(root *html.Node, enter func(*html.Node) bool, leave func(*html.Node)) {
	n := root
	for {
		entered := enter(n)
		if entered && n.FirstChild != nil {
			n = n.FirstChild
			continue
		}
		if entered && leave != nil {
			leave(n)
		}
		for n != root && n.NextSibling == nil {
			n = n.Parent
			if leave != nil {
				leave(n)
			}
		}
		if n == root {
			return
		}
		n = n.NextSibling
	}
}

// parseHTML extracts the main text and the metadata of an HTML page.
func parseHTML(src string) (string, Metadata) {
	doc, err := html.Parse(strings.NewReader(flattenHTML(src)))
	if err != nil { // only on read errors, impossible from a string
		return "", Metadata{}
	}
	m := htmlMetadata(doc)

	// Drop what is never main text before go-readability scores the page:
	// it would mostly drop these too, but not always.
	var junk []*html.Node
	walkHTML(doc, func(n *html.Node) bool {
		if n.Type == html.ElementNode && htmlDropped[n.Data] {
			junk = append(junk, n)
			return false
		}
		return true
	}, nil)
	for _, n := range junk {
		n.Parent.RemoveChild(n)
	}

	body := findElement(doc, "body")
	root := body
	p := readability.NewParser()
	p.MaxElemsToParse = maxReadableElements
	p.DisableJSONLD = true
	if art, err := p.ParseDocument(doc, nil); err == nil && art.Node != nil {
		root = art.Node
		if art.Node.Parent != nil {
			root = art.Node.Parent
		}
	}
	text := htmlText(root)
	if text == "" && root != body {
		text = htmlText(body)
	}
	return text, m
}

// htmlDropped are elements whose content is never part of the main text.
var htmlDropped = map[string]bool{
	"script": true, "style": true, "noscript": true, "template": true,
	"nav": true, "footer": true, "aside": true, "iframe": true,
	"svg": true, "math": true, "canvas": true, "object": true, "embed": true,
	"button": true, "select": true, "textarea": true, "dialog": true, "head": true,
}

// htmlBlocks are elements that start and end a paragraph.
var htmlBlocks = map[string]bool{
	"address": true, "article": true, "blockquote": true, "body": true, "caption": true,
	"center": true, "dd": true, "details": true, "div": true, "dl": true, "dt": true,
	"fieldset": true, "figcaption": true, "figure": true, "form": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"header": true, "hgroup": true, "hr": true, "html": true, "legend": true, "li": true,
	"main": true, "menu": true, "ol": true, "p": true, "pre": true, "section": true,
	"summary": true, "table": true, "tbody": true, "tfoot": true, "thead": true, "tr": true,
	"ul": true,
}

// htmlText returns the text under root: one paragraph per block element,
// paragraphs separated by a blank line, whitespace inside a paragraph
// collapsed, <br> as a line break and <pre> kept as written.
func htmlText(root *html.Node) string {
	if root == nil {
		return ""
	}
	var (
		out strings.Builder
		cur strings.Builder
		pre int
	)
	flush := func() {
		para := collapseLines(cur.String())
		if pre > 0 {
			para = tidyLines(cur.String())
		}
		cur.Reset()
		if para == "" {
			return
		}
		if out.Len() > 0 {
			out.WriteString("\n\n")
		}
		out.WriteString(para)
	}
	walkHTML(root, func(n *html.Node) bool {
		switch n.Type {
		case html.TextNode:
			if pre > 0 {
				cur.WriteString(n.Data)
			} else {
				// Source line breaks are spaces; only <br> breaks a line.
				cur.WriteString(strings.ReplaceAll(n.Data, "\n", " "))
			}
			return false
		case html.ElementNode:
			switch {
			case htmlDropped[n.Data]:
				return false
			case n.Data == "br":
				cur.WriteByte('\n')
			case n.Data == "td" || n.Data == "th":
				cur.WriteByte(' ')
			case htmlBlocks[n.Data]:
				flush()
				if n.Data == "pre" {
					pre++
				}
			}
		}
		return true
	}, func(n *html.Node) {
		if n.Type == html.ElementNode && htmlBlocks[n.Data] {
			flush()
			if n.Data == "pre" {
				pre--
			}
		}
	})
	flush()
	return out.String()
}

// findElement returns the first element named tag under root, or nil.
func findElement(root *html.Node, tag string) *html.Node {
	var found *html.Node
	walkHTML(root, func(n *html.Node) bool {
		if found != nil {
			return false
		}
		if n.Type == html.ElementNode && n.Data == tag {
			found = n
			return false
		}
		return true
	}, nil)
	return found
}

// htmlDateKeys are the meta names, properties and itemprops that give a
// publication date, best first.
var htmlDateKeys = []string{
	"article:published_time", "og:published_time", "datepublished", "date",
	"pubdate", "publishdate", "publish_date", "publication_date",
	"dc.date.issued", "dc.date", "dcterms.issued", "dcterms.date", "dcterms.created",
}

// htmlMetadata reads the title, author, URL and date from a page's meta
// tags, <title> and canonical link.
func htmlMetadata(doc *html.Node) Metadata {
	metas := map[string]string{} // first value of each meta name/property/itemprop
	var title, canonical string
	walkHTML(doc, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		switch n.Data {
		case "title":
			if title == "" {
				var b strings.Builder
				for c := n.FirstChild; c != nil; c = c.NextSibling {
					if c.Type == html.TextNode {
						b.WriteString(c.Data)
					}
				}
				title = collapse(b.String())
			}
			return false
		case "meta", "time":
			value := attr(n, "content")
			if n.Data == "time" {
				value = attr(n, "datetime")
			}
			if value = collapse(value); value == "" {
				return true
			}
			for _, k := range []string{"property", "name", "itemprop"} {
				key := strings.ToLower(strings.TrimSpace(attr(n, k)))
				if _, seen := metas[key]; key != "" && !seen {
					metas[key] = value
				}
			}
		case "link":
			if canonical == "" && strings.EqualFold(strings.TrimSpace(attr(n, "rel")), "canonical") {
				canonical = strings.TrimSpace(attr(n, "href"))
			}
		}
		return true
	}, nil)

	var m Metadata
	m.Title = firstNonEmpty(metas["og:title"], title)
	for _, k := range []string{"author", "article:author", "dc.creator"} {
		if a := metas[k]; a != "" && !isWebURL(a) {
			m.Author = a
			break
		}
	}
	for _, u := range []string{metas["og:url"], canonical} {
		if isWebURL(u) {
			m.URL = u
			break
		}
	}
	for _, k := range htmlDateKeys {
		if d, ok := normalizeDate(metas[k]); ok {
			m.Published = d
			break
		}
	}
	return m
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && a.Key == key {
			return a.Val
		}
	}
	return ""
}

func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func isWebURL(s string) bool {
	s = strings.ToLower(s)
	return strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://")
}

// Tag sets for flattenHTML's model of the parser's stack of open elements.
var (
	htmlVoid = map[string]bool{
		"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true,
		"img": true, "input": true, "keygen": true, "link": true, "meta": true,
		"param": true, "source": true, "track": true, "wbr": true,
	}
	// htmlRawText elements hold unparsed text, so they never nest.
	htmlRawText = map[string]bool{
		"script": true, "style": true, "textarea": true, "title": true, "xmp": true,
		"iframe": true, "noembed": true, "noframes": true, "noscript": true, "plaintext": true,
	}
	// htmlClosesP start tags close an open <p>.
	htmlClosesP = map[string]bool{
		"address": true, "article": true, "aside": true, "blockquote": true, "details": true,
		"dialog": true, "div": true, "dl": true, "dd": true, "dt": true, "fieldset": true,
		"figcaption": true, "figure": true, "footer": true, "form": true, "h1": true,
		"h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "header": true,
		"hgroup": true, "hr": true, "li": true, "main": true, "menu": true, "nav": true,
		"ol": true, "p": true, "pre": true, "section": true, "table": true, "ul": true,
	}
	// htmlClosedBy lists, for start tags that end a sibling implicitly, the
	// open elements they end.
	htmlClosedBy = map[string][]string{
		"li": {"li"}, "dt": {"dt", "dd"}, "dd": {"dt", "dd"}, "option": {"option"},
		"td": {"td", "th"}, "th": {"td", "th"}, "tr": {"td", "th", "tr"},
	}
)

// htmlEndTagReach is how far down its model stack flattenHTML looks for the
// element an end tag closes; it keeps the scan linear.
const htmlEndTagReach = 16

// flattenHTML returns src with the start and end tags of elements nested
// deeper than maxHTMLDepth removed, keeping their text. html.Parse and
// go-readability take time proportional to depth for each element, so
// 100,000 nested <div>s would otherwise take minutes. It tracks nesting with
// a linear scan of the tokens and a model of the parser's implied end tags
// that is close enough for real pages; src comes back as is when no element
// is that deep.
func flattenHTML(src string) string {
	z := html.NewTokenizer(strings.NewReader(src))
	var (
		out     strings.Builder
		stack   []string // open elements; those at index >= maxHTMLDepth were dropped
		foreign int      // open <svg> and <math>, where "/>" closes any element
		dropped bool
		raw     []byte
	)
	pop := func(i int) { // closes stack[i:]
		for _, name := range stack[i:] {
			if name == "svg" || name == "math" {
				foreign--
			}
		}
		stack = stack[:i]
	}
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		raw = append(raw[:0], z.Raw()...)
		keep := true
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			b, _ := z.TagName()
			name := string(b)
			if htmlVoid[name] || htmlRawText[name] || (tt == html.SelfClosingTagToken && foreign > 0) {
				break
			}
			if len(stack) > 0 && stack[len(stack)-1] == "p" && htmlClosesP[name] {
				pop(len(stack) - 1)
			}
			for _, closed := range htmlClosedBy[name] {
				if len(stack) > 0 && stack[len(stack)-1] == closed {
					pop(len(stack) - 1)
				}
			}
			keep = len(stack) < maxHTMLDepth
			stack = append(stack, name)
			if name == "svg" || name == "math" {
				foreign++
			}
		case html.EndTagToken:
			b, _ := z.TagName()
			name := string(b)
			if htmlRawText[name] {
				break
			}
			keep = len(stack) <= maxHTMLDepth
			for i := len(stack) - 1; i >= 0 && i >= len(stack)-htmlEndTagReach; i-- {
				if stack[i] == name {
					keep = i < maxHTMLDepth
					pop(i)
					break
				}
			}
		}
		if keep {
			out.Write(raw)
		} else {
			dropped = true
		}
	}
	if !dropped {
		return src
	}
	return out.String()
}
