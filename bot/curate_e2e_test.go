package bot_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/verbatim-bot/verbatim/bot"
	"github.com/verbatim-bot/verbatim/internal/fakediscord"
	"github.com/verbatim-bot/verbatim/retrieval"
)

// Members of the curation end-to-end test. The fake names each user
// "user" + id, which is the name the audit log shows.
const (
	cModID      = "1100000000000000501" // has Manage Server
	cMod2ID     = "1100000000000000502" // has Manage Server too
	cMemberID   = "1100000000000000503" // a plain member
	cCuratorID  = "1100000000000000504" // has the curator role
	cAuthorID   = "1100000000000000505" // wrote a message that became a source
	cRoleID     = "1100000000000000601"
	cChannelID  = fakediscord.DefaultChannelID
	cChannel2ID = "1100000000000000201"
)

const modPerms = fakediscord.DefaultMemberPermissions | fakediscord.PermManageGuild

// pageV1 and pageV2 are the article the test site serves, before and
// after an update: V2 adds a paragraph and keeps the quotes.
const (
	pageHead = `<!doctype html><html><head><title>Greenland talks</title><meta name="author" content="Nordic Desk">` +
		`<meta property="article:published_time" content="2026-02-02T08:00:00Z"></head><body><article>` +
		`<h1>Greenland talks</h1>` +
		`<p>Greenland's leaders met Danish ministers in Nuuk on Monday to discuss the island's future.</p>` +
		`<p>"We will decide our own future, and nobody else will," said Mute Egede, Prime Minister of Greenland.</p>` +
		`<p>"Shipping lanes through the Arctic are opening faster than anyone expected," said Anna Berg, a port official in Nuuk.</p>`
	pageV1 = pageHead + `</article></body></html>`
	pageV2 = pageHead + `<p>"The talks will continue in Copenhagen next month," said Lars Holm, a Danish negotiator.</p></article></body></html>`
)

// curateE2E is the fake Discord, the bot and the test site.
type curateE2E struct {
	*e2e
	ix   *retrieval.Index
	site *httptest.Server
	ver  *atomic.Int32 // which version of the article the site serves
}

// do dispatches i and returns its final message: the response, or the
// edit that completes a deferred one. Every curation reply is private.
func (e *curateE2E) do(i *fakediscord.Interaction) (ack, final message) {
	e.t.Helper()
	e.f.DispatchInteraction(e.t, i)
	ack = e.wait(i, fakediscord.IsCallback, 3*time.Second)
	final = ack
	if ack.Type == typeDeferred {
		final = e.wait(i, fakediscord.IsEditOriginal, 20*time.Second)
	}
	if ack.Type == typeMessage || ack.Type == typeDeferred {
		assert.Equal(e.t, ephemeral, ack.Flags&ephemeral, "a curation reply is private")
	}
	return ack, final
}

// slash is a slash command in the test guild's channel by user.
func slash(user string, perms int64, name string, opts ...fakediscord.Opt) *fakediscord.Interaction {
	return fakediscord.SlashCommand(fakediscord.DefaultGuildID, cChannelID, user, name, opts...).WithPermissions(perms)
}

var addedRE = regexp.MustCompile(`(?:Added|Updated)\*\* source #(\d+)`)

// addedID is the id of the source a reply says it added.
func addedID(t *testing.T, m message) int64 {
	t.Helper()
	sm := addedRE.FindStringSubmatch(m.text())
	require.NotNil(t, sm, "no source added: %q", m.text())
	id, _ := strconv.ParseInt(sm[1], 10, 64)
	return id
}

// TestE2E_Curate curates a library from Discord end to end: the real
// discordgo session against the fake Discord, a real SQLite index and the
// real retrieval.Fetcher reading a local site. The subtests share one
// session and run in order, each building on the library the earlier
// ones left.
func TestE2E_Curate(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test skipped in -short mode")
	}
	ctx := context.Background()
	ix := MustOpenIndex(t)
	library := bot.LibraryName(fakediscord.DefaultGuildID)

	ver := &atomic.Int32{}
	ver.Store(1)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/greenland":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			if ver.Load() == 1 {
				fmt.Fprint(w, pageV1)
			} else {
				fmt.Fprint(w, pageV2)
			}
		case "/chart.png":
			w.Header().Set("Content-Type", "image/png")
			_, _ = w.Write([]byte("\x89PNG\r\n\x1a\n"))
		case "/slow":
			select {
			case <-time.After(5 * time.Second):
			case <-r.Context().Done():
			}
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)

	f := fakediscord.New(t, fakediscord.WithChannel(fakediscord.DefaultGuildID, cChannelID, "study-hall"))
	b := bot.New(bot.Config{Token: fakediscord.DefaultToken}, ix)
	require.NotNil(t, b.Curator, "New takes the index as the Curator")
	fetcher := retrieval.NewFetcher()
	fetcher.AllowLoopback = true // the test site; every other private address stays blocked
	fetcher.Timeout = time.Second
	b.Fetcher = fetcher
	log := &syncBuffer{}
	b.Logger = newTestLogger(log)
	b.Cooldown = 0
	b.Session.ShouldReconnectOnError = false
	f.Redirect(b.Session)
	require.NoError(t, b.Open(ctx))
	t.Cleanup(func() {
		_ = b.Close()
		assert.NotContains(t, log.String(), fakediscord.DefaultToken, "the token reached the log")
	})
	f.WaitIdentified(t, 5*time.Second)
	e := &curateE2E{e2e: &e2e{t: t, f: f, b: b, log: log}, ix: ix, site: site, ver: ver}

	sourceCount := func(t *testing.T) int {
		srcs, err := ix.Sources(ctx, library)
		require.NoError(t, err)
		return len(srcs)
	}
	var fileID, linkID, pasteID, messageID int64

	t.Run("CommandsRegistered", func(t *testing.T) {
		r := f.WaitRequest(t, 5*time.Second, fakediscord.IsCommandsPut)
		assert.Empty(t, r.Violations)
		var cmds []discordgo.ApplicationCommand
		require.NoError(t, r.Decode(&cmds))
		var names []string
		for _, c := range cmds {
			names = append(names, c.Name)
		}
		assert.ElementsMatch(t, []string{"ask", "quotes", "sources", "Find sources",
			"source", "quote", "collection", "settings", "optout", "Add as source",
			"compare", "export", "daily", "pin", "unpin", "gaps"}, names)
	})
	t.Run("AddByAttachment", func(t *testing.T) {
		e.t = t
		a := f.AddAttachment("arctic.txt", "text/plain; charset=utf-8", []byte("Arctic briefing\n\n"+arcticDoc.Text))
		ack, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add",
			fakediscord.AttachmentOpt("file", a), fakediscord.StringOpt("author", "B. Writer"),
			fakediscord.StringOpt("date", "2026-01-05"))))
		assert.Equal(t, typeDeferred, ack.Type, "a download is deferred first")
		fileID = addedID(t, m)
		assert.Contains(t, m.text(), "Mute Egede", "the speakers found")
		dl := f.WaitRequest(t, time.Second, fakediscord.IsCDN)
		assert.Empty(t, dl.Authorization, "the token stays with the API")
		src, err := ix.Source(ctx, library, fileID)
		require.NoError(t, err)
		assert.Equal(t, "Arctic briefing", src.Title, "the title comes from the text's headline")
		assert.Equal(t, "B. Writer", src.Author)

		// The same text again, under another name: already there.
		a2 := f.AddAttachment("arctic-copy.txt", "text/plain", []byte("Arctic briefing\n\n"+arcticDoc.Text))
		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add", fakediscord.AttachmentOpt("file", a2))))
		assert.Contains(t, m.text(), "already in the library")
		assert.Equal(t, 1, sourceCount(t))
	})
	t.Run("BadAttachments", func(t *testing.T) {
		e.t = t
		for _, tc := range []struct {
			name, contentType, data, want string
		}{
			{"paper.pdf", "application/pdf", "%PDF-1.7\n", "PDF is not supported yet — paste the text or export it as .txt"},
			{"notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "PK", "files only"},
			{"scan.txt", "text/plain", "PK\x03\x04\x00\x00binary\x00", "That is not text"},
			{"latin1.txt", "text/plain", "caf\xe9 cr\xe8me", "not UTF-8 text"},
			{"blank.md", "text/markdown", "\n\n   \n", "There is no text in that to add"},
		} {
			a := f.AddAttachment(tc.name, tc.contentType, []byte(tc.data))
			_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add", fakediscord.AttachmentOpt("file", a))))
			assert.Contains(t, m.text(), tc.want, tc.name)
		}
		// Over the limit, though the attachment claims to be small: the
		// download stops at the limit.
		big := f.AddAttachment("big.txt", "text/plain", []byte(strings.Repeat("All work and no play. ", bot.DefaultMaxUpload/20)))
		big.Size = 100
		_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add", fakediscord.AttachmentOpt("file", big))))
		assert.Contains(t, m.text(), "I accept files up to 10.0 MB")
		assert.Equal(t, 1, sourceCount(t), "nothing stored")
	})
	t.Run("AddByURL", func(t *testing.T) {
		e.t = t
		ack, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add",
			fakediscord.StringOpt("url", site.URL+"/greenland"))))
		assert.Equal(t, typeDeferred, ack.Type, "a fetch is deferred first")
		linkID = addedID(t, m)
		assert.Contains(t, m.text(), "Greenland talks")
		src, err := ix.Source(ctx, library, linkID)
		require.NoError(t, err)
		assert.Equal(t, "Nordic Desk", src.Author)
		assert.Equal(t, site.URL+"/greenland", src.Origin)
		assert.False(t, src.FetchedAt.IsZero(), "a source from a link knows when it was fetched")
	})
	t.Run("BadLinks", func(t *testing.T) {
		e.t = t
		for _, tc := range []struct{ url, want string }{
			{"http://169.254.169.254/latest/meta-data/", "private or internal address"},
			{"http://10.1.2.3/notes", "private or internal address"},
			{site.URL + "/chart.png", "not a web page or text"},
			{site.URL + "/slow", "took too long to answer"},
			{site.URL + "/missing", "couldn't fetch that link"},
			{"ftp://example.com/file.txt", "http:// or https://"},
		} {
			_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("add", fakediscord.StringOpt("url", tc.url))))
			assert.Contains(t, m.text(), tc.want, tc.url)
		}
		assert.Equal(t, 2, sourceCount(t), "nothing stored")
	})
	t.Run("AddByForm", func(t *testing.T) {
		e.t = t
		i := slash(cModID, modPerms, "source", fakediscord.Subcommand("paste"))
		f.DispatchInteraction(t, i)
		r := f.WaitRequest(t, 3*time.Second, fakediscord.And(fakediscord.ForInteraction(i), fakediscord.IsCallback))
		require.Less(t, r.Status, 300, "%s: %s", r, r.Response)
		assert.Empty(t, r.Violations, "the form passes Discord's checks")
		var modal struct {
			Type int
			Data struct {
				CustomID string `json:"custom_id"`
			}
		}
		require.NoError(t, r.Decode(&modal))
		require.Equal(t, int(discordgo.InteractionResponseModal), modal.Type)

		_, m := e.do(fakediscord.ModalSubmit(fakediscord.DefaultGuildID, cChannelID, cModID, modal.Data.CustomID, map[string]string{
			"title": "Seminar notes", "author": "Study group", "url": "", "date": "2026-03-02",
			"text": "Week one.\n\n\"Sovereignty is not negotiable,\" said Vivian Motzfeldt, Greenland's foreign minister.",
		}).WithPermissions(modPerms))
		pasteID = addedID(t, m)
		assert.Contains(t, m.text(), "Seminar notes")
	})
	t.Run("AddByContextMenu", func(t *testing.T) {
		e.t = t
		target := fakediscord.MessageCreate(fakediscord.DefaultGuildID, cChannelID, cAuthorID,
			`As my professor put it: "Ice does not care about borders," said Karen Lund, a glaciologist.`)
		target.Author.GlobalName = "Kim Author"
		_, m := e.do(fakediscord.MessageCommand(fakediscord.DefaultGuildID, cChannelID, cModID, "Add as source", target).
			WithPermissions(modPerms))
		messageID = addedID(t, m)
		src, err := ix.Source(ctx, library, messageID)
		require.NoError(t, err)
		assert.Equal(t, "Message by Kim Author in #study-hall on "+target.Timestamp.Format("2006-01-02"), src.Title)
		assert.Equal(t, "Kim Author", src.Author)
		assert.Equal(t, "https://discord.com/channels/"+fakediscord.DefaultGuildID+"/"+cChannelID+"/"+target.ID, src.URL)
		assert.Equal(t, cAuthorID, src.AuthorID)
	})
	t.Run("ListShowEdit", func(t *testing.T) {
		e.t = t
		_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("list")))
		require.Len(t, m.Embeds, 1)
		for _, id := range []int64{fileID, linkID, pasteID, messageID} {
			assert.Contains(t, m.Embeds[0].Description, fmt.Sprintf("`#%d`", id))
		}
		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("show", srcOpt("id", linkID))))
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "quote #")
		assert.Contains(t, fieldsOf(m.Embeds[0]), "As of=fetched <t:")

		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("edit", srcOpt("id", linkID),
			fakediscord.StringOpt("title", "Greenland talks in Nuuk"), fakediscord.StringOpt("date", "2026-02-03"))))
		assert.Contains(t, m.text(), "**Updated** source")
		src, err := ix.Source(ctx, library, linkID)
		require.NoError(t, err)
		assert.Equal(t, "Greenland talks in Nuuk", src.Title)
		assert.Equal(t, "2026-02-03", src.Published)
	})

	var hiddenText string
	t.Run("QuoteFixAndHide", func(t *testing.T) {
		e.t = t
		qs, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: linkID})
		require.NoError(t, err)
		var egede, berg retrieval.Quote
		for _, q := range qs {
			switch {
			case strings.Contains(q.Text, "decide our own future"):
				egede = q
			case strings.Contains(q.Text, "Shipping lanes"):
				berg = q
			}
		}
		require.NotZero(t, egede.ID, "quotes: %+v", qs)
		require.NotZero(t, berg.ID, "quotes: %+v", qs)

		// The quote id is on the card a listing shows.
		i := slash(cMemberID, fakediscord.DefaultMemberPermissions, "quotes", fakediscord.StringOpt("speaker", "Anna Berg"))
		f.DispatchInteraction(t, i)
		answer := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		if answer.Type == typeDeferred {
			answer = e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		}
		require.NotEmpty(t, answer.Embeds, answer.text())
		assert.Contains(t, answer.Embeds[0].Footer.Text, fmt.Sprintf("quote #%d", berg.ID))

		_, m := e.do(slash(cModID, modPerms, "quote", fakediscord.Subcommand("fix", fakediscord.IntOpt("id", egede.ID),
			fakediscord.StringOpt("speaker", "Múte B. Egede"), fakediscord.StringOpt("title", "Premier"))))
		assert.Contains(t, m.text(), "now attributed to **Múte B. Egede, Premier**")
		_, m = e.do(slash(cModID, modPerms, "quote", fakediscord.Subcommand("hide", fakediscord.IntOpt("id", berg.ID))))
		assert.Contains(t, m.text(), "**Hidden** quote")
		hiddenText = berg.Text

		_, answer = e.ask(fakediscord.DefaultGuildID, cMemberID, "Are Arctic shipping lanes opening faster than expected?")
		require.True(t, len(answer.Embeds) > 0 || answer.text() != "")
		for _, em := range answer.Embeds {
			assert.NotContains(t, em.Description, "Shipping lanes through the Arctic", "a hidden quote is never an answer")
		}
	})
	t.Run("Refresh", func(t *testing.T) {
		e.t = t
		ver.Store(2)
		_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("refresh", srcOpt("id", linkID))))
		assert.Contains(t, m.text(), fmt.Sprintf("**Updated** source #%d", linkID))
		assert.Contains(t, m.text(), "Lars Holm", "the new paragraph's speaker")

		visible, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: linkID})
		require.NoError(t, err)
		hidden, err := ix.Quotes(ctx, retrieval.QuoteFilter{Library: library, SourceID: linkID, Hidden: true})
		require.NoError(t, err)
		var hiddenTexts, speakers []string
		for _, q := range hidden {
			hiddenTexts = append(hiddenTexts, q.Text)
		}
		for _, q := range visible {
			speakers = append(speakers, q.Speaker)
			assert.NotEqual(t, hiddenText, q.Text, "the hidden quote stays hidden after a refresh")
		}
		assert.Contains(t, hiddenTexts, hiddenText)
		assert.Contains(t, speakers, "Múte B. Egede", "the fix outlives the refresh")
		src, err := ix.Source(ctx, library, linkID)
		require.NoError(t, err)
		assert.Equal(t, "Greenland talks in Nuuk", src.Title, "the curator's edit outlives the refresh")

		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("refresh", srcOpt("id", linkID))))
		assert.Contains(t, m.text(), "is unchanged")
		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("refresh", srcOpt("id", fileID))))
		assert.Contains(t, m.text(), "was not added from a link")
	})
	t.Run("RemoveWithConfirmation", func(t *testing.T) {
		e.t = t
		confirm := func() (remove, cancel string) {
			_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("remove", srcOpt("id", pasteID))))
			assert.Contains(t, m.text(), "Seminar notes")
			return m.buttonID(t, "Remove"), m.buttonID(t, "Cancel")
		}
		click := func(user string, perms int64, id string) message {
			i := fakediscord.Button(fakediscord.DefaultGuildID, cChannelID, user, id, nil).WithPermissions(perms)
			f.DispatchInteraction(t, i)
			return e.wait(i, fakediscord.IsCallback, 3*time.Second)
		}
		remove, cancel := confirm()
		m := click(cModID, modPerms, cancel)
		assert.Equal(t, int(discordgo.InteractionResponseUpdateMessage), m.Type)
		assert.Contains(t, m.text(), "Kept source")

		remove, _ = confirm()
		m = click(cMod2ID, modPerms, remove)
		assert.Contains(t, m.text(), "Only the moderator who asked")
		m = click(cMemberID, fakediscord.DefaultMemberPermissions, remove)
		assert.Contains(t, m.text(), "Only the moderator who asked")
		m = click(cModID, modPerms, remove)
		assert.Equal(t, int(discordgo.InteractionResponseUpdateMessage), m.Type)
		assert.Contains(t, m.text(), "Removed source")
		assert.Empty(t, m.Components)
		_, err := ix.Source(ctx, library, pasteID)
		assert.ErrorIs(t, err, retrieval.ErrUnknownSource)
	})
	t.Run("OptOut", func(t *testing.T) {
		e.t = t
		_, m := e.do(slash(cMemberID, fakediscord.DefaultMemberPermissions, "optout"))
		assert.Contains(t, m.text(), "None of your messages")
		_, m = e.do(slash(cAuthorID, fakediscord.DefaultMemberPermissions, "optout"))
		assert.Contains(t, m.text(), "Removed your message")
		_, err := ix.Source(ctx, library, messageID)
		assert.ErrorIs(t, err, retrieval.ErrUnknownSource)
	})
	t.Run("PlainMemberRefused", func(t *testing.T) {
		e.t = t
		before := sourceCount(t)
		a := f.AddAttachment("notes.txt", "text/plain", []byte("Some notes."))
		for _, i := range []*fakediscord.Interaction{
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("add", fakediscord.AttachmentOpt("file", a))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("add", fakediscord.StringOpt("url", site.URL+"/greenland"))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("paste")),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("list")),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("show", srcOpt("id", linkID))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("edit", srcOpt("id", linkID), fakediscord.StringOpt("title", "Hacked"))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("remove", srcOpt("id", linkID))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("refresh", srcOpt("id", linkID))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("history")),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "quote", fakediscord.Subcommand("fix", fakediscord.IntOpt("id", 1), fakediscord.StringOpt("speaker", "X"))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "quote", fakediscord.Subcommand("hide", fakediscord.IntOpt("id", 1))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "quote", fakediscord.Subcommand("unhide", fakediscord.IntOpt("id", 1))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "collection", fakediscord.Subcommand("create", fakediscord.StringOpt("name", "x"))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "collection", fakediscord.Subcommand("list")),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "collection", fakediscord.Subcommand("scope", fakediscord.StringOpt("name", "x"))),
			slash(cMemberID, fakediscord.DefaultMemberPermissions, "settings", fakediscord.Subcommand("curator-role", fakediscord.RoleOpt("role", cRoleID))),
			fakediscord.MessageCommand(fakediscord.DefaultGuildID, cChannelID, cMemberID, "Add as source",
				fakediscord.MessageCreate(fakediscord.DefaultGuildID, cChannelID, cMemberID, "my own words")),
			fakediscord.ModalSubmit(fakediscord.DefaultGuildID, cChannelID, cMemberID, "v1:paste:form:0", map[string]string{"text": "Sneaky text."}),
		} {
			_, m := e.do(i)
			assert.Contains(t, m.text(), "Only members who can manage this server", "%+v", i.Data)
		}
		assert.Equal(t, before, sourceCount(t), "nothing changed")
	})
	t.Run("CuratorRole", func(t *testing.T) {
		e.t = t
		_, m := e.do(slash(cModID, modPerms, "settings", fakediscord.Subcommand("curator-role", fakediscord.RoleOpt("role", cRoleID))))
		assert.Contains(t, m.text(), "<@&"+cRoleID+"> (role-"+cRoleID+") may now curate")
		_, m = e.do(slash(cCuratorID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("list")).WithRoles(cRoleID))
		require.Len(t, m.Embeds, 1, m.text())
		_, m = e.do(slash(cCuratorID, fakediscord.DefaultMemberPermissions, "settings",
			fakediscord.Subcommand("curator-role", fakediscord.RoleOpt("role", cRoleID))).WithRoles(cRoleID))
		assert.Contains(t, m.text(), "can change this setting", "the curator role does not reach /settings")
		_, m = e.do(slash(cCuratorID, fakediscord.DefaultMemberPermissions, "source", fakediscord.Subcommand("list")))
		assert.Contains(t, m.text(), "Only members who can manage this server", "without the role, refused")
	})
	t.Run("CollectionsAndScope", func(t *testing.T) {
		e.t = t
		for _, sub := range []fakediscord.Opt{
			fakediscord.Subcommand("create", fakediscord.StringOpt("name", "Week 1")),
			fakediscord.Subcommand("add", fakediscord.StringOpt("name", "week 1"), srcOpt("source", linkID)),
			fakediscord.Subcommand("scope", fakediscord.StringOpt("name", "week 1")),
		} {
			_, m := e.do(slash(cCuratorID, fakediscord.DefaultMemberPermissions, "collection", sub).WithRoles(cRoleID))
			assert.NotContains(t, m.text(), "Only members", m.text())
		}
		_, m := e.do(slash(cModID, modPerms, "collection", fakediscord.Subcommand("list")))
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, fmt.Sprintf("**Week 1** (1 source): #%d", linkID))
		assert.Contains(t, m.Embeds[0].Description, "This channel answers from the collection “Week 1”")

		// The scoped channel answers from Week 1 only; another channel from
		// the whole library.
		_, answer := e.ask(fakediscord.DefaultGuildID, cMemberID, "Is the Arctic for sale?")
		for _, em := range answer.Embeds {
			assert.NotEqual(t, "Arctic briefing", em.Title, "a source outside the collection")
		}
		i := fakediscord.SlashCommand(fakediscord.DefaultGuildID, cChannel2ID, cMemberID, "ask",
			fakediscord.StringOpt("question", "Is the Arctic for sale?"))
		f.DispatchInteraction(t, i)
		e.wait(i, fakediscord.IsCallback, 3*time.Second)
		answer = e.wait(i, fakediscord.IsEditOriginal, 10*time.Second)
		require.NotEmpty(t, answer.Embeds)
		assert.Equal(t, "Arctic briefing", answer.Embeds[0].Title)

		_, answer = e.ask(fakediscord.DefaultGuildID, cMemberID, "Who will decide Greenland's future?")
		require.NotEmpty(t, answer.Embeds)
		assert.Contains(t, answer.text(), "from the collection “Week 1”")

		_, m = e.do(slash(cModID, modPerms, "collection", fakediscord.Subcommand("unscope")))
		assert.Contains(t, m.text(), "whole library again")
		_, answer = e.ask(fakediscord.DefaultGuildID, cMemberID, "Is the Arctic for sale?")
		require.NotEmpty(t, answer.Embeds)
		assert.Equal(t, "Arctic briefing", answer.Embeds[0].Title)
	})
	t.Run("History", func(t *testing.T) {
		e.t = t
		// Page through the whole log with More, as a moderator.
		_, m := e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("history")))
		var log strings.Builder
		for pages := 1; ; pages++ {
			require.Len(t, m.Embeds, 1, m.text())
			log.WriteString(m.Embeds[0].Description)
			var more string
			for _, id := range m.customIDs() {
				more = id
			}
			if more == "" {
				break
			}
			require.Less(t, pages, 10)
			_, m = e.do(fakediscord.Button(fakediscord.DefaultGuildID, cChannelID, cModID, more, nil).WithPermissions(modPerms))
		}
		mod, author, curator := "**user"+cModID+"**", "**user"+cAuthorID+"**", "**user"+cCuratorID+"**"
		for _, want := range []string{
			mod + " added source #", mod + " edited source #", mod + " refreshed source #",
			mod + " fixed a quote of source #", mod + " hid a quote of source #", mod + " removed source #",
			author + " opted out", mod + " changed a setting — curator\\_role", curator + " changed a collection",
		} {
			assert.Contains(t, log.String(), want)
		}

		_, m = e.do(slash(cModID, modPerms, "source", fakediscord.Subcommand("history", srcOpt("id", linkID))))
		require.Len(t, m.Embeds, 1)
		assert.Equal(t, fmt.Sprintf("Changes to source #%d", linkID), m.Embeds[0].Title)
		assert.NotContains(t, m.Embeds[0].Description, "opted out")
	})
	t.Run("Autocomplete", func(t *testing.T) {
		e.t = t
		i := fakediscord.Autocomplete(fakediscord.DefaultGuildID, cChannelID, cModID, "source",
			fakediscord.Subcommand("show", fakediscord.Focused(fakediscord.StringOpt("id", "nuuk")))).WithPermissions(modPerms)
		f.DispatchInteraction(t, i)
		m := e.wait(i, fakediscord.IsCallback, 3*time.Second)
		require.Len(t, m.Choices, 1)
		assert.Equal(t, fmt.Sprintf("#%d Greenland talks in Nuuk — Nordic Desk", linkID), m.Choices[0].Name)
	})

	// Nothing the bot sent broke the fake's contract checks, and every
	// message is mention-safe.
	for _, r := range f.Requests() {
		assert.Empty(t, r.Violations, "%s", r)
		if fakediscord.IsCDN(r) || !(fakediscord.IsCallback(r) || fakediscord.IsEditOriginal(r)) {
			continue
		}
		var body struct {
			Type            int             `json:"type"`
			Data            json.RawMessage `json:"data"`
			AllowedMentions *allowedMention `json:"allowed_mentions"`
		}
		require.NoError(t, json.Unmarshal(r.Body, &body))
		if fakediscord.IsCallback(r) {
			if body.Type == typeChoices || body.Type == int(discordgo.InteractionResponseModal) ||
				body.Type == int(discordgo.InteractionResponseDeferredMessageUpdate) {
				continue
			}
			require.NoError(t, json.Unmarshal(body.Data, &body))
		}
		assert.True(t, body.AllowedMentions != nil && body.AllowedMentions.Parse != nil && len(body.AllowedMentions.Parse) == 0,
			"%s: allowed_mentions %+v", r, body.AllowedMentions)
	}
}

// srcOpt names a source, as its suggestions do: by id, in a STRING option.
func srcOpt(name string, id int64) fakediscord.Opt {
	return fakediscord.StringOpt(name, strconv.FormatInt(id, 10))
}

// fieldsOf lists an embed's fields as "name=value" lines.
func fieldsOf(e embed) string {
	var out []string
	for _, f := range e.Fields {
		out = append(out, f.Name+"="+f.Value)
	}
	return strings.Join(out, "\n")
}
