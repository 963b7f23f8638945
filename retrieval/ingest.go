package retrieval

import (
	"errors"
	"io/fs"
)

// ParseDocument turns the bytes of one file into a Document. name (a path)
// picks the format by extension: .txt and .text are plain text, .md and
// .markdown Markdown, .html and .htm HTML. Metadata comes, in order of
// precedence, from meta, then the document itself (a front-matter header,
// HTML meta tags), then defaults. Errors are *IngestError wrapping
// ErrEmptyDocument, ErrBinary, ErrInvalidUTF8, ErrUnsupportedFormat or
// ErrInvalidMetadata.
func ParseDocument(name string, data []byte, meta Metadata) (Document, error) {
	return Document{}, errors.New("not implemented")
}

// Skipped is a file that LoadDocuments passed over, and why.
type Skipped struct {
	Path   string
	Reason string
}

// LoadDocuments reads root (a file or a directory, walked recursively) from
// fsys and parses every file in it. Inside directories, files of an
// unsupported type and hidden files are skipped and reported; a file named
// directly must be supported. Any other failure is returned as an error
// joining one *IngestError per bad file; then docs is nil.
func LoadDocuments(fsys fs.FS, root string, meta Metadata) (docs []Document, skipped []Skipped, err error) {
	return nil, nil, errors.New("not implemented")
}
