package fakediscord_test

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/verbatim-bot/verbatim/internal/fakediscord"
)

func TestServer_Attachments(t *testing.T) {
	t.Parallel()
	tb := &captureTB{TB: t}
	f := fakediscord.New(tb)
	s, err := discordgo.New("Bot " + fakediscord.DefaultToken)
	if err != nil {
		t.Fatal(err)
	}
	f.Redirect(s)
	a := f.AddAttachment("notes 1.txt", "text/plain; charset=utf-8", []byte("Hello, library."))

	get := func(t *testing.T, u string, header http.Header) (int, string) {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header[k] = v
		}
		resp, err := s.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}

	t.Run("Resolved", func(t *testing.T) {
		i := fakediscord.SlashCommand(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, fakediscord.DefaultUserID,
			"source", fakediscord.Subcommand("add", fakediscord.AttachmentOpt("file", a)))
		b, err := json.Marshal(i)
		if err != nil {
			t.Fatal(err)
		}
		var ic discordgo.InteractionCreate
		if err := json.Unmarshal(b, &ic); err != nil || ic.ID == "" {
			t.Fatalf("discordgo cannot decode %s: %v", b, err)
		}
		d := ic.ApplicationCommandData()
		opt := d.Options[0].Options[0]
		got := d.Resolved.Attachments[opt.Value.(string)]
		if opt.Type != discordgo.ApplicationCommandOptionAttachment || got == nil || got.Filename != "notes 1.txt" ||
			got.Size != 15 || !strings.HasPrefix(got.URL, "https://"+fakediscord.CDNHost+"/attachments/") {
			t.Errorf("option %+v, attachment %+v", opt, got)
		}
	})
	t.Run("Download", func(t *testing.T) {
		code, body := get(t, a.URL, nil)
		if code != http.StatusOK || body != "Hello, library." {
			t.Errorf("GET %s = %d %q", a.URL, code, body)
		}
		r := f.WaitRequest(t, wait, fakediscord.IsCDN)
		if r.Host != fakediscord.CDNHost || r.Params["attachment_id"] != a.ID || len(r.Violations) > 0 {
			t.Errorf("recorded %+v", r)
		}
		tb.expectNone(t)
	})
	t.Run("WrongSignature", func(t *testing.T) {
		code, _ := get(t, strings.Replace(a.URL, "hm=", "hm=0", 1), nil)
		if code != http.StatusNotFound {
			t.Errorf("GET with a wrong signature = %d, want 404", code)
		}
		tb.expectNone(t)
	})
	t.Run("TokenLeak", func(t *testing.T) {
		code, _ := get(t, a.URL, http.Header{"Authorization": {"Bot " + fakediscord.DefaultToken}})
		if code != http.StatusOK {
			t.Errorf("GET = %d", code)
		}
		tb.expectErrors(t, "Authorization header to the CDN")
	})
}

func TestServer_WithChannel(t *testing.T) {
	t.Parallel()
	f := fakediscord.New(t, fakediscord.WithChannel(fakediscord.DefaultGuildID, fakediscord.DefaultChannelID, "study-hall"))
	c := newClient(t, f, discordgo.IntentsGuilds)
	ready := make(chan struct{}, 1)
	c.AddHandler(func(_ *discordgo.Session, g *discordgo.GuildCreate) { ready <- struct{}{} })
	c.mustOpen(t)
	select {
	case <-ready:
	case <-time.After(wait):
		t.Fatal("no GUILD_CREATE")
	}
	ch, err := c.State.Channel(fakediscord.DefaultChannelID)
	if err != nil || ch.Name != "study-hall" || ch.GuildID != fakediscord.DefaultGuildID {
		t.Errorf("state channel = %+v, %v", ch, err)
	}
}
