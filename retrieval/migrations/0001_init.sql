-- Libraries of sources. A query names one library and never sees another's rows.
CREATE TABLE libraries (
	id         INTEGER PRIMARY KEY,
	name       TEXT NOT NULL UNIQUE,
	created_at TEXT NOT NULL
);

-- One stored document. origin is NULL when unknown, so that any number of
-- documents without an origin may share a library; text is the canonical text
-- every offset below points into.
CREATE TABLE sources (
	id         INTEGER PRIMARY KEY,
	library_id INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	title      TEXT NOT NULL DEFAULT '',
	author     TEXT NOT NULL DEFAULT '',
	url        TEXT NOT NULL DEFAULT '',
	published  TEXT NOT NULL DEFAULT '',
	origin     TEXT,
	format     TEXT NOT NULL DEFAULT 'text',
	text       TEXT NOT NULL,
	sha256     TEXT NOT NULL,
	added_at   TEXT NOT NULL,
	updated_at TEXT NOT NULL,
	UNIQUE (library_id, origin),
	UNIQUE (library_id, sha256)
);

-- Paragraphs, sentences and quotes: byte spans [start, end) into sources.text.
CREATE TABLE paragraphs (
	id         INTEGER PRIMARY KEY,
	source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	idx        INTEGER NOT NULL,
	span_start INTEGER NOT NULL,
	span_end   INTEGER NOT NULL,
	UNIQUE (source_id, idx)
);

CREATE TABLE sentences (
	id         INTEGER PRIMARY KEY,
	source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	paragraph  INTEGER NOT NULL,
	span_start INTEGER NOT NULL,
	span_end   INTEGER NOT NULL
);
CREATE INDEX sentences_source_id ON sentences (source_id, span_start);

CREATE TABLE quotes (
	id            INTEGER PRIMARY KEY,
	source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	text          TEXT NOT NULL,
	span_start    INTEGER NOT NULL,
	span_end      INTEGER NOT NULL,
	paragraph     INTEGER NOT NULL,
	speaker       TEXT NOT NULL DEFAULT '',
	speaker_title TEXT NOT NULL DEFAULT '',
	speaker_kind  TEXT NOT NULL DEFAULT '',
	mention_start INTEGER,
	mention_end   INTEGER,
	confidence    REAL NOT NULL DEFAULT 0,
	fragment      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX quotes_source_id ON quotes (source_id, span_start);

-- Search units: what a query can return. A quote unit is one quote; a
-- passage unit is one sentence. library_id is copied from the source so that
-- the library filter costs one primary-key lookup per FTS hit.
CREATE TABLE units (
	id            INTEGER PRIMARY KEY,
	kind          TEXT NOT NULL CHECK (kind IN ('quote', 'passage')),
	library_id    INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	quote_id      INTEGER REFERENCES quotes (id) ON DELETE CASCADE,
	sentence_id   INTEGER REFERENCES sentences (id) ON DELETE CASCADE,
	span_start    INTEGER NOT NULL,
	span_end      INTEGER NOT NULL,
	paragraph     INTEGER NOT NULL,
	text          TEXT NOT NULL,
	speaker       TEXT NOT NULL DEFAULT '',
	speaker_title TEXT NOT NULL DEFAULT '',
	speaker_kind  TEXT NOT NULL DEFAULT '',
	fragment      INTEGER NOT NULL DEFAULT 0,
	confidence    REAL NOT NULL DEFAULT 0,
	CHECK (span_start >= 0 AND span_end > span_start)
);
CREATE INDEX units_library_id ON units (library_id);
CREATE INDEX units_source_id ON units (source_id);
CREATE INDEX units_quote_id ON units (quote_id);
CREATE INDEX units_sentence_id ON units (sentence_id);

-- The full-text index over units, external content: FTS5 reads column values
-- from units by rowid, so the triggers below must hand it the exact old
-- values on delete (FTS5.md §1.3), or stale tokens stay indexed.
CREATE VIRTUAL TABLE units_fts USING fts5 (
	text, speaker, speaker_title,
	content = 'units',
	content_rowid = 'id',
	tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TRIGGER units_ai AFTER INSERT ON units BEGIN
	INSERT INTO units_fts (rowid, text, speaker, speaker_title)
	VALUES (new.id, new.text, new.speaker, new.speaker_title);
END;

CREATE TRIGGER units_ad AFTER DELETE ON units BEGIN
	INSERT INTO units_fts (units_fts, rowid, text, speaker, speaker_title)
	VALUES ('delete', old.id, old.text, old.speaker, old.speaker_title);
END;

CREATE TRIGGER units_au AFTER UPDATE ON units BEGIN
	INSERT INTO units_fts (units_fts, rowid, text, speaker, speaker_title)
	VALUES ('delete', old.id, old.text, old.speaker, old.speaker_title);
	INSERT INTO units_fts (rowid, text, speaker, speaker_title)
	VALUES (new.id, new.text, new.speaker, new.speaker_title);
END;
