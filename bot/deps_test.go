package bot_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeps guards STYLE.md §2: bot is the Discord adapter and reaches the
// index only through the interfaces it declares, never through the SQLite
// driver, and never imports the embedded data (cmd wires the sample in).
// It checks bot's own imports: retrieval, which bot may import, brings the
// driver in underneath.
func TestDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	gomod, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	cmd := exec.Command(goBin, "list", "-f", `{{join .Imports "\n"}}`, "-tags", "sqlite_fts5", "./bot")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list ./bot: %v\n%s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		switch {
		case strings.Contains(dep, "sqlite"):
			t.Errorf("bot depends on %s: bot runs no SQL", dep)
		case dep == "github.com/verbatim-bot/verbatim/data":
			t.Errorf("bot depends on %s: cmd injects the sample", dep)
		case dep == "database/sql":
			t.Errorf("bot depends on %s: bot runs no SQL", dep)
		}
	}
}
