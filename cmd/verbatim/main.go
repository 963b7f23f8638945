// Command verbatim answers questions with verbatim, attributed quotes from a
// curated library of sources. It is the only place that reads the
// environment and flags, opens the index and seeds it with the sample
// library.
//
// Usage:
//
//	verbatim ask [--db PATH] [--library NAME] [-k N] [--json] QUESTION
//	verbatim ask --batch FILE --json
//	verbatim ingest [--db PATH] [--library NAME] [--title T] [--author A] [--url U] [--published YYYY-MM-DD] PATH...
//	verbatim quotes [--db PATH] [--library NAME] [--speaker NAME] [--source ID] [--json]
//	verbatim sources [--db PATH] [--library NAME] [--json]
//	verbatim source text ID | verbatim source rm ID
//	verbatim eval [--db PATH]
//	verbatim serve
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdout)
	stop()
	if code := exitCode(err); code != 0 {
		fmt.Fprintln(os.Stderr, "verbatim:", err)
		os.Exit(code)
	}
}
