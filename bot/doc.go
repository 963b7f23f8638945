// Package bot is Verbatim's Discord adapter: it registers the commands,
// routes interactions and @mentions, turns retrieval Results into messages
// and turns errors into replies. It runs no SQL and does no ranking; what it
// needs of the library it declares as small interfaces (Searcher,
// SourceLister, QuoteLister, SpeakerLister, PassageReader, SampleLoader),
// which *retrieval.Index satisfies. Curation (moderators adding, editing
// and removing sources, correcting quotes, collections, opt-out) goes
// through Curator, also satisfied by *retrieval.Index, and links are
// fetched through Fetcher (*retrieval.Fetcher). The study-group features
// (/compare, reading a quote in context, citation styles, /export, the
// daily quote, thread follow-ups, feedback and /gaps, pinned answers) go
// through Study, also satisfied by *retrieval.Index.
//
// What it promises:
//
//   - Each Discord server has its own library, named by LibraryName from
//     the server's id, and nothing from one server is ever shown in another:
//     buttons carry only the id of state kept in memory, and that state is
//     checked against the server the click came from.
//   - Nothing the bot sends pings anyone: every message carries
//     allowed_mentions with an empty parse list.
//   - Every message fits Discord's limits (content 2000, embed description
//     4096, embeds 6000 in total, ...). Quoted text is shortened at a
//     sentence or word boundary, marked as shortened, and shown with its
//     markdown escaped so it reads exactly as the source has it.
//   - Interactions are answered within Discord's three seconds: anything
//     that searches is deferred first and completed by editing the reply.
//   - Errors reach the user as short ephemeral messages; their details go
//     to the Logger only. The token is never logged.
//   - Only members with Manage Server, or the curator role the server
//     set, change the library, and the bot checks it on every command,
//     button and form, not only through default_member_permissions. Every
//     change names its member in the audit log. Anyone may take their own
//     messages out (/optout).
package bot
