package main

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// The PostgreSQL half of the benchmark (verbatim bench --pg URL): each
// size's library, once built in SQLite, is copied into its own PostgreSQL
// database (verbatim_bench_<size> on the server of URL) with the code of
// migrate-store, and the same questions are asked of it, ours and the
// plain ts_rank query interleaved, as the SQLite half does (askBoth).

// benchPGResult is the PostgreSQL half of one size's figures.
type benchPGResult struct {
	CopySeconds float64      `json:"copy_s"` // 0 when --reuse found it copied
	Ours        benchLatency `json:"ours"`
	Plain       benchLatency `json:"plain"`
	// Ours on PostgreSQL over ours on SQLite (above 1: PostgreSQL slower).
	OverSQLiteP50 float64 `json:"ours_pg_over_ours_sqlite_p50"`
	OverSQLiteP99 float64 `json:"ours_pg_over_ours_sqlite_p99"`
}

// benchPG copies the library at dbPath into PostgreSQL (unless reuse finds
// it there) and measures the questions against it.
func (m *Main) benchPG(ctx context.Context, server, dbPath string, questions []string, n int, reuse bool, res *benchSize) error {
	target, err := benchPGDatabase(ctx, server, fmt.Sprintf("verbatim_bench_%d", n), reuse)
	if err != nil {
		return fmt.Errorf("bench %d on PostgreSQL: %w", n, err)
	}
	dst := retrieval.NewIndex(target)
	dst.Logger = m.Logger
	if err := dst.Open(); err != nil {
		return fmt.Errorf("bench %d on PostgreSQL: %w", n, err)
	}
	defer dst.Close()
	pg := &benchPGResult{}
	libs, err := dst.Libraries(ctx)
	if err != nil {
		return err
	}
	if len(libs) == 0 {
		src := retrieval.NewIndex(dbPath)
		src.Logger = m.Logger
		if err := src.Open(); err != nil {
			return err
		}
		t0 := time.Now()
		_, err := retrieval.CopyStore(ctx, dst, src)
		src.Close()
		if err != nil {
			return fmt.Errorf("bench %d: copy to PostgreSQL: %w", n, err)
		}
		if err := dst.Optimize(ctx); err != nil { // ANALYZE: fresh planner statistics
			return err
		}
		pg.CopySeconds = time.Since(t0).Seconds()
		fmt.Fprintf(m.Stderr, "bench %d: copied to PostgreSQL in %.1fs\n", n, pg.CopySeconds)
	}

	ours, plain, oursTop, plainTop, err := askBoth(ctx, dst, questions)
	if err != nil {
		return err
	}
	pg.Ours = summarize(ours, func(i int) bool { return len(oursTop[i]) == 0 })
	pg.Plain = summarize(plain, func(i int) bool { return len(plainTop[i]) == 0 })
	pg.OverSQLiteP50 = ratio(pg.Ours.P50ms, res.Ours.P50ms)
	pg.OverSQLiteP99 = ratio(pg.Ours.P99ms, res.Ours.P99ms)
	res.Postgres = pg
	fmt.Fprintf(m.Stderr, "bench %d: postgres ours p50 %.2f p99 %.2f ms; plain p50 %.2f p99 %.2f ms\n", n,
		pg.Ours.P50ms, pg.Ours.P99ms, pg.Plain.P50ms, pg.Plain.P99ms)
	return nil
}

// benchPGDatabase returns the URL of database name on the server of
// serverURL, creating it if missing; without reuse an existing one is
// dropped and created afresh.
func benchPGDatabase(ctx context.Context, serverURL, name string, reuse bool) (string, error) {
	conn, err := pgx.Connect(ctx, serverURL)
	if err != nil {
		return "", fmt.Errorf("connect to %s: %w", retrieval.RedactURL(serverURL), err)
	}
	defer conn.Close(ctx)
	ident := pgx.Identifier{name}.Sanitize()
	var exists bool
	if err := conn.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return "", err
	}
	if exists && !reuse {
		if _, err := conn.Exec(ctx, "DROP DATABASE "+ident+" WITH (FORCE)"); err != nil {
			return "", err
		}
		exists = false
	}
	if !exists {
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
			return "", err
		}
	}
	u, err := url.Parse(serverURL)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}
