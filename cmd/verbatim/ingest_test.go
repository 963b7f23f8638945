package main

import (
	"errors"
	"fmt"
	"testing"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestDescribeProblem(t *testing.T) {
	for _, tt := range []struct {
		ie   retrieval.IngestError
		want string
	}{
		{retrieval.IngestError{File: "/a/b.txt", Err: retrieval.ErrBinary},
			"/a/b.txt: document is binary, not text; convert it to text (.txt, .md or .html) or leave it out"},
		{retrieval.IngestError{File: "/a/b.md", Line: 3, Err: retrieval.ErrInvalidMetadata},
			"/a/b.md:3: invalid metadata; fix the metadata (dates are YYYY-MM-DD)"},
		{retrieval.IngestError{File: "/a/b.txt", Err: fmt.Errorf("%w: it is UTF-16; save it as UTF-8", retrieval.ErrInvalidUTF8)},
			"/a/b.txt: document is not valid UTF-8: it is UTF-16; save it as UTF-8"},
		{retrieval.IngestError{File: "x", Err: errors.New("odd")}, "x: odd"},
	} {
		if got := describeProblem(&tt.ie); got != tt.want {
			t.Errorf("describeProblem(%v)\n got %q\nwant %q", tt.ie.Err, got, tt.want)
		}
	}
}

func TestOriginPath(t *testing.T) {
	for _, tt := range []struct{ dir, base, name, want string }{
		{"/home/me", "notes", "notes/a.txt", "/home/me/notes/a.txt"},
		{"/home/me", "a.txt", "a.txt", "/home/me/a.txt"},
		{"/home/me", "a.txt", "", "/home/me/a.txt"},
		{"/home/me", "a.txt", "/abs/a.txt", "/abs/a.txt"},
	} {
		if got := originPath(tt.dir, tt.base, tt.name); got != tt.want {
			t.Errorf("originPath(%q, %q, %q) = %q, want %q", tt.dir, tt.base, tt.name, got, tt.want)
		}
	}
}
