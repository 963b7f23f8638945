package retrieval

// Result kinds.
const (
	ResultQuote   = "quote"
	ResultPassage = "passage"
)

// Query is a question asked of one library.
type Query struct {
	Library string
	Text    string
	Limit   int // results wanted; 0 means DefaultLimit
	Offset  int // results to skip, for paging
}

// DefaultLimit is the number of results a Query with Limit 0 returns.
const DefaultLimit = 5

// Result is one answer to a Query: a quote or a passage, always the exact
// slice Source.Text[Start:End] of its source.
type Result struct {
	Kind         string    `json:"kind"`
	Text         string    `json:"text"`
	Speaker      string    `json:"speaker"`
	SpeakerTitle string    `json:"speaker_title"`
	Source       SourceRef `json:"source"`
	Start        int       `json:"start"`
	End          int       `json:"end"`
	Paragraph    int       `json:"paragraph"`
	Score        float64   `json:"score"`
	Fragment     bool      `json:"fragment,omitempty"`
	Confidence   float64   `json:"confidence,omitempty"`
	QuoteID      int64     `json:"quote_id,omitempty"`
}
