package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/verbatim-bot/verbatim/internal/benchpeer"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The speed benchmark (issue 6): libraries of N sentence passages built
// from the BBC corpus, our Search against the plain FTS5 query and Bleve on
// the same units and questions. It reports; it never judges, so CI can run
// it without failing on noise.

const (
	benchLibrary   = "bench"
	benchK         = 10  // results per question, for all three engines
	benchBatchDocs = 500 // documents per Index.Add transaction
	benchWarmup    = 100
	// benchMaxPassagesPerDoc bounds the sentences of a typical article,
	// for sizing the last batches.
	benchMaxPassagesPerDoc = 30
)

// benchReport is the machine-readable output of verbatim bench.
type benchReport struct {
	Started   time.Time   `json:"started"`
	GoVersion string      `json:"go_version"`
	GOOS      string      `json:"goos"`
	GOARCH    string      `json:"goarch"`
	NumCPU    int         `json:"num_cpu"`
	Corpus    benchCorpus `json:"corpus"`
	Questions int         `json:"questions"`
	K         int         `json:"k"`
	Sizes     []benchSize `json:"sizes"`
	Skipped   []benchSkip `json:"skipped"`
	Notes     []string    `json:"notes"`
	Elapsed   float64     `json:"elapsed_s"`
}

type benchCorpus struct {
	Dir      string `json:"dir"`
	Articles int    `json:"articles"`
	Bytes    int64  `json:"bytes"`
}

type benchSkip struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

// benchSize is every figure for one library size.
type benchSize struct {
	Target    int `json:"target_passages"`
	Passages  int `json:"passages"` // sentence units
	Quotes    int `json:"quotes"`
	Units     int `json:"units"` // passages + quotes: what FTS5 and Bleve index
	Documents int `json:"documents"`
	Copies    int `json:"corpus_copies"`

	IngestSeconds    float64 `json:"ingest_s"` // with OptimizeSeconds
	OptimizeSeconds  float64 `json:"optimize_s"`
	IngestMBps       float64 `json:"ingest_mb_per_s"`
	IngestPassagesPS float64 `json:"ingest_passages_per_s"`
	IngestBytes      int64   `json:"ingest_bytes"`
	DBBytes          int64   `json:"db_bytes"`
	IngestPeakRSSMB  float64 `json:"ingest_peak_rss_mb"`
	ServeBaseRSSMB   float64 `json:"serve_base_rss_mb"` // after reopening, before the first question
	ServePeakRSSMB   float64 `json:"serve_peak_rss_mb"` // ours and plain questions, fresh Index
	PeakRSSReset     bool    `json:"peak_rss_reset"`    // false: the peaks include earlier phases

	Ours  benchLatency `json:"ours"`
	Plain benchLatency `json:"plain"`
	Bleve benchLatency `json:"bleve"`

	BleveBuildSeconds   float64 `json:"bleve_build_s"`
	BleveUnitsPerSecond float64 `json:"bleve_units_per_s"`
	BleveBytes          int64   `json:"bleve_bytes"`
	BleveBuildPeakRSSMB float64 `json:"bleve_build_peak_rss_mb"`
	BleveServePeakRSSMB float64 `json:"bleve_serve_peak_rss_mb"`

	// Ratios of ours to the others (below 1: ours is faster).
	OursPlainP50 float64 `json:"ours_over_plain_p50"`
	OursPlainP99 float64 `json:"ours_over_plain_p99"`
	OursBleveP50 float64 `json:"ours_over_bleve_p50"`
	OursBleveP99 float64 `json:"ours_over_bleve_p99"`

	// Mean share of top-10 results two engines have in common, over the
	// questions both answer.
	OverlapOursPlain  float64 `json:"top10_overlap_ours_plain"`
	OverlapPlainBleve float64 `json:"top10_overlap_plain_bleve"`

	// The same library copied to PostgreSQL (--pg); nil without it.
	Postgres *benchPGResult `json:"postgres,omitempty"`
}

// benchLatency summarises one engine's answers to the question set.
type benchLatency struct {
	P50ms  float64 `json:"p50_ms"`
	P95ms  float64 `json:"p95_ms"`
	P99ms  float64 `json:"p99_ms"`
	MaxMS  float64 `json:"max_ms"`
	MeanMS float64 `json:"mean_ms"`
	Empty  int     `json:"empty"` // questions with no result
}

// benchArticle is one BBC article, parsed.
type benchArticle struct {
	path string
	doc  retrieval.Document
	size int64
}

func (m *Main) runBench(ctx context.Context, args []string) error {
	fs, _ := m.flagSet("bench", "verbatim bench [--sizes 10000,100000,1000000] [--questions 500] [--bbc DIR] [--out FILE] [--dir DIR]")
	sizesFlag := fs.String("sizes", "10000,100000,1000000", "comma-separated library `sizes` in passages (sentences)")
	nq := fs.Int("questions", 500, "number of questions `n` (at least 500 for a published figure)")
	bbc := fs.String("bbc", "../shared/corpora/bbc", "BBC corpus `dir` (category/NNN.txt, first line the headline)")
	out := fs.String("out", "", "write the report as JSON to `file`")
	work := fs.String("dir", "", "work `dir` for the databases (default a temporary one, removed afterwards)")
	reuse := fs.Bool("reuse", false, "with --dir, ask the databases a previous run left there instead of ingesting again (ingest figures are then 0)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of our questions (all sizes) to `file`")
	batch := fs.Int("batch", benchBatchDocs, "documents per Index.Add `n` (one transaction each)")
	noBleve := fs.Bool("no-bleve", false, "skip the Bleve peer (for quick profiling runs, not for published figures)")
	pgServer := fs.String("pg", "", "also copy each library to PostgreSQL (database verbatim_bench_SIZE on the server of this postgres:// `URL`, created, or with --reuse reused) and ask it the same questions")
	pos, err := m.parse(fs, nil, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageErrorf(fs, "unexpected argument %q", pos[0])
	}
	var sizes []int
	for s := range strings.SplitSeq(*sizesFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return usageErrorf(fs, "--sizes: %q is not a positive number", s)
		}
		sizes = append(sizes, n)
	}
	if *nq < 1 {
		return usageErrorf(fs, "--questions %d: want at least 1", *nq)
	}

	start := time.Now()
	arts, skipped, err := loadBBC(*bbc)
	if err != nil {
		return err
	}
	rep := &benchReport{Started: start.UTC(), GoVersion: runtime.Version(), GOOS: runtime.GOOS, GOARCH: runtime.GOARCH,
		NumCPU: runtime.NumCPU(), Corpus: benchCorpus{Dir: *bbc, Articles: len(arts)}, K: benchK, Skipped: skipped}
	for _, a := range arts {
		rep.Corpus.Bytes += a.size
	}
	for _, s := range skipped {
		fmt.Fprintf(m.Stderr, "bench: skipped %s: %s\n", s.Path, s.Reason)
	}
	questions := benchQuestions(arts, *nq)
	rep.Questions = len(questions)
	rep.Notes = append(rep.Notes,
		fmt.Sprintf("questions: %d, half headlines, half 2-4 words drawn from article sentences (fixed seed)", len(questions)),
		"ours = Index.Search (Limit 10); plain = Index.PlainSearch (MatchQuery OR-ed, ORDER BY bm25 LIMIT 10); bleve = Bleve v2 scorch, bm25, en analyzer, same units, OR match query",
		fmt.Sprintf("ingest: Index.Add in transactions of %d documents, then Index.Optimize (FTS5 'optimize'), both timed", *batch),
		"latencies: one warm-up pass over the first 100 questions, then one timed pass, ours and plain interleaved",
		"peak RSS is VmHWM, reset between phases through /proc/self/clear_refs; it includes the Go runtime and the benchmark's own data")

	dir := *work
	if dir == "" {
		if dir, err = os.MkdirTemp("", "verbatim-bench-"); err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}

	if *reuse && *work == "" {
		return usageErrorf(fs, "--reuse needs --dir")
	}
	if *batch < 1 {
		return usageErrorf(fs, "--batch %d: want at least 1", *batch)
	}
	opts := benchOptions{reuse: *reuse, noBleve: *noBleve, batch: *batch}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	for _, n := range sizes {
		res, err := m.benchSize(ctx, dir, arts, questions, n, opts)
		if err == nil && *pgServer != "" {
			err = m.benchPG(ctx, *pgServer, filepath.Join(dir, fmt.Sprintf("bench-%d.db", n)), questions, n, opts.reuse, &res)
		}
		if err != nil {
			return fmt.Errorf("bench %d: %w", n, err)
		}
		rep.Sizes = append(rep.Sizes, res)
		if *out != "" { // keep what is done if a later size is interrupted
			rep.Elapsed = time.Since(start).Seconds()
			if err := writeBenchJSON(*out, rep); err != nil {
				return err
			}
		}
	}
	rep.Elapsed = time.Since(start).Seconds()
	printBench(m.Stdout, rep)
	if *out != "" {
		return writeBenchJSON(*out, rep)
	}
	return nil
}

func writeBenchJSON(path string, rep *benchReport) error {
	b, err := json.MarshalIndent(rep, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, append(b, '\n'), 0o644)
}

// loadBBC parses every NNN.txt under dir's category folders, in path order.
// Files that are not articles or not valid text are skipped and reported.
func loadBBC(dir string) ([]benchArticle, []benchSkip, error) {
	var arts []benchArticle
	var skipped []benchSkip
	fsys := os.DirFS(dir)
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		if !strings.Contains(p, "/") || filepath.Ext(p) != ".txt" {
			skipped = append(skipped, benchSkip{p, "not an article (want CATEGORY/NNN.txt)"})
			return nil
		}
		data, err := fs.ReadFile(fsys, p)
		if err != nil {
			return err
		}
		doc, err := retrieval.ParseDocument(p, data, retrieval.Metadata{})
		if err != nil {
			skipped = append(skipped, benchSkip{p, err.Error()})
			return nil
		}
		arts = append(arts, benchArticle{path: p, doc: doc, size: int64(len(doc.Text))})
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("read corpus %s: %w", dir, err)
	}
	if len(arts) == 0 {
		return nil, nil, fmt.Errorf("read corpus %s: no articles", dir)
	}
	return arts, skipped, nil
}

// benchQuestions builds n questions from arts, always the same ones: half
// are headlines of evenly spaced articles, half are 2 to 4 words of five
// letters or more drawn from one sentence of an article. Questions without
// a searchable term are passed over.
func benchQuestions(arts []benchArticle, n int) []string {
	rng := rand.New(rand.NewPCG(6, 2225))
	var qs []string
	seen := map[string]bool{}
	add := func(q string) {
		if !seen[q] && len(retrieval.QueryTerms(q)) > 0 {
			seen[q] = true
			qs = append(qs, q)
		}
	}
	nh := n / 2
	for i := 0; len(qs) < nh && i < 4*len(arts); i++ {
		add(arts[(i*7919)%len(arts)].doc.Title)
	}
	for i := 0; len(qs) < n && i < 100*n; i++ {
		a := arts[rng.IntN(len(arts))]
		sents := strings.FieldsFunc(a.doc.Text, func(r rune) bool { return r == '.' || r == '\n' || r == '?' || r == '!' })
		if len(sents) == 0 {
			continue
		}
		var words []string
		for w := range strings.FieldsSeq(sents[rng.IntN(len(sents))]) {
			w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) })
			if len([]rune(w)) >= 5 {
				words = append(words, w)
			}
		}
		if len(words) < 2 {
			continue
		}
		rng.Shuffle(len(words), func(i, j int) { words[i], words[j] = words[j], words[i] })
		add(strings.Join(words[:min(len(words), 2+rng.IntN(3))], " "))
	}
	return qs
}

// unitKey identifies a unit by what Search returns about it.
type unitKey struct {
	kind       string
	source     int64
	start, end int
}

// benchOptions are the switches of a profiling run.
type benchOptions struct {
	reuse   bool // ask the database already in the work dir
	noBleve bool // leave the peer out
	batch   int  // documents per Index.Add
}

// benchSize builds a library of at least n passages and measures it.
func (m *Main) benchSize(ctx context.Context, dir string, arts []benchArticle, questions []string, n int, opts benchOptions) (benchSize, error) {
	res := benchSize{Target: n}
	dbPath := filepath.Join(dir, fmt.Sprintf("bench-%d.db", n))
	quiet := m.Logger
	if opts.reuse && fileSize(dbPath) > 0 {
		res.DBBytes = fileSize(dbPath) + fileSize(dbPath+"-wal")
		return m.benchServe(ctx, dir, dbPath, questions, n, opts, res)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		os.Remove(dbPath + suffix)
	}

	// Ingest.
	reset := resetPeakRSS()
	res.PeakRSSReset = reset
	ix := retrieval.NewIndex(dbPath)
	ix.Logger = quiet
	if err := ix.Open(); err != nil {
		return res, err
	}
	t0 := time.Now()
	lastReport := t0
	for i := 0; res.Passages < n; {
		// No more documents than the passages still wanted could need (a
		// BBC article has about 20 sentences), so the library ends close
		// to n whatever the batch size.
		size := min(opts.batch, max(1, (n-res.Passages)/benchMaxPassagesPerDoc))
		batch := make([]retrieval.Document, 0, size)
		for len(batch) < size {
			a := arts[i%len(arts)]
			copyN := i / len(arts)
			d := a.doc
			d.Origin = fmt.Sprintf("bbc/copy%d/%s", copyN, a.path)
			if copyN > 0 { // same text in another source: make it distinct, or Add leaves it unchanged
				d.Text = fmt.Sprintf("%s\n\n(Copy %d.)", d.Text, copyN)
				d.Title = fmt.Sprintf("%s (copy %d)", d.Title, copyN)
			}
			batch = append(batch, d)
			res.IngestBytes += int64(len(d.Text))
			res.Copies = copyN + 1
			i++
		}
		added, err := ix.Add(ctx, benchLibrary, batch...)
		if err != nil {
			ix.Close()
			return res, err
		}
		for _, r := range added {
			res.Documents++
			res.Passages += r.Sentences
			res.Quotes += r.Quotes
		}
		if time.Since(lastReport) > 10*time.Second {
			lastReport = time.Now()
			fmt.Fprintf(m.Stderr, "bench %d: %d passages ingested (%.0f/s)\n", n, res.Passages,
				float64(res.Passages)/time.Since(t0).Seconds())
		}
	}
	t1 := time.Now()
	if err := ix.Optimize(ctx); err != nil {
		ix.Close()
		return res, err
	}
	res.OptimizeSeconds = time.Since(t1).Seconds()
	ingest := time.Since(t0)
	res.IngestSeconds = ingest.Seconds()
	res.IngestMBps = float64(res.IngestBytes) / 1e6 / ingest.Seconds()
	res.IngestPassagesPS = float64(res.Passages) / ingest.Seconds()
	res.IngestPeakRSSMB = peakRSSMB()
	if err := ix.Close(); err != nil {
		return res, err
	}
	res.DBBytes = fileSize(dbPath) + fileSize(dbPath+"-wal")
	fmt.Fprintf(m.Stderr, "bench %d: ingested %d passages, %d quotes in %.1fs\n", n, res.Passages, res.Quotes, ingest.Seconds())
	return m.benchServe(ctx, dir, dbPath, questions, n, opts, res)
}

// benchServe measures the questions against the library at dbPath.
func (m *Main) benchServe(ctx context.Context, dir, dbPath string, questions []string, n int, opts benchOptions, res benchSize) (benchSize, error) {
	// Serve ours and plain from a fresh Index.
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	ix := retrieval.NewIndex(dbPath)
	ix.Logger = m.Logger
	if err := ix.Open(); err != nil {
		return res, err
	}
	defer ix.Close()
	res.ServeBaseRSSMB = currentRSSMB()
	ours, plain, oursTop, plainTop, err := askBoth(ctx, ix, questions)
	if err != nil {
		return res, err
	}
	res.ServePeakRSSMB = peakRSSMB()
	res.Ours = summarize(ours, func(i int) bool { return len(oursTop[i]) == 0 })
	res.Plain = summarize(plain, func(i int) bool { return len(plainTop[i]) == 0 })
	res.OursPlainP50 = ratio(res.Ours.P50ms, res.Plain.P50ms)
	res.OursPlainP99 = ratio(res.Ours.P99ms, res.Plain.P99ms)
	fmt.Fprintf(m.Stderr, "bench %d: ours p50 %.2f p95 %.2f p99 %.2f ms; plain p50 %.2f p95 %.2f p99 %.2f ms\n", n,
		res.Ours.P50ms, res.Ours.P95ms, res.Ours.P99ms, res.Plain.P50ms, res.Plain.P95ms, res.Plain.P99ms)
	if opts.noBleve {
		return res, nil
	}

	// Bleve over the same units.
	keyToID := map[unitKey]int64{}
	bdir := filepath.Join(dir, fmt.Sprintf("bleve-%d", n))
	os.RemoveAll(bdir)
	defer os.RemoveAll(bdir)
	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	b := benchpeer.NewBleve(bdir)
	if err := b.Open(); err != nil {
		return res, err
	}
	t0 := time.Now()
	err = ix.EachUnit(ctx, benchLibrary, func(u retrieval.Unit) error {
		res.Units++
		keyToID[unitKey{u.Kind, u.SourceID, u.Start, u.End}] = u.ID
		return b.Add(u.ID, u.Text)
	})
	if err == nil {
		err = b.Flush()
	}
	if err != nil {
		b.Close()
		return res, err
	}
	if err := b.Close(); err != nil {
		return res, err
	}
	res.BleveBuildSeconds = time.Since(t0).Seconds()
	res.BleveUnitsPerSecond = float64(res.Units) / res.BleveBuildSeconds
	res.BleveBuildPeakRSSMB = peakRSSMB()
	res.BleveBytes = dirSize(bdir)
	fmt.Fprintf(m.Stderr, "bench %d: bleve indexed %d units in %.1fs\n", n, res.Units, res.BleveBuildSeconds)

	runtime.GC()
	debug.FreeOSMemory()
	resetPeakRSS()
	b = benchpeer.NewBleve(bdir)
	if err := b.Open(); err != nil {
		return res, err
	}
	defer b.Close()
	terms := make([][]string, len(questions))
	for i, q := range questions {
		terms[i] = retrieval.QueryTerms(q)
	}
	for i := range questions[:min(benchWarmup, len(questions))] {
		if _, err := b.Search(ctx, terms[i], benchK); err != nil {
			return res, err
		}
	}
	bl := make([]time.Duration, len(questions))
	bleveTop := make([][]int64, len(questions))
	for i := range questions {
		t := time.Now()
		ids, err := b.Search(ctx, terms[i], benchK)
		bl[i] = time.Since(t)
		if err != nil {
			return res, err
		}
		bleveTop[i] = ids
	}
	res.BleveServePeakRSSMB = peakRSSMB()
	res.Bleve = summarize(bl, func(i int) bool { return len(bleveTop[i]) == 0 })

	res.OursBleveP50 = ratio(res.Ours.P50ms, res.Bleve.P50ms)
	res.OursBleveP99 = ratio(res.Ours.P99ms, res.Bleve.P99ms)
	oursIDs := make([][]int64, len(questions))
	for i, keys := range oursTop {
		for _, k := range keys {
			oursIDs[i] = append(oursIDs[i], keyToID[k])
		}
	}
	res.OverlapOursPlain = meanOverlap(oursIDs, plainTop)
	res.OverlapPlainBleve = meanOverlap(plainTop, bleveTop)
	return res, nil
}

// summarize returns the percentiles of ds; empty(i) says question i got no
// result.
func summarize(ds []time.Duration, empty func(int) bool) benchLatency {
	var l benchLatency
	if len(ds) == 0 {
		return l
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	pct := func(p float64) float64 { // nearest rank
		i := int(p*float64(len(s))+0.999999) - 1
		return ms(s[max(0, min(i, len(s)-1))])
	}
	var sum time.Duration
	for i, d := range ds {
		sum += d
		if empty(i) {
			l.Empty++
		}
	}
	l.P50ms, l.P95ms, l.P99ms, l.MaxMS = pct(0.50), pct(0.95), pct(0.99), ms(s[len(s)-1])
	l.MeanMS = ms(sum / time.Duration(len(ds)))
	return l
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

// meanOverlap is the mean of |a∩b| / max(|a|,|b|) over the questions where
// both lists are non-empty.
func meanOverlap(a, b [][]int64) float64 {
	var sum float64
	var n int
	for i := range a {
		if len(a[i]) == 0 || len(b[i]) == 0 {
			continue
		}
		common := 0
		for _, x := range a[i] {
			if slices.Contains(b[i], x) {
				common++
			}
		}
		sum += float64(common) / float64(max(len(a[i]), len(b[i])))
		n++
	}
	if n == 0 {
		return 0
	}
	return sum / float64(n)
}

// resetPeakRSS resets the kernel's RSS high-water mark (VmHWM) to the
// current RSS; it reports whether it could.
func resetPeakRSS() bool {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) == nil
}

func peakRSSMB() float64    { return procStatusMB("VmHWM:") }
func currentRSSMB() float64 { return procStatusMB("VmRSS:") }

// procStatusMB reads a kB field of /proc/self/status in MB (0 if missing).
func procStatusMB(field string) float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb / 1024
		}
	}
	return 0
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

// printBench writes the human table.
func printBench(w io.Writer, rep *benchReport) {
	fmt.Fprintf(w, "verbatim bench: %s %s/%s, %d CPUs; corpus %s: %d articles, %.1f MB; %d questions, top %d\n",
		rep.GoVersion, rep.GOOS, rep.GOARCH, rep.NumCPU, rep.Corpus.Dir, rep.Corpus.Articles,
		float64(rep.Corpus.Bytes)/1e6, rep.Questions, rep.K)
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "skipped %s: %s\n", s.Path, s.Reason)
	}
	for _, s := range rep.Sizes {
		fmt.Fprintf(w, "\n== %d passages (%d units incl. %d quotes; %d documents, %d corpus copies)\n",
			s.Passages, s.Units, s.Quotes, s.Documents, s.Copies)
		fmt.Fprintf(w, "ingest: %.1f s (optimize %.1f s included), %.2f MB/s, %.0f passages/s; db %.1f MB; peak RSS %.0f MB\n",
			s.IngestSeconds, s.OptimizeSeconds, s.IngestMBps, s.IngestPassagesPS, float64(s.DBBytes)/1e6, s.IngestPeakRSSMB)
		fmt.Fprintf(w, "serving (ours+plain, fresh Index): RSS %.0f MB at start, peak %.0f MB\n", s.ServeBaseRSSMB, s.ServePeakRSSMB)
		fmt.Fprintf(w, "bleve: build %.1f s (%.0f units/s), %.1f MB on disk, peak RSS %.0f MB build / %.0f MB serving\n",
			s.BleveBuildSeconds, s.BleveUnitsPerSecond, float64(s.BleveBytes)/1e6, s.BleveBuildPeakRSSMB, s.BleveServePeakRSSMB)
		fmt.Fprintf(w, "%-8s %9s %9s %9s %9s %9s %6s\n", "engine", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms", "empty")
		for _, e := range []struct {
			name string
			l    benchLatency
		}{{"ours", s.Ours}, {"plain", s.Plain}, {"bleve", s.Bleve}} {
			fmt.Fprintf(w, "%-8s %9.2f %9.2f %9.2f %9.2f %9.2f %6d\n", e.name, e.l.P50ms, e.l.P95ms, e.l.P99ms, e.l.MaxMS, e.l.MeanMS, e.l.Empty)
		}
		fmt.Fprintf(w, "ours/plain p50 %.2f p99 %.2f; ours/bleve p50 %.2f p99 %.2f (below 1: ours faster)\n",
			s.OursPlainP50, s.OursPlainP99, s.OursBleveP50, s.OursBleveP99)
		fmt.Fprintf(w, "top-10 overlap: ours~plain %.2f, plain~bleve %.2f\n", s.OverlapOursPlain, s.OverlapPlainBleve)
		if pg := s.Postgres; pg != nil {
			fmt.Fprintf(w, "postgres (copied in %.1f s):\n", pg.CopySeconds)
			for _, e := range []struct {
				name string
				l    benchLatency
			}{{"ours-pg", pg.Ours}, {"plain-pg", pg.Plain}} {
				fmt.Fprintf(w, "%-8s %9.2f %9.2f %9.2f %9.2f %9.2f %6d\n", e.name, e.l.P50ms, e.l.P95ms, e.l.P99ms, e.l.MaxMS, e.l.MeanMS, e.l.Empty)
			}
			fmt.Fprintf(w, "ours-pg/ours p50 %.2f p99 %.2f (above 1: PostgreSQL slower)\n", pg.OverSQLiteP50, pg.OverSQLiteP99)
		}
	}
	fmt.Fprintf(w, "\ntotal %.1f s\n", rep.Elapsed)
}

// askBoth asks ix every question with Search (ours) and PlainSearch after
// a warm-up, alternating which goes first, and returns each one's time
// and top results.
func askBoth(ctx context.Context, ix *retrieval.Index, questions []string) (ours, plain []time.Duration, oursTop [][]unitKey, plainTop [][]int64, err error) {
	for _, q := range questions[:min(benchWarmup, len(questions))] {
		if _, err := ix.Search(ctx, retrieval.Query{Library: benchLibrary, Text: q, Limit: benchK}); err != nil && !errors.Is(err, retrieval.ErrNoMatch) {
			return nil, nil, nil, nil, fmt.Errorf("search %q: %w", q, err)
		}
		if _, err := ix.PlainSearch(ctx, benchLibrary, q, benchK); err != nil {
			return nil, nil, nil, nil, fmt.Errorf("plain search %q: %w", q, err)
		}
	}
	ours = make([]time.Duration, len(questions))
	plain = make([]time.Duration, len(questions))
	oursTop = make([][]unitKey, len(questions))
	plainTop = make([][]int64, len(questions))
	for i, q := range questions {
		runOurs := func() error {
			var rs []retrieval.Result
			var err error
			t := time.Now()
			pprof.Do(ctx, pprof.Labels("engine", "ours"), func(ctx context.Context) {
				rs, err = ix.Search(ctx, retrieval.Query{Library: benchLibrary, Text: q, Limit: benchK})
			})
			ours[i] = time.Since(t)
			if err != nil && !errors.Is(err, retrieval.ErrNoMatch) {
				return fmt.Errorf("search %q: %w", q, err)
			}
			for _, r := range rs {
				oursTop[i] = append(oursTop[i], unitKey{r.Kind, r.Source.ID, r.Start, r.End})
			}
			return nil
		}
		runPlain := func() error {
			var ids []int64
			var err error
			t := time.Now()
			pprof.Do(ctx, pprof.Labels("engine", "plain"), func(ctx context.Context) {
				ids, err = ix.PlainSearch(ctx, benchLibrary, q, benchK)
			})
			plain[i] = time.Since(t)
			plainTop[i] = ids
			return err
		}
		first, second := runOurs, runPlain
		if i%2 == 1 {
			first, second = runPlain, runOurs
		}
		if err := first(); err != nil {
			return nil, nil, nil, nil, err
		}
		if err := second(); err != nil {
			return nil, nil, nil, nil, err
		}
	}
	return ours, plain, oursTop, plainTop, nil
}
