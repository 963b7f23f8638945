package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path"
	"strings"
	"time"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/data"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// CloseTimeout bounds how long closing the index may take on the way out.
const CloseTimeout = 5 * time.Second

const usage = `Verbatim answers questions with verbatim, attributed quotes from a library.

Usage:
  verbatim ask [--db PATH] [--library NAME] [-k N] [--json] QUESTION
  verbatim ask [--db PATH] [--library NAME] [-k N] --batch FILE --json
  verbatim ingest [--db PATH] [--library NAME] [--title T] [--author A] [--url U] [--published YYYY-MM-DD] PATH...
  verbatim quotes [--db PATH] [--library NAME] [--speaker NAME] [--source ID] [--json]
  verbatim sources [--db PATH] [--library NAME] [--json]
  verbatim source text [--db PATH] [--library NAME] ID
  verbatim source rm [--db PATH] [--library NAME] ID
  verbatim eval [--db PATH] [--library NAME] [-k N]
  verbatim eval polnear DIR [--errors FILE]
  verbatim audit [--db PATH] [--library NAME] [--source ID] [--csv|--json]
  verbatim check [--db PATH]
  verbatim backup [--db PATH] [--force] BACKUP
  verbatim migrate-store [--library NAME ...] FROM TO
  verbatim serve [--db PATH] [--shards N (--shard I | --shard-range A-B)]
  verbatim bench [--sizes 10000,100000,1000000] [--questions 500] [--bbc DIR] [--out FILE]

The database is --db, else $VERBATIM_DB, else verbatim.db in the working
directory. A new database starts with the sample library in "default".
Run "verbatim COMMAND -h" for the flags of a command.
`

// run loads .env (if present, never overriding the environment) and runs
// the command line args.
func run(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	getenv, err := withDotEnv(getenv, ".env")
	if err != nil {
		return err
	}
	m := &Main{Stdin: os.Stdin, Stdout: stdout, Stderr: os.Stderr, Getenv: getenv}
	return m.Run(ctx, args)
}

// Main is one invocation of the program. Tests build one with their own
// streams and getenv and call Run, as the binary does.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string

	Config Config
	Logger *slog.Logger

	// PrepareBot, if set, is called on the bot before serve connects it:
	// tests point its session at a stand-in for Discord.
	PrepareBot func(*bot.Bot)
}

// Run parses args (without the program name) and runs the subcommand.
func (m *Main) Run(ctx context.Context, args []string) error {
	cfg, err := LoadConfig(m.Getenv)
	if err != nil {
		return err
	}
	m.Config = cfg
	m.Logger = slog.New(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))

	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return &usageError{errors.New("no command given")}
	}
	cmd, args := args[0], args[1:]
	switch cmd {
	case "ask":
		err = m.runAsk(ctx, args)
	case "ingest":
		err = m.runIngest(ctx, args)
	case "quotes":
		err = m.runQuotes(ctx, args)
	case "sources":
		err = m.runSources(ctx, args)
	case "source":
		err = m.runSource(ctx, args)
	case "eval":
		err = m.runEval(ctx, args)
	case "audit":
		err = m.runAudit(ctx, args)
	case "check":
		err = m.runCheck(ctx, args)
	case "backup":
		err = m.runBackup(ctx, args)
	case "migrate-store":
		err = m.runMigrateStore(ctx, args)
	case "serve":
		err = m.runServe(ctx, args)
	case "bench":
		err = m.runBench(ctx, args)
	case "help", "-h", "-help", "--help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprint(m.Stderr, usage)
		return &usageError{fmt.Errorf("unknown command %q", cmd)}
	}
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return errors.New("interrupted")
	}
	return err
}

// usageError is a mistake in the command line; the program exits 2.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// exitCode maps the error run returned to the process exit status.
func exitCode(err error) int {
	var ue *usageError
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &ue):
		return 2
	default:
		return 1
	}
}

// common holds the flags every index command takes.
type common struct {
	db, library string
}

// flagSet returns a FlagSet for cmd that prints nothing by itself: parse
// reports errors and usage once, in one place.
func (m *Main) flagSet(cmd, synopsis string) (*flag.FlagSet, *common) {
	fs := flag.NewFlagSet(cmd, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage:\n  %s\n\nFlags:\n", synopsis)
		fs.SetOutput(m.Stderr)
		fs.PrintDefaults()
		fs.SetOutput(io.Discard)
	}
	c := &common{}
	fs.StringVar(&c.db, "db", "", "SQLite database `path` (default $VERBATIM_DB, else verbatim.db)")
	fs.StringVar(&c.library, "library", "", "library `name` (default $VERBATIM_LIBRARY, else \"default\")")
	return fs, c
}

// parse parses flags wherever they appear among args, so that
// `verbatim ask "why?" --json` works, and returns the positional arguments.
// "--" ends flag parsing. On a mistake it prints the usage once and returns
// a *usageError; on -h it prints the usage and returns flag.ErrHelp.
func (m *Main) parse(fs *flag.FlagSet, c *common, args []string) ([]string, error) {
	var pos []string
	for {
		before := args
		if err := fs.Parse(args); err != nil { // fs.Parse has already shown the usage
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{fmt.Errorf("%s: %w", fs.Name(), err)}
		}
		args = fs.Args()
		if n := len(before) - len(args); n > 0 && before[n-1] == "--" {
			pos = append(pos, args...)
			break
		}
		if len(args) == 0 {
			break
		}
		pos, args = append(pos, args[0]), args[1:]
	}
	if c != nil {
		if c.db == "" {
			c.db = m.Config.DB
		}
		if c.library == "" {
			c.library = m.Config.Library
		}
		if err := validateLibrary(c.library); err != nil {
			fs.Usage()
			return nil, &usageError{err}
		}
	}
	return pos, nil
}

// usageErrorf prints the usage of fs and returns a *usageError.
func usageErrorf(fs *flag.FlagSet, format string, args ...any) error {
	fs.Usage()
	return &usageError{fmt.Errorf(fs.Name()+": "+format, args...)}
}

// openIndex opens the database at path. A database that did not exist
// before is seeded with the embedded sample library, so that ask works at
// once; if seeding fails, the new file is removed again. A PostgreSQL
// database (a postgres:// URL) counts as new while it holds no library.
func (m *Main) openIndex(ctx context.Context, dbPath string) (*retrieval.Index, error) {
	pg := retrieval.IsPostgresURL(dbPath)
	fresh := dbPath == ":memory:"
	if !fresh && !pg {
		_, err := os.Stat(dbPath)
		fresh = errors.Is(err, os.ErrNotExist)
	}
	name := retrieval.RedactURL(dbPath)
	ix := retrieval.NewIndex(dbPath)
	ix.Logger = m.Logger
	if err := ix.Open(); err != nil {
		return nil, fmt.Errorf("open database %s: %w", name, err)
	}
	if pg {
		libs, err := ix.Libraries(ctx)
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("open database %s: %w", name, err)
		}
		fresh = len(libs) == 0
	}
	if !fresh {
		return ix, nil
	}
	if err := seedSample(ctx, ix); err != nil {
		ix.Close()
		if dbPath != ":memory:" && !pg {
			for _, suffix := range []string{"", "-wal", "-shm", "-journal"} {
				os.Remove(dbPath + suffix)
			}
		}
		return nil, fmt.Errorf("seed new database %s with the sample library: %w", name, err)
	}
	m.Logger.Info("new database seeded with the sample library", "db", name, "library", retrieval.DefaultLibrary)
	return ix, nil
}

// closeIndex closes ix, giving up after CloseTimeout so that a stuck close
// cannot hang the program on the way out.
func (m *Main) closeIndex(ix *retrieval.Index) {
	done := make(chan error, 1)
	go func() { done <- ix.Close() }()
	select {
	case err := <-done:
		if err != nil {
			m.Logger.Warn("close database", "err", err)
		}
	case <-time.After(CloseTimeout):
		m.Logger.Warn("close database: timed out", "after", CloseTimeout)
	}
}

// sampleDocuments parses the embedded sample corpus, with origins of the
// form "embedded:sample/<file>".
func sampleDocuments() ([]retrieval.Document, error) {
	docs, _, err := retrieval.LoadDocuments(data.Corpus, "sample", retrieval.Metadata{})
	if err != nil {
		return nil, err
	}
	for i := range docs {
		docs[i].Origin = "embedded:" + samplePath(docs[i].Origin)
	}
	return docs, nil
}

// samplePath normalizes the origin LoadDocuments gave an embedded file to
// "sample/<file>".
func samplePath(origin string) string {
	origin = strings.TrimPrefix(path.Clean("/"+origin), "/")
	if !strings.HasPrefix(origin, "sample/") {
		origin = path.Join("sample", origin)
	}
	return origin
}

// seedSample adds the embedded sample corpus to the default library.
func seedSample(ctx context.Context, ix *retrieval.Index) error {
	docs, err := sampleDocuments()
	if err != nil {
		return err
	}
	_, err = ix.Add(ctx, retrieval.DefaultLibrary, docs...)
	return err
}

// libraryError explains that library does not exist, naming the libraries
// that do and how to create one.
func libraryError(ctx context.Context, ix *retrieval.Index, library string) error {
	known := "none"
	if libs, err := ix.Libraries(ctx); err == nil && len(libs) > 0 {
		known = strings.Join(libs, ", ")
	}
	return fmt.Errorf("library %q does not exist (libraries: %s); create it with \"verbatim ingest --library %s PATH\"",
		library, known, library)
}

// sourceError explains that no source has id in library.
func sourceError(library string, id int64) error {
	return fmt.Errorf("no source with id %d in library %q; list them with \"verbatim sources --library %s\"",
		id, library, library)
}

// indexError turns the sentinels every index command can meet into plain
// advice, and wraps anything else with op.
func indexError(ctx context.Context, ix *retrieval.Index, op, library string, id int64, err error) error {
	switch {
	case errors.Is(err, retrieval.ErrUnknownLibrary):
		return libraryError(ctx, ix, library)
	case errors.Is(err, retrieval.ErrUnknownSource):
		return sourceError(library, id)
	default:
		return fmt.Errorf("%s: %w", op, err)
	}
}
