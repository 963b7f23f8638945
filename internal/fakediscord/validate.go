package fakediscord

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Contract checks on the bodies the bot sends: Discord's OpenAPI schema where
// the document is present, then the documented limits the schema misses
// (shared/discord/LIMITS.md) and the project's own rule that nothing the bot
// posts can ping anyone.

// violation is one broken rule, at a dotted path into the body.
type violation struct {
	path string
	code string // Discord's code for it in the errors tree, e.g. BASE_TYPE_MAX_LENGTH
	msg  string
}

func (v violation) String() string {
	if v.path == "" {
		return v.msg
	}
	return v.path + ": " + v.msg
}

// codeEmpty marks the empty-message violation, which Discord answers with
// 50006 rather than 50035.
const codeEmpty = "EMPTY_MESSAGE"

// invalidFormBody is Discord's answer to a body that breaks its rules: 50035
// with an errors tree keyed by the path, or 50006 for an empty message.
func invalidFormBody(vs []violation) reply {
	onlyEmpty := true
	for _, v := range vs {
		onlyEmpty = onlyEmpty && v.code == codeEmpty
	}
	if onlyEmpty {
		return discordError(400, 50006, "Cannot send an empty message")
	}
	tree := map[string]any{}
	for _, v := range vs {
		node := tree
		if v.path != "" {
			for _, p := range strings.Split(v.path, ".") {
				child, ok := node[p].(map[string]any)
				if !ok {
					child = map[string]any{}
					node[p] = child
				}
				node = child
			}
		}
		list, _ := node["_errors"].([]any)
		node["_errors"] = append(list, map[string]any{"code": v.code, "message": v.msg})
	}
	return reply{status: 400, body: map[string]any{"code": 50035, "message": "Invalid Form Body", "errors": tree}}
}

// checkContract checks a request body; raw is its JSON text.
func (s *Server) checkContract(rt *route, c *call, raw []byte) []violation {
	var vs []violation
	body, _ := c.val.(map[string]any)
	specPtr := ""
	specVal := c.val
	if s.spec != nil {
		specPtr = s.spec.requestBodyPointer(rt.tmpl, rt.method)
	}
	switch rt.tmpl {
	case routeCallback:
		typ, _ := intOf(body["type"])
		if name, ok := callbackSchemas[typ]; ok {
			// The route's schema is an anyOf over every callback type; the
			// branch for this type gives sharper errors.
			specPtr = "/components/schemas/" + name
		}
		vs = append(vs, checkCallback(body, c.files)...)
	case routeWebhook:
		vs = append(vs, checkMessage(body, "", messageRules{flags: followupFlags, create: true}, c.files)...)
	case routeOriginal, routeWebhookMessage:
		vs = append(vs, checkMessage(body, "", messageRules{flags: editFlags}, c.files)...)
	case routeChannelMessage:
		vs = append(vs, checkMessage(body, "", messageRules{flags: channelFlags, create: true}, c.files)...)
	case routeGlobalCommands, routeGuildCommands:
		arr, ok := c.val.([]any)
		if !ok {
			vs = append(vs, violation{"", "BASE_TYPE_BAD_TYPE", "body must be an array of commands"})
			break
		}
		vs = append(vs, checkCommands(arr)...)
		// discordgo sends default_member_permissions as a string, which
		// Discord accepts; the spec says integer.
		specVal, _ = jsonschema.UnmarshalJSON(bytes.NewReader(raw))
		normalizeCommands(specVal)
	}
	if s.spec != nil && specPtr != "" {
		svs, err := s.spec.validate(specPtr, specVal)
		if err != nil {
			s.logf("%v; spec check skipped", err)
		}
		vs = append(svs, vs...)
	}
	return vs
}

// callbackSchemas names the spec's request schema per callback type.
var callbackSchemas = map[int64]string{
	1:  "PongInteractionCallbackRequest",
	4:  "CreateMessageInteractionCallbackRequest",
	5:  "CreateMessageInteractionCallbackRequest",
	6:  "UpdateMessageInteractionCallbackRequest",
	7:  "UpdateMessageInteractionCallbackRequest",
	8:  "ApplicationCommandAutocompleteCallbackRequest",
	9:  "ModalInteractionCallbackRequest",
	12: "LaunchActivityInteractionCallbackRequest",
}

// normalizeCommands turns numeric-string default_member_permissions into
// numbers in place.
func normalizeCommands(v any) {
	arr, _ := v.([]any)
	for _, c := range arr {
		cmd, ok := c.(map[string]any)
		if !ok {
			continue
		}
		if p, ok := cmd["default_member_permissions"].(string); ok && permRe.MatchString(p) {
			cmd["default_member_permissions"] = json.Number(p)
		}
	}
}

var permRe = regexp.MustCompile(`^[0-9]+$`)

// Flags each kind of message body may carry.
const (
	createFlags   = flagSuppressEmbeds | flagEphemeral | flagSuppressNotifications | flagVoiceMessage | flagComponentsV2
	followupFlags = createFlags
	editFlags     = flagSuppressEmbeds | flagComponentsV2 | flagEphemeral
	channelFlags  = flagSuppressEmbeds | flagSuppressNotifications | flagVoiceMessage | flagComponentsV2
)

type messageRules struct {
	flags  int64 // allowed flag bits
	create bool  // a new message: it may not be empty
}

// checkCallback checks an interaction callback body.
func checkCallback(body map[string]any, files []File) []violation {
	typ, ok := intOf(body["type"])
	if !ok {
		return []violation{{"type", "BASE_TYPE_REQUIRED", "callback type is required"}}
	}
	data, _ := body["data"].(map[string]any)
	switch typ {
	case 4:
		if data == nil {
			return []violation{{"data", codeEmpty, "Cannot send an empty message (50006): type 4 needs data"}}
		}
		return checkMessage(data, "data.", messageRules{flags: createFlags, create: true}, files)
	case 5:
		if f, _ := intOf(data["flags"]); f&^flagEphemeral != 0 {
			return []violation{{"data.flags", "INTERACTION_RESPONSE_FLAGS_INVALID",
				fmt.Sprintf("a deferred response (type 5) may carry only the EPHEMERAL flag (64); got %d", f)}}
		}
	case 7:
		return checkMessage(data, "data.", messageRules{flags: editFlags}, files)
	case 8:
		return checkAutocomplete(data)
	case 9:
		return checkModal(data)
	}
	return nil
}

func checkAutocomplete(data map[string]any) []violation {
	var vs []violation
	// choices may be absent: discordgo omits an empty list, and the spec
	// does not require it.
	choices, _ := data["choices"].([]any)
	if len(choices) > 25 {
		vs = append(vs, violation{"data.choices", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 25 or fewer in length (got %d).", len(choices))})
	}
	for i, c := range choices {
		vs = append(vs, checkChoice(c, fmt.Sprintf("data.choices.%d", i))...)
	}
	return vs
}

func checkChoice(c any, path string) []violation {
	var vs []violation
	ch, _ := c.(map[string]any)
	name, _ := ch["name"].(string)
	if n := runes(name); n < 1 || n > 100 {
		vs = append(vs, violation{path + ".name", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 100 in length (got %d).", n)})
	}
	if v, ok := ch["value"].(string); ok && runes(v) > 100 {
		vs = append(vs, violation{path + ".value", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 100 or fewer in length (got %d).", runes(v))})
	}
	return vs
}

func checkModal(data map[string]any) []violation {
	var vs []violation
	id, _ := data["custom_id"].(string)
	if n := runes(id); n < 1 || n > 100 {
		vs = append(vs, violation{"data.custom_id", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 100 in length (got %d).", n)})
	}
	title, _ := data["title"].(string)
	if n := runes(title); n < 1 || n > 45 {
		vs = append(vs, violation{"data.title", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 45 in length (got %d).", n)})
	}
	rows, _ := data["components"].([]any)
	if len(rows) < 1 || len(rows) > 5 {
		vs = append(vs, violation{"data.components", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 5 in length (got %d).", len(rows))})
	}
	vs = append(vs, checkCustomIDs(rows, "data.components")...)
	for i, r := range rows {
		vs = append(vs, checkModalRow(r, fmt.Sprintf("data.components.%d", i))...)
	}
	return vs
}

// checkModalRow checks one row of a modal: an action row holding one text
// input, with the documented limits (the spec has them too; these hold
// where shared/ is absent, and min_length <= max_length, which it lacks).
func checkModalRow(r any, path string) []violation {
	row, _ := r.(map[string]any)
	if typ, _ := intOf(row["type"]); typ != 1 {
		// Label (18) and text display (10) rows are newer than discordgo v0.29.0.
		return nil
	}
	inner, _ := row["components"].([]any)
	if len(inner) != 1 {
		return []violation{{path + ".components", "BASE_TYPE_BAD_LENGTH",
			fmt.Sprintf("a modal's action row holds exactly one text input (got %d components)", len(inner))}}
	}
	ti, _ := inner[0].(map[string]any)
	p := path + ".components.0"
	if typ, _ := intOf(ti["type"]); typ != 4 {
		return []violation{{p + ".type", "COMPONENT_TYPE_INVALID", fmt.Sprintf("a modal's action row holds a text input (type 4), not type %d", typ)}}
	}
	var vs []violation
	add := func(field, code, format string, args ...any) {
		vs = append(vs, violation{p + "." + field, code, fmt.Sprintf(format, args...)})
	}
	if style, _ := intOf(ti["style"]); style != 1 && style != 2 {
		add("style", "BASE_TYPE_CHOICES", "Value must be one of (1, 2) (got %d).", style)
	}
	if label, ok := ti["label"].(string); ok {
		if n := runes(label); n < 1 || n > 45 {
			add("label", "BASE_TYPE_BAD_LENGTH", "Must be between 1 and 45 in length (got %d).", n)
		}
	}
	if ph, ok := ti["placeholder"].(string); ok && runes(ph) > 100 {
		add("placeholder", "BASE_TYPE_MAX_LENGTH", "Must be 100 or fewer in length (got %d).", runes(ph))
	}
	if v, ok := ti["value"].(string); ok && runes(v) > 4000 {
		add("value", "BASE_TYPE_MAX_LENGTH", "Must be 4000 or fewer in length (got %d).", runes(v))
	}
	minLen, hasMin := intOf(ti["min_length"])
	maxLen, hasMax := intOf(ti["max_length"])
	if hasMin && (minLen < 0 || minLen > 4000) {
		add("min_length", "NUMBER_TYPE_MAX", "Must be between 0 and 4000 (got %d).", minLen)
	}
	if hasMax && (maxLen < 1 || maxLen > 4000) {
		add("max_length", "NUMBER_TYPE_MAX", "Must be between 1 and 4000 (got %d).", maxLen)
	}
	if hasMin && hasMax && minLen > maxLen {
		add("min_length", "BASE_TYPE_BAD_LENGTH", "min_length %d is greater than max_length %d.", minLen, maxLen)
	}
	return vs
}

// checkMessage checks a message create or edit body; prefix is the path of
// the body within the request ("data." in a callback).
func checkMessage(m map[string]any, prefix string, r messageRules, files []File) []violation {
	var vs []violation
	add := func(path, code, format string, args ...any) {
		vs = append(vs, violation{prefix + path, code, fmt.Sprintf(format, args...)})
	}
	flags, _ := intOf(m["flags"])
	if bad := flags &^ r.flags; bad != 0 {
		add("flags", "MESSAGE_FLAGS_INVALID", "flags %d not allowed here (allowed bits: %d)", bad, r.flags)
	}
	v2 := flags&flagComponentsV2 != 0
	content, _ := m["content"].(string)
	if n := runes(content); n > 2000 {
		add("content", "BASE_TYPE_MAX_LENGTH", "Must be 2000 or fewer in length (got %d).", n)
	}
	embeds, _ := m["embeds"].([]any)
	if len(embeds) > 10 {
		add("embeds", "BASE_TYPE_MAX_LENGTH", "Must be 10 or fewer in length (got %d).", len(embeds))
	}
	total := 0
	for i, e := range embeds {
		evs, n := checkEmbed(e, fmt.Sprintf("%sembeds.%d", prefix, i))
		vs = append(vs, evs...)
		total += n
	}
	if total > 6000 {
		add("embeds", "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000 (got %d)", total)
	}
	components, _ := m["components"].([]any)
	if v2 {
		if content != "" || len(embeds) > 0 {
			add("content", "MESSAGE_CANNOT_USE_LEGACY_FIELDS_WITH_COMPONENTS_V2", "content and embeds cannot be used with the IS_COMPONENTS_V2 flag")
		}
		if n := countComponents(components); n > 40 {
			add("components", "BASE_TYPE_MAX_LENGTH", "Must be 40 or fewer components in total (got %d).", n)
		}
	} else {
		vs = append(vs, checkActionRows(components, prefix+"components")...)
	}
	vs = append(vs, checkCustomIDs(components, prefix+"components")...)
	vs = append(vs, checkAllowedMentions(m, prefix)...)
	if r.create {
		stickers, _ := m["sticker_ids"].([]any)
		if strings.TrimSpace(content) == "" && len(embeds) == 0 && len(components) == 0 &&
			len(stickers) == 0 && m["poll"] == nil && len(files) == 0 {
			vs = append(vs, violation{strings.TrimSuffix(prefix, "."), codeEmpty,
				"Cannot send an empty message (50006): give content, embeds, components, sticker_ids, poll or files"})
		}
	}
	return vs
}

// checkAllowedMentions enforces the project rule: every message body sets
// allowed_mentions with nothing to parse and no users or roles, so quoted
// text can never ping anyone. Discord treats a missing or null parse inside
// a present allowed_mentions like an empty list.
func checkAllowedMentions(m map[string]any, prefix string) []violation {
	const rule = " (project rule: replies must never ping; send allowed_mentions {\"parse\":[]})"
	path := prefix + "allowed_mentions"
	am, ok := m["allowed_mentions"].(map[string]any)
	if !ok {
		return []violation{{path, "BASE_TYPE_REQUIRED", "missing" + rule}}
	}
	var vs []violation
	for _, k := range []string{"parse", "users", "roles"} {
		if l, _ := am[k].([]any); len(l) > 0 {
			vs = append(vs, violation{path + "." + k, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("must be empty, got %v%s", l, rule)})
		}
	}
	if b, _ := am["replied_user"].(bool); b {
		vs = append(vs, violation{path + ".replied_user", "BASE_TYPE_CHOICES", "must not be true" + rule})
	}
	return vs
}

// checkEmbed checks one embed and returns its size toward the 6000 total.
func checkEmbed(e any, path string) ([]violation, int) {
	var vs []violation
	em, _ := e.(map[string]any)
	size := 0
	limit := func(p string, s string, max int) {
		n := runes(s)
		size += n
		if n > max {
			vs = append(vs, violation{path + "." + p, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be %d or fewer in length (got %d).", max, n)})
		}
	}
	str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
	limit("title", str(em, "title"), 256)
	limit("description", str(em, "description"), 4096)
	fields, _ := em["fields"].([]any)
	if len(fields) > 25 {
		vs = append(vs, violation{path + ".fields", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 25 or fewer in length (got %d).", len(fields))})
	}
	for i, f := range fields {
		fm, _ := f.(map[string]any)
		fp := fmt.Sprintf("fields.%d", i)
		name, value := str(fm, "name"), str(fm, "value")
		if name == "" {
			vs = append(vs, violation{path + "." + fp + ".name", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		if value == "" {
			vs = append(vs, violation{path + "." + fp + ".value", "BASE_TYPE_REQUIRED", "This field is required"})
		}
		limit(fp+".name", name, 256)
		limit(fp+".value", value, 1024)
	}
	if footer, ok := em["footer"].(map[string]any); ok {
		limit("footer.text", str(footer, "text"), 2048)
	}
	if author, ok := em["author"].(map[string]any); ok {
		limit("author.name", str(author, "name"), 256)
	}
	return vs, size
}

var selectTypes = map[int64]bool{3: true, 5: true, 6: true, 7: true, 8: true}

// checkActionRows checks the legacy (non-V2) component layout.
func checkActionRows(rows []any, path string) []violation {
	var vs []violation
	if len(rows) > 5 {
		vs = append(vs, violation{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 5 or fewer action rows (got %d).", len(rows))})
	}
	for i, r := range rows {
		row, _ := r.(map[string]any)
		rp := fmt.Sprintf("%s.%d", path, i)
		if t, _ := intOf(row["type"]); t != 1 {
			vs = append(vs, violation{rp + ".type", "COMPONENT_LAYOUT_INVALID",
				fmt.Sprintf("top-level components must be action rows (type 1) without the IS_COMPONENTS_V2 flag; got type %d", t)})
			continue
		}
		items, _ := row["components"].([]any)
		selects := 0
		for j, it := range items {
			c, _ := it.(map[string]any)
			t, _ := intOf(c["type"])
			cp := fmt.Sprintf("%s.components.%d", rp, j)
			switch {
			case t == 2:
				vs = append(vs, checkButton(c, cp)...)
			case selectTypes[t]:
				selects++
			}
		}
		if len(items) > 5 {
			vs = append(vs, violation{rp + ".components", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 5 or fewer in length (got %d).", len(items))})
		}
		if selects > 0 && len(items) > 1 {
			vs = append(vs, violation{rp + ".components", "COMPONENT_LAYOUT_WIDTH_EXCEEDED", "a select menu must be alone in its action row"})
		}
	}
	return vs
}

func checkButton(c map[string]any, path string) []violation {
	var vs []violation
	style, _ := intOf(c["style"])
	id, hasID := c["custom_id"].(string)
	url, hasURL := c["url"].(string)
	hasID, hasURL = hasID && id != "", hasURL && url != ""
	label, _ := c["label"].(string)
	if n := runes(label); n > 80 {
		vs = append(vs, violation{path + ".label", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 80 or fewer in length (got %d).", n)})
	}
	if n := runes(url); n > 512 {
		vs = append(vs, violation{path + ".url", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 512 or fewer in length (got %d).", n)})
	}
	switch style {
	case 5: // link
		if !hasURL {
			vs = append(vs, violation{path + ".url", "BUTTON_COMPONENT_URL_REQUIRED", "a link button needs a url"})
		}
		if hasID {
			vs = append(vs, violation{path + ".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_NOT_ALLOWED", "a link button cannot have a custom_id"})
		}
	case 6: // premium
		if hasID || hasURL {
			vs = append(vs, violation{path, "BUTTON_COMPONENT_INVALID", "a premium button takes sku_id, not custom_id or url"})
		}
	default:
		if !hasID {
			vs = append(vs, violation{path + ".custom_id", "BUTTON_COMPONENT_CUSTOM_ID_REQUIRED", "a non-link button needs a custom_id"})
		}
		if hasURL {
			vs = append(vs, violation{path + ".url", "BUTTON_COMPONENT_URL_NOT_ALLOWED", "only link buttons (style 5) take a url"})
		}
	}
	return vs
}

// checkCustomIDs checks every custom_id in a component tree: 1-100
// characters, unique within the message.
func checkCustomIDs(components []any, path string) []violation {
	var vs []violation
	seen := map[string]string{}
	var walk func(v any, p string)
	walk = func(v any, p string) {
		switch x := v.(type) {
		case []any:
			for i, e := range x {
				walk(e, fmt.Sprintf("%s.%d", p, i))
			}
		case map[string]any:
			if raw, ok := x["custom_id"]; ok && raw != nil {
				id, _ := raw.(string)
				if n := runes(id); n < 1 || n > 100 {
					vs = append(vs, violation{p + ".custom_id", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 100 in length (got %d).", n)})
				}
				if first, dup := seen[id]; dup && id != "" {
					vs = append(vs, violation{p + ".custom_id", "COMPONENT_CUSTOM_ID_DUPLICATED", fmt.Sprintf("custom_id %q is already used at %s", id, first)})
				} else {
					seen[id] = p
				}
			}
			for _, k := range []string{"components", "accessory"} {
				if c, ok := x[k]; ok {
					walk(c, p+"."+k)
				}
			}
		}
	}
	walk(components, path)
	return vs
}

func countComponents(v any) int {
	n := 0
	switch x := v.(type) {
	case []any:
		for _, e := range x {
			n += countComponents(e)
		}
	case map[string]any:
		n = 1
		for _, k := range []string{"components", "accessory"} {
			n += countComponents(x[k])
		}
	}
	return n
}

// nameRe is Discord's CHAT_INPUT name rule; Go spells the scripts
// \p{Devanagari} and \p{Thai} where Discord writes \p{sc=Deva}, \p{sc=Thai}.
var nameRe = regexp.MustCompile(`^[-_'\p{L}\p{N}\p{Devanagari}\p{Thai}]{1,32}$`)

// checkCommands checks a bulk overwrite (global or guild: the limits match).
func checkCommands(cmds []any) []violation {
	var vs []violation
	counts := map[int64]int{}
	names := map[string]int{}
	for i, c := range cmds {
		cmd, ok := c.(map[string]any)
		if !ok {
			vs = append(vs, violation{fmt.Sprint(i), "BASE_TYPE_BAD_TYPE", "a command must be an object"})
			continue
		}
		typ := commandType(cmd)
		counts[typ]++
		name, _ := cmd["name"].(string)
		key := fmt.Sprintf("%d/%s", typ, name)
		if j, dup := names[key]; dup {
			vs = append(vs, violation{fmt.Sprintf("%d.name", i), "APPLICATION_COMMAND_NAME_ALREADY_EXISTS",
				fmt.Sprintf("command %q is already defined at index %d", name, j)})
		} else {
			names[key] = i
		}
		vs = append(vs, checkCommand(cmd, fmt.Sprint(i))...)
	}
	for typ, max := range map[int64]int{CommandChatInput: 100, CommandUser: 15, CommandMessage: 15} {
		if counts[typ] > max {
			vs = append(vs, violation{"", "APPLICATION_COMMANDS_MAX_EXCEEDED",
				fmt.Sprintf("at most %d commands of type %d, got %d", max, typ, counts[typ])})
		}
	}
	sort.Slice(vs, func(i, j int) bool { return vs[i].path < vs[j].path })
	return vs
}

func commandType(cmd map[string]any) int64 {
	if t, ok := intOf(cmd["type"]); ok && t != 0 {
		return t
	}
	return CommandChatInput
}

func checkCommand(cmd map[string]any, path string) []violation {
	var vs []violation
	typ := commandType(cmd)
	name, _ := cmd["name"].(string)
	desc, _ := cmd["description"].(string)
	opts, _ := cmd["options"].([]any)
	if typ == CommandChatInput {
		vs = append(vs, checkName(name, path+".name")...)
		if n := runes(desc); n < 1 || n > 100 {
			vs = append(vs, violation{path + ".description", "BASE_TYPE_BAD_LENGTH",
				fmt.Sprintf("a CHAT_INPUT description must be between 1 and 100 in length (got %d)", n)})
		}
		vs = append(vs, checkOptions(opts, path+".options", 0)...)
	} else {
		if n := runes(name); n < 1 || n > 32 {
			vs = append(vs, violation{path + ".name", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 32 in length (got %d).", n)})
		}
		if desc != "" {
			vs = append(vs, violation{path + ".description", "BASE_TYPE_INVALID", "USER and MESSAGE commands must have an empty description"})
		}
		if len(opts) > 0 {
			vs = append(vs, violation{path + ".options", "BASE_TYPE_INVALID", "USER and MESSAGE commands cannot have options"})
		}
	}
	if p, ok := cmd["default_member_permissions"].(string); ok && !permRe.MatchString(p) {
		vs = append(vs, violation{path + ".default_member_permissions", "NUMBER_TYPE_COERCE", fmt.Sprintf("Value %q is not int.", p)})
	}
	if n := commandSize(cmd); n > 8000 {
		vs = append(vs, violation{path, "APPLICATION_COMMAND_TOO_LARGE",
			fmt.Sprintf("names, descriptions and choice values add up to %d characters; the limit is 8000", n)})
	}
	return vs
}

func checkName(name, path string) []violation {
	var vs []violation
	if !nameRe.MatchString(name) {
		vs = append(vs, violation{path, "APPLICATION_COMMAND_INVALID_NAME",
			fmt.Sprintf("%q does not match ^[-_'\\p{L}\\p{N}\\p{sc=Deva}\\p{sc=Thai}]{1,32}$", name)})
	}
	if strings.ToLower(name) != name {
		vs = append(vs, violation{path, "APPLICATION_COMMAND_INVALID_NAME", fmt.Sprintf("%q must be lower case", name)})
	}
	return vs
}

var choiceTypes = map[int64]bool{OptString: true, OptInteger: true, OptNumber: true}

func checkOptions(opts []any, path string, depth int) []violation {
	var vs []violation
	if len(opts) > 25 {
		vs = append(vs, violation{path, "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 25 or fewer in length (got %d).", len(opts))})
	}
	subs, others, optionalAt := 0, 0, -1
	names := map[string]bool{}
	for i, o := range opts {
		op, _ := o.(map[string]any)
		p := fmt.Sprintf("%s.%d", path, i)
		typ, _ := intOf(op["type"])
		name, _ := op["name"].(string)
		desc, _ := op["description"].(string)
		vs = append(vs, checkName(name, p+".name")...)
		if names[name] {
			vs = append(vs, violation{p + ".name", "APPLICATION_COMMAND_OPTION_NAME_ALREADY_EXISTS", fmt.Sprintf("option %q appears twice", name)})
		}
		names[name] = true
		if n := runes(desc); n < 1 || n > 100 {
			vs = append(vs, violation{p + ".description", "BASE_TYPE_BAD_LENGTH", fmt.Sprintf("Must be between 1 and 100 in length (got %d).", n)})
		}
		choices, _ := op["choices"].([]any)
		if len(choices) > 25 {
			vs = append(vs, violation{p + ".choices", "BASE_TYPE_MAX_LENGTH", fmt.Sprintf("Must be 25 or fewer in length (got %d).", len(choices))})
		}
		for j, c := range choices {
			vs = append(vs, checkChoice(c, fmt.Sprintf("%s.choices.%d", p, j))...)
		}
		auto, _ := op["autocomplete"].(bool)
		if auto && len(choices) > 0 {
			vs = append(vs, violation{p + ".autocomplete", "APPLICATION_COMMAND_AUTOCOMPLETE_CHOICES_EXCLUSIVE", "autocomplete cannot be true when choices are set"})
		}
		if (auto || len(choices) > 0) && !choiceTypes[typ] {
			vs = append(vs, violation{p, "BASE_TYPE_INVALID", fmt.Sprintf("option type %d takes neither choices nor autocomplete", typ)})
		}
		switch typ {
		case OptSubcommand, OptSubcommandGroup:
			subs++
			children, _ := op["options"].([]any)
			if typ == OptSubcommandGroup && depth > 0 || typ == OptSubcommand && depth > 1 {
				vs = append(vs, violation{p + ".type", "BASE_TYPE_INVALID", "subcommands nest at most as group > subcommand"})
			}
			for j, ch := range children {
				cm, _ := ch.(map[string]any)
				ct, _ := intOf(cm["type"])
				if typ == OptSubcommandGroup && ct != OptSubcommand {
					vs = append(vs, violation{fmt.Sprintf("%s.options.%d.type", p, j), "BASE_TYPE_INVALID", "a subcommand group may hold only subcommands"})
				}
			}
			vs = append(vs, checkOptions(children, p+".options", depth+1)...)
		default:
			others++
			req, _ := op["required"].(bool)
			if !req && optionalAt < 0 {
				optionalAt = i
			}
			if req && optionalAt >= 0 {
				vs = append(vs, violation{p + ".required", "APPLICATION_COMMAND_OPTIONS_REQUIRED_INVALID",
					fmt.Sprintf("required options must come before optional ones (option %d is optional)", optionalAt)})
			}
		}
	}
	if subs > 0 && others > 0 {
		vs = append(vs, violation{path, "APPLICATION_COMMAND_OPTIONS_TYPE_INVALID", "subcommands and groups cannot sit beside other option types"})
	}
	return vs
}

// commandSize counts the characters Discord adds up for its 8000 limit:
// names, descriptions and choice names and values, nested options included
// (localizations are not counted).
func commandSize(v any) int {
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, k := range []string{"name", "description"} {
			if s, ok := x[k].(string); ok {
				n += runes(s)
			}
		}
		if val, ok := x["value"]; ok {
			n += runes(fmt.Sprint(val))
		}
		for _, k := range []string{"options", "choices"} {
			n += commandSize(x[k])
		}
	case []any:
		for _, e := range x {
			n += commandSize(e)
		}
	}
	return n
}

func runes(s string) int { return utf8.RuneCountInString(s) }

// intOf reads an integer from a decoded JSON value.
func intOf(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		i, err := x.Int64()
		return i, err == nil
	case float64:
		if x == math.Trunc(x) {
			return int64(x), true
		}
	case int:
		return int64(x), true
	case int64:
		return x, true
	}
	return 0, false
}
