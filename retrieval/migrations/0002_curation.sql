-- Curation: who changed what (audit_log), per-library settings, named
-- collections of sources, and curators' corrections to quotes that outlive
-- a re-analysis of their source (quote_overrides).

-- author_id: an opaque id of the author of a source that is their own
-- message, so they can take it out again. fetched_at: when a source added
-- from a link was last fetched; NULL otherwise.
ALTER TABLE sources ADD COLUMN author_id TEXT NOT NULL DEFAULT '';
ALTER TABLE sources ADD COLUMN fetched_at TEXT;
CREATE INDEX sources_author_id ON sources (library_id, author_id) WHERE author_id <> '';

-- Sources stored before this migration with a web origin were fetched when
-- they were last written.
UPDATE sources SET fetched_at = updated_at
WHERE origin LIKE 'http://%' OR origin LIKE 'https://%';

-- hidden: a curator hid the quote. On units it is set for the hidden quote's
-- own unit and for every passage unit overlapping it, so that the hidden
-- words are never shown by a search. Hidden units stay in units_fts (the
-- index must match its content table) and are filtered out in SQL; updates
-- to units go through units_au, which keeps units_fts true.
ALTER TABLE quotes ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE units ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;

-- The audit log. source_id is not a foreign key: the history of a source
-- outlives the source.
CREATE TABLE audit_log (
	id         INTEGER PRIMARY KEY,
	library_id INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	time       TEXT NOT NULL,
	actor_id   TEXT NOT NULL,
	actor_name TEXT NOT NULL DEFAULT '',
	action     TEXT NOT NULL,
	source_id  INTEGER,
	detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_library ON audit_log (library_id, id);
CREATE INDEX audit_log_source ON audit_log (library_id, source_id, id) WHERE source_id IS NOT NULL;

CREATE TABLE settings (
	library_id INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	key        TEXT NOT NULL,
	value      TEXT NOT NULL,
	PRIMARY KEY (library_id, key)
) WITHOUT ROWID;

-- Collection names are unique within a library regardless of (ASCII) case,
-- so "Arctic" and "arctic" cannot both exist.
CREATE TABLE collections (
	id         INTEGER PRIMARY KEY,
	library_id INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	name       TEXT NOT NULL COLLATE NOCASE,
	UNIQUE (library_id, name)
);

CREATE TABLE collection_sources (
	collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
	source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	PRIMARY KEY (collection_id, source_id)
) WITHOUT ROWID;
CREATE INDEX collection_sources_source_id ON collection_sources (source_id);

-- A curator's correction of a quote, keyed by its source's origin (or, for a
-- source without one, "sha256:" and the hex digest of its text) and the
-- quote's exact words, so that it applies again whenever the same source is
-- analysed anew (replaced or refreshed) and still holds those words. fixed
-- says speaker, speaker_title and speaker_kind were set by a curator (the
-- speaker may be fixed to "", no one).
CREATE TABLE quote_overrides (
	library_id    INTEGER NOT NULL REFERENCES libraries (id) ON DELETE CASCADE,
	origin        TEXT NOT NULL,
	quote_text    TEXT NOT NULL,
	fixed         INTEGER NOT NULL DEFAULT 0,
	speaker       TEXT NOT NULL DEFAULT '',
	speaker_title TEXT NOT NULL DEFAULT '',
	speaker_kind  TEXT NOT NULL DEFAULT '',
	hidden        INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (library_id, origin, quote_text)
) WITHOUT ROWID;
