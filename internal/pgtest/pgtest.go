// Package pgtest gives tests a fresh, empty PostgreSQL database of their
// own on the server named by VERBATIM_TEST_POSTGRES (a postgres:// URL of a
// role that may create databases), and drops it when the test ends.
//
// Without VERBATIM_TEST_POSTGRES the tests that need PostgreSQL skip with a
// message saying how to run them; .ci/run installs PostgreSQL, starts it on
// loopback and sets it.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Env is the variable naming the test server.
const Env = "VERBATIM_TEST_POSTGRES"

// StoreEnv, set to "postgres", makes the retrieval package's black-box
// tests (MustOpenIndex) run on PostgreSQL instead of SQLite.
const StoreEnv = "VERBATIM_TEST_STORE"

// ServerURL returns the test server's URL, or skips tb when there is none.
func ServerURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(Env)
	if u == "" {
		tb.Skipf("PostgreSQL half skipped: %s is not set (point it at a server, e.g. postgres://postgres@127.0.0.1:5432/postgres, or run bash .ci/run, which starts one)", Env)
	}
	return u
}

// OnPostgres reports whether StoreEnv asks for PostgreSQL.
func OnPostgres() bool { return os.Getenv(StoreEnv) == "postgres" }

// URL creates an empty database on the test server and returns its URL.
// The database is dropped when tb ends.
func URL(tb testing.TB) string {
	tb.Helper()
	server := ServerURL(tb)
	var b [6]byte
	if _, err := rand.Read(b[:]); err != nil {
		tb.Fatal(err)
	}
	name := "verbatim_test_" + hex.EncodeToString(b[:])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, server)
	if err != nil {
		tb.Fatalf("connect to %s server: %v", Env, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()+" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"); err != nil {
		tb.Fatalf("create test database: %v", err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, server)
		if err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			tb.Errorf("drop test database %s: %v", name, err)
		}
	})

	u, err := url.Parse(server)
	if err != nil {
		tb.Fatalf("%s: %v", Env, err)
	}
	u.Path = "/" + name
	return u.String()
}
