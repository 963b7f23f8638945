-- Study groups: pinned answers, the log of quotes cited in a discussion
-- (for study packets), daily quote schedules with the quotes each has
-- shown, answer feedback and unanswered questions (gaps).
--
-- Everything hangs off a library and goes with it. Questions are keyed by
-- their normalised terms (question_key: QueryTerms, normalised, sorted,
-- space-separated) so that rewordings of one question meet; the wording as
-- asked is kept beside the key. Quotes are referred to by their source and
-- exact words, not only by id: a quote's id changes when its source is
-- replaced or refreshed, its words in that source do not.

-- A curator's answer to a recurring question. quote_id is the quote when
-- pinned; if the source was analysed again since, the quote of the same
-- source with the same words stands in for it.
CREATE TABLE pins (
	library_id   INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	question_key TEXT NOT NULL,
	question     TEXT NOT NULL,
	source_id    INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	quote_id     INTEGER NOT NULL,
	quote_text   TEXT NOT NULL,
	actor_id     TEXT NOT NULL,
	actor_name   TEXT NOT NULL DEFAULT '',
	pinned_at    TEXT NOT NULL,
	PRIMARY KEY (library_id, question_key)
) WITHOUT ROWID;
CREATE INDEX pins_source_id ON pins (source_id);

-- Results shown in a discussion (thread is an opaque key), once per span,
-- in the order first cited. text is the span's words when cited, so that a
-- source changed since is noticed rather than misquoted.
CREATE TABLE cited (
	id            INTEGER PRIMARY KEY,
	library_id    INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	thread        TEXT NOT NULL,
	source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	span_start    INTEGER NOT NULL,
	span_end      INTEGER NOT NULL,
	text          TEXT NOT NULL,
	kind          TEXT NOT NULL,
	paragraph     INTEGER NOT NULL DEFAULT 0,
	speaker       TEXT NOT NULL DEFAULT '',
	speaker_title TEXT NOT NULL DEFAULT '',
	fragment      INTEGER NOT NULL DEFAULT 0,
	confidence    REAL NOT NULL DEFAULT 0,
	cited_at      TEXT NOT NULL,
	UNIQUE (library_id, thread, source_id, span_start, span_end)
);
CREATE INDEX cited_source_id ON cited (source_id);

-- One daily quote schedule per channel (an opaque key) of a library.
-- minute: minutes after 00:00 UTC. collection: a collection's name, '' for
-- the whole library. last_posted: NULL until the first post.
CREATE TABLE dailies (
	library_id  INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	channel     TEXT NOT NULL,
	collection  TEXT NOT NULL DEFAULT '',
	minute      INTEGER NOT NULL CHECK (minute BETWEEN 0 AND 1439),
	last_posted TEXT,
	PRIMARY KEY (library_id, channel)
) WITHOUT ROWID;

-- The quotes a schedule has posted in its current cycle; emptied when every
-- quote has been posted.
CREATE TABLE daily_shown (
	library_id INTEGER NOT NULL,
	channel    TEXT NOT NULL,
	source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	quote_text TEXT NOT NULL,
	shown_at   TEXT NOT NULL,
	PRIMARY KEY (library_id, channel, source_id, quote_text),
	FOREIGN KEY (library_id, channel) REFERENCES dailies (library_id, channel) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX daily_shown_source_id ON daily_shown (source_id);

-- One vote per user on an answer message (opaque ids): +1 or -1.
CREATE TABLE feedback (
	library_id INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	message_id TEXT NOT NULL,
	user_id    TEXT NOT NULL,
	vote       INTEGER NOT NULL CHECK (vote IN (-1, 1)),
	question   TEXT NOT NULL DEFAULT '',
	voted_at   TEXT NOT NULL,
	PRIMARY KEY (library_id, message_id, user_id)
) WITHOUT ROWID;

-- Each time a question went without a good answer: no answer at all
-- (message_id NULL), or a thumbs-down on the answer (down = 1, with the
-- vote's message and user, so that changing the vote takes it back).
CREATE TABLE gaps (
	id           INTEGER PRIMARY KEY,
	library_id   INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	question_key TEXT NOT NULL,
	question     TEXT NOT NULL,
	asked_at     TEXT NOT NULL,
	down         INTEGER NOT NULL DEFAULT 0,
	message_id   TEXT,
	user_id      TEXT,
	UNIQUE (library_id, message_id, user_id)
);
CREATE INDEX gaps_library_key ON gaps (library_id, question_key);
