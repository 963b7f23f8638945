package benchpeer_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/verbatim-bot/verbatim/internal/benchpeer"
)

func TestBleve_Search(t *testing.T) {
	b := benchpeer.NewBleve(filepath.Join(t.TempDir(), "bleve"))
	b.BatchSize = 2
	if err := b.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	texts := []string{"Bees make honey in summer.", "Rain falls on the plain.", "Nobody makes honey from rain.", "Cats sleep."}
	for i, s := range texts {
		if err := b.Add(int64(i+1), s); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.Flush(); err != nil {
		t.Fatal(err)
	}
	ids, err := b.Search(context.Background(), []string{"honey", "making"}, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != 2 || (ids[0] != 1 && ids[0] != 3) {
		t.Fatalf("ids = %v, want units 1 and 3", ids)
	}
	if ids, _ := b.Search(context.Background(), []string{"cats"}, 1); len(ids) != 1 || ids[0] != 4 {
		t.Fatalf("ids = %v, want [4]", ids)
	}
}
