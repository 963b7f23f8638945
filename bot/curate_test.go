package bot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// fakeCurator is a bot.Curator whose methods call its fields; a nil field
// fails the call, except Setting, which then answers "unset".
type fakeCurator struct {
	AddAsFn            func(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error)
	SourceFn           func(ctx context.Context, library string, id int64) (retrieval.Source, error)
	EditSourceFn       func(ctx context.Context, library string, actor retrieval.Actor, id int64, e retrieval.SourceEdit) (retrieval.Source, error)
	RemoveSourceAsFn   func(ctx context.Context, library string, actor retrieval.Actor, id int64) (retrieval.Source, error)
	RefreshFn          func(ctx context.Context, library string, actor retrieval.Actor, id int64, fetch func(context.Context, string) (retrieval.Document, error)) (retrieval.AddResult, error)
	RemoveByAuthorFn   func(ctx context.Context, library string, actor retrieval.Actor, authorID string) (int, error)
	HistoryFn          func(ctx context.Context, library string, sourceID int64, limit int) ([]retrieval.AuditEntry, error)
	FixQuoteFn         func(ctx context.Context, library string, actor retrieval.Actor, id int64, speaker, title string) (retrieval.Quote, error)
	HideQuoteFn        func(ctx context.Context, library string, actor retrieval.Actor, id int64, hidden bool) (retrieval.Quote, error)
	SettingFn          func(ctx context.Context, library, key string) (string, error)
	SetSettingFn       func(ctx context.Context, library string, actor retrieval.Actor, key, value string) error
	CreateCollectionFn func(ctx context.Context, library string, actor retrieval.Actor, name string) error
	DeleteCollectionFn func(ctx context.Context, library string, actor retrieval.Actor, name string) error
	CollectSourcesFn   func(ctx context.Context, library string, actor retrieval.Actor, name string, remove bool, ids ...int64) error
	CollectionsFn      func(ctx context.Context, library string) ([]retrieval.Collection, error)

	mu      sync.Mutex
	changes []string // the calls that change the library, as "Method(actor)"
}

var _ bot.Curator = (*fakeCurator)(nil)

func (f *fakeCurator) changed(method string, a retrieval.Actor) {
	f.mu.Lock()
	f.changes = append(f.changes, method+"("+a.ID+" "+a.Name+")")
	f.mu.Unlock()
}

// Changes lists the changing calls so far.
func (f *fakeCurator) Changes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.changes...)
}

func (f *fakeCurator) AddAs(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error) {
	f.changed("AddAs", actor)
	if f.AddAsFn == nil {
		return nil, errUnexpected
	}
	return f.AddAsFn(ctx, library, actor, docs...)
}

func (f *fakeCurator) Source(ctx context.Context, library string, id int64) (retrieval.Source, error) {
	if f.SourceFn == nil {
		return retrieval.Source{}, errUnexpected
	}
	return f.SourceFn(ctx, library, id)
}

func (f *fakeCurator) EditSource(ctx context.Context, library string, actor retrieval.Actor, id int64, e retrieval.SourceEdit) (retrieval.Source, error) {
	f.changed("EditSource", actor)
	if f.EditSourceFn == nil {
		return retrieval.Source{}, errUnexpected
	}
	return f.EditSourceFn(ctx, library, actor, id, e)
}

func (f *fakeCurator) RemoveSourceAs(ctx context.Context, library string, actor retrieval.Actor, id int64) (retrieval.Source, error) {
	f.changed("RemoveSourceAs", actor)
	if f.RemoveSourceAsFn == nil {
		return retrieval.Source{}, errUnexpected
	}
	return f.RemoveSourceAsFn(ctx, library, actor, id)
}

func (f *fakeCurator) Refresh(ctx context.Context, library string, actor retrieval.Actor, id int64,
	fetch func(context.Context, string) (retrieval.Document, error)) (retrieval.AddResult, error) {
	f.changed("Refresh", actor)
	if f.RefreshFn == nil {
		return retrieval.AddResult{}, errUnexpected
	}
	return f.RefreshFn(ctx, library, actor, id, fetch)
}

func (f *fakeCurator) RemoveByAuthor(ctx context.Context, library string, actor retrieval.Actor, authorID string) (int, error) {
	f.changed("RemoveByAuthor", actor)
	if f.RemoveByAuthorFn == nil {
		return 0, errUnexpected
	}
	return f.RemoveByAuthorFn(ctx, library, actor, authorID)
}

func (f *fakeCurator) History(ctx context.Context, library string, sourceID int64, limit int) ([]retrieval.AuditEntry, error) {
	if f.HistoryFn == nil {
		return nil, errUnexpected
	}
	return f.HistoryFn(ctx, library, sourceID, limit)
}

func (f *fakeCurator) FixQuote(ctx context.Context, library string, actor retrieval.Actor, id int64, speaker, title string) (retrieval.Quote, error) {
	f.changed("FixQuote", actor)
	if f.FixQuoteFn == nil {
		return retrieval.Quote{}, errUnexpected
	}
	return f.FixQuoteFn(ctx, library, actor, id, speaker, title)
}

func (f *fakeCurator) HideQuote(ctx context.Context, library string, actor retrieval.Actor, id int64, hidden bool) (retrieval.Quote, error) {
	f.changed("HideQuote", actor)
	if f.HideQuoteFn == nil {
		return retrieval.Quote{}, errUnexpected
	}
	return f.HideQuoteFn(ctx, library, actor, id, hidden)
}

func (f *fakeCurator) Setting(ctx context.Context, library, key string) (string, error) {
	if f.SettingFn == nil {
		return "", nil
	}
	return f.SettingFn(ctx, library, key)
}

func (f *fakeCurator) SetSetting(ctx context.Context, library string, actor retrieval.Actor, key, value string) error {
	f.changed("SetSetting", actor)
	if f.SetSettingFn == nil {
		return errUnexpected
	}
	return f.SetSettingFn(ctx, library, actor, key, value)
}

func (f *fakeCurator) CreateCollection(ctx context.Context, library string, actor retrieval.Actor, name string) error {
	f.changed("CreateCollection", actor)
	if f.CreateCollectionFn == nil {
		return errUnexpected
	}
	return f.CreateCollectionFn(ctx, library, actor, name)
}

func (f *fakeCurator) DeleteCollection(ctx context.Context, library string, actor retrieval.Actor, name string) error {
	f.changed("DeleteCollection", actor)
	if f.DeleteCollectionFn == nil {
		return errUnexpected
	}
	return f.DeleteCollectionFn(ctx, library, actor, name)
}

func (f *fakeCurator) CollectSources(ctx context.Context, library string, actor retrieval.Actor, name string, remove bool, ids ...int64) error {
	f.changed("CollectSources", actor)
	if f.CollectSourcesFn == nil {
		return errUnexpected
	}
	return f.CollectSourcesFn(ctx, library, actor, name, remove, ids...)
}

func (f *fakeCurator) Collections(ctx context.Context, library string) ([]retrieval.Collection, error) {
	if f.CollectionsFn == nil {
		return nil, errUnexpected
	}
	return f.CollectionsFn(ctx, library)
}

// fetcherFunc adapts a function to bot.Fetcher.
type fetcherFunc func(ctx context.Context, url string) (retrieval.Document, error)

func (f fetcherFunc) Fetch(ctx context.Context, url string) (retrieval.Document, error) {
	return f(ctx, url)
}

// Who asks, in the curation tests.
const (
	aliceName     = "alice"
	curatorRoleID = "1600000000000000001"
	otherModID    = "1000000000000000002"
)

// cmd is a slash command in guild A, from testdata/command.json: name with
// options (raw JSON) and resolved (raw JSON, or "null"), by user with perms
// and roles.
type cmd struct {
	name, options, resolved string
	perms, user, roles      string
}

func (c cmd) interaction(tb testing.TB) *discordgo.Interaction {
	tb.Helper()
	if c.resolved == "" {
		c.resolved = "null"
	}
	if c.options == "" {
		c.options = "null"
	}
	if c.perms == "" {
		c.perms = permsModerator
	}
	if c.user == "" {
		c.user = aliceID
	}
	return interaction(tb, "command", "TYPE", "2", "NAME", c.name, "OPTIONS", c.options, "RESOLVED", c.resolved,
		"PERMISSIONS", c.perms, "USER", c.user, "USERNAME", aliceName, "ROLES", c.roles)
}

// sub builds the options of a subcommand with its own options.
func sub(name string, opts ...string) string {
	return `[{"name":"` + name + `","type":1,"options":[` + strings.Join(opts, ",") + `]}]`
}

func strOpt(name, value string) string {
	return `{"name":"` + name + `","type":3,"value":"` + jsonText(value) + `"}`
}

func intOpt(name string, value int64) string {
	return fmt.Sprintf(`{"name":%q,"type":4,"value":%d}`, name, value)
}

// newCurateBot is a bot over lib and cur, with no deferral unless work is
// slow.
func newCurateBot(t *testing.T, lib *fakeLibrary, cur *fakeCurator) *testBot {
	t.Helper()
	if lib == nil {
		lib = &fakeLibrary{}
	}
	b := MustNewBot(t, lib)
	b.Curator = cur
	return b
}

// final is the message a call ends with: the edit after a deferral, or the
// response itself.
func final(t *testing.T, calls []recorded) message {
	t.Helper()
	require.NotEmpty(t, calls)
	m := calls[len(calls)-1].msg(t)
	if calls[0].Call == "InteractionRespond" {
		first := calls[0].msg(t)
		if first.Type == typeDeferred {
			assert.Equal(t, ephemeral, first.Flags, "curation replies are private")
		} else if first.Type == typeMessage {
			assert.Equal(t, ephemeral, first.Flags, "curation replies are private")
		}
	}
	return m
}

func TestCurationCommands(t *testing.T) {
	nameRE := regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)
	cmds := bot.CurationCommands()
	all := append(bot.Commands(true), cmds...)
	names := map[string]bool{}
	for _, c := range all {
		assert.False(t, names[c.Name], "command %q twice", c.Name)
		names[c.Name] = true
	}
	for _, want := range []string{"source", "quote", "collection", "settings", "optout", "Add as source"} {
		assert.True(t, names[want], want)
	}
	var check func(path string, opts []*discordgo.ApplicationCommandOption) int
	check = func(path string, opts []*discordgo.ApplicationCommandOption) int {
		assert.LessOrEqual(t, len(opts), 25, path)
		size := 0
		required := true
		for _, o := range opts {
			p := path + " " + o.Name
			assert.Regexp(t, nameRE, o.Name, p)
			assert.Equal(t, strings.ToLower(o.Name), o.Name, p)
			n := utf8.RuneCountInString(o.Description)
			assert.True(t, n >= 1 && n <= 100, "%s: description of %d characters", p, n)
			assert.False(t, o.Autocomplete && len(o.Choices) > 0, p)
			assert.LessOrEqual(t, o.MaxLength, 6000, p)
			if o.Required {
				assert.True(t, required, "%s: a required option after an optional one", p)
			} else {
				required = false
			}
			size += utf8.RuneCountInString(o.Name) + n + check(p, o.Options)
		}
		return size
	}
	for _, c := range cmds {
		size := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
		if c.Type == discordgo.ChatApplicationCommand {
			assert.Regexp(t, nameRE, c.Name)
			n := utf8.RuneCountInString(c.Description)
			assert.True(t, n >= 1 && n <= 100, c.Name)
		} else {
			assert.Empty(t, c.Description)
			assert.Empty(t, c.Options)
		}
		size += check(c.Name, c.Options)
		assert.LessOrEqual(t, size, 8000, c.Name)
		if c.Name == "settings" {
			// Visible to the curator role, for /settings answers; the bot
			// checks each subcommand (TestCurate_Refused).
			assert.Nil(t, c.DefaultMemberPermissions)
		}
	}
}

// TestCurate_Refused sends every curation command, the paste form and the
// remove confirmation as a plain member: each is refused privately and
// nothing changes. A member with the curator role gets through, except
// to /settings.
func TestCurate_Refused(t *testing.T) {
	all := []cmd{
		{name: "source", options: sub("add", strOpt("url", "https://example.com/a"))},
		{name: "source", options: sub("paste")},
		{name: "source", options: sub("list")},
		{name: "source", options: sub("show", intOpt("id", 1))},
		{name: "source", options: sub("edit", intOpt("id", 1), strOpt("title", "New"))},
		{name: "source", options: sub("remove", intOpt("id", 1))},
		{name: "source", options: sub("refresh", intOpt("id", 1))},
		{name: "source", options: sub("history")},
		{name: "quote", options: sub("fix", intOpt("id", 1), strOpt("speaker", "Someone"))},
		{name: "quote", options: sub("hide", intOpt("id", 1))},
		{name: "quote", options: sub("unhide", intOpt("id", 1))},
		{name: "collection", options: sub("create", strOpt("name", "week 1"))},
		{name: "collection", options: sub("delete", strOpt("name", "week 1"))},
		{name: "collection", options: sub("add", strOpt("name", "week 1"), intOpt("source", 1))},
		{name: "collection", options: sub("remove", strOpt("name", "week 1"), intOpt("source", 1))},
		{name: "collection", options: sub("list")},
		{name: "collection", options: sub("scope", strOpt("name", "week 1"))},
		{name: "collection", options: sub("unscope")},
		{name: "settings", options: sub("curator-role", `{"name":"role","type":8,"value":"`+curatorRoleID+`"}`)},
	}
	for _, withRole := range []bool{false, true} {
		cur := &fakeCurator{SettingFn: func(ctx context.Context, library, key string) (string, error) {
			if key == "curator_role" && withRole {
				return curatorRoleID, nil
			}
			return "", nil
		}}
		b := newCurateBot(t, nil, cur)
		b.Fetcher = fetcherFunc(func(ctx context.Context, url string) (retrieval.Document, error) {
			t.Error("a refused member's link was fetched")
			return retrieval.Document{}, errUnexpected
		})
		for _, c := range all {
			c.perms = permsMember
			name := c.name + " " + regexp.MustCompile(`"name":"([a-z-]+)"`).FindStringSubmatch(c.options)[1]
			t.Run(fmt.Sprintf("%s/role=%v", name, withRole), func(t *testing.T) {
				m := final(t, b.Do(t, c.interaction(t)))
				assert.Contains(t, m.text(), "Only members who can manage this server")
				if c.name == "settings" {
					assert.Contains(t, m.text(), "can change this setting", "a curator role is not enough")
					return
				}
				if withRole {
					assert.Contains(t, m.text(), "<@&"+curatorRoleID+">", "names the role to ask for")
				} else {
					assert.Contains(t, m.text(), "/settings curator-role")
				}
			})
		}
		t.Run(fmt.Sprintf("PasteForm/role=%v", withRole), func(t *testing.T) {
			m := final(t, b.Do(t, interaction(t, "modal_submit", "PERMISSIONS", permsMember, "TITLE", "T", "DATE", "", "TEXT", "Some text.")))
			assert.Contains(t, m.text(), "Only members who can manage this server")
		})
		t.Run(fmt.Sprintf("AddAsSource/role=%v", withRole), func(t *testing.T) {
			m := final(t, b.Do(t, interaction(t, "add_as_source", "PERMISSIONS", permsMember, "CONTENT", "hello")))
			assert.Contains(t, m.text(), "Only members who can manage this server")
		})
		assert.Empty(t, cur.Changes(), "a refused member changed the library")
	}

	t.Run("CuratorRoleLetsIn", func(t *testing.T) {
		cur := &fakeCurator{
			SettingFn: func(ctx context.Context, library, key string) (string, error) { return curatorRoleID, nil },
			CollectionsFn: func(ctx context.Context, library string) ([]retrieval.Collection, error) {
				return []retrieval.Collection{{Name: "week 1", Sources: []int64{1, 2}}}, nil
			},
		}
		b := newCurateBot(t, nil, cur)
		m := final(t, b.Do(t, cmd{name: "collection", options: sub("list"), perms: permsMember, roles: `"` + curatorRoleID + `"`}.interaction(t)))
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "week 1")
		// But /settings stays with Manage Server.
		m = final(t, b.Do(t, cmd{name: "settings", options: sub("curator-role"), perms: permsMember, roles: `"` + curatorRoleID + `"`}.interaction(t)))
		assert.Contains(t, m.text(), "Only members who can manage this server can change this setting")
		assert.Empty(t, cur.Changes())
	})
	t.Run("ConfirmButton", func(t *testing.T) {
		cur := &fakeCurator{SourceFn: func(ctx context.Context, library string, id int64) (retrieval.Source, error) {
			return retrieval.Source{ID: id, Metadata: retrieval.Metadata{Title: "Arctic briefing"}}, nil
		}}
		lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) { return nil, nil }}
		b := newCurateBot(t, lib, cur)
		m := final(t, b.Do(t, cmd{name: "source", options: sub("remove", intOpt("id", 4))}.interaction(t)))
		remove := m.buttonID(t, "Remove")
		// The moderator who asked loses Manage Server before clicking.
		m = final(t, b.Do(t, interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", remove)))
		assert.Contains(t, m.text(), "Only the moderator who asked", "bob did not ask")
		i := interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", remove)
		i.Member.User.ID = aliceID
		m = final(t, b.Do(t, i))
		assert.Contains(t, m.text(), "Only members who can manage this server", "alice can no longer manage the server")
		assert.Empty(t, cur.Changes())
	})
}

func TestSourceAdd_Attachment(t *testing.T) {
	const article = "Arctic briefing\n\n\"The Arctic is not for sale,\" said Mute Egede, Prime Minister of Greenland.\n"
	var hits int
	var mu sync.Mutex
	files := map[string]string{
		"/a/article.txt": article,
		"/a/binary.txt":  "PK\x03\x04\x00\x00\x00binary",
		"/a/latin1.txt":  "caf\xe9 au lait",
		"/a/empty.md":    "   \n\n",
		"/a/big.txt":     strings.Repeat("word ", 400), // 2000 bytes, sent chunked
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits++
		mu.Unlock()
		assert.Empty(t, r.Header.Get("Authorization"), "the token went to the CDN")
		body, ok := files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		if r.URL.Path == "/a/big.txt" {
			// No Content-Length: the bot must stop reading at its cap.
			w.(http.Flusher).Flush()
		}
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)

	attachment := func(name string, size int, contentType string) string {
		return fmt.Sprintf(`{"attachments":{"1700000000000000001":{"id":"1700000000000000001","filename":%q,"size":%d,`+
			`"url":%q,"proxy_url":%q,"content_type":%q}}}`, name, size, srv.URL+"/a/"+name, srv.URL+"/a/"+name, contentType)
	}
	add := func(name string, size int, contentType string, extra ...string) *discordgo.Interaction {
		opts := append([]string{`{"name":"file","type":11,"value":"1700000000000000001"}`}, extra...)
		return cmd{name: "source", options: sub("add", opts...), resolved: attachment(name, size, contentType)}.interaction(t)
	}

	var got []retrieval.Document
	var gotActor retrieval.Actor
	cur := &fakeCurator{AddAsFn: func(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error) {
		assert.Equal(t, libraryA, library)
		got, gotActor = docs, actor
		status := retrieval.StatusAdded
		if len(got) == 1 && strings.Contains(docs[0].Title, "again") {
			status = retrieval.StatusUnchanged
		}
		return []retrieval.AddResult{{Source: retrieval.Source{ID: 9, Metadata: docs[0].Metadata}, Status: status,
			Passages: 2, Sentences: 2, Quotes: 1, Speakers: 1}}, nil
	}}
	lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
		assert.Equal(t, int64(9), f.SourceID)
		return []retrieval.Quote{{ID: 31, SourceID: 9, Text: "The Arctic is not for sale,", Speaker: "Mute Egede"}}, nil
	}}
	b := newCurateBot(t, lib, cur)
	b.Session.Client = srv.Client()
	b.MaxUpload = 1000

	t.Run("OK", func(t *testing.T) {
		calls := b.Do(t, add("article.txt", len(article), "text/plain; charset=utf-8",
			strOpt("author", "B. Writer"), strOpt("date", "2026-01-05"), strOpt("url", "https://example.org/arctic")))
		require.Len(t, calls, 2, "deferred, then edited")
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)
		m := final(t, calls)
		require.Len(t, got, 1)
		d := got[0]
		assert.Equal(t, "Arctic briefing", d.Title, "the title comes from the document")
		assert.Equal(t, "B. Writer", d.Author)
		assert.Equal(t, "2026-01-05", d.Published)
		assert.Equal(t, "https://example.org/arctic", d.URL)
		assert.Equal(t, "discord:upload/1700000000000000001/article.txt", d.Origin)
		assert.Contains(t, d.Text, "not for sale")
		assert.Equal(t, retrieval.Actor{ID: aliceID, Name: aliceName}, gotActor)
		assert.Contains(t, m.text(), "**Added** source #9 “Arctic briefing” (B. Writer, 2026-01-05): 2 passages, 1 quote, 1 speaker.")
		assert.Contains(t, m.text(), "Speakers: Mute Egede")
		Golden(t, "source_add", calls)
	})
	t.Run("Unchanged", func(t *testing.T) {
		m := final(t, b.Do(t, add("article.txt", len(article), "text/plain", strOpt("title", "Arctic again"))))
		assert.Contains(t, m.text(), "already in the library")
		assert.Contains(t, m.text(), "Nothing was added")
	})
	for _, tc := range []struct {
		name, file, contentType string
		size                    int
		want                    string
		downloads               bool
	}{
		{name: "PDF", file: "paper.pdf", contentType: "application/pdf", size: 100, want: "PDF is not supported yet — paste the text or export it as .txt"},
		{name: "PDFByType", file: "paper", contentType: "application/pdf", size: 100, want: "PDF is not supported yet"},
		{name: "Unsupported", file: "notes.docx", size: 100, want: "text (.txt), Markdown (.md) and HTML (.html) files only"},
		{name: "TooLargeSaid", file: "article.txt", size: 5 << 20, want: "That file is 5.0 MB; I accept files up to 1000 bytes"},
		{name: "TooLargeRead", file: "big.txt", size: 10, downloads: true, want: "I accept files up to 1000 bytes"},
		{name: "Binary", file: "binary.txt", size: 16, downloads: true, want: "That is not text"},
		{name: "NotUTF8", file: "latin1.txt", size: 12, downloads: true, want: "not UTF-8 text"},
		{name: "Empty", file: "empty.md", size: 6, downloads: true, want: "There is no text in that to add"},
		{name: "Gone", file: "missing.txt", size: 6, downloads: true, want: "something went wrong"},
		{name: "BadDate", file: "article.txt", size: 10, want: "YYYY-MM-DD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got = nil
			mu.Lock()
			before := hits
			mu.Unlock()
			var extra []string
			if tc.name == "BadDate" {
				extra = append(extra, strOpt("date", "14 February"))
			}
			m := final(t, b.Do(t, add(tc.file, tc.size, tc.contentType, extra...)))
			assert.Contains(t, m.text(), tc.want)
			assert.Nil(t, got, "nothing is stored")
			mu.Lock()
			assert.Equal(t, tc.downloads, hits > before, "downloaded")
			mu.Unlock()
		})
	}
	t.Run("NothingGiven", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("add", strOpt("title", "x"))}.interaction(t)))
		assert.Contains(t, m.text(), "Attach a file")
	})
}

func TestSourceAdd_URL(t *testing.T) {
	var stored []retrieval.Document
	cur := &fakeCurator{AddAsFn: func(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error) {
		stored = docs
		return []retrieval.AddResult{{Source: retrieval.Source{ID: 3, Metadata: docs[0].Metadata}, Status: retrieval.StatusAdded}}, nil
	}}
	lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) { return nil, nil }}
	b := newCurateBot(t, lib, cur)
	fetchErr := error(nil)
	b.Fetcher = fetcherFunc(func(ctx context.Context, url string) (retrieval.Document, error) {
		if fetchErr != nil {
			return retrieval.Document{}, fetchErr
		}
		return retrieval.Document{Metadata: retrieval.Metadata{Title: "Page title", Author: "Site", URL: url, Origin: url},
			Format: "html", Text: "Some words."}, nil
	})
	add := func(url string, extra ...string) *discordgo.Interaction {
		return cmd{name: "source", options: sub("add", append([]string{strOpt("url", url)}, extra...)...)}.interaction(t)
	}
	t.Run("OK", func(t *testing.T) {
		m := final(t, b.Do(t, add("https://example.com/page", strOpt("title", "My title"))))
		require.Len(t, stored, 1)
		assert.Equal(t, "My title", stored[0].Title, "the moderator's title wins")
		assert.Equal(t, "Site", stored[0].Author, "the page's author fills in")
		assert.Equal(t, "https://example.com/page", stored[0].Origin)
		assert.Contains(t, m.text(), "**Added** source #3 “My title”")
	})
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"Blocked", fmt.Errorf("http://10.0.0.1/: %w", retrieval.ErrBlockedAddress), "private or internal address"},
		{"TooLarge", fmt.Errorf("%w: it is over 5 MiB", retrieval.ErrTooLarge), "too large"},
		{"NotText", fmt.Errorf("%w: image/png", retrieval.ErrNotText), "not a web page or text"},
		{"Timeout", fmt.Errorf("%w: %w: https://x did not answer within 15s; try again later", retrieval.ErrFetch, retrieval.ErrFetchTimeout), "took too long to answer"},
		{"Deadline", fmt.Errorf("fetch https://x: %w", context.DeadlineExceeded), "took too long to answer"},
		{"Failed", fmt.Errorf("%w: status 404", retrieval.ErrFetch), "couldn't fetch that link"},
		{"Binary", &retrieval.IngestError{File: "page.txt", Err: retrieval.ErrBinary}, "That is not text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stored, fetchErr = nil, tc.err
			m := final(t, b.Do(t, add("https://example.com/page")))
			assert.Contains(t, m.text(), tc.want)
			assert.Contains(t, m.text(), "Nothing was added")
			assert.Nil(t, stored)
		})
	}
	fetchErr = nil
	t.Run("NotALink", func(t *testing.T) {
		m := final(t, b.Do(t, add("example dot com")))
		assert.Contains(t, m.text(), "http:// or https://")
	})
	t.Run("NoFetcher", func(t *testing.T) {
		b := newCurateBot(t, lib, cur)
		m := final(t, b.Do(t, add("https://example.com/page")))
		assert.Contains(t, m.text(), "not enabled")
	})
}

func TestSourcePaste(t *testing.T) {
	var stored []retrieval.Document
	cur := &fakeCurator{AddAsFn: func(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error) {
		stored = docs
		return []retrieval.AddResult{{Source: retrieval.Source{ID: 5, Metadata: docs[0].Metadata}, Status: retrieval.StatusAdded, Passages: 1}}, nil
	}}
	lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) { return nil, nil }}
	b := newCurateBot(t, lib, cur)

	t.Run("Form", func(t *testing.T) {
		calls := b.Do(t, cmd{name: "source", options: sub("paste")}.interaction(t))
		require.Len(t, calls, 1)
		assert.Equal(t, int(discordgo.InteractionResponseModal), calls[0].msg(t).Type)
		Golden(t, "source_paste", calls)
	})
	t.Run("Submit", func(t *testing.T) {
		m := final(t, b.Do(t, interaction(t, "modal_submit", "PERMISSIONS", permsModerator, "TITLE", "Notes from class",
			"DATE", "2026-03-01", "TEXT", jsonText("First paragraph.\n\nSecond paragraph."))))
		require.Len(t, stored, 1)
		assert.Equal(t, "Notes from class", stored[0].Title)
		assert.Equal(t, "2026-03-01", stored[0].Published)
		assert.Equal(t, "discord:paste/1300000000000000103", stored[0].Origin)
		assert.Equal(t, "First paragraph.\n\nSecond paragraph.", stored[0].Text)
		assert.Contains(t, m.text(), "**Added** source #5 “Notes from class”")
	})
	t.Run("BadDate", func(t *testing.T) {
		stored = nil
		m := final(t, b.Do(t, interaction(t, "modal_submit", "PERMISSIONS", permsModerator, "TITLE", "T", "DATE", "yesterday", "TEXT", "x")))
		assert.Contains(t, m.text(), "YYYY-MM-DD")
		assert.Nil(t, stored)
	})
	t.Run("Empty", func(t *testing.T) {
		m := final(t, b.Do(t, interaction(t, "modal_submit", "PERMISSIONS", permsModerator, "TITLE", "T", "DATE", "", "TEXT", "  ")))
		assert.Contains(t, m.text(), "no text")
		assert.Nil(t, stored)
	})
}

func TestAddAsSource(t *testing.T) {
	var stored []retrieval.Document
	cur := &fakeCurator{AddAsFn: func(ctx context.Context, library string, actor retrieval.Actor, docs ...retrieval.Document) ([]retrieval.AddResult, error) {
		stored = docs
		return []retrieval.AddResult{{Source: retrieval.Source{ID: 6, Metadata: docs[0].Metadata}, Status: retrieval.StatusAdded}}, nil
	}}
	lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) { return nil, nil }}
	b := newCurateBot(t, lib, cur)
	m := final(t, b.Do(t, interaction(t, "add_as_source", "PERMISSIONS", permsModerator,
		"CONTENT", jsonText("Compilers are **programs** that write programs. @everyone"))))
	require.Len(t, stored, 1)
	d := stored[0]
	// The channel's name is unknown without a gateway session's state.
	assert.Equal(t, "Message by Grace Hopper on 2026-02-14", d.Title)
	assert.Equal(t, "Grace Hopper", d.Author)
	assert.Equal(t, "https://discord.com/channels/"+guildA+"/1110000000000000001/1500000000000000102", d.URL)
	assert.Equal(t, "1000000000000000007", d.AuthorID, "so that Grace can /optout")
	assert.Equal(t, "2026-02-14", d.Published)
	assert.Contains(t, d.Text, "Compilers are programs that write programs.")
	assert.Contains(t, m.text(), "**Added** source #6")

	stored = nil
	m = final(t, b.Do(t, interaction(t, "add_as_source", "PERMISSIONS", permsModerator, "CONTENT", "")))
	assert.Contains(t, m.text(), "no text I can add")
	assert.Nil(t, stored)
}

func TestSourceRemove(t *testing.T) {
	removed := 0
	cur := &fakeCurator{
		SourceFn: func(ctx context.Context, library string, id int64) (retrieval.Source, error) {
			if id != 4 {
				return retrieval.Source{}, fmt.Errorf("library %q: %w", library, retrieval.ErrUnknownSource)
			}
			return retrieval.Source{ID: 4, Metadata: retrieval.Metadata{Title: "Arctic briefing"}}, nil
		},
		RemoveSourceAsFn: func(ctx context.Context, library string, actor retrieval.Actor, id int64) (retrieval.Source, error) {
			removed++
			return retrieval.Source{ID: 4, Metadata: retrieval.Metadata{Title: "Arctic briefing"}}, nil
		},
	}
	lib := &fakeLibrary{QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
		return []retrieval.Quote{{ID: 1}, {ID: 2}}, nil
	}}
	b := newCurateBot(t, lib, cur)
	click := func(customID, user string) []recorded {
		i := interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", customID)
		i.Member.User.ID = user
		i.Member.Permissions = discordgo.PermissionManageGuild
		return b.Do(t, i)
	}

	ask := b.Do(t, cmd{name: "source", options: sub("remove", intOpt("id", 4))}.interaction(t))
	m := final(t, ask)
	assert.Contains(t, m.text(), "Remove source #4 “Arctic briefing” and its 2 quotes")
	Golden(t, "source_remove", ask)
	remove, keep := m.buttonID(t, "Remove"), m.buttonID(t, "Cancel")
	assert.LessOrEqual(t, len(remove), 100)

	m = final(t, click(remove, otherModID))
	assert.Contains(t, m.text(), "Only the moderator who asked")
	assert.Zero(t, removed, "another moderator cannot confirm")

	i := interaction(t, "button", "GUILD", guildB, "CUSTOM_ID", remove)
	i.Member.User.ID = aliceID
	i.Member.Permissions = discordgo.PermissionManageGuild
	m = final(t, b.Do(t, i))
	assert.Contains(t, m.text(), "expired", "state from guild A finds nothing in guild B")

	calls := click(remove, aliceID)
	require.Len(t, calls, 1)
	m = calls[0].msg(t)
	assert.Equal(t, int(discordgo.InteractionResponseUpdateMessage), m.Type, "the confirmation is replaced")
	assert.Contains(t, m.text(), "Removed source #4 “Arctic briefing”")
	assert.Empty(t, m.Components, "no buttons left")
	assert.Equal(t, 1, removed)

	m = final(t, click(keep, aliceID))
	assert.Contains(t, m.text(), "expired", "a confirmation works once")

	m = final(t, b.Do(t, cmd{name: "source", options: sub("remove", intOpt("id", 99))}.interaction(t)))
	assert.Contains(t, m.text(), "No source in this server's library has that id")

	ask = b.Do(t, cmd{name: "source", options: sub("remove", intOpt("id", 4))}.interaction(t))
	m = final(t, click(final(t, ask).buttonID(t, "Cancel"), aliceID))
	assert.Contains(t, m.text(), "Kept source #4")
	assert.Equal(t, 1, removed)
}

func TestSourceEditShowListHistory(t *testing.T) {
	var edit retrieval.SourceEdit
	cur := &fakeCurator{
		EditSourceFn: func(ctx context.Context, library string, actor retrieval.Actor, id int64, e retrieval.SourceEdit) (retrieval.Source, error) {
			edit = e
			return retrieval.Source{ID: id, Metadata: retrieval.Metadata{Title: "Old title", Author: "New author"}}, nil
		},
		SourceFn: func(ctx context.Context, library string, id int64) (retrieval.Source, error) {
			return retrieval.Source{ID: id, Metadata: retrieval.Metadata{Title: "Arctic briefing", Author: "B. Writer",
				URL: "https://example.org/arctic", Origin: "https://example.org/arctic"}, Format: "html",
				AddedAt: b0, UpdatedAt: b0, FetchedAt: b0.Add(48 * time.Hour)}, nil
		},
		CollectionsFn: func(ctx context.Context, library string) ([]retrieval.Collection, error) {
			return []retrieval.Collection{{Name: "week 1", Sources: []int64{4}}}, nil
		},
		HistoryFn: func(ctx context.Context, library string, sourceID int64, limit int) ([]retrieval.AuditEntry, error) {
			var out []retrieval.AuditEntry
			for i := 0; i < 25 && len(out) < limit; i++ {
				out = append(out, retrieval.AuditEntry{ID: int64(25 - i), Time: b0, Actor: retrieval.Actor{ID: aliceID, Name: "alice"},
					Action: retrieval.ActionEdit, SourceID: 4, Detail: fmt.Sprintf("title: “v%d” → “v%d”", 24-i, 25-i)})
			}
			return out, nil
		},
	}
	lib := &fakeLibrary{
		QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
			if f.Hidden {
				return []retrieval.Quote{{ID: 78, SourceID: 4, Text: "Hidden words.", Speaker: "Someone"}}, nil
			}
			return []retrieval.Quote{{ID: 77, SourceID: 4, Text: "The Arctic is not for sale.", Speaker: "Mute Egede"}}, nil
		},
		SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) {
			var out []retrieval.Source
			for i := int64(1); i <= 12; i++ {
				out = append(out, retrieval.Source{ID: i, Metadata: retrieval.Metadata{Title: fmt.Sprintf("Doc %d", i)}})
			}
			return out, nil
		},
	}
	b := newCurateBot(t, lib, cur)

	t.Run("NotAnID", func(t *testing.T) {
		for _, sc := range []string{"show", "remove", "refresh", "history"} {
			m := final(t, b.Do(t, cmd{name: "source", options: sub(sc, strOpt("id", "arctic"))}.interaction(t)))
			assert.Contains(t, m.text(), "pick it from the list", sc)
		}
		m := final(t, b.Do(t, cmd{name: "source", options: sub("show", strOpt("id", "#4"))}.interaction(t)))
		require.Len(t, m.Embeds, 1, "#4 is an id")
	})
	t.Run("EditNothing", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("edit", intOpt("id", 4))}.interaction(t)))
		assert.Contains(t, m.text(), "Say what to change")
	})
	t.Run("EditBadLink", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("edit", intOpt("id", 4), strOpt("url", "javascript:alert(1)"))}.interaction(t)))
		assert.Contains(t, m.text(), "http:// or https://")
	})
	t.Run("Edit", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("edit", intOpt("id", 4), strOpt("author", "New author"))}.interaction(t)))
		require.NotNil(t, edit.Author)
		assert.Equal(t, "New author", *edit.Author)
		assert.Nil(t, edit.Title, "fields not given stay")
		assert.Contains(t, m.text(), "**Updated** source #4 “Old title”: author: New author.")
	})
	t.Run("Show", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("show", intOpt("id", 4))}.interaction(t)))
		require.Len(t, m.Embeds, 1)
		e := m.Embeds[0]
		assert.Equal(t, "#4 Arctic briefing", e.Title)
		assert.Contains(t, e.Description, "`quote #77` **Mute Egede**: “The Arctic is not for sale.”")
		assert.Contains(t, e.Description, "(hidden: `/quote unhide id:78`)")
		var fields []string
		for _, f := range e.Fields {
			fields = append(fields, f.Name+"="+f.Value)
		}
		joined := strings.Join(fields, "\n")
		assert.Contains(t, joined, fmt.Sprintf("As of=fetched <t:%d:f>", b0.Add(48*time.Hour).Unix()))
		assert.Contains(t, joined, "Collections=week 1")
		assert.Contains(t, joined, "Added from=link https://example.org/arctic")
	})
	t.Run("ListPaged", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("list")}.interaction(t)))
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "`#1` Doc 1")
		assert.NotContains(t, m.Embeds[0].Description, "Doc 11")
		more := m.buttonID(t, "More")
		i := interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", more)
		i.Member.Permissions = discordgo.PermissionManageGuild
		m = final(t, b.Do(t, i))
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "`#11` Doc 11")
		// A plain member cannot page on.
		m = final(t, b.Do(t, interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", more)))
		assert.Contains(t, m.text(), "Only members who can manage this server")
	})
	t.Run("HistoryPaged", func(t *testing.T) {
		m := final(t, b.Do(t, cmd{name: "source", options: sub("history", intOpt("id", 4))}.interaction(t)))
		require.Len(t, m.Embeds, 1)
		assert.Equal(t, "Changes to source #4", m.Embeds[0].Title)
		assert.Contains(t, m.Embeds[0].Description, "**alice** edited source #4 — title\\: “v24” → “v25”", "escaped for markdown")
		assert.Equal(t, 10, strings.Count(m.Embeds[0].Description, "\n"))
		i := interaction(t, "button", "GUILD", guildA, "CUSTOM_ID", m.buttonID(t, "More"))
		i.Member.Permissions = discordgo.PermissionManageGuild
		m = final(t, b.Do(t, i))
		assert.Contains(t, m.Embeds[0].Description, "“v14” → “v15”")
	})
}

func TestQuoteFixHide(t *testing.T) {
	var hidden *bool
	cur := &fakeCurator{
		FixQuoteFn: func(ctx context.Context, library string, actor retrieval.Actor, id int64, speaker, title string) (retrieval.Quote, error) {
			if id != 77 {
				return retrieval.Quote{}, retrieval.ErrUnknownQuote
			}
			return retrieval.Quote{ID: 77, Text: "The Arctic is not for sale.", Speaker: speaker, SpeakerTitle: title}, nil
		},
		HideQuoteFn: func(ctx context.Context, library string, actor retrieval.Actor, id int64, h bool) (retrieval.Quote, error) {
			hidden = &h
			return retrieval.Quote{ID: id, Text: "The Arctic is not for sale."}, nil
		},
	}
	b := newCurateBot(t, nil, cur)
	m := final(t, b.Do(t, cmd{name: "quote", options: sub("fix", intOpt("id", 77), strOpt("speaker", "Mute Egede"),
		strOpt("title", "Prime Minister"))}.interaction(t)))
	assert.Contains(t, m.text(), "**Fixed** quote #77: it is now attributed to **Mute Egede, Prime Minister**")
	m = final(t, b.Do(t, cmd{name: "quote", options: sub("fix", intOpt("id", 5), strOpt("speaker", "X"))}.interaction(t)))
	assert.Contains(t, m.text(), "No quote in this server's library has that id")
	m = final(t, b.Do(t, cmd{name: "quote", options: sub("hide", intOpt("id", 77))}.interaction(t)))
	require.NotNil(t, hidden)
	assert.True(t, *hidden)
	assert.Contains(t, m.text(), "**Hidden** quote #77")
	m = final(t, b.Do(t, cmd{name: "quote", options: sub("unhide", intOpt("id", 77))}.interaction(t)))
	assert.False(t, *hidden)
	assert.Contains(t, m.text(), "**Shown** quote #77 again")
	assert.Equal(t, []string{"FixQuote(" + aliceID + " alice)", "FixQuote(" + aliceID + " alice)",
		"HideQuote(" + aliceID + " alice)", "HideQuote(" + aliceID + " alice)"}, cur.Changes(), "every change names who made it")
}

func TestCollectionsAndScope(t *testing.T) {
	settings := map[string]string{}
	var mu sync.Mutex
	colls := []retrieval.Collection{{Name: "Week 1", Sources: []int64{2}}}
	cur := &fakeCurator{
		SettingFn: func(ctx context.Context, library, key string) (string, error) {
			mu.Lock()
			defer mu.Unlock()
			return settings[key], nil
		},
		SetSettingFn: func(ctx context.Context, library string, actor retrieval.Actor, key, value string) error {
			mu.Lock()
			defer mu.Unlock()
			settings[key] = value
			return nil
		},
		CollectionsFn: func(ctx context.Context, library string) ([]retrieval.Collection, error) { return colls, nil },
		CreateCollectionFn: func(ctx context.Context, library string, actor retrieval.Actor, name string) error {
			if strings.EqualFold(name, "week 1") {
				return retrieval.ErrCollectionExists
			}
			return nil
		},
		CollectSourcesFn: func(ctx context.Context, library string, actor retrieval.Actor, name string, remove bool, ids ...int64) error {
			if name != "Week 1" {
				return retrieval.ErrUnknownCollection
			}
			return nil
		},
	}
	var queries []retrieval.Query
	var filters []retrieval.QuoteFilter
	lib := &fakeLibrary{
		SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			queries = append(queries, q)
			return pagedSearch(sampleResults)(ctx, q)
		},
		QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
			filters = append(filters, f)
			return nil, nil
		},
	}
	b := newCurateBot(t, lib, cur)
	do := func(options string) message {
		return final(t, b.Do(t, cmd{name: "collection", options: options}.interaction(t)))
	}
	assert.Contains(t, do(sub("create", strOpt("name", "week 1"))).text(), "already exists")
	assert.Contains(t, do(sub("create", strOpt("name", "Week 2"))).text(), "**Created** the collection “Week 2”")
	assert.Contains(t, do(sub("add", strOpt("name", "Week 1"), intOpt("source", 2))).text(), "**Added** source #2 to the collection “Week 1”")
	assert.Contains(t, do(sub("add", strOpt("name", "nope"), intOpt("source", 2))).text(), "no collection of that name")
	assert.Contains(t, do(sub("scope", strOpt("name", "nope"))).text(), "no collection of that name")
	assert.Contains(t, do(sub("scope", strOpt("name", "week 1"))).text(), "**Scoped** this channel to the collection “Week 1”")
	assert.Equal(t, "Week 1", settings["scope:1110000000000000001"], "stored under the channel, with the collection's own name")
	assert.Contains(t, do(sub("list")).Embeds[0].Description, "This channel answers from the collection “Week 1”")

	calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
	require.NotEmpty(t, queries)
	assert.Equal(t, "Week 1", queries[len(queries)-1].Collection, "/ask in a scoped channel searches the collection")
	assert.Contains(t, calls[len(calls)-1].msg(t).text(), "from the collection “Week 1”")
	b.Do(t, interaction(t, "quotes", "SPEAKER", "Jens Stoltenberg"))
	require.NotEmpty(t, filters)
	assert.Equal(t, "Week 1", filters[len(filters)-1].Collection, "/quotes too")

	b.Do(t, interaction(t, "find_sources", "CONTENT", "Russia only invaded because of NATO"))
	assert.Equal(t, "Week 1", queries[len(queries)-1].Collection, "Find sources too")
	b.HandleMessage(context.Background(), newRecorder(), botUserID,
		mentionMessage(t, "<@"+botUserID+"> why did Russia go to war?", aliceID, false, botUserID))
	assert.Equal(t, "Week 1", queries[len(queries)-1].Collection, "and an @mention")

	assert.Contains(t, do(sub("unscope")).text(), "whole library again")
	b.Do(t, askInteraction(t, "Why did Russia go to war again?"))
	assert.Empty(t, queries[len(queries)-1].Collection)
}

func TestOptOutAndSettings(t *testing.T) {
	var who string
	var set [2]string
	cur := &fakeCurator{
		RemoveByAuthorFn: func(ctx context.Context, library string, actor retrieval.Actor, authorID string) (int, error) {
			who = authorID
			return 2, nil
		},
		SetSettingFn: func(ctx context.Context, library string, actor retrieval.Actor, key, value string) error {
			set = [2]string{key, value}
			return nil
		},
	}
	b := newCurateBot(t, nil, cur)
	m := final(t, b.Do(t, cmd{name: "optout", perms: permsMember, user: otherModID}.interaction(t)))
	assert.Equal(t, otherModID, who, "a member removes their own messages, no one else's")
	assert.Contains(t, m.text(), "Removed 2 of your messages")

	m = final(t, b.Do(t, cmd{name: "settings", options: sub("curator-role", `{"name":"role","type":8,"value":"`+curatorRoleID+`"}`),
		resolved: `{"roles":{"` + curatorRoleID + `":{"id":"` + curatorRoleID + `","name":"Librarians","color":0,"hoist":false,` +
			`"position":1,"permissions":"0","managed":false,"mentionable":false,"flags":0}}}`}.interaction(t)))
	assert.Equal(t, [2]string{"curator_role", curatorRoleID}, set)
	assert.Contains(t, m.text(), "<@&"+curatorRoleID+"> (Librarians) may now curate")
	m = final(t, b.Do(t, cmd{name: "settings", options: sub("curator-role")}.interaction(t)))
	assert.Equal(t, [2]string{"curator_role", ""}, set)
	assert.Contains(t, m.text(), "Cleared the curator role")
}

func TestCurateAutocomplete(t *testing.T) {
	lib := &fakeLibrary{SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) {
		return []retrieval.Source{
			{ID: 1, Metadata: retrieval.Metadata{Title: "Russia's war aims"}},
			{ID: 12, Metadata: retrieval.Metadata{Title: "Arctic briefing", Author: "B. Writer"}},
		}, nil
	}}
	b := newCurateBot(t, lib, &fakeCurator{})
	ac := func(perms, typed string) []choice {
		i := cmd{name: "source", perms: perms,
			options: sub("show", fmt.Sprintf(`{"name":"id","type":3,"value":%q,"focused":true}`, typed))}.interaction(t)
		i.Type = discordgo.InteractionApplicationCommandAutocomplete
		calls := b.Do(t, i)
		require.Len(t, calls, 1)
		return calls[0].msg(t).Choices
	}
	got := ac(permsModerator, "arc")
	require.Len(t, got, 1)
	assert.Equal(t, "#12 Arctic briefing — B. Writer", got[0].Name)
	assert.Equal(t, "12", got[0].Value, "the id, for a STRING option")
	assert.Len(t, ac(permsModerator, "1"), 2, "ids starting with 1")
	assert.Empty(t, ac(permsMember, ""), "nothing for members who cannot curate")
}

// b0 is a fixed time for the sources of the tests.
var b0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

func TestCurate_NotEnabled(t *testing.T) {
	b := MustNewBot(t, &fakeLibrary{})
	m := final(t, b.Do(t, cmd{name: "source", options: sub("list")}.interaction(t)))
	assert.Contains(t, m.text(), "not enabled")
	assert.NotContains(t, names(bot.Commands(false)), "source", "Commands stays the reading commands")
}

func names(cmds []*discordgo.ApplicationCommand) []string {
	var out []string
	for _, c := range cmds {
		out = append(out, c.Name)
	}
	return out
}
