package retrieval

import (
	"errors"
	"fmt"
)

// Sentinel errors callers branch on with errors.Is.
var (
	// ErrEmptyQuery means the question held no searchable word.
	ErrEmptyQuery = errors.New("the question has no searchable words")
	// ErrNoMatch means nothing in the library cleared the relevance floor.
	ErrNoMatch = errors.New("nothing in the library answers that")
	// ErrUnknownLibrary means the named library does not exist.
	ErrUnknownLibrary = errors.New("unknown library")
	// ErrUnknownSource means no source has that id in the library.
	ErrUnknownSource = errors.New("unknown source")
	// ErrEmptyDocument means a document had no text after extraction.
	ErrEmptyDocument = errors.New("document is empty")
	// ErrBinary means a document looked like binary data, not text.
	ErrBinary = errors.New("document is binary, not text")
	// ErrInvalidUTF8 means a document is not valid UTF-8.
	ErrInvalidUTF8 = errors.New("document is not valid UTF-8")
	// ErrUnsupportedFormat means the file type cannot be ingested.
	ErrUnsupportedFormat = errors.New("unsupported file type")
	// ErrInvalidMetadata means a metadata field (such as a date) is malformed.
	ErrInvalidMetadata = errors.New("invalid metadata")
)

// IngestError reports which file (and, where known, which line) an ingest
// failed on.
type IngestError struct {
	File string
	Line int // 1-based; 0 when unknown
	Err  error
}

func (e *IngestError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *IngestError) Unwrap() error { return e.Err }

// Sentinel errors of the study-group features (citations, dailies, pins).
var (
	// ErrUnknownStyle means a citation style name is not one of CiteStyles.
	ErrUnknownStyle = errors.New("unknown citation style")
	// ErrNoDaily means the channel has no daily quote schedule.
	ErrNoDaily = errors.New("no daily quote schedule")
	// ErrNothingToPost means a daily schedule's library or collection has
	// no quote to post.
	ErrNothingToPost = errors.New("no quote to post")
	// ErrNoPin means no answer is pinned for that question.
	ErrNoPin = errors.New("no pinned answer")
)

// ErrQuoteHidden means a curator hid the quote, so it cannot be pinned.
var ErrQuoteHidden = errors.New("the quote is hidden")
