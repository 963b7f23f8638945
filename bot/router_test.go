package bot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
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

const (
	typeMessage  = int(discordgo.InteractionResponseChannelMessageWithSource)
	typeDeferred = int(discordgo.InteractionResponseDeferredChannelMessageWithSource)
	typeChoices  = int(discordgo.InteractionApplicationCommandAutocompleteResult)
	ephemeral    = int(discordgo.MessageFlagsEphemeral)
)

func TestCommands(t *testing.T) {
	nameRE := regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)
	for _, withSample := range []bool{false, true} {
		cmds := bot.Commands(withSample)
		names := map[string]bool{}
		for _, c := range cmds {
			assert.False(t, names[c.Name], "command %q twice", c.Name)
			names[c.Name] = true
			size := utf8.RuneCountInString(c.Name) + utf8.RuneCountInString(c.Description)
			switch c.Type {
			case discordgo.ChatApplicationCommand:
				assert.Regexp(t, nameRE, c.Name)
				assert.Equal(t, strings.ToLower(c.Name), c.Name)
				assert.True(t, len(c.Description) >= 1 && utf8.RuneCountInString(c.Description) <= 100, "description of %s", c.Name)
			case discordgo.MessageApplicationCommand:
				assert.Empty(t, c.Description)
				assert.LessOrEqual(t, utf8.RuneCountInString(c.Name), 32)
			default:
				t.Errorf("command %s: unexpected type %d", c.Name, c.Type)
			}
			assert.LessOrEqual(t, len(c.Options), 25)
			for _, o := range c.Options {
				assert.Regexp(t, nameRE, o.Name)
				assert.True(t, len(o.Description) >= 1 && utf8.RuneCountInString(o.Description) <= 100)
				assert.False(t, o.Autocomplete && len(o.Choices) > 0, "autocomplete with choices")
				assert.LessOrEqual(t, o.MaxLength, 6000)
				size += utf8.RuneCountInString(o.Name) + utf8.RuneCountInString(o.Description)
			}
			assert.LessOrEqual(t, size, 8000)
		}
		assert.Equal(t, withSample, names["library"])
		assert.True(t, names["ask"] && names["quotes"] && names["sources"] && names["Find sources"])
	}
	t.Run("AskMaxLength", func(t *testing.T) {
		assert.Equal(t, bot.MaxQuestionLength, bot.Commands(false)[0].Options[0].MaxLength)
	})
	t.Run("LibraryNeedsManageServer", func(t *testing.T) {
		cmds := bot.Commands(true)
		lib := cmds[len(cmds)-1]
		require.NotNil(t, lib.DefaultMemberPermissions)
		assert.Equal(t, int64(discordgo.PermissionManageGuild), *lib.DefaultMemberPermissions)
	})
}

func TestConfig_HidesToken(t *testing.T) {
	c := bot.Config{Token: "Bot very-secret", GuildID: "42"}
	assert.NotContains(t, fmt.Sprintf("%v %+v %s", c, c, c), "very-secret")
	var buf syncBuffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("config", "bot", c)
	assert.NotContains(t, buf.String(), "very-secret")
	assert.Contains(t, buf.String(), "42")
}

func TestHandleInteraction_Ask(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: pagedSearch(sampleResults)}
		var got retrieval.Query
		lib.SearchFn = func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			got = q
			return pagedSearch(sampleResults)(ctx, q)
		}
		b := MustNewBot(t, lib)
		calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
		require.Len(t, calls, 2)

		// Deferred first, publicly, then completed by an edit.
		first := calls[0].msg(t)
		assert.Equal(t, typeDeferred, first.Type)
		assert.Zero(t, first.Flags&ephemeral)
		assert.Equal(t, "InteractionResponseEdit", calls[1].Call)
		assert.Equal(t, retrieval.Query{Library: libraryA, Text: "Why did Russia go to war?", Limit: 4}, got)

		m := calls[1].msg(t)
		require.Len(t, m.Embeds, 3)
		assert.Equal(t, "“We will not allow NATO on our doorstep.”", m.Embeds[0].Description)
		assert.Equal(t, "1 · Sergei Ryabkov, Deputy Foreign Minister", m.Embeds[0].Author.Name)
		assert.Equal(t, "Russia's war aims", m.Embeds[0].Title)
		assert.Equal(t, "https://example.com/war-aims", m.Embeds[0].URL)
		assert.Equal(t, "Jane Roe · 2025-02-24 · ¶ 4 · quote #11", m.Embeds[0].Footer.Text, "the quote id, for /quote fix")
		assert.Equal(t, "2 · Unattributed", m.Embeds[1].Author.Name)
		assert.Equal(t, "3 · Volodymyr Zelensky (attribution uncertain)", m.Embeds[2].Author.Name)
		assert.Empty(t, m.Embeds[2].URL, "a javascript: URL must not become a link")
		assert.Len(t, m.Components, 5, "Open, Previous, Next and Cite rows, and More")
		Golden(t, "ask", calls)
	})
	t.Run("Passage", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: pagedSearch(sampleResults[3:4])}
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, "When did the war begin?"))
		m := calls[1].msg(t)
		require.Len(t, m.Embeds, 1)
		assert.Equal(t, "Passage", m.Embeds[0].Author.Name)
		assert.Equal(t, "Untitled source #7", m.Embeds[0].Title)
		assert.Equal(t, []string{"v1:prev:", "v1:ctx:", "v1:next:", "v1:cite:"}, prefixes(m.customIDs()), "no More button on the last page")
		Golden(t, "ask_passage", calls)
	})
	t.Run("ErrNoMatch", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: pagedSearch(nil)}
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, "What is the capital of France?"))
		require.Len(t, calls, 2)
		m := calls[1].msg(t)
		assert.Contains(t, m.text(), "Nothing in this server's library answers that")
		assert.Contains(t, m.text(), "rephrase")
		assert.Empty(t, m.Components)
		Golden(t, "ask_nomatch", calls)
	})
	t.Run("EmptyLibrary", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			return nil, fmt.Errorf("library %q: %w", q.Library, retrieval.ErrUnknownLibrary)
		}}
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, "Why did Russia go to war?"))
		m := calls[1].msg(t)
		assert.Contains(t, m.text(), "verbatim ingest --library guild-1100000000000000001 PATH")
		assert.Contains(t, m.text(), "/library sample")
		Golden(t, "ask_empty_library", calls)
	})
	t.Run("ErrEmptyQuery", func(t *testing.T) {
		lib := &fakeLibrary{}
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, "?! ... the of"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, typeMessage, m.Type)
		assert.Equal(t, ephemeral, m.Flags)
		assert.Empty(t, lib.Calls(), "nothing to search, so no search")
	})
	t.Run("TooLong", func(t *testing.T) {
		// Discord enforces max_length; a client that does not gets this.
		lib := &fakeLibrary{}
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, strings.Repeat("war ", 200)))
		require.Len(t, calls, 1)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Contains(t, calls[0].msg(t).text(), "500")
	})
	t.Run("DM", func(t *testing.T) {
		lib := &fakeLibrary{}
		calls := MustNewBot(t, lib).Do(t, interaction(t, "ask_dm"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, ephemeral, m.Flags)
		assert.Contains(t, m.text(), "only work in a server")
		assert.Empty(t, lib.Calls())
	})
	t.Run("InternalError", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			return nil, errors.New("search: disk I/O error at /var/lib/verbatim.db: SELECT * FROM units")
		}}
		b := MustNewBot(t, lib)
		calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
		m := calls[1].msg(t)
		assert.Contains(t, m.text(), "something went wrong")
		for _, c := range calls {
			assert.NotContains(t, string(c.Body), "disk")
			assert.NotContains(t, string(c.Body), "SELECT")
		}
		assert.Contains(t, b.Log.String(), "disk I/O error", "the details go to the log")
	})
	t.Run("Timeout", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}}
		b := MustNewBot(t, lib)
		b.AnswerTimeout = 50 * time.Millisecond
		calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
		require.Len(t, calls, 2)
		assert.Contains(t, calls[1].msg(t).text(), "took too long")
	})
	t.Run("Hostile", func(t *testing.T) {
		hostile := retrieval.Result{Kind: retrieval.ResultQuote,
			Text:    "@everyone <@123> <@&456> **bold** ||spoiler|| [click](https://evil.example) # heading",
			Speaker: "@here", Source: retrieval.SourceRef{ID: 3, Title: "@everyone", URL: "https://example.com/a b"}, Paragraph: 1}
		lib := &fakeLibrary{SearchFn: pagedSearch([]retrieval.Result{hostile})}
		question := "@everyone what about `code` and **this**?"
		calls := MustNewBot(t, lib).Do(t, askInteraction(t, question))
		m := calls[1].msg(t)
		require.Len(t, m.Embeds, 1)
		d := m.Embeds[0].Description
		assert.Contains(t, d, `\<@123\>`)
		assert.Contains(t, d, `\*\*bold\*\*`)
		assert.Contains(t, d, `\|\|spoiler\|\|`)
		assert.Contains(t, d, `\[click\]`)
		assert.Empty(t, m.Embeds[0].URL, "a URL with a space is no link")
		assert.Contains(t, m.text(), `\*\*this\*\*`)
		Golden(t, "ask_hostile", calls)
	})
	t.Run("LongQuotes", func(t *testing.T) {
		long := strings.Repeat("This sentence is part of a very long statement about the war. ", 120) // ~7,500 characters
		var results []retrieval.Result
		for i := range 5 {
			r := sampleResults[0]
			r.Text = long
			r.Speaker = strings.Repeat("Name", 100)
			r.SpeakerTitle = strings.Repeat("Title ", 100)
			r.Source.Title = strings.Repeat("T", 400)
			r.Source.Author = strings.Repeat("Author ", 400)
			r.QuoteID = int64(i)
			results = append(results, r)
		}
		b := MustNewBot(t, &fakeLibrary{SearchFn: pagedSearch(results)})
		b.MaxResults = 5
		calls := b.Do(t, askInteraction(t, "Tell me everything about the war"))
		m := calls[1].msg(t)
		require.Len(t, m.Embeds, 5)
		for _, e := range m.Embeds {
			assert.True(t, strings.HasSuffix(e.Description, "*(shortened — full quote: Open)*"), e.Description[max(len(e.Description)-80, 0):])
			assert.Contains(t, e.Description, "war. …”", "cut after a sentence")
		}
		assert.LessOrEqual(t, len(m.Components), 5)
	})
	t.Run("Cooldown", func(t *testing.T) {
		lib := &fakeLibrary{SearchFn: pagedSearch(sampleResults)}
		b := MustNewBot(t, lib)
		b.Cooldown = 3 * time.Second
		calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)

		b.Clock.Advance(time.Second)
		calls = b.Do(t, askInteraction(t, "And then what happened?"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, ephemeral, m.Flags)
		assert.Contains(t, m.text(), "wait 2 seconds")

		b.Clock.Advance(2 * time.Second)
		calls = b.Do(t, askInteraction(t, "And then what happened?"))
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)
		assert.Len(t, lib.Calls(), 2)
	})
	t.Run("RespondFails", func(t *testing.T) {
		// An acknowledgement that fails (say, too late) is logged and the
		// answer is not attempted.
		lib := &fakeLibrary{SearchFn: pagedSearch(sampleResults)}
		b := MustNewBot(t, lib)
		r := newRecorder()
		r.RespondErr = errors.New("HTTP 404 Not Found, {\"code\": 10062}")
		b.HandleInteraction(context.Background(), r, askInteraction(t, "Why did Russia go to war?"))
		assert.Len(t, r.Calls(), 1)
		assert.Empty(t, lib.Calls())
		assert.Contains(t, b.Log.String(), "10062")
	})
	t.Run("Undecodable", func(t *testing.T) {
		// discordgo hands over a zero Interaction when decoding fails.
		b := MustNewBot(t, &fakeLibrary{})
		calls := b.Do(t, &discordgo.Interaction{})
		assert.Empty(t, calls)
	})
}

func prefixes(ids []string) []string {
	var out []string
	for _, id := range ids {
		parts := strings.SplitN(id, ":", 3)
		out = append(out, parts[0]+":"+parts[1]+":")
	}
	return out
}

func TestHandleInteraction_Buttons(t *testing.T) {
	passage := retrieval.Passage{Source: warAims, Paragraph: 4, Span: retrieval.Span{Start: 95, End: 203},
		Text: "Officials met on Monday. We will not allow NATO on our doorstep. Ryabkov said so plainly, twice, in Geneva."}
	newLib := func() *fakeLibrary {
		return &fakeLibrary{
			SearchFn: pagedSearch(sampleResults),
			PassageFn: func(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error) {
				if library != libraryA || id != 1 || n != 4 {
					return retrieval.Passage{}, retrieval.ErrUnknownSource
				}
				return passage, nil
			},
		}
	}
	// ask returns the bot and the answer's message.
	ask := func(t *testing.T, lib *fakeLibrary) (*testBot, message) {
		b := MustNewBot(t, lib)
		calls := b.Do(t, askInteraction(t, "Why did Russia go to war?"))
		require.Len(t, calls, 2)
		return b, calls[1].msg(t)
	}

	t.Run("MoreToTheEnd", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		more := m.buttonID(t, "More")
		calls := b.Do(t, buttonInteraction(t, guildA, more))
		require.Len(t, calls, 2)
		first := calls[0].msg(t)
		assert.Equal(t, typeDeferred, first.Type)
		assert.Equal(t, ephemeral, first.Flags, "the next page is for the clicker")
		page2 := calls[1].msg(t)
		require.Len(t, page2.Embeds, 2, "results 4 and 5")
		assert.Equal(t, "1 · Passage", page2.Embeds[0].Author.Name)
		assert.Contains(t, page2.text(), "More for:")
		assert.NotContains(t, strings.Join(page2.customIDs(), " "), "v1:more:", "the last page has no More")
		Golden(t, "button_more", calls)

		// The first page's More still works (it is not consumed).
		calls = b.Do(t, buttonInteraction(t, guildA, more))
		assert.Len(t, calls[1].msg(t).Embeds, 2)
	})
	t.Run("MoreAfterTheEnd", func(t *testing.T) {
		// Results shrank since the page was shown (a source was removed).
		lib := newLib()
		b, m := ask(t, lib)
		lib.SearchFn = pagedSearch(sampleResults[:2])
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "More")))
		assert.Contains(t, calls[1].msg(t).text(), "no more results")
	})
	t.Run("Context", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "Open 1")))
		require.Len(t, calls, 1, "a quick lookup is answered at once")
		c := calls[0].msg(t)
		assert.Equal(t, typeMessage, c.Type)
		assert.Equal(t, ephemeral, c.Flags)
		require.Len(t, c.Embeds, 1)
		assert.Equal(t, "Officials met on Monday. **We will not allow NATO on our doorstep.** Ryabkov said so plainly, twice, in Geneva.",
			c.Embeds[0].Description)
		Golden(t, "button_context", calls)
	})
	t.Run("ContextSlow", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		b.DeferAfter = 10 * time.Millisecond
		lib.PassageFn = func(ctx context.Context, library string, id int64, n int) (retrieval.Passage, error) {
			time.Sleep(100 * time.Millisecond)
			return passage, nil
		}
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "Open 1")))
		require.Len(t, calls, 2)
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Len(t, calls[1].msg(t).Embeds, 1)
	})
	t.Run("ContextSourceGone", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "Open 3")))
		assert.Contains(t, calls[0].msg(t).text(), "no longer in this server's library")
	})
	t.Run("Cite", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "Cite 1")))
		require.Len(t, calls, 1)
		c := calls[0].msg(t)
		assert.Equal(t, ephemeral, c.Flags)
		assert.Contains(t, c.text(), "“We will not allow NATO on our doorstep.” — Sergei Ryabkov, Deputy Foreign Minister, in “Russia's war aims” (Jane Roe, 2025-02-24), ¶ 4. https://example.com/war-aims")
		Golden(t, "button_cite", calls)
	})
	t.Run("Expired", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		b.Clock.Advance(bot.DefaultStateTTL + time.Second)
		calls := b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "Cite 1")))
		require.Len(t, calls, 1)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Contains(t, calls[0].msg(t).text(), "ask again")
	})
	t.Run("OtherServer", func(t *testing.T) {
		// A custom_id from server A, clicked (or forged) in server B,
		// reaches nothing of A's.
		lib := newLib()
		b, m := ask(t, lib)
		before := len(lib.Calls())
		for _, label := range []string{"More", "Open 1", "Cite 1"} {
			calls := b.Do(t, buttonInteraction(t, guildB, m.buttonID(t, label)))
			require.Len(t, calls, 1)
			assert.Contains(t, calls[0].msg(t).text(), "ask again")
			assert.NotContains(t, string(calls[0].Body), "NATO")
		}
		assert.Len(t, lib.Calls(), before, "no library call for a foreign button")
	})
	t.Run("Forged", func(t *testing.T) {
		b := MustNewBot(t, newLib())
		for _, id := range []string{"", "v1:more", "v1:cite:AAAAAAAAAAAA:1", "v2:cite:x:1", "v1:cite:x:-1", strings.Repeat("v1:", 40)} {
			calls := b.Do(t, buttonInteraction(t, guildA, id))
			require.Len(t, calls, 1, "custom_id %q", id)
			assert.Contains(t, calls[0].msg(t).text(), "ask again")
		}
	})
	t.Run("CardOutOfRange", func(t *testing.T) {
		lib := newLib()
		b, m := ask(t, lib)
		id := strings.Replace(m.buttonID(t, "Cite 1"), ":1", ":9", 1)
		calls := b.Do(t, buttonInteraction(t, guildA, id))
		assert.Contains(t, calls[0].msg(t).text(), "ask again")
	})
}

func TestHandleInteraction_Autocomplete(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var got []any
		lib := &fakeLibrary{SpeakersFn: func(ctx context.Context, library, prefix string, limit int) ([]string, error) {
			got = []any{library, prefix, limit}
			names := []string{"Sergei Ryabkov", "Sergei Lavrov", strings.Repeat("Very Long Name ", 10)}
			for i := range 40 {
				names = append(names, fmt.Sprintf("Speaker %d", i))
			}
			return names[:min(limit, len(names))], nil
		}}
		calls := MustNewBot(t, lib).Do(t, interaction(t, "autocomplete", "PREFIX", "ser"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, typeChoices, m.Type)
		assert.Equal(t, []any{libraryA, "ser", 25}, got)
		require.Len(t, m.Choices, 25)
		assert.Equal(t, "Sergei Ryabkov", m.Choices[0].Value)
		long := m.Choices[2]
		assert.True(t, strings.HasSuffix(long.Name, "…"))
		assert.True(t, strings.HasPrefix(strings.Repeat("Very Long Name ", 10), long.Value.(string)))
		Golden(t, "autocomplete", calls)
	})
	t.Run("EmptyLibrary", func(t *testing.T) {
		lib := &fakeLibrary{SpeakersFn: func(ctx context.Context, library, prefix string, limit int) ([]string, error) {
			return nil, retrieval.ErrUnknownLibrary
		}}
		calls := MustNewBot(t, lib).Do(t, interaction(t, "autocomplete", "PREFIX", ""))
		require.Len(t, calls, 1)
		assert.Empty(t, calls[0].msg(t).Choices)
	})
	t.Run("Error", func(t *testing.T) {
		lib := &fakeLibrary{SpeakersFn: func(ctx context.Context, library, prefix string, limit int) ([]string, error) {
			return nil, errors.New("database is locked")
		}}
		b := MustNewBot(t, lib)
		calls := b.Do(t, interaction(t, "autocomplete", "PREFIX", "x"))
		require.Len(t, calls, 1)
		assert.Empty(t, calls[0].msg(t).Choices)
		assert.Contains(t, b.Log.String(), "database is locked")
	})
}

func TestHandleInteraction_Quotes(t *testing.T) {
	var quotes []retrieval.Quote
	for i := range 4 {
		quotes = append(quotes, retrieval.Quote{ID: int64(i + 1), SourceID: 1, Text: fmt.Sprintf("Quote number %d, said in full.", i+1),
			Span: retrieval.Span{Start: i * 100, End: i*100 + 30}, Paragraph: i + 1, Speaker: "Sergei Ryabkov",
			SpeakerTitle: "Deputy Foreign Minister", Confidence: 0.9})
	}
	quotes = append(quotes, retrieval.Quote{ID: 9, SourceID: 1, Text: "Not his.", Speaker: "Sergei Ryabkov Jr", Paragraph: 9})
	newLib := func() *fakeLibrary {
		return &fakeLibrary{
			QuotesFn: func(ctx context.Context, f retrieval.QuoteFilter) ([]retrieval.Quote, error) {
				var out []retrieval.Quote
				for _, q := range quotes {
					if strings.Contains(strings.ToLower(q.Speaker), strings.ToLower(f.Speaker)) {
						out = append(out, q)
					}
				}
				return out, nil
			},
			SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) {
				return []retrieval.Source{{ID: 1, Library: library, Metadata: retrieval.Metadata{Title: warAims.Title,
					Author: warAims.Author, URL: warAims.URL, Published: warAims.Published}}}, nil
			},
		}
	}
	t.Run("OK", func(t *testing.T) {
		b := MustNewBot(t, newLib())
		calls := b.Do(t, interaction(t, "quotes", "SPEAKER", "sergei ryabkov"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, typeMessage, m.Type)
		assert.Zero(t, m.Flags)
		assert.Equal(t, "**Quotes from Sergei Ryabkov** (1–3 of 4)", m.text(), "exact name only, not Jr")
		require.Len(t, m.Embeds, 3)
		Golden(t, "quotes", calls)

		calls = b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "More")))
		page2 := calls[1].msg(t)
		assert.Equal(t, "**Quotes from Sergei Ryabkov** (4–4 of 4)", page2.text())
		require.Len(t, page2.Embeds, 1)
		assert.Equal(t, "“Quote number 4, said in full.”", page2.Embeds[0].Description)
	})
	t.Run("NoOne", func(t *testing.T) {
		calls := MustNewBot(t, newLib()).Do(t, interaction(t, "quotes", "SPEAKER", "**Nobody**"))
		assert.Contains(t, calls[0].msg(t).text(), "Nobody called “\\*\\*Nobody\\*\\*” is quoted")
	})
}

func TestHandleInteraction_Sources(t *testing.T) {
	var sources []retrieval.Source
	for i := range 12 {
		sources = append(sources, retrieval.Source{ID: int64(i + 1), Metadata: retrieval.Metadata{
			Title: fmt.Sprintf("Source [%d]", i+1), Author: "Writer", URL: fmt.Sprintf("https://example.com/%d", i+1), Published: "2025-01-01"}})
	}
	sources[2].URL = "ftp://example.com/x"
	t.Run("OK", func(t *testing.T) {
		lib := &fakeLibrary{SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) { return sources, nil }}
		b := MustNewBot(t, lib)
		calls := b.Do(t, interaction(t, "sources"))
		require.Len(t, calls, 1)
		m := calls[0].msg(t)
		assert.Equal(t, ephemeral, m.Flags)
		require.Len(t, m.Embeds, 1)
		assert.Contains(t, m.Embeds[0].Description, "**1.** [Source \\[1\\]](https://example.com/1) — Writer · 2025-01-01")
		assert.Contains(t, m.Embeds[0].Description, "**3.** Source \\[3\\] — Writer")
		Golden(t, "sources", calls)

		calls = b.Do(t, buttonInteraction(t, guildA, m.buttonID(t, "More")))
		page2 := calls[1].msg(t)
		assert.Contains(t, page2.Embeds[0].Description, "**12.**")
		assert.Empty(t, page2.Components)
	})
	t.Run("EmptyLibrary", func(t *testing.T) {
		lib := &fakeLibrary{SourcesFn: func(ctx context.Context, library string) ([]retrieval.Source, error) {
			return nil, retrieval.ErrUnknownLibrary
		}}
		calls := MustNewBot(t, lib).Do(t, interaction(t, "sources"))
		assert.Contains(t, calls[0].msg(t).text(), "library is empty")
	})
}

func TestHandleInteraction_FindSources(t *testing.T) {
	t.Run("OK", func(t *testing.T) {
		var got retrieval.Query
		lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			got = q
			return pagedSearch(sampleResults[:1])(ctx, q)
		}}
		calls := MustNewBot(t, lib).Do(t, interaction(t, "find_sources", "CONTENT", "Russia only invaded because of NATO, @everyone knows it"))
		require.Len(t, calls, 2)
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Equal(t, "Russia only invaded because of NATO, @everyone knows it", got.Text)
		assert.Equal(t, libraryA, got.Library)
		Golden(t, "find_sources", calls)
	})
	t.Run("NoText", func(t *testing.T) {
		calls := MustNewBot(t, &fakeLibrary{}).Do(t, interaction(t, "find_sources", "CONTENT", ""))
		require.Len(t, calls, 1)
		assert.Contains(t, calls[0].msg(t).text(), "no text")
	})
}

func TestHandleInteraction_LibrarySample(t *testing.T) {
	t.Run("Moderator", func(t *testing.T) {
		var got string
		b := MustNewBot(t, &fakeLibrary{})
		b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
			got = library
			return 1, nil
		})
		calls := b.Do(t, interaction(t, "library_sample", "PERMISSIONS", permsModerator))
		require.Len(t, calls, 2)
		assert.Equal(t, typeDeferred, calls[0].msg(t).Type)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Equal(t, libraryA, got)
		assert.Contains(t, calls[1].msg(t).text(), "1 source added")
	})
	t.Run("NotModerator", func(t *testing.T) {
		called := false
		b := MustNewBot(t, &fakeLibrary{})
		b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
			called = true
			return 1, nil
		})
		calls := b.Do(t, interaction(t, "library_sample", "PERMISSIONS", permsMember))
		require.Len(t, calls, 1)
		assert.Equal(t, ephemeral, calls[0].msg(t).Flags)
		assert.Contains(t, calls[0].msg(t).text(), "manage this server")
		assert.False(t, called)
	})
	t.Run("NoLoader", func(t *testing.T) {
		calls := MustNewBot(t, &fakeLibrary{}).Do(t, interaction(t, "library_sample", "PERMISSIONS", permsModerator))
		assert.Contains(t, calls[0].msg(t).text(), "not available")
	})
	t.Run("Fails", func(t *testing.T) {
		b := MustNewBot(t, &fakeLibrary{})
		b.Sample = bot.SampleLoaderFunc(func(ctx context.Context, library string) (int, error) {
			return 0, errors.New("ingest: constraint failed")
		})
		calls := b.Do(t, interaction(t, "library_sample", "PERMISSIONS", permsModerator))
		assert.Contains(t, calls[1].msg(t).text(), "something went wrong")
		assert.Contains(t, b.Log.String(), "constraint failed")
	})
}

func TestHandleMessage(t *testing.T) {
	lib := func() *fakeLibrary { return &fakeLibrary{SearchFn: pagedSearch(sampleResults)} }
	do := func(t *testing.T, b *testBot, m *discordgo.Message) []recorded {
		r := newRecorder()
		b.HandleMessage(context.Background(), r, botUserID, m)
		calls := r.Calls()
		for _, c := range calls {
			CheckLimits(t, c)
		}
		return calls
	}
	t.Run("OK", func(t *testing.T) {
		l := lib()
		var got string
		l.SearchFn = func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
			got = q.Text
			return pagedSearch(sampleResults)(ctx, q)
		}
		b := MustNewBot(t, l)
		calls := do(t, b, mentionMessage(t, "<@"+botUserID+"> why did   Russia go to war? cc <@"+aliceID+">", aliceID, false, botUserID, aliceID))
		require.Len(t, calls, 1)
		assert.Equal(t, "ChannelMessageSendComplex", calls[0].Call)
		assert.Equal(t, "1110000000000000001", calls[0].ChannelID)
		assert.Equal(t, "why did Russia go to war? cc <@"+aliceID+">", got)
		m := calls[0].msg(t)
		require.NotNil(t, m.Reference)
		assert.Equal(t, "1500000000000000020", m.Reference.MessageID)
		assert.Len(t, m.Embeds, 3)
		Golden(t, "mention", calls)
	})
	t.Run("NicknameMention", func(t *testing.T) {
		calls := do(t, MustNewBot(t, lib()), mentionMessage(t, "<@!"+botUserID+"> why war", aliceID, false, botUserID))
		assert.Len(t, calls, 1)
	})
	t.Run("OnlyMention", func(t *testing.T) {
		l := lib()
		calls := do(t, MustNewBot(t, l), mentionMessage(t, "<@"+botUserID+">", aliceID, false, botUserID))
		require.Len(t, calls, 1)
		assert.Contains(t, calls[0].msg(t).text(), "Ask me a question")
		assert.Empty(t, l.Calls())
	})
	for _, tt := range []struct {
		name string
		m    func(t *testing.T) *discordgo.Message
	}{
		{"NotMentioned", func(t *testing.T) *discordgo.Message {
			return mentionMessage(t, "why did Russia go to war?", aliceID, false)
		}},
		{"ReplyWithoutMention", func(t *testing.T) *discordgo.Message {
			// A reply to the bot lists it in mentions, but asks nothing.
			return mentionMessage(t, "thanks!", aliceID, false, botUserID)
		}},
		{"FromABot", func(t *testing.T) *discordgo.Message {
			return mentionMessage(t, "<@"+botUserID+"> why war", "1999", true, botUserID)
		}},
		{"FromItself", func(t *testing.T) *discordgo.Message {
			return mentionMessage(t, "<@"+botUserID+"> why war", botUserID, true, botUserID)
		}},
		{"DM", func(t *testing.T) *discordgo.Message {
			m := mentionMessage(t, "<@"+botUserID+"> why war", aliceID, false, botUserID)
			m.GuildID = ""
			return m
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			l := lib()
			calls := do(t, MustNewBot(t, l), tt.m(t))
			assert.Empty(t, calls)
			assert.Empty(t, l.Calls())
		})
	}
	t.Run("Cooldown", func(t *testing.T) {
		l := lib()
		b := MustNewBot(t, l)
		b.Cooldown = time.Minute
		assert.Len(t, do(t, b, mentionMessage(t, "<@"+botUserID+"> why war", aliceID, false, botUserID)), 1)
		assert.Empty(t, do(t, b, mentionMessage(t, "<@"+botUserID+"> why war again", aliceID, false, botUserID)),
			"a channel message cannot be private, so a spammer gets nothing")
	})
}

func TestBot_Close(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	var once sync.Once
	lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
		// Only the first question is held: a later one that runs before
		// Close has begun must answer, not block the polling below.
		if strings.Contains(q.Text, "Why did Russia") {
			once.Do(func() { close(started) })
			<-release
		}
		return pagedSearch(sampleResults)(ctx, q)
	}}
	b := MustNewBot(t, lib)
	b.ShutdownTimeout = 5 * time.Second

	inflight := newRecorder()
	handled := make(chan struct{})
	go func() {
		defer close(handled)
		b.HandleInteraction(context.Background(), inflight, askInteraction(t, "Why did Russia go to war?"))
	}()
	<-started

	closed := make(chan error)
	go func() { closed <- b.Close() }()

	// While Close waits, new interactions are told the bot is restarting.
	require.Eventually(t, func() bool {
		calls := b.Do(t, askInteraction(t, "Another question?"))
		return len(calls) == 1 && strings.Contains(calls[0].msg(t).text(), "restarting")
	}, 15*time.Second, 10*time.Millisecond) // generous: CI runs packages side by side on 2 cores
	select {
	case <-closed:
		t.Fatal("Close returned with an answer in flight")
	default:
	}

	close(release)
	<-handled
	require.NoError(t, <-closed)
	calls := inflight.Calls()
	require.Len(t, calls, 2, "the answer in flight was completed")
	assert.Len(t, calls[1].msg(t).Embeds, 3)

	// Once closed, events are dropped.
	assert.Empty(t, b.Do(t, askInteraction(t, "Anyone there?")))
}

func TestBot_CloseTimeout(t *testing.T) {
	lib := &fakeLibrary{SearchFn: func(ctx context.Context, q retrieval.Query) ([]retrieval.Result, error) {
		<-ctx.Done() // only cancellation ends it
		return nil, ctx.Err()
	}}
	b := MustNewBot(t, lib)
	b.ShutdownTimeout = 100 * time.Millisecond
	r := newRecorder()
	go b.HandleInteraction(context.Background(), r, askInteraction(t, "Why did Russia go to war?"))
	require.Eventually(t, func() bool { return len(lib.Calls()) == 1 }, 2*time.Second, 5*time.Millisecond)

	start := time.Now()
	require.NoError(t, b.Close())
	assert.Less(t, time.Since(start), 3*time.Second)
	calls := r.Calls()
	require.Len(t, calls, 2)
	assert.Contains(t, calls[1].msg(t).text(), "restarting", "a cancelled answer says why")
}
