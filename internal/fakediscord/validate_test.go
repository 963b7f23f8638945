package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/bwmarrin/discordgo"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// decode turns JSON text or a Go value into what the checks see.
func decode(t *testing.T, v any) any {
	t.Helper()
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			t.Fatal(err)
		}
	}
	val, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return val
}

func obj(t *testing.T, s string) map[string]any {
	t.Helper()
	return decode(t, []byte(s)).(map[string]any)
}

// checkWant asserts that the violations mention every want, or that there are
// none when want is empty.
func checkWant(t *testing.T, vs []violation, want []string) {
	t.Helper()
	var all []string
	for _, v := range vs {
		all = append(all, v.String())
	}
	joined := strings.Join(all, "\n")
	if len(want) == 0 && len(vs) > 0 {
		t.Errorf("unexpected violations:\n%s", joined)
	}
	for _, w := range want {
		if !strings.Contains(joined, w) {
			t.Errorf("violations do not mention %q:\n%s", w, joined)
		}
	}
}

const am = `"allowed_mentions":{"parse":[]}`

func TestCheckMessage(t *testing.T) {
	long := func(n int) string { return strings.Repeat("x", n) }
	for _, tc := range []struct {
		name   string
		body   string
		create bool
		flags  int64
		files  int
		want   []string
	}{
		{name: "OK", body: `{"content":"hi",` + am + `}`, create: true},
		{name: "NullParseOK", body: `{"content":"hi","allowed_mentions":{"parse":null}}`, create: true},
		{name: "Content2000OK", body: `{"content":"` + long(2000) + `",` + am + `}`, create: true},
		{name: "Content2001", body: `{"content":"` + long(2001) + `",` + am + `}`, want: []string{"content: Must be 2000 or fewer in length (got 2001)"}},
		{name: "ContentCountsRunes", body: `{"content":"` + strings.Repeat("日", 2000) + `",` + am + `}`},
		{name: "Empty", body: `{"content":"  ",` + am + `}`, create: true, want: []string{"Cannot send an empty message"}},
		{name: "EmptyEditOK", body: `{` + am + `}`},
		{name: "FileOnlyOK", body: `{` + am + `}`, create: true, files: 1},
		{name: "NoAllowedMentions", body: `{"content":"hi"}`, want: []string{"allowed_mentions: missing"}},
		{name: "NullAllowedMentions", body: `{"content":"hi","allowed_mentions":null}`, want: []string{"allowed_mentions: missing"}},
		{name: "ParseUsers", body: `{"content":"hi","allowed_mentions":{"parse":["users"]}}`, want: []string{"allowed_mentions.parse: must be empty"}},
		{name: "ExplicitUsers", body: `{"content":"hi","allowed_mentions":{"users":["1"]}}`, want: []string{"allowed_mentions.users: must be empty"}},
		{name: "RepliedUser", body: `{"content":"hi","allowed_mentions":{"parse":[],"replied_user":true}}`, want: []string{"replied_user: must not be true"}},
		{name: "Flags", body: `{"content":"hi","flags":64,` + am + `}`, flags: channelFlags, want: []string{"flags: flags 64 not allowed"}},
		{name: "EphemeralFollowupOK", body: `{"content":"hi","flags":64,` + am + `}`, flags: followupFlags},
		{name: "Embeds", body: `{"embeds":[{"title":"` + long(257) + `","description":"` + long(4097) + `","fields":[{"name":"","value":"` + long(1025) + `"}],"footer":{"text":"` + long(2049) + `"},"author":{"name":"` + long(257) + `"}}],` + am + `}`,
			want: []string{"embeds.0.title: Must be 256", "embeds.0.description: Must be 4096", "embeds.0.fields.0.name: This field is required",
				"embeds.0.fields.0.value: Must be 1024", "embeds.0.footer.text: Must be 2048", "embeds.0.author.name: Must be 256", "Embed size exceeds maximum size of 6000"}},
		{name: "EmbedTotal", body: `{"embeds":[{"description":"` + long(4000) + `"},{"description":"` + long(2001) + `"}],` + am + `}`,
			want: []string{"embeds: Embed size exceeds maximum size of 6000 (got 6001)"}},
		{name: "ElevenEmbeds", body: `{"embeds":[` + strings.Repeat(`{"title":"t"},`, 10) + `{"title":"t"}],` + am + `}`, want: []string{"embeds: Must be 10 or fewer"}},
		{name: "SelectNotAlone", body: `{"content":"x","components":[{"type":1,"components":[{"type":3,"custom_id":"s"},{"type":2,"style":1,"custom_id":"b"}]}],` + am + `}`,
			want: []string{"components.0.components: a select menu must be alone"}},
		{name: "ButtonOutsideRow", body: `{"content":"x","components":[{"type":2,"style":1,"custom_id":"b"}],` + am + `}`, want: []string{"components.0.type: top-level components must be action rows"}},
		{name: "Buttons", body: `{"content":"x","components":[{"type":1,"components":[{"type":2,"style":1,"label":"` + long(81) + `"},{"type":2,"style":5},{"type":2,"style":1,"custom_id":"` + long(101) + `","url":"https://x"}]}],` + am + `}`,
			want: []string{"components.0.components.0.label: Must be 80", "components.0.components.0.custom_id: a non-link button needs a custom_id",
				"components.0.components.1.url: a link button needs a url", "components.0.components.2.custom_id: Must be between 1 and 100", "components.0.components.2.url: only link buttons"}},
		{name: "ComponentsV2", body: `{"content":"x","flags":32768,"components":[{"type":10,"content":"t"}],` + am + `}`, flags: createFlags,
			want: []string{"content and embeds cannot be used with the IS_COMPONENTS_V2 flag"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := make([]File, tc.files)
			flags := tc.flags
			if flags == 0 {
				flags = createFlags
			}
			checkWant(t, checkMessage(obj(t, tc.body), "", messageRules{flags: flags, create: tc.create}, files), tc.want)
		})
	}
}

func TestCheckCallback(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{name: "Type4OK", body: `{"type":4,"data":{"content":"hi",` + am + `}}`},
		{name: "Type4NoData", body: `{"type":4}`, want: []string{"type 4 needs data"}},
		{name: "Type4Prefix", body: `{"type":4,"data":{"content":"hi"}}`, want: []string{"data.allowed_mentions: missing"}},
		{name: "Type5OK", body: `{"type":5,"data":{"tts":false,"content":"","components":null,"embeds":null,"flags":64}}`},
		{name: "Type5NoDataOK", body: `{"type":5}`},
		{name: "Type5Flags", body: `{"type":5,"data":{"flags":4}}`, want: []string{"only the EPHEMERAL flag (64); got 4"}},
		{name: "Type6OK", body: `{"type":6}`},
		{name: "Type7NeedsAllowedMentions", body: `{"type":7,"data":{"components":[]}}`, want: []string{"data.allowed_mentions: missing"}},
		{name: "Type8OK", body: `{"type":8,"data":{"choices":[{"name":"a","value":"a"}]}}`},
		{name: "Type8NoChoicesOK", body: `{"type":8,"data":{"content":""}}`},
		{name: "Type8Choices", body: `{"type":8,"data":{"choices":[{"name":"","value":"` + strings.Repeat("v", 101) + `"}]}}`,
			want: []string{"data.choices.0.name: Must be between 1 and 100", "data.choices.0.value: Must be 100 or fewer"}},
		{name: "Type9", body: `{"type":9,"data":{"custom_id":"","title":"` + strings.Repeat("t", 46) + `","components":[]}}`,
			want: []string{"data.custom_id: Must be between 1 and 100", "data.title: Must be between 1 and 45", "data.components: Must be between 1 and 5"}},
		{name: "Type9OK", body: `{"type":9,"data":{"custom_id":"f","title":"Form","components":[` +
			`{"type":1,"components":[{"type":4,"custom_id":"a","style":2,"label":"Text","max_length":4000,"required":true}]}]}}`},
		{name: "Type9TextInput", body: `{"type":9,"data":{"custom_id":"f","title":"Form","components":[` +
			`{"type":1,"components":[{"type":4,"custom_id":"a","style":3,"label":"` + strings.Repeat("l", 46) + `",` +
			`"placeholder":"` + strings.Repeat("p", 101) + `","min_length":10,"max_length":5}]},` +
			`{"type":1,"components":[{"type":4,"custom_id":"b","style":1,"label":"B","max_length":4001}]},` +
			`{"type":1,"components":[{"type":2,"custom_id":"c","style":1,"label":"C"}]},` +
			`{"type":1,"components":[]}]}}`,
			want: []string{"data.components.0.components.0.style", "data.components.0.components.0.label: Must be between 1 and 45",
				"data.components.0.components.0.placeholder", "min_length 10 is greater than max_length 5",
				"data.components.1.components.0.max_length", "data.components.2.components.0.type",
				"data.components.3.components: a modal's action row holds exactly one text input"}},
		{name: "NoType", body: `{}`, want: []string{"type: callback type is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkWant(t, checkCallback(obj(t, tc.body), nil), tc.want) })
	}
}

func TestCheckCommands(t *testing.T) {
	opt := func(extra string) string { return `{"type":3,"name":"q","description":"d"` + extra + `}` }
	cmd := func(opts ...string) string {
		return `{"name":"ask","description":"d","options":[` + strings.Join(opts, ",") + `]}`
	}
	for _, tc := range []struct {
		name string
		body string
		want []string
	}{
		{name: "OK", body: `[` + cmd(opt(`,"required":true,"autocomplete":true`)) + `,{"type":3,"name":"Find Source"},{"type":2,"name":"Quotes By","description":""}]`},
		{name: "UnicodeNameOK", body: `[{"name":"引用-quote_1","description":"d"},{"name":"उद्धरण","description":"d"}]`},
		{name: "NameChars", body: `[{"name":"ask me","description":"d"}]`, want: []string{`0.name: "ask me" does not match`}},
		{name: "NameTooLong", body: `[{"name":"` + strings.Repeat("a", 33) + `","description":"d"}]`, want: []string{"does not match"}},
		{name: "NameUpper", body: `[{"name":"Ask","description":"d"}]`, want: []string{`"Ask" must be lower case`}},
		{name: "Description", body: `[{"name":"ask","description":"` + strings.Repeat("d", 101) + `"}]`, want: []string{"0.description: a CHAT_INPUT description must be between 1 and 100"}},
		{name: "MessageCommandExtras", body: `[{"type":3,"name":"Find","description":"d","options":[` + opt("") + `]}]`,
			want: []string{"0.description: USER and MESSAGE commands must have an empty description", "0.options: USER and MESSAGE commands cannot have options"}},
		{name: "Duplicate", body: `[{"name":"ask","description":"d"},{"name":"ask","description":"d"}]`, want: []string{`1.name: command "ask" is already defined at index 0`}},
		{name: "AutocompleteAndChoices", body: `[` + cmd(opt(`,"autocomplete":true,"choices":[{"name":"a","value":"a"}]`)) + `]`,
			want: []string{"0.options.0.autocomplete: autocomplete cannot be true when choices are set"}},
		{name: "ChoicesOnBoolean", body: `[` + cmd(`{"type":5,"name":"b","description":"d","choices":[{"name":"a","value":"a"}]}`) + `]`,
			want: []string{"0.options.0: option type 5 takes neither choices nor autocomplete"}},
		{name: "ChoiceValue", body: `[` + cmd(opt(`,"choices":[{"name":"a","value":"`+strings.Repeat("v", 101)+`"}]`)) + `]`,
			want: []string{"0.options.0.choices.0.value: Must be 100 or fewer"}},
		{name: "RequiredAfterOptional", body: `[` + cmd(opt(""), `{"type":4,"name":"n","description":"d","required":true}`) + `]`,
			want: []string{"0.options.1.required: required options must come before optional ones"}},
		{name: "MixedSubcommands", body: `[` + cmd(`{"type":1,"name":"s","description":"d"}`, opt("")) + `]`,
			want: []string{"0.options: subcommands and groups cannot sit beside other option types"}},
		{name: "GroupHoldsOnlySubcommands", body: `[` + cmd(`{"type":2,"name":"g","description":"d","options":[`+opt("")+`]}`) + `]`,
			want: []string{"0.options.0.options.0.type: a subcommand group may hold only subcommands"}},
		{name: "NestedNames", body: `[` + cmd(`{"type":1,"name":"Sub","description":"d","options":[{"type":3,"name":"Q","description":""}]}`) + `]`,
			want: []string{`0.options.0.name: "Sub" must be lower case`, `0.options.0.options.0.name: "Q" must be lower case`, "0.options.0.options.0.description: Must be between 1 and 100"}},
		{name: "Permissions", body: `[{"name":"ask","description":"d","default_member_permissions":"manage"}]`, want: []string{`default_member_permissions: Value "manage" is not int.`}},
		{name: "TooLarge", body: `[` + cmd(func() string {
			var os []string
			for i := range 25 {
				os = append(os, `{"type":3,"name":"o`+string(rune('a'+i))+`","description":"`+strings.Repeat("d", 100)+`","choices":[`+
					strings.TrimSuffix(strings.Repeat(`{"name":"`+strings.Repeat("n", 100)+`","value":"v"},`, 3), ",")+`]}`)
			}
			return strings.Join(os, ",")
		}()) + `]`, want: []string{"0: names, descriptions and choice values add up to"}},
		{name: "TooManyOptions", body: `[` + cmd(strings.TrimSuffix(strings.Repeat(opt("")+",", 26), ",")) + `]`,
			want: []string{"0.options: Must be 25 or fewer in length (got 26)"}},
		{name: "TooManyUserCommands", body: `[` + strings.TrimSuffix(strings.Repeat(`{"type":2,"name":"u"},`, 16), ",") + `]`,
			want: []string{"at most 15 commands of type 2, got 16"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			arr, ok := decode(t, []byte(tc.body)).([]any)
			if !ok {
				t.Fatal("not an array")
			}
			vs := checkCommands(arr)
			if tc.name == "TooManyUserCommands" {
				// Sixteen commands of one name also repeat it; only the count matters here.
				var kept []violation
				for _, v := range vs {
					if v.code != "APPLICATION_COMMAND_NAME_ALREADY_EXISTS" {
						kept = append(kept, v)
					}
				}
				vs = kept
			}
			checkWant(t, vs, tc.want)
		})
	}
}

func TestInvalidFormBody(t *testing.T) {
	r := invalidFormBody([]violation{
		{"data.content", "BASE_TYPE_MAX_LENGTH", "too long"},
		{"data.embeds.0.title", "BASE_TYPE_MAX_LENGTH", "too long"},
		{"", codeEmpty, "empty"},
	})
	b, _ := json.Marshal(r.body)
	want := `{"code":50035,"errors":{"_errors":[{"code":"EMPTY_MESSAGE","message":"empty"}],"data":{"content":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"too long"}]},` +
		`"embeds":{"0":{"title":{"_errors":[{"code":"BASE_TYPE_MAX_LENGTH","message":"too long"}]}}}}},"message":"Invalid Form Body"}`
	if r.status != 400 || string(b) != want {
		t.Errorf("got %d %s\nwant 400 %s", r.status, b, want)
	}
	r = invalidFormBody([]violation{{"", codeEmpty, "empty"}})
	if b, _ := json.Marshal(r.body); string(b) != `{"code":50006,"message":"Cannot send an empty message"}` {
		t.Errorf("empty message: %s", b)
	}
}

func mustSpec(t *testing.T) *spec {
	t.Helper()
	path := findSpec()
	if path == "" {
		t.Skip("shared/discord/openapi.json not found")
	}
	sp, err := loadSpec(path)
	if err != nil {
		t.Fatal(err)
	}
	return sp
}

// TestSpec_DiscordgoBodies checks that what discordgo v0.29.0 sends for
// ordinary replies passes the spec, so the spec check raises no false alarms.
func TestSpec_DiscordgoBodies(t *testing.T) {
	sp := mustSpec(t)
	noPings := &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}}
	buttons := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.Button{Label: "Next", Style: discordgo.PrimaryButton, CustomID: "next", Emoji: &discordgo.ComponentEmoji{Name: "➡"}},
		discordgo.Button{Label: "Source", Style: discordgo.LinkButton, URL: "https://go.dev/doc"},
	}}}
	selectRow := []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
		discordgo.SelectMenu{CustomID: "pick", Placeholder: "Pick", Options: []discordgo.SelectMenuOption{{Label: "A", Value: "a"}}},
	}}}
	embed := []*discordgo.MessageEmbed{{Title: "t", Description: "d", URL: "https://go.dev", Color: 0x00ADD8, Timestamp: "2024-01-01T00:00:00Z",
		Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: "v"}}, Footer: &discordgo.MessageEmbedFooter{Text: "f"},
		Author: &discordgo.MessageEmbedAuthor{Name: "a", URL: "https://go.dev"}}}
	content := "Go is expressive."
	minLen := 1
	for _, tc := range []struct {
		name   string
		tmpl   string
		method string
		body   any
	}{
		{"Type4", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
			Content: content, Embeds: embed, Components: buttons, AllowedMentions: noPings, Flags: discordgo.MessageFlagsEphemeral}}},
		{"Type5", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 5, Data: &discordgo.InteractionResponseData{Flags: discordgo.MessageFlagsEphemeral}}},
		{"Type5NoData", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 5}},
		{"Type6", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 6}},
		{"Type7", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 7, Data: &discordgo.InteractionResponseData{
			Content: content, Components: selectRow, AllowedMentions: noPings}}},
		{"Type8", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 8, Data: &discordgo.InteractionResponseData{
			Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "a"}, {Name: "b", Value: "b"}}}}},
		{"Type9", routeCallback, http.MethodPost, discordgo.InteractionResponse{Type: 9, Data: &discordgo.InteractionResponseData{
			CustomID: "report", Title: "Report a quote", Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
				discordgo.TextInput{CustomID: "reason", Label: "Reason", Style: discordgo.TextInputParagraph, Required: true, MinLength: minLen, MaxLength: 1000},
			}}}}}},
		{"Followup", routeWebhook, http.MethodPost, discordgo.WebhookParams{Content: content, Embeds: embed, Components: buttons,
			AllowedMentions: noPings, Flags: discordgo.MessageFlagsEphemeral}},
		{"EditOriginal", routeOriginal, http.MethodPatch, discordgo.WebhookEdit{Content: &content, Embeds: &embed, Components: &buttons, AllowedMentions: noPings}},
		{"EditFollowup", routeWebhookMessage, http.MethodPatch, discordgo.WebhookEdit{Content: &content, AllowedMentions: noPings}},
		{"ChannelMessage", routeChannelMessage, http.MethodPost, discordgo.MessageSend{Content: content, Embeds: embed, Components: buttons,
			AllowedMentions: noPings, Reference: &discordgo.MessageReference{MessageID: "1", ChannelID: "2", GuildID: "3"}}},
		{"Commands", routeGlobalCommands, http.MethodPut, []*discordgo.ApplicationCommand{
			{Name: "quote", Description: "Quotes", DefaultMemberPermissions: new(int64), DMPermission: new(bool),
				Contexts:         &[]discordgo.InteractionContextType{discordgo.InteractionContextGuild},
				IntegrationTypes: &[]discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall},
				Options: []*discordgo.ApplicationCommandOption{
					{Type: discordgo.ApplicationCommandOptionSubCommandGroup, Name: "admin", Description: "Admin", Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "add", Description: "Add", Options: []*discordgo.ApplicationCommandOption{
							{Type: discordgo.ApplicationCommandOptionString, Name: "text", Description: "Text", Required: true, MaxLength: 200},
							{Type: discordgo.ApplicationCommandOptionChannel, Name: "where", Description: "Where", ChannelTypes: []discordgo.ChannelType{discordgo.ChannelTypeGuildText}},
						}},
					}},
					{Type: discordgo.ApplicationCommandOptionSubCommand, Name: "find", Description: "Find", Options: []*discordgo.ApplicationCommandOption{
						{Type: discordgo.ApplicationCommandOptionInteger, Name: "n", Description: "N", MinValue: new(float64), MaxValue: 10},
						{Type: discordgo.ApplicationCommandOptionNumber, Name: "w", Description: "W", Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "half", Value: 0.5}}},
						{Type: discordgo.ApplicationCommandOptionUser, Name: "who", Description: "Who"},
						{Type: discordgo.ApplicationCommandOptionBoolean, Name: "public", Description: "Public"},
					}},
				}},
			{Type: discordgo.MessageApplicationCommand, Name: "Find Source"},
			{Type: discordgo.UserApplicationCommand, Name: "Quotes By"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			val := decode(t, tc.body)
			ptr := sp.requestBodyPointer(tc.tmpl, tc.method)
			if tc.tmpl == routeCallback {
				typ, _ := intOf(val.(map[string]any)["type"])
				ptr = "/components/schemas/" + callbackSchemas[typ]
			}
			if tc.tmpl == routeGlobalCommands {
				normalizeCommands(val)
			}
			if ptr == "" {
				t.Fatalf("no request body schema for %s %s", tc.method, tc.tmpl)
			}
			vs, err := sp.validate(ptr, val)
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, vs, nil)
		})
	}
}

func TestSpec_Errors(t *testing.T) {
	sp := mustSpec(t)
	for _, tc := range []struct {
		name string
		ptr  string
		body string
		want []string
	}{
		// The schema's oneOf [null, object] for data must not add "want null" noise.
		{"ContentTooLong", "/components/schemas/CreateMessageInteractionCallbackRequest",
			`{"type":4,"data":{"content":"` + strings.Repeat("a", 2001) + `"}}`, []string{"data.content: openapi: maxLength: got 2,001, want 2,000"}},
		{"OptionUnion", sp.requestBodyPointer(routeGlobalCommands, http.MethodPut),
			`[{"name":"ask","description":"d","options":[{"type":3,"name":"q","description":"","required":"yes"}]}]`,
			[]string{"0.options.0.description: openapi: minLength", "0.options.0.required: openapi: got string, want"}},
		{"WrongType", "/components/schemas/CreateMessageInteractionCallbackRequest", `{"type":4,"data":"hi"}`,
			[]string{"data: openapi: got string, want null; or got string, want object"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vs, err := sp.validate(tc.ptr, decode(t, []byte(tc.body)))
			if err != nil {
				t.Fatal(err)
			}
			if len(vs) != len(tc.want) {
				t.Errorf("got %d violations, want %d: %v", len(vs), len(tc.want), vs)
			}
			checkWant(t, vs, tc.want)
		})
	}
}

func TestSpec_Route(t *testing.T) {
	sp := mustSpec(t)
	for path, want := range map[string]string{
		"/webhooks/1/tok/messages/@original": "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
		"/webhooks/1/tok/messages/2":         "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}",
		"/channels/1/typing":                 "/channels/{channel_id}/typing",
		"/nope":                              "",
	} {
		method := http.MethodPatch
		if strings.HasSuffix(path, "typing") {
			method = http.MethodPost
		}
		if got := sp.route(method, path); got != want {
			t.Errorf("route(%s %s) = %q, want %q", method, path, got, want)
		}
	}
}

// TestSpec_Responses checks the fake's own answers against the spec's
// response schemas, so that the fake stays faithful to Discord.
func TestSpec_Responses(t *testing.T) {
	sp := mustSpec(t)
	f := New(t)
	s, _ := discordgo.New("Bot " + DefaultToken)
	f.Redirect(s)
	noPings := map[string]any{"parse": []string{}}
	for _, tc := range []struct {
		method, tmpl, path string
		body               any
	}{
		{http.MethodGet, routeGateway, "gateway", nil},
		{http.MethodGet, routeGatewayBot, "gateway/bot", nil},
		{http.MethodGet, routeMe, "users/@me", nil},
		{http.MethodPost, routeChannelMessage, "channels/" + DefaultChannelID + "/messages", map[string]any{
			"content": "hi", "allowed_mentions": noPings,
			"embeds":     []any{map[string]any{"title": "t", "fields": []any{map[string]any{"name": "n", "value": "v"}}}},
			"components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "style": 1, "custom_id": "a", "label": "A"}}}},
		}},
		{http.MethodPut, routeGlobalCommands, "applications/" + DefaultApplicationID + "/commands", []any{
			map[string]any{"name": "ask", "description": "d", "default_member_permissions": "8192", "options": []any{
				map[string]any{"type": 3, "name": "q", "description": "d", "required": true}}},
		}},
	} {
		t.Run(tc.tmpl, func(t *testing.T) {
			b, err := s.RequestWithBucketID(tc.method, discordgo.EndpointAPI+tc.path, tc.body, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			ptr := "/paths/" + escapePointer(tc.tmpl) + "/" + strings.ToLower(tc.method) + "/responses/200/content/application~1json/schema"
			vs, err := sp.validate(ptr, decode(t, b))
			if err != nil {
				t.Fatal(err)
			}
			checkWant(t, vs, nil)
		})
	}
}

type errorsTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (e *errorsTB) Helper() {}

func (e *errorsTB) Errorf(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.errs = append(e.errs, fmt.Sprintf(format, args...))
}

// TestServer_SpecWiring checks that a request breaking only the spec (the
// channel message schema allows 4000 characters, a documented limit caps
// content at 2000, so 4001 breaks both) is reported with the spec's words.
func TestServer_SpecWiring(t *testing.T) {
	mustSpec(t)
	tb := &errorsTB{TB: t}
	f := New(tb)
	if f.spec == nil {
		t.Fatal("spec found by the test but not by New")
	}
	s, _ := discordgo.New("Bot " + DefaultToken)
	f.Redirect(s)
	_, err := s.ChannelMessageSendComplex(DefaultChannelID, &discordgo.MessageSend{
		Content: strings.Repeat("a", 4001), AllowedMentions: &discordgo.MessageAllowedMentions{}})
	if err == nil {
		t.Fatal("4001 characters accepted")
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	if len(tb.errs) != 1 || !strings.Contains(tb.errs[0], "content: openapi: maxLength: got 4,001, want 4,000") {
		t.Errorf("errors = %q", tb.errs)
	}
}
