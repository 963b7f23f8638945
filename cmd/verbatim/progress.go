package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// progress draws a one-line progress bar on a terminal. On anything else (a
// pipe, a file, a test buffer) it draws nothing, so logs and CI output stay
// clean.
type progress struct {
	w     io.Writer
	total int
	width int // terminal columns; 0 when disabled
}

// newProgress returns a bar over total steps, drawn on w only if w is a
// terminal.
func newProgress(w io.Writer, total int) *progress {
	p := &progress{w: w, total: total}
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		p.width = 80
		if cols, _, err := term.GetSize(int(f.Fd())); err == nil && cols > 20 {
			p.width = cols
		}
	}
	return p
}

// Set shows that done of total steps are finished, with a label.
func (p *progress) Set(done int, label string) {
	if p.width == 0 {
		return
	}
	const barWidth = 20
	filled := 0
	if p.total > 0 {
		filled = min(barWidth, barWidth*done/p.total)
	}
	line := fmt.Sprintf("[%s%s] %d/%d %s", strings.Repeat("=", filled), strings.Repeat(" ", barWidth-filled), done, p.total, label)
	if r := []rune(line); len(r) > p.width-1 {
		line = string(r[:p.width-1])
	}
	fmt.Fprintf(p.w, "\r\033[K%s", line)
}

// Done clears the bar's line.
func (p *progress) Done() {
	if p.width == 0 {
		return
	}
	fmt.Fprint(p.w, "\r\033[K")
}
