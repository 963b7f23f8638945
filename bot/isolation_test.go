package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Words every server's library uses, so that one question matches in all
// of them and a leak would have something to leak.
var isoTopics = []string{"harbor", "budget", "winter", "railway", "school", "river", "tax", "bridge",
	"hospital", "election", "forest", "energy", "museum", "festival", "drought", "ferry"}

// isoFirstNames are shared by every server, so that autocomplete prefixes
// match speakers everywhere; surnames are each server's own.
var isoFirstNames = []string{"Marta", "Jonas", "Ines", "Karl", "Lena", "Omar"}

// isoSource is one generated source and the words that exist only in it.
type isoSource struct {
	doc     retrieval.Document
	speaker string
	tokens  []string // lower case, unique to this source
}

// isoServer is one Discord server of the property test.
type isoServer struct {
	guild    string
	sources  []*isoSource
	scoped   map[int]bool // indexes of the sources in the scoped channel's collection
	speakers []string
	ids      []isoButton // buttons seen in this server's replies
}

// isoButton is a button's custom_id and the channel of the answer that
// showed it: its pages keep that channel's scope wherever it is clicked.
type isoButton struct{ id, ch string }

// nonce returns a word that exists nowhere else: "xq" and 8 letters.
func nonce(r *rand.Rand) string {
	b := []byte("xq")
	for range 8 {
		b = append(b, byte('a'+r.IntN(26)))
	}
	return string(b)
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

func newIsoSource(r *rand.Rand, guild string, n int) *isoSource {
	a, b, c, title := nonce(r), nonce(r), nonce(r), nonce(r)
	surname := nonce(r)
	surname = strings.ToUpper(surname[:1]) + surname[1:]
	speaker := pick(r, isoFirstNames) + " " + surname
	w := func() string { return pick(r, isoTopics) }
	text := fmt.Sprintf("The %s and the %s were debated in %s this week.\n\n"+
		"\"We will protect the %s and the %s of %s,\" said %s, Minister of %s.\n\n"+
		"Observers expect the %s to change %s before the %s.\n",
		w(), w(), a, w(), w(), b, speaker, strings.ToUpper(w()[:1])+"ublic Works", w(), c, w())
	return &isoSource{
		doc: retrieval.Document{
			Metadata: retrieval.Metadata{Title: "Report on the " + w() + " " + title, Author: "Desk " + guild,
				Origin: fmt.Sprintf("%s-%d.txt", guild, n)},
			Text: text,
		},
		speaker: speaker,
		tokens:  []string{a, b, c, title, strings.ToLower(surname)},
	}
}

// isoInteraction turns a fakediscord payload into the Interaction the
// gateway would hand the bot.
func isoInteraction(tb testing.TB, i *fakediscord.Interaction) *discordgo.Interaction {
	tb.Helper()
	if i.ApplicationID == "" {
		i.ApplicationID = "1200000000000000000"
	}
	raw, err := json.Marshal(i)
	require.NoError(tb, err)
	var di discordgo.Interaction
	require.NoError(tb, json.Unmarshal(raw, &di))
	require.NotEmpty(tb, di.ID)
	return &di
}

// TestIsolation is a property test: servers with random libraries and a
// channel scoped to a random collection get random questions, /quotes,
// /sources, autocomplete and clicks on buttons from their own and other
// servers' answers. No reply in one server may hold a word that exists
// only in another server's library (a title, a quote, a speaker, a
// passage), no reply in the scoped channel a word of a source outside its
// collection, and every foreign button is refused.
func TestIsolation(t *testing.T) {
	seed := uint64(7)
	r := rand.New(rand.NewPCG(seed, seed))
	const nServers, nSources, nOps = 8, 6, 600
	scopedChan := "1500000000000000009"
	ops := nOps
	if testing.Short() {
		ops = 150
	}

	ix := MustOpenIndex(t)
	ctx := context.Background()
	servers := make([]*isoServer, nServers)
	owner := map[string]int{} // token → server
	for g := range servers {
		s := &isoServer{guild: fmt.Sprintf("14000000000000000%02d", g), scoped: map[int]bool{}}
		servers[g] = s
		lib := bot.LibraryName(s.guild)
		var docs []retrieval.Document
		for n := range nSources {
			src := newIsoSource(r, s.guild, n)
			s.sources = append(s.sources, src)
			s.speakers = append(s.speakers, src.speaker)
			docs = append(docs, src.doc)
			for _, tok := range src.tokens {
				owner[tok] = g
			}
		}
		res, err := ix.Add(ctx, lib, docs...)
		require.NoError(t, err)
		require.NoError(t, ix.CreateCollection(ctx, lib, retrieval.LocalActor, "picked"))
		var ids []int64
		for n, ar := range res {
			if r.IntN(2) == 0 {
				s.scoped[n] = true
				ids = append(ids, ar.Source.ID)
			}
		}
		// Without sources in the collection, the channel answers from the
		// whole library.
		if len(ids) > 0 {
			require.NoError(t, ix.CollectSources(ctx, lib, retrieval.LocalActor, "picked", false, ids...))
			require.NoError(t, ix.SetSetting(ctx, lib, retrieval.LocalActor, "scope:"+scopedChan, "picked"))
		}
	}

	b := MustNewBot(t, ix)
	user := fakediscord.DefaultUserID
	counts := map[string]int{}
	shown := map[string]int{} // own library words seen in replies, by kind: the test is not vacuous

	// check fails the test if a reply in server g (channel ch) holds a
	// word it must not: another server's, or in the scoped channel, one of
	// a source outside the collection. Words the user typed are exempt:
	// replies may echo the question.
	check := func(g int, ch, input, what string, calls []recorded) {
		t.Helper()
		s := servers[g]
		var body strings.Builder
		for _, c := range calls {
			body.Write(c.Body)
			var m message
			if json.Unmarshal(c.Body, &m) == nil {
				if m.Data != nil {
					m = *m.Data
				}
				for _, id := range m.customIDs() {
					s.ids = append(s.ids, isoButton{id, ch})
				}
			}
		}
		text := strings.ToLower(body.String())
		input = strings.ToLower(input)
		for tok, o := range owner {
			if strings.Contains(input, tok) || !strings.Contains(text, tok) {
				continue
			}
			if o == g {
				shown[what]++
			}
			if o != g {
				t.Fatalf("%s in server %d shows %q, which only server %d's library holds:\n%s", what, g, tok, o, text)
			}
		}
		if ch != scopedChan || len(s.scoped) == 0 || what == "autocomplete" || what == "sources" {
			return
		}
		for n, src := range s.sources {
			if s.scoped[n] {
				continue
			}
			for _, tok := range src.tokens {
				if !strings.Contains(input, tok) && strings.Contains(text, tok) {
					t.Fatalf("%s in the channel scoped to a collection shows %q, from source %d outside it:\n%s", what, tok, n, text)
				}
			}
		}
	}

	foreignRefused := 0
	for op := range ops {
		g := r.IntN(nServers)
		s := servers[g]
		ch := fakediscord.DefaultChannelID
		if r.IntN(3) == 0 {
			ch = scopedChan
		}
		// Sometimes a question names another server's words.
		other := servers[r.IntN(nServers)]
		foreign := pick(r, other.sources).tokens[r.IntN(5)]
		switch k := r.IntN(10); {
		case k < 4:
			q := pick(r, isoTopics) + " " + pick(r, isoTopics)
			if r.IntN(4) == 0 {
				q += " " + foreign
			}
			i := fakediscord.SlashCommand(s.guild, ch, user, "ask", fakediscord.StringOpt("question", q))
			check(g, ch, q, "ask", b.Do(t, isoInteraction(t, i)))
			counts["ask"]++
		case k < 6:
			sp := pick(r, s.speakers)
			if r.IntN(3) == 0 {
				sp = pick(r, other.speakers)
			}
			i := fakediscord.SlashCommand(s.guild, ch, user, "quotes", fakediscord.StringOpt("speaker", sp))
			check(g, ch, sp, "quotes", b.Do(t, isoInteraction(t, i)))
			counts["quotes"]++
		case k < 7:
			prefix := pick(r, isoFirstNames)[:1+r.IntN(3)]
			i := fakediscord.Autocomplete(s.guild, ch, user, "quotes", fakediscord.Focused(fakediscord.StringOpt("speaker", prefix)))
			check(g, ch, prefix, "autocomplete", b.Do(t, isoInteraction(t, i)))
			counts["autocomplete"]++
		case k < 8:
			i := fakediscord.SlashCommand(s.guild, ch, user, "sources")
			check(g, ch, "", "sources", b.Do(t, isoInteraction(t, i)))
			counts["sources"]++
		default:
			from := servers[r.IntN(nServers)]
			if len(from.ids) == 0 {
				continue
			}
			btn := pick(r, from.ids)
			calls := b.Do(t, isoInteraction(t, fakediscord.Button(s.guild, ch, user, btn.id, nil)))
			if from != s {
				require.NotEmpty(t, calls, "op %d: foreign click unanswered", op)
				for _, c := range calls {
					m := c.msg(t)
					require.Empty(t, m.Embeds, "op %d: a button from server %s worked in %s", op, from.guild, s.guild)
					require.Contains(t, m.text(), "ask again", "op %d", op)
				}
				foreignRefused++
			}
			check(g, btn.ch, "", "click", calls)
			counts["click"]++
		}
	}
	require.Positive(t, foreignRefused, "no foreign button was tried")
	for _, k := range []string{"ask", "quotes", "autocomplete", "sources", "click"} {
		require.Positive(t, shown[k], "no %s reply showed anything of its own library", k)
	}
	t.Logf("seed %d: %d servers × %d sources; operations %v; own words shown %v; %d foreign buttons refused",
		seed, nServers, nSources, counts, shown, foreignRefused)
}
