package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// crashKills is how many ingests TestCrash_Ingest kills; crashBudget
// bounds the time it may take.
const (
	crashKills  = 20
	crashBudget = 3 * time.Minute
)

// TestCrash_Ingest builds the real binary and, crashKills times, starts
// "verbatim ingest" of a few hundred articles into one database and
// SIGKILLs it at a random moment (seeded, so the moments repeat). After
// every kill the database must open, pass PRAGMA integrity_check and the
// FTS5 integrity check, and hold either every file of that ingest or none
// of them; the libraries of earlier runs must be untouched.
func TestCrash_Ingest(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test builds the binary and kills it many times; skipped in -short mode")
	}
	bin := buildBinary(t)
	corpus, files := crashCorpus(t)
	db := filepath.Join(t.TempDir(), "crash.db")
	ctx := context.Background()

	// A first, complete ingest creates the database and measures how long
	// an ingest takes, in all and from the moment it opens the database
	// (the WAL file appears) to its end, so that the kills fall across all
	// of it and often inside the write transaction.
	cmd := ingestCmd(bin, db, "full", corpus)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	opened := waitOpened(db, cmd)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("full ingest: %v", err)
	}
	full, writing := time.Since(start), time.Since(opened)
	// A library keeps one source per distinct text: the complete count is
	// what the full ingest stored (the BBC folder repeats a few articles).
	want := map[string]int{}
	files = checkCrashDB(t, ctx, db, want)["full"]
	want["full"] = files
	t.Logf("corpus %s: %d distinct articles; one ingest takes %v, %v of it with the database open",
		corpus, files, full.Round(time.Millisecond), writing.Round(time.Millisecond))

	rng := rand.New(rand.NewPCG(7, 7))
	deadline := time.Now().Add(crashBudget)
	var none, all, finished int
	for i := 0; i < crashKills; i++ {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d kills within %v", i, crashKills, crashBudget)
		}
		lib := fmt.Sprintf("crash%02d", i)
		// Even runs: up to 110% of a whole ingest from its start. Odd runs:
		// up to 120% of the database phase from the moment it opens, so
		// that most land inside the write transaction.
		phase, span := "start", full*11/10
		if i%2 == 1 {
			phase, span = "open", writing*12/10
		}
		delay := time.Duration(rng.Int64N(int64(span)))
		cmd := ingestCmd(bin, db, lib, corpus)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if phase == "open" {
			waitOpened(db, cmd)
		}
		time.Sleep(delay)
		_ = cmd.Process.Signal(syscall.SIGKILL)
		err := cmd.Wait()
		var ee *exec.ExitError
		killed := errors.As(err, &ee) && ee.Sys().(syscall.WaitStatus).Signaled()
		if !killed {
			if err != nil {
				t.Fatalf("kill %d: ingest failed by itself: %v", i, err)
			}
			finished++
		}
		n := checkCrashDB(t, ctx, db, want)
		got := n[lib]
		switch got {
		case 0:
			none++
		case files:
			all++
		default:
			t.Fatalf("kill %d after %v: library %s holds %d of %d files: an ingest is not all-or-nothing", i, delay, lib, got, files)
		}
		want[lib] = got
		t.Logf("kill %2d %4dms after %-5s: %s has %d/%d sources (killed: %v)", i, delay.Milliseconds(), phase, lib, got, files, killed)
	}
	t.Logf("%d kills: %d left nothing, %d left everything (%d ingests finished before the kill); database consistent after every one",
		crashKills, none, all, finished)
}

// waitOpened waits until the ingest cmd has opened db (its WAL file
// exists) or has exited, and returns the time it saw that.
func waitOpened(db string, cmd *exec.Cmd) time.Time {
	for {
		if _, err := os.Stat(db + "-wal"); err == nil {
			return time.Now()
		}
		if cmd.ProcessState != nil {
			return time.Now()
		}
		if p, err := os.FindProcess(cmd.Process.Pid); err != nil || p.Signal(syscall.Signal(0)) != nil {
			return time.Now()
		}
		time.Sleep(time.Millisecond)
	}
}

// checkCrashDB opens db as the bot would, runs every integrity check, and
// checks each library in want against its expected source count. It
// returns the source count of every library.
func checkCrashDB(t *testing.T, ctx context.Context, db string, want map[string]int) map[string]int {
	t.Helper()
	ix := retrieval.NewIndex(db)
	if err := ix.Open(); err != nil {
		t.Fatalf("database does not open after a kill: %v", err)
	}
	defer ix.Close()
	if err := ix.Check(ctx); err != nil {
		t.Fatalf("database damaged after a kill: %v", err)
	}
	libs, err := ix.Libraries(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, lib := range libs {
		srcs, err := ix.Sources(ctx, lib)
		if err != nil {
			t.Fatal(err)
		}
		got[lib] = len(srcs)
	}
	if n := halfStored(t, db); n > 0 {
		t.Fatalf("%d source(s) lack paragraphs, sentences or search units: a source is half stored", n)
	}
	for lib, n := range want {
		if got[lib] != n {
			t.Fatalf("library %s holds %d sources, want %d as before the kill", lib, got[lib], n)
		}
	}
	return got
}

// halfStored counts the sources of db that lack paragraphs, sentences or
// search units, reading the tables directly.
func halfStored(t *testing.T, db string) int {
	t.Helper()
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var n int
	err = conn.QueryRow(`SELECT COUNT(*) FROM sources s
		WHERE NOT EXISTS (SELECT 1 FROM paragraphs p WHERE p.source_id = s.id)
		   OR NOT EXISTS (SELECT 1 FROM sentences x WHERE x.source_id = s.id)
		   OR NOT EXISTS (SELECT 1 FROM units u WHERE u.source_id = s.id)`).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// buildBinary builds cmd/verbatim once into a temporary folder.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "verbatim")
	cmd := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// ingestCmd is "verbatim ingest" of dir into library of db, with an
// environment that holds no .env surprises.
func ingestCmd(bin, db, library, dir string) *exec.Cmd {
	cmd := exec.Command(bin, "ingest", "--db", db, "--library", library, dir)
	cmd.Dir = filepath.Dir(db)
	cmd.Env = append(os.Environ(), "LOG_LEVEL=error")
	return cmd
}

// crashCorpus returns a folder of articles and how many it holds: the BBC
// business corpus when the shared corpora are present, else 300 generated
// articles with attributed quotes.
func crashCorpus(t *testing.T) (string, int) {
	t.Helper()
	if dir, err := filepath.Abs("../../../shared/corpora/bbc/business"); err == nil {
		if ents, err := os.ReadDir(dir); err == nil && len(ents) >= 200 {
			n := 0
			for _, e := range ents {
				if !e.IsDir() && strings.HasSuffix(e.Name(), ".txt") {
					n++
				}
			}
			if n == len(ents) {
				return dir, n
			}
		}
	}
	dir := t.TempDir()
	const n = 300
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < n; i++ {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%03d.txt", i)), []byte(syntheticArticle(rng, i)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, n
}

var (
	synFirst   = []string{"Anna", "Boris", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas"}
	synLast    = []string{"Novak", "Okafor", "Petrov", "Quinn", "Rossi", "Sato", "Tanaka", "Umar", "Varga", "Weber"}
	synTitle   = []string{"chief executive", "finance minister", "head of research", "union leader", "spokeswoman"}
	synOrg     = []string{"Northwind", "the central bank", "Acme Steel", "the port authority", "Blue Harbour"}
	synSubject = []string{"prices", "exports", "wages", "the harbour", "interest rates", "the new factory", "demand", "tariffs"}
	synVerb    = []string{"will rise", "cannot wait", "has recovered", "is under pressure", "needs investment", "will fall"}
)

// syntheticArticle writes a news-like article with a headline, reported
// speech and direct quotes attributed to named speakers.
func syntheticArticle(rng *rand.Rand, i int) string {
	pick := func(s []string) string { return s[rng.IntN(len(s))] }
	var b strings.Builder
	fmt.Fprintf(&b, "Article %d: %s %s\n\n", i, strings.ToUpper(pick(synSubject)[:1])+pick(synSubject)[1:], pick(synVerb))
	for p := 0; p < 6+rng.IntN(6); p++ {
		name := pick(synFirst) + " " + pick(synLast)
		fmt.Fprintf(&b, "Figures published on Tuesday suggest that %s %s in the region, analysts said. ", pick(synSubject), pick(synVerb))
		fmt.Fprintf(&b, "\"We believe %s %s, and %s %s,\" said %s, %s of %s. ",
			pick(synSubject), pick(synVerb), pick(synSubject), pick(synVerb), name, pick(synTitle), pick(synOrg))
		fmt.Fprintf(&b, "Mr %s added: \"There is no reason to think %s %s this year.\"\n\n", name[strings.IndexByte(name, ' ')+1:], pick(synSubject), pick(synVerb))
	}
	return b.String()
}
