package retrieval

import "time"

// Metadata describes where a source came from. Empty fields are unknown.
type Metadata struct {
	Title     string
	Author    string
	URL       string
	Published string // YYYY-MM-DD, or empty
	Origin    string // the file path or URL the text came from
	// AuthorID is an opaque id of the text's author where the text is their
	// own message (a chat message turned into a source), so that they can
	// take it out again; empty otherwise.
	AuthorID string
}

// Document is a parsed source ready to be added to an index: its canonical
// text and its metadata. Format is "text", "markdown" or "html".
type Document struct {
	Metadata
	Format string
	Text   string
}

// Source is a document stored in a library.
type Source struct {
	ID      int64
	Library string
	Metadata
	Format    string
	Text      string // canonical text; empty when listed without text
	SHA256    string // hex digest of Text
	AddedAt   time.Time
	UpdatedAt time.Time
	FetchedAt time.Time // when a source added from a link was last fetched; zero otherwise
}

// SourceRef is the part of a Source that a result cites.
type SourceRef struct {
	ID        int64  `json:"id"`
	Title     string `json:"title"`
	Author    string `json:"author"`
	URL       string `json:"url"`
	Published string `json:"published"`
}

// Ref returns the citation fields of s.
func (s Source) Ref() SourceRef {
	return SourceRef{ID: s.ID, Title: s.Title, Author: s.Author, URL: s.URL, Published: s.Published}
}
