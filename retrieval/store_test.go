package retrieval_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/internal/pgtest"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// The store conformance tests: every black-box test of this package runs
// on SQLite, and again on PostgreSQL under VERBATIM_TEST_STORE=postgres
// (.ci/run does both). The tests below are about what only shows with
// several processes on one store — racing writers — so each runs on both
// stores in one go, with two Index values on one database standing for two
// bot processes.

// forEachStore runs f on a fresh SQLite file and on a fresh PostgreSQL
// database (skipped without a server), passing the database's path.
func forEachStore(t *testing.T, f func(t *testing.T, path string)) {
	t.Run("sqlite", func(t *testing.T) { f(t, filepath.Join(t.TempDir(), "verbatim.db")) })
	t.Run("postgres", func(t *testing.T) { f(t, pgtest.URL(t)) })
}

// TestStores_SameSourceTwice adds one document from two processes at once,
// several times over: the library must end with one source, added once.
func TestStores_SameSourceTwice(t *testing.T) {
	forEachStore(t, func(t *testing.T, path string) {
		a, b := MustOpenIndexAt(t, path), MustOpenIndexAt(t, path)
		ctx := context.Background()
		const writers = 8
		statuses := make([]retrieval.AddStatus, writers)
		var wg sync.WaitGroup
		for i := range writers {
			ix := a
			if i%2 == 1 {
				ix = b
			}
			wg.Go(func() {
				res, err := ix.Add(ctx, "news", newsDocs[0])
				if assert.NoError(t, err) {
					statuses[i] = res[0].Status
				}
			})
		}
		wg.Wait()
		added := 0
		for _, s := range statuses {
			if s == retrieval.StatusAdded {
				added++
			} else {
				assert.Equal(t, retrieval.StatusUnchanged, s)
			}
		}
		assert.Equal(t, 1, added, "statuses %v", statuses)
		for _, ix := range []*retrieval.Index{a, b} {
			srcs, err := ix.Sources(ctx, "news")
			require.NoError(t, err)
			assert.Len(t, srcs, 1)
		}
		require.NoError(t, a.CheckFTSForTest(ctx))
	})
}

// TestStores_RefreshDuringRemoval refreshes a source from one process while
// another removes it, in both orders: either the refresh lands first and
// the removal takes it all away, or the removal lands first and the refresh
// finds no source. Nothing derived from the source may be left behind.
func TestStores_RefreshDuringRemoval(t *testing.T) {
	forEachStore(t, func(t *testing.T, path string) {
		a, b := MustOpenIndexAt(t, path), MustOpenIndexAt(t, path)
		ctx := context.Background()
		for round := range 6 {
			res := MustAdd(t, a, "news", summit)
			id := res[0].Source.ID

			fetched := make(chan struct{})
			release := make(chan struct{})
			fetch := func(ctx context.Context, url string) (retrieval.Document, error) {
				close(fetched)
				<-release
				return fetchText(summitIntro+summitPledges, nil)(ctx, url)
			}
			var refreshErr, removeErr error
			var wg sync.WaitGroup
			wg.Go(func() { _, refreshErr = a.Refresh(ctx, "news", curator, id, fetch) })
			<-fetched // the refresh has read the source and is fetching
			if round%2 == 0 {
				// The removal commits while the refresh is fetching.
				_, removeErr = b.RemoveSourceAs(ctx, "news", curator, id)
				close(release)
				wg.Wait()
				require.NoError(t, removeErr)
				assert.ErrorIs(t, refreshErr, retrieval.ErrUnknownSource, "round %d", round)
			} else {
				// Both go at once.
				wg.Go(func() { _, removeErr = b.RemoveSourceAs(ctx, "news", curator, id) })
				close(release)
				wg.Wait()
				require.NoError(t, removeErr)
				if refreshErr != nil && !errors.Is(refreshErr, retrieval.ErrUnknownSource) {
					t.Fatalf("round %d: refresh: %v", round, refreshErr)
				}
			}
			for _, table := range []string{"sources", "paragraphs", "sentences", "quotes", "units"} {
				n, err := a.CountForTest(ctx, table, id)
				require.NoError(t, err)
				assert.Zero(t, n, "round %d: %s of removed source %d", round, table, id)
			}
			_, err := b.Search(ctx, retrieval.Query{Library: "news", Text: "artillery shells pledges"})
			assert.ErrorIs(t, err, retrieval.ErrNoMatch, "round %d: the removed source still answers", round)
			require.NoError(t, a.CheckFTSForTest(ctx))
		}
	})
}

// TestIndex_Backup_Postgres backs a PostgreSQL store up to a SQLite file,
// which then answers as the store does.
func TestIndex_Backup_Postgres(t *testing.T) {
	ctx := context.Background()
	pg := MustOpenIndexAt(t, pgtest.URL(t))
	MustAdd(t, pg, "news", newsDocs...)
	require.NoError(t, pg.CreateCollection(ctx, "news", curator, "NATO"))

	path := filepath.Join(t.TempDir(), "backup.db")
	require.NoError(t, pg.Backup(ctx, path))
	assert.ErrorIs(t, pg.Backup(ctx, path), fs.ErrExist, "a second backup must not overwrite the first")

	copy := MustOpenIndexAt(t, path)
	require.NoError(t, copy.Check(ctx))
	want, err := pg.Sources(ctx, "news")
	require.NoError(t, err)
	got, err := copy.Sources(ctx, "news")
	require.NoError(t, err)
	assert.Equal(t, want, got)
	colls, err := copy.Collections(ctx, "news")
	require.NoError(t, err)
	require.Len(t, colls, 1)
	assert.Equal(t, "NATO", colls[0].Name)
	// The copy answers from the same words at the same offsets.
	res, err := copy.Search(ctx, retrieval.Query{Library: "news", Text: "Will Russia accept NATO membership for Ukraine?"})
	require.NoError(t, err)
	require.NotEmpty(t, res)
	src, err := pg.Source(ctx, "news", res[0].Source.ID)
	require.NoError(t, err)
	assert.Equal(t, src.Text[res[0].Start:res[0].End], res[0].Text)
	assert.Contains(t, res[0].Text, "never accept NATO membership")
}
