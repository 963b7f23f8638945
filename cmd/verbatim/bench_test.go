package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMain_Bench runs verbatim bench at 10k passages on the BBC corpus end to
// end. It checks that the run completes and reports sane fields, never
// speed: CI machines are noisy.
func TestMain_Bench(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: skipping the 10k-passage benchmark run")
	}
	t.Parallel()
	bbc, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "corpora", "bbc"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(bbc); err != nil {
		t.Skipf("no BBC corpus at %s (the benchmark needs ../shared/corpora/bbc next to the repository): %v", bbc, err)
	}
	out := filepath.Join(t.TempDir(), "bench.json")
	stdout, stderr, err := runMain(t, func(string) string { return "" }, "", "bench", "--sizes", "10000", "--questions", "500",
		"--bbc", bbc, "--out", out, "--dir", t.TempDir())
	if err != nil {
		t.Fatalf("bench: %v\nstderr:\n%s", err, stderr)
	}
	t.Logf("stdout:\n%s", stdout)
	for _, want := range []string{"ours", "plain", "bleve", "ours/plain", "skipped sport/199.txt", "skipped README.TXT"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q", want)
		}
	}

	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var rep benchReport
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatalf("--out is not JSON: %v", err)
	}
	if rep.Questions < 500 {
		t.Errorf("questions = %d, want at least 500", rep.Questions)
	}
	if rep.Corpus.Articles < 2000 || len(rep.Skipped) != 2 {
		t.Errorf("corpus: %d articles, %d skipped; want about 2,224 and 2 (README.TXT, sport/199.txt)", rep.Corpus.Articles, len(rep.Skipped))
	}
	if len(rep.Sizes) != 1 {
		t.Fatalf("%d sizes reported, want 1", len(rep.Sizes))
	}
	s := rep.Sizes[0]
	if s.Passages < 10000 || s.Passages > 12000 || s.Units < s.Passages || s.Quotes == 0 {
		t.Errorf("library: %d passages, %d units, %d quotes; want 10k passages and some quotes", s.Passages, s.Units, s.Quotes)
	}
	for name, v := range map[string]float64{
		"ingest MB/s": s.IngestMBps, "ingest passages/s": s.IngestPassagesPS, "db bytes": float64(s.DBBytes),
		"ours p50": s.Ours.P50ms, "plain p50": s.Plain.P50ms, "bleve p99": s.Bleve.P99ms,
		"bleve bytes": float64(s.BleveBytes), "ours/plain p50": s.OursPlainP50, "ours/bleve p50": s.OursBleveP50,
		"serve peak RSS": s.ServePeakRSSMB, "ingest peak RSS": s.IngestPeakRSSMB,
	} {
		if !(v > 0) {
			t.Errorf("%s = %v, want > 0", name, v)
		}
	}
	for name, l := range map[string]benchLatency{"ours": s.Ours, "plain": s.Plain, "bleve": s.Bleve} {
		if !(l.P50ms <= l.P95ms && l.P95ms <= l.P99ms && l.P99ms <= l.MaxMS) {
			t.Errorf("%s percentiles out of order: %+v", name, l)
		}
		if l.Empty > rep.Questions/2 {
			t.Errorf("%s answered nothing to %d of %d questions", name, l.Empty, rep.Questions)
		}
	}
	if s.OverlapPlainBleve <= 0 || s.OverlapPlainBleve > 1 || s.OverlapOursPlain <= 0 || s.OverlapOursPlain > 1 {
		t.Errorf("overlaps %v, %v: want in (0, 1]", s.OverlapOursPlain, s.OverlapPlainBleve)
	}
}
