package retrieval_test

import (
	"database/sql"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/retrieval"
)

// hostileQuestion is user text that must never break the FTS5 query, with
// what MatchQuery should make of it ("" means ErrEmptyQuery).
type hostileQuestion struct {
	name  string
	text  string
	match string
}

// hostileQuestions covers FTS5's query syntax, chat-platform markup and
// odd input. The index and fuzz tests reuse it.
var hostileQuestions = []hostileQuestion{
	{"DoubleQuote", `"`, ""},
	{"SingleQuote", `'`, ""},
	{"OpenParen", `(`, ""},
	{"Star", `*`, ""},
	{"Minus", `-`, ""},
	{"Colon", `:`, ""},
	{"Caret", `^`, ""},
	{"Near", `NEAR(a b)`, `"near"`},
	{"NearWords", `NEAR(sanctions russia, 5)`, `"near" OR "sanctions" OR "russia"`},
	{"UpperAND", `sanctions AND russia`, `"sanctions" OR "russia"`},
	{"UpperOR", `OR sanctions`, `"sanctions"`},
	{"UpperNOT", `NOT sanctions NOT`, `"sanctions"`},
	{"OperatorsOnly", `AND OR NOT`, ""},
	{"ColumnFilter", `author:ann`, `"author" OR "ann"`},
	{"ColumnFilterSpeaker", `speaker:Putin text:war`, `"speaker" OR "putin" OR "text" OR "war"`},
	{"NegatedColumn", `-speaker:putin`, `"speaker" OR "putin"`},
	{"Prefix", `hel*`, `"hel"`},
	{"Initial", `^hello`, `"hello"`},
	{"Plus", `arms + control`, `"arms" OR "control"`},
	{"Braces", `{text speaker}: treaty`, `"text" OR "speaker" OR "treaty"`},
	{"Unbalanced", `"unbalanced`, `"unbalanced"`},
	{"InteriorQuote", `foo"bar`, `"foo" OR "bar"`},
	{"Apostrophe", `don't stop`, `"stop"`},
	{"Hyphen", `multi-agent`, `"multi" OR "agent"`},
	{"URL", `https://x.com/a?b=c`, `"https" OR "com"`},
	{"Version", `ubuntu 20.04`, `"ubuntu" OR "20" OR "04"`},
	{"CPlusPlus", `C++`, ""},
	{"Email", `me@x.com`, `"com"`},
	{"UserMention", `<@123>`, `"123"`},
	{"NickMention", `<@!123456789012345678> hi`, `"123456789012345678" OR "hi"`},
	{"RoleMention", `<@&42> nato`, `"42" OR "nato"`},
	{"Everyone", `@everyone`, `"everyone"`},
	{"Here", `@here`, ""},
	{"Emoji", `🚀🔥 rocket 👍🏽`, `"rocket"`},
	{"EmojiOnly", `👨‍👩‍👧‍👦🎉`, ""},
	{"Cyrillic", `Что сказал Рябков?`, `"что" OR "сказал" OR "рябков"`},
	{"Arabic", `ماذا قال الأمين العام`, `"ماذا" OR "قال" OR "الأمين" OR "العام"`},
	{"CJK", `北约秘书长说了什么`, `"北约秘书长说了什么"`},
	{"Diacritics", `Erdoğan São Paulo`, `"erdoğan" OR "são" OR "paulo"`},
	{"CombiningMark", "e\u0301", ""},
	{"InvalidUTF8", "sanc\xfftions \xc3\x28 arms", `"sanc" OR "tions" OR "arms"`},
	{"NUL", "nato\x00russia", `"nato" OR "russia"`},
	{"Control", "nato\x07\x1b[31mrussia\x1a", `"nato" OR "31mrussia"`},
	{"Bidi", "\u202enato\u202c", `"nato"`},
	{"Empty", ``, ""},
	{"Whitespace", " \t\r\n\u00a0\u3000 ", ""},
	{"StopWordsOnly", `What did they say about it?`, ""},
	{"Duplicates", `NATO nato Nato`, `"nato"`},
	{"Question", `What did Stoltenberg say about Ukraine?`, `"stoltenberg" OR "ukraine"`},
	{"SQL", `'; DROP TABLE sources; --`, `"drop" OR "table" OR "sources"`},
	{"Percent", `100% _wild_ \escape`, `"100" OR "wild" OR "escape"`},
}

func TestMatchQuery(t *testing.T) {
	for _, tt := range hostileQuestions {
		t.Run(tt.name, func(t *testing.T) {
			got, err := retrieval.MatchQuery(tt.text)
			if tt.match == "" {
				require.ErrorIs(t, err, retrieval.ErrEmptyQuery)
				assert.Empty(t, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.match, got)
		})
	}

	t.Run("LongInput", func(t *testing.T) {
		// 100 KB of one word repeated: one term.
		got, err := retrieval.MatchQuery(strings.Repeat("sanctions ", 10_000))
		require.NoError(t, err)
		assert.Equal(t, `"sanctions"`, got)
	})
	t.Run("LongToken", func(t *testing.T) {
		// One 100 KB token is padding, not a word.
		_, err := retrieval.MatchQuery(strings.Repeat("a", 100_000))
		require.ErrorIs(t, err, retrieval.ErrEmptyQuery)
	})
	t.Run("TermCap", func(t *testing.T) {
		var b strings.Builder
		for i := range 10_000 {
			b.WriteString(word(i))
			b.WriteByte(' ')
		}
		require.Greater(t, b.Len(), 50_000)
		terms := retrieval.QueryTerms(b.String())
		require.Len(t, terms, 32)
		assert.Equal(t, word(0), terms[0])
		got, err := retrieval.MatchQuery(b.String())
		require.NoError(t, err)
		assert.Equal(t, 31, strings.Count(got, " OR "))
	})
}

// word returns a distinct lower-case word for i ("ba", "ca", …).
func word(i int) string {
	const letters = "bcdfghjklmnpqrstvwxz"
	var b []byte
	for {
		b = append(b, letters[i%len(letters)])
		i /= len(letters)
		if i == 0 {
			break
		}
	}
	return string(b) + "ao"
}

func TestQueryTerms(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"What did Russia's deputy foreign minister say?", []string{"russia", "deputy", "foreign", "minister"}},
		{"Who said \"we will never accept\"?", []string{"never", "accept"}},
		{"Sanctions, SANCTIONS and sanctions!", []string{"sanctions"}},
		{"x y z", nil},
		{"", nil},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, retrieval.QueryTerms(tt.text), "%q", tt.text)
	}
}

// TestMatchQuery_FTS5 runs every hostile question through a real FTS5 MATCH
// with the index's tokenizer and columns: none may be a syntax error.
func TestMatchQuery_FTS5(t *testing.T) {
	db := MustOpenFTS(t)
	for _, tt := range hostileQuestions {
		t.Run(tt.name, func(t *testing.T) {
			m, err := retrieval.MatchQuery(tt.text)
			if err != nil {
				require.ErrorIs(t, err, retrieval.ErrEmptyQuery)
				return
			}
			var n int
			require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM t WHERE t MATCH ?`, m).Scan(&n))
		})
	}
	t.Run("ColumnFilterIsAWord", func(t *testing.T) {
		// Raw, "speaker:putin" would filter on the speaker column and find
		// row 1; quoted, it looks for the words anywhere.
		m, err := retrieval.MatchQuery("speaker:putin")
		require.NoError(t, err)
		var n int
		require.NoError(t, db.QueryRow(`SELECT COUNT(*) FROM t WHERE t MATCH ?`, m).Scan(&n))
		assert.Equal(t, 2, n)
	})
}

// MustOpenFTS returns an in-memory database with a small FTS5 table t shaped
// like the index's (text, speaker, speaker_title, same tokenizer).
func MustOpenFTS(tb testing.TB) *sql.DB {
	tb.Helper()
	db, err := sql.Open("sqlite3", ":memory:")
	require.NoError(tb, err)
	db.SetMaxOpenConns(1)
	tb.Cleanup(func() { _ = db.Close() })
	_, err = db.Exec(`
		CREATE VIRTUAL TABLE t USING fts5 (text, speaker, speaker_title,
			tokenize = 'porter unicode61 remove_diacritics 2');
		INSERT INTO t VALUES ('We will respond to any aggression', 'Vladimir Putin', 'President of Russia');
		INSERT INTO t VALUES ('The speaker said Putin was wrong', 'Jens Stoltenberg', 'NATO Secretary General');
		INSERT INTO t VALUES ('Что сказал Рябков', '', '');`)
	require.NoError(tb, err)
	return db
}
