package fakediscord

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strconv"
	"sync/atomic"
	"time"
)

// Payload builders for gateway dispatches. Every type here marshals to the
// JSON Discord sends, with the types discordgo v0.29.0 insists on: its
// Interaction decoding is all-or-nothing, so a single mistyped field leaves
// the handler an Interaction with no ID and no Token. Snowflakes are strings,
// app_permissions and member.permissions are strings, timestamps are RFC 3339
// and option values carry their JSON type (an INTEGER is a number).

// Permission bits, for WithPermissions and WithAppPermissions.
const (
	PermAdministrator     int64 = 1 << 3
	PermManageGuild       int64 = 1 << 5 // "Manage Server": the usual moderator bit
	PermManageMessages    int64 = 1 << 13
	PermViewChannel       int64 = 1 << 10
	PermSendMessages      int64 = 1 << 11
	PermEmbedLinks        int64 = 1 << 14
	PermAttachFiles       int64 = 1 << 15
	PermReadHistory       int64 = 1 << 16
	PermUseAppCommands    int64 = 1 << 31
	PermSendInThreads     int64 = 1 << 38
	PermAddReactions      int64 = 1 << 6
	PermUseExternalEmojis int64 = 1 << 18

	// DefaultMemberPermissions is what an ordinary member without a
	// moderator role has in a text channel.
	DefaultMemberPermissions = PermViewChannel | PermSendMessages | PermEmbedLinks | PermAttachFiles |
		PermReadHistory | PermAddReactions | PermUseExternalEmojis | PermUseAppCommands | PermSendInThreads
	// DefaultAppPermissions is what the bot has in the channel.
	DefaultAppPermissions = DefaultMemberPermissions
)

// Interaction types and application command types, as numbers on the wire.
const (
	InteractionApplicationCommand = 2
	InteractionMessageComponent   = 3
	InteractionAutocomplete       = 4
	InteractionModalSubmit        = 5

	CommandChatInput = 1
	CommandUser      = 2
	CommandMessage   = 3
)

// Application command option types.
const (
	OptSubcommand      = 1
	OptSubcommandGroup = 2
	OptString          = 3
	OptInteger         = 4
	OptBoolean         = 5
	OptUser            = 6
	OptChannel         = 7
	OptRole            = 8
	OptMentionable     = 9
	OptNumber          = 10
	OptAttachment      = 11
)

// joinedAt is when every fake member joined: a fixed instant keeps payloads
// reproducible.
var joinedAt = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

// discordEpoch is the first second of 2015 in Unix milliseconds.
const discordEpoch = 1420070400000

var lastSnowflake atomic.Uint64

// NewSnowflake returns a fresh, increasing snowflake for the current time.
func NewSnowflake() string {
	for {
		last := lastSnowflake.Load()
		next := uint64(time.Now().UnixMilli()-discordEpoch) << 22
		if next <= last {
			next = last + 1
		}
		if lastSnowflake.CompareAndSwap(last, next) {
			return strconv.FormatUint(next, 10)
		}
	}
}

// newToken returns an interaction token: URL-safe, unique and long, like
// Discord's.
func newToken() string {
	var b [24]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return "aW50ZXJhY3Rpb246" + hex.EncodeToString(b[:])
}

// User is a Discord user. Username defaults to "user" plus the id.
type User struct {
	ID         string `json:"id"`
	Username   string `json:"username"`
	GlobalName string `json:"global_name,omitempty"`
	Bot        bool   `json:"bot,omitempty"`
}

// MarshalJSON adds the fields Discord always sends.
func (u User) MarshalJSON() ([]byte, error) {
	type user User
	name := u.Username
	if name == "" {
		name = "user" + u.ID
	}
	var global *string
	if u.GlobalName != "" {
		global = &u.GlobalName
	}
	return json.Marshal(struct {
		user
		Username      string  `json:"username"`
		GlobalName    *string `json:"global_name"`
		Discriminator string  `json:"discriminator"`
		Avatar        *string `json:"avatar"`
		PublicFlags   int     `json:"public_flags"`
		Flags         int     `json:"flags"`
		PrimaryGuild  *string `json:"primary_guild"`
	}{user: user(u), Username: name, GlobalName: global, Discriminator: "0"})
}

// Member is a guild member as it appears in interactions and messages. In an
// interaction Permissions is the member's computed permissions in the channel.
type Member struct {
	User        *User     `json:"user,omitempty"`
	Nick        string    `json:"nick,omitempty"`
	Roles       []string  `json:"roles"`
	JoinedAt    time.Time `json:"joined_at"`
	Permissions int64     `json:"permissions,string,omitempty"`
	Deaf        bool      `json:"deaf"`
	Mute        bool      `json:"mute"`
	Flags       int       `json:"flags"`
	Pending     bool      `json:"pending"`
}

// MarshalJSON sends roles as an array even when nil.
func (m Member) MarshalJSON() ([]byte, error) {
	type member Member
	if m.Roles == nil {
		m.Roles = []string{}
	}
	return json.Marshal(member(m))
}

// Message is a message as Discord sends it in MESSAGE_CREATE and returns from
// REST. Embeds, Components and Attachments are kept as the JSON the bot sent,
// so what a test reads back is what the bot wrote.
type Message struct {
	ID               string            `json:"id"`
	Type             int               `json:"type"`
	ChannelID        string            `json:"channel_id"`
	GuildID          string            `json:"guild_id,omitempty"`
	Author           User              `json:"author"`
	Member           *Member           `json:"member,omitempty"`
	Content          string            `json:"content"`
	Timestamp        time.Time         `json:"timestamp"`
	EditedTimestamp  *time.Time        `json:"edited_timestamp"`
	TTS              bool              `json:"tts"`
	MentionEveryone  bool              `json:"mention_everyone"`
	Mentions         []User            `json:"mentions"`
	MentionRoles     []string          `json:"mention_roles"`
	Attachments      []json.RawMessage `json:"attachments"`
	Embeds           []json.RawMessage `json:"embeds"`
	Components       []json.RawMessage `json:"components"`
	Pinned           bool              `json:"pinned"`
	Flags            int               `json:"flags"`
	WebhookID        string            `json:"webhook_id,omitempty"`
	ApplicationID    string            `json:"application_id,omitempty"`
	MessageReference json.RawMessage   `json:"message_reference,omitempty"`
}

// MarshalJSON sends the array fields as arrays even when nil, as Discord does.
func (m Message) MarshalJSON() ([]byte, error) {
	type message Message
	if m.Mentions == nil {
		m.Mentions = []User{}
	}
	if m.MentionRoles == nil {
		m.MentionRoles = []string{}
	}
	if m.Attachments == nil {
		m.Attachments = []json.RawMessage{}
	}
	if m.Embeds == nil {
		m.Embeds = []json.RawMessage{}
	}
	if m.Components == nil {
		m.Components = []json.RawMessage{}
	}
	return json.Marshal(message(m))
}

func (m *Message) clone() *Message {
	c := *m
	c.Mentions = append([]User(nil), m.Mentions...)
	c.MentionRoles = append([]string(nil), m.MentionRoles...)
	c.Attachments = append([]json.RawMessage(nil), m.Attachments...)
	c.Embeds = append([]json.RawMessage(nil), m.Embeds...)
	c.Components = append([]json.RawMessage(nil), m.Components...)
	return &c
}

// MessageCreate builds a MESSAGE_CREATE payload from a user. An empty guildID
// makes it a DM. To address the bot, put "<@"+bot.ID+">" in content and pass
// the bot (Server.BotUser) among mentions.
//
// Dispatch applies Discord's delivery rules to it: a guild message needs the
// GUILD_MESSAGES intent and a DM the DIRECT_MESSAGES intent, and without the
// MESSAGE_CONTENT intent a guild message that does not mention the bot
// arrives with empty content.
func MessageCreate(guildID, channelID, authorID, content string, mentions ...User) *Message {
	m := &Message{
		ID:        NewSnowflake(),
		ChannelID: channelID,
		GuildID:   guildID,
		Author:    User{ID: authorID},
		Content:   content,
		Timestamp: time.Now().UTC(),
		Mentions:  append([]User{}, mentions...),
	}
	if guildID != "" {
		m.Member = &Member{Roles: []string{}, JoinedAt: joinedAt}
	}
	return m
}

// ThreadCreate builds a THREAD_CREATE payload: a public thread named name
// in channel parentID, started by ownerID. A thread started from a message
// has that message's id, so pass the message's id as threadID for one.
// With the GUILDS intent discordgo's state keeps it (Channel, ParentID).
func ThreadCreate(guildID, parentID, threadID, ownerID, name string) map[string]any {
	return map[string]any{
		"id": threadID, "type": 11, "guild_id": guildID, "parent_id": parentID, "owner_id": ownerID,
		"name": name, "last_message_id": nil, "rate_limit_per_user": 0, "flags": 0,
		"message_count": 0, "member_count": 1, "total_message_sent": 0, "newly_created": true,
		"thread_metadata": map[string]any{"archived": false, "auto_archive_duration": 1440, "locked": false,
			"archive_timestamp": joinedAt.Format(time.RFC3339)},
	}
}

// Opt is an option value in an application command interaction.
type Opt struct {
	Name    string `json:"name"`
	Type    int    `json:"type"`
	Value   any    `json:"value,omitempty"`
	Options []Opt  `json:"options,omitempty"`
	Focused bool   `json:"focused,omitempty"`

	attachment *Attachment // for AttachmentOpt: what goes into resolved
}

// StringOpt is a STRING option.
func StringOpt(name, value string) Opt { return Opt{Name: name, Type: OptString, Value: value} }

// IntOpt is an INTEGER option; its value is a JSON number, as discordgo's
// IntValue requires.
func IntOpt(name string, value int64) Opt { return Opt{Name: name, Type: OptInteger, Value: value} }

// NumberOpt is a NUMBER option.
func NumberOpt(name string, value float64) Opt {
	return Opt{Name: name, Type: OptNumber, Value: value}
}

// BoolOpt is a BOOLEAN option.
func BoolOpt(name string, value bool) Opt { return Opt{Name: name, Type: OptBoolean, Value: value} }

// UserOpt is a USER option; the builder adds the user to resolved.
func UserOpt(name, userID string) Opt { return Opt{Name: name, Type: OptUser, Value: userID} }

// ChannelOpt is a CHANNEL option; the builder adds the channel to resolved.
func ChannelOpt(name, channelID string) Opt {
	return Opt{Name: name, Type: OptChannel, Value: channelID}
}

// RoleOpt is a ROLE option; the builder adds the role to resolved.
func RoleOpt(name, roleID string) Opt { return Opt{Name: name, Type: OptRole, Value: roleID} }

// Subcommand is a SUB_COMMAND option holding its own options.
func Subcommand(name string, opts ...Opt) Opt {
	return Opt{Name: name, Type: OptSubcommand, Options: opts}
}

// SubcommandGroup is a SUB_COMMAND_GROUP option holding subcommands.
func SubcommandGroup(name string, subs ...Opt) Opt {
	return Opt{Name: name, Type: OptSubcommandGroup, Options: subs}
}

// Focused marks o as the option the user is typing, for Autocomplete.
func Focused(o Opt) Opt {
	o.Focused = true
	return o
}

// Interaction is an INTERACTION_CREATE payload. Builders fill every field
// with a fresh id and token; Dispatch fills ApplicationID, and Data.ID of a
// command with the id the bot registered, when they are empty.
type Interaction struct {
	ID             string            `json:"id"`
	ApplicationID  string            `json:"application_id"`
	Type           int               `json:"type"`
	Data           any               `json:"data,omitempty"` // *CommandData, *ComponentData or *ModalData
	GuildID        string            `json:"guild_id,omitempty"`
	ChannelID      string            `json:"channel_id"`
	Member         *Member           `json:"member,omitempty"` // in guilds
	User           *User             `json:"user,omitempty"`   // in DMs
	Message        *Message          `json:"message,omitempty"`
	AppPermissions int64             `json:"app_permissions,string"`
	Locale         string            `json:"locale"`
	GuildLocale    string            `json:"guild_locale,omitempty"`
	Token          string            `json:"token"`
	Version        int               `json:"version"`
	Entitlements   []any             `json:"entitlements"`
	Owners         map[string]string `json:"authorizing_integration_owners"`
	Context        int               `json:"context"`
}

// CommandData is the data of APPLICATION_COMMAND and autocomplete interactions.
type CommandData struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Type     int       `json:"type"`
	GuildID  string    `json:"guild_id,omitempty"`
	Options  []Opt     `json:"options,omitempty"`
	Resolved *Resolved `json:"resolved,omitempty"`
	TargetID string    `json:"target_id,omitempty"`
}

// Resolved holds the objects that options and context-menu targets refer to.
// Roles and Channels are kept as JSON objects.
type Resolved struct {
	Users    map[string]User           `json:"users,omitempty"`
	Members  map[string]Member         `json:"members,omitempty"`
	Roles    map[string]map[string]any `json:"roles,omitempty"`
	Channels map[string]map[string]any `json:"channels,omitempty"`
	Messages map[string]*Message       `json:"messages,omitempty"`
	// Attachments holds the files of ATTACHMENT options (AttachmentOpt).
	Attachments map[string]Attachment `json:"attachments,omitempty"`
}

// ComponentData is the data of a MESSAGE_COMPONENT interaction.
type ComponentData struct {
	CustomID      string   `json:"custom_id"`
	ComponentType int      `json:"component_type"`
	Values        []string `json:"values,omitempty"`
}

// ModalData is the data of a MODAL_SUBMIT interaction. Components are action
// rows each holding one text input with its value.
type ModalData struct {
	CustomID   string           `json:"custom_id"`
	Components []map[string]any `json:"components"`
}

// WithPermissions sets the invoking member's permissions, e.g.
// DefaultMemberPermissions|PermManageGuild for a moderator.
func (i *Interaction) WithPermissions(p int64) *Interaction {
	if i.Member != nil {
		i.Member.Permissions = p
	}
	return i
}

// WithRoles sets the invoking member's role ids.
func (i *Interaction) WithRoles(ids ...string) *Interaction {
	if i.Member != nil {
		i.Member.Roles = append([]string{}, ids...)
	}
	return i
}

// WithAppPermissions sets the bot's permissions in the channel.
func (i *Interaction) WithAppPermissions(p int64) *Interaction {
	i.AppPermissions = p
	return i
}

// WithLocale sets the invoking user's locale, e.g. "de".
func (i *Interaction) WithLocale(l string) *Interaction {
	i.Locale = l
	return i
}

// newInteraction fills the fields common to every interaction. An empty
// guildID makes it a DM with the bot.
func newInteraction(kind int, guildID, channelID, userID string) *Interaction {
	i := &Interaction{
		ID:             NewSnowflake(),
		Type:           kind,
		ChannelID:      channelID,
		AppPermissions: DefaultAppPermissions,
		Locale:         "en-US",
		Token:          newToken(),
		Version:        1,
		Entitlements:   []any{},
	}
	u := &User{ID: userID}
	if guildID != "" {
		i.GuildID = guildID
		i.GuildLocale = "en-US"
		i.Member = &Member{User: u, Roles: []string{}, JoinedAt: joinedAt, Permissions: DefaultMemberPermissions}
		i.Owners = map[string]string{"0": guildID}
		i.Context = 0
	} else {
		i.User = u
		i.Owners = map[string]string{"0": "0"}
		i.Context = 1
	}
	return i
}

// SlashCommand builds a CHAT_INPUT command interaction. Options may include
// Subcommand and SubcommandGroup; USER, CHANNEL and ROLE options get their
// objects in data.resolved.
func SlashCommand(guildID, channelID, userID, name string, opts ...Opt) *Interaction {
	i := newInteraction(InteractionApplicationCommand, guildID, channelID, userID)
	d := &CommandData{Name: name, Type: CommandChatInput, Options: opts}
	d.Resolved = resolveOpts(guildID, opts)
	i.Data = d
	return i
}

// Autocomplete builds an autocomplete interaction (type 4) for a command.
// Mark the option being typed with Focused; if none is marked, the last
// option (inside any subcommand) is.
func Autocomplete(guildID, channelID, userID, name string, opts ...Opt) *Interaction {
	opts = append([]Opt(nil), opts...)
	if !anyFocused(opts) {
		focusLast(opts)
	}
	i := SlashCommand(guildID, channelID, userID, name, opts...)
	i.Type = InteractionAutocomplete
	return i
}

func anyFocused(opts []Opt) bool {
	for _, o := range opts {
		if o.Focused || anyFocused(o.Options) {
			return true
		}
	}
	return false
}

func focusLast(opts []Opt) {
	if len(opts) == 0 {
		return
	}
	last := &opts[len(opts)-1]
	if last.Type == OptSubcommand || last.Type == OptSubcommandGroup {
		last.Options = append([]Opt(nil), last.Options...)
		focusLast(last.Options)
		return
	}
	last.Focused = true
}

// resolveOpts builds data.resolved for the USER, CHANNEL and ROLE options.
func resolveOpts(guildID string, opts []Opt) *Resolved {
	r := &Resolved{}
	var walk func([]Opt)
	walk = func(opts []Opt) {
		for _, o := range opts {
			walk(o.Options)
			if o.attachment != nil {
				if r.Attachments == nil {
					r.Attachments = map[string]Attachment{}
				}
				r.Attachments[o.attachment.ID] = *o.attachment
			}
			id, _ := o.Value.(string)
			if id == "" {
				continue
			}
			switch o.Type {
			case OptUser:
				if r.Users == nil {
					r.Users = map[string]User{}
				}
				r.Users[id] = User{ID: id}
				if guildID != "" {
					if r.Members == nil {
						r.Members = map[string]Member{}
					}
					r.Members[id] = Member{Roles: []string{}, JoinedAt: joinedAt, Permissions: DefaultMemberPermissions}
				}
			case OptChannel:
				if r.Channels == nil {
					r.Channels = map[string]map[string]any{}
				}
				r.Channels[id] = map[string]any{"id": id, "name": "channel-" + id, "type": 0,
					"permissions": strconv.FormatInt(DefaultMemberPermissions, 10)}
			case OptRole:
				if r.Roles == nil {
					r.Roles = map[string]map[string]any{}
				}
				r.Roles[id] = map[string]any{"id": id, "name": "role-" + id, "color": 0, "hoist": false,
					"position": 1, "permissions": "0", "managed": false, "mentionable": false, "flags": 0}
			}
		}
	}
	walk(opts)
	if r.Users == nil && r.Channels == nil && r.Roles == nil && r.Attachments == nil {
		return nil
	}
	return r
}

// UserCommand builds a USER context-menu command invoked on target.
func UserCommand(guildID, channelID, userID, name string, target User) *Interaction {
	i := newInteraction(InteractionApplicationCommand, guildID, channelID, userID)
	r := &Resolved{Users: map[string]User{target.ID: target}}
	if guildID != "" {
		r.Members = map[string]Member{target.ID: {Roles: []string{}, JoinedAt: joinedAt, Permissions: DefaultMemberPermissions}}
	}
	i.Data = &CommandData{Name: name, Type: CommandUser, TargetID: target.ID, Resolved: r}
	return i
}

// MessageCommand builds a MESSAGE context-menu command invoked on target,
// which appears in data.resolved.messages with its content (Discord sends the
// target's content even without the MESSAGE_CONTENT intent).
func MessageCommand(guildID, channelID, userID, name string, target *Message) *Interaction {
	i := newInteraction(InteractionApplicationCommand, guildID, channelID, userID)
	if target == nil {
		target = MessageCreate(guildID, channelID, DefaultUserID, "")
	}
	i.Data = &CommandData{Name: name, Type: CommandMessage, TargetID: target.ID,
		Resolved: &Resolved{Messages: map[string]*Message{target.ID: target}}}
	return i
}

// Button builds a button click on msg, the message carrying the button
// (typically one the bot sent: see Server.Messages). A nil msg is replaced by
// an empty message from the bot.
func Button(guildID, channelID, userID, customID string, msg *Message) *Interaction {
	i := newInteraction(InteractionMessageComponent, guildID, channelID, userID)
	i.Data = &ComponentData{CustomID: customID, ComponentType: 2}
	i.Message = componentMessage(guildID, channelID, msg)
	return i
}

// StringSelect builds a string select menu choice on msg.
func StringSelect(guildID, channelID, userID, customID string, msg *Message, values ...string) *Interaction {
	i := newInteraction(InteractionMessageComponent, guildID, channelID, userID)
	i.Data = &ComponentData{CustomID: customID, ComponentType: 3, Values: append([]string{}, values...)}
	i.Message = componentMessage(guildID, channelID, msg)
	return i
}

func componentMessage(guildID, channelID string, msg *Message) *Message {
	if msg != nil {
		return msg
	}
	m := MessageCreate(guildID, channelID, DefaultApplicationID, "")
	m.Author.Bot = true
	m.Member = nil
	return m
}

// ModalSubmit builds the submission of the modal customID, with values keyed
// by text input custom_id (in sorted order, so payloads are reproducible).
func ModalSubmit(guildID, channelID, userID, customID string, values map[string]string) *Interaction {
	i := newInteraction(InteractionModalSubmit, guildID, channelID, userID)
	keys := make([]string, 0, len(values))
	for k := range values {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	rows := make([]map[string]any, 0, len(keys))
	for _, k := range keys {
		rows = append(rows, map[string]any{"type": 1, "components": []any{
			map[string]any{"type": 4, "custom_id": k, "value": values[k]},
		}})
	}
	i.Data = &ModalData{CustomID: customID, Components: rows}
	return i
}
