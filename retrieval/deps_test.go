package retrieval_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDeps guards the import rule of STYLE.md §2: retrieval is the domain
// and must not depend on the Discord adapter (bot), on any Discord library,
// or on the embedded data (which cmd and tests inject as an fs.FS).
func TestDeps(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go is not on PATH")
	}
	gomod, err := exec.Command(goBin, "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	root := filepath.Dir(strings.TrimSpace(string(gomod)))

	cmd := exec.Command(goBin, "list", "-deps", "-tags", "sqlite_fts5", "./retrieval")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go list -deps ./retrieval: %v\n%s", err, out)
	}
	deps := strings.Fields(string(out))
	if len(deps) == 0 {
		t.Fatal("go list -deps ./retrieval printed nothing")
	}
	for _, dep := range deps {
		if why := forbiddenDep(dep); why != "" {
			t.Errorf("retrieval depends on %s: %s", dep, why)
		}
	}
}

// module is this module's path. It contains "bot" ("verbatim-bot"), which is
// why the rule looks at path elements, not substrings.
const module = "github.com/verbatim-bot/verbatim"

// forbiddenDep says why retrieval may not depend on the package at path p,
// or returns "" if it may.
func forbiddenDep(p string) string {
	own := p == module || strings.HasPrefix(p, module+"/")
	elems := strings.Split(strings.TrimPrefix(p, module), "/")
	if !own {
		elems = strings.Split(p, "/")
	}
	for _, e := range elems {
		low := strings.ToLower(e)
		switch {
		case low == "bot":
			return "the Discord adapter belongs above retrieval"
		case own && low == "data":
			return "retrieval takes content as an fs.FS; only cmd and tests import data"
		case strings.Contains(low, "discord"), strings.Contains(low, "arikawa"), strings.Contains(low, "disgo"):
			return "a Discord library"
		}
	}
	return ""
}

func TestForbiddenDep(t *testing.T) {
	for _, tt := range []struct {
		path   string
		reason bool
	}{
		{"github.com/verbatim-bot/verbatim/retrieval", false},
		{"github.com/verbatim-bot/verbatim", false},
		{"github.com/mattn/go-sqlite3", false},
		{"github.com/verbatim-bot/verbatim/bot", true},
		{"github.com/verbatim-bot/verbatim/bot/render", true},
		{"github.com/verbatim-bot/verbatim/data", true},
		{"github.com/other/data", false},
		{"github.com/someone/bot", true},
		{"github.com/bwmarrin/discordgo", true},
		{"github.com/diamondburned/arikawa/v3/api", true},
		{"github.com/disgoorg/disgo/handler", true},
		{"strings", false},
	} {
		if got := forbiddenDep(tt.path) != ""; got != tt.reason {
			t.Errorf("forbiddenDep(%q) forbidden = %v, want %v", tt.path, got, tt.reason)
		}
	}
}
