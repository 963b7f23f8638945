package retrieval_test

import (
	"context"
	"errors"
	"testing"

	"github.com/verbatim-bot/verbatim/retrieval"
)

func TestIndex_PlainSearch(t *testing.T) {
	ctx := context.Background()
	ix := MustOpenIndex(t)
	docs := []retrieval.Document{
		{Metadata: retrieval.Metadata{Title: "Bees", Origin: "bees.txt"}, Format: "text",
			Text: "Bees make honey in the summer. Wasps do not make honey."},
		{Metadata: retrieval.Metadata{Title: "Rain", Origin: "rain.txt"}, Format: "text",
			Text: "Rain falls on the plain. Nobody makes honey from rain."},
	}
	if _, err := ix.Add(ctx, "lib", docs...); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Add(ctx, "other", retrieval.Document{Metadata: retrieval.Metadata{Title: "X", Origin: "x.txt"},
		Format: "text", Text: "Honey honey honey, said the bear."}); err != nil {
		t.Fatal(err)
	}
	units := map[int64]retrieval.Unit{}
	if err := ix.EachUnit(ctx, "lib", func(u retrieval.Unit) error { units[u.ID] = u; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(units) == 0 {
		t.Fatal("EachUnit found no units")
	}

	t.Run("OK", func(t *testing.T) {
		ids, err := ix.PlainSearch(ctx, "lib", "who makes honey?", 10)
		if err != nil {
			t.Fatal(err)
		}
		if len(ids) == 0 {
			t.Fatal("no hits")
		}
		for _, id := range ids {
			u, ok := units[id]
			if !ok {
				t.Fatalf("hit %d is not a unit of lib (another library leaked in?)", id)
			}
			if u.Text == "" {
				t.Fatalf("unit %d has no text", id)
			}
		}
	})
	t.Run("Limit", func(t *testing.T) {
		ids, err := ix.PlainSearch(ctx, "lib", "honey rain", 1)
		if err != nil || len(ids) != 1 {
			t.Fatalf("got %v, %v; want one id", ids, err)
		}
	})
	t.Run("HostileText", func(t *testing.T) {
		if _, err := ix.PlainSearch(ctx, "lib", `honey" OR text:* NEAR(`, 10); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("ErrEmptyQuery", func(t *testing.T) {
		if _, err := ix.PlainSearch(ctx, "lib", "?? the", 10); !errors.Is(err, retrieval.ErrEmptyQuery) {
			t.Fatalf("err = %v, want ErrEmptyQuery", err)
		}
	})
	t.Run("ErrUnknownLibrary", func(t *testing.T) {
		if _, err := ix.PlainSearch(ctx, "nope", "honey", 10); !errors.Is(err, retrieval.ErrUnknownLibrary) {
			t.Fatalf("err = %v, want ErrUnknownLibrary", err)
		}
		if err := ix.EachUnit(ctx, "nope", func(retrieval.Unit) error { return nil }); !errors.Is(err, retrieval.ErrUnknownLibrary) {
			t.Fatalf("EachUnit err = %v, want ErrUnknownLibrary", err)
		}
	})
}
