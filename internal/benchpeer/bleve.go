// Package benchpeer holds the peer engines the speed benchmark (verbatim
// bench) measures Verbatim's search against. It lives outside retrieval so
// that retrieval's dependencies stay the stdlib, SQLite and text processing.
package benchpeer

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"
)

// DefaultBatchSize is how many units Bleve indexes per batch.
const DefaultBatchSize = 5000

// Bleve is a Bleve v2 index (scorch, BM25 scoring, English analyzer) over
// the benchmark's units, each a document with one text field.
type Bleve struct {
	// Path is the index directory: Open creates it, or opens the index
	// already there.
	Path string
	// BatchSize is the number of units per indexing batch; 0 means
	// DefaultBatchSize.
	BatchSize int

	idx   bleve.Index
	batch *bleve.Batch
}

// NewBleve returns a Bleve index to be created at path.
func NewBleve(path string) *Bleve {
	return &Bleve{Path: path, BatchSize: DefaultBatchSize}
}

type unitDoc struct {
	Text string `json:"text"`
}

// Open opens the index at Path, creating it if the directory does not exist.
func (b *Bleve) Open() error {
	if _, err := os.Stat(b.Path); err == nil {
		idx, err := bleve.Open(b.Path)
		if err != nil {
			return fmt.Errorf("bleve %s: %w", b.Path, err)
		}
		b.idx = idx
		return nil
	}
	m := bleve.NewIndexMapping()
	m.ScoringModel = index.BM25Scoring
	m.DefaultAnalyzer = en.AnalyzerName
	dm := mapping.NewDocumentStaticMapping()
	text := mapping.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	dm.AddFieldMappingsAt("text", text)
	m.DefaultMapping = dm
	idx, err := bleve.NewUsing(b.Path, m, bleve.Config.DefaultIndexType, bleve.Config.DefaultKVStore, nil)
	if err != nil {
		return fmt.Errorf("bleve %s: %w", b.Path, err)
	}
	b.idx = idx
	return nil
}

// Add queues the unit id with text, indexing a full batch.
func (b *Bleve) Add(id int64, text string) error {
	if b.batch == nil {
		b.batch = b.idx.NewBatch()
	}
	if err := b.batch.Index(strconv.FormatInt(id, 10), unitDoc{Text: text}); err != nil {
		return fmt.Errorf("bleve unit %d: %w", id, err)
	}
	n := b.BatchSize
	if n <= 0 {
		n = DefaultBatchSize
	}
	if b.batch.Size() >= n {
		return b.Flush()
	}
	return nil
}

// Flush indexes the queued units.
func (b *Bleve) Flush() error {
	if b.batch == nil || b.batch.Size() == 0 {
		return nil
	}
	if err := b.idx.Batch(b.batch); err != nil {
		return fmt.Errorf("bleve batch: %w", err)
	}
	b.batch.Reset()
	return nil
}

// Search returns the ids of the best k units for terms OR-ed (each analysed
// like the indexed text), best BM25 score first.
func (b *Bleve) Search(ctx context.Context, terms []string, k int) ([]int64, error) {
	if len(terms) == 0 {
		return nil, nil
	}
	mq := query.NewMatchQuery(strings.Join(terms, " "))
	mq.SetField("text")
	mq.SetOperator(query.MatchQueryOperatorOr)
	req := bleve.NewSearchRequestOptions(mq, k, 0, false)
	res, err := b.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("bleve search: %w", err)
	}
	ids := make([]int64, 0, len(res.Hits))
	for _, h := range res.Hits {
		id, err := strconv.ParseInt(h.ID, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bleve hit %q: %w", h.ID, err)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Close closes the index.
func (b *Bleve) Close() error {
	if b.idx == nil {
		return nil
	}
	return b.idx.Close()
}
