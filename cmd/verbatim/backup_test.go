package main

import (
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestMain_Backup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "v.db")
	getenv := env("VERBATIM_DB", db)
	if _, _, err := runMain(t, getenv, "", "sources"); err != nil {
		t.Fatal(err)
	}
	bak := filepath.Join(dir, "v.bak")

	out, _, err := runMain(t, getenv, "", "backup", bak)
	if err != nil || !strings.Contains(out, "backed up") {
		t.Fatalf("backup: err %v, out %q", err, out)
	}
	if out, _, err := runMain(t, env("VERBATIM_DB", bak), "", "check"); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("check of the backup: err %v, out %q", err, out)
	}

	_, _, err = runMain(t, getenv, "", "backup", bak)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("backup over an existing file: err %v, want a refusal naming --force", err)
	}
	if _, _, err := runMain(t, getenv, "", "backup", "--force", bak); err != nil {
		t.Errorf("backup --force: %v", err)
	}
	if _, _, err := runMain(t, getenv, "", "backup", db); err == nil || exitCode(err) != 2 {
		t.Errorf("backup onto the database itself: err %v, want a usage error", err)
	}
	if _, _, err := runMain(t, getenv, "", "backup"); exitCode(err) != 2 {
		t.Errorf("backup without a path: err %v, want a usage error", err)
	}
	missing := filepath.Join(dir, "missing.db")
	if _, _, err := runMain(t, env("VERBATIM_DB", missing), "", "backup", filepath.Join(dir, "x.bak")); err == nil || !strings.Contains(err.Error(), "no database") {
		t.Errorf("backup of a missing database: err %v", err)
	}
	if _, err := os.Stat(missing); err == nil {
		t.Errorf("backup created the missing database")
	}
}

func TestMain_Check(t *testing.T) {
	db := filepath.Join(t.TempDir(), "v.db")
	getenv := env("VERBATIM_DB", db)
	if _, _, err := runMain(t, getenv, "", "sources"); err != nil {
		t.Fatal(err)
	}
	if out, _, err := runMain(t, getenv, "", "check"); err != nil || !strings.Contains(out, "ok") {
		t.Fatalf("check: err %v, out %q", err, out)
	}
	// Damage the search index: change a unit behind the triggers' back.
	raw, err := sql.Open("sqlite3", "file:"+db)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range []string{`DROP TRIGGER units_au`, `UPDATE units SET text = 'zebra crossing' WHERE id = (SELECT MIN(id) FROM units)`} {
		if _, err := raw.Exec(stmt); err != nil {
			t.Fatal(err)
		}
	}
	raw.Close()
	_, _, err = runMain(t, getenv, "", "check")
	if exitCode(err) != 1 || !strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), "integrity-check") {
		t.Errorf("check of a damaged database: err %v, exit %d", err, exitCode(err))
	}
}
