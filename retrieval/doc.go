// Package retrieval turns source documents into attributed, verbatim quotes
// and answers questions from them.
//
// It owns the domain: ingest (plain text, Markdown, HTML), segmentation into
// paragraphs and sentences, quotation extraction, speaker attribution, the
// SQLite/FTS5 index and ranking. It knows nothing of any chat platform.
//
// Invariants:
//
//   - A Source's Text is its canonical text. Every offset in this package is a
//     byte offset into that text.
//   - A Quote, a Passage and a Result are always byte-exact slices of their
//     Source's Text: Text == source.Text[Start:End].
//   - A speaker mention (SpeakerStart, SpeakerEnd) is also a byte-exact slice
//     of the same text, or absent.
//   - Sources belong to exactly one library; a query names its library and
//     never sees another's sources.
//   - Ingest is all or nothing: a failed Add leaves the library as it was.
//   - User text reaches FTS5 only through MatchQuery, which quotes every term.
package retrieval
