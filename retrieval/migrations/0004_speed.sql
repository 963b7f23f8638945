-- Counts the search reads on every question, kept by triggers so that a
-- question never counts a library's units (FTS5.md §4: counting 1M rows
-- costs milliseconds). version changes with every write to a library's
-- units, so that figures cached in memory from an older version (terms'
-- document frequencies) are known to be stale, whichever process wrote.
CREATE TABLE library_stats (
	library_id INTEGER PRIMARY KEY REFERENCES libraries (id) ON DELETE CASCADE,
	units      INTEGER NOT NULL DEFAULT 0,
	version    INTEGER NOT NULL DEFAULT 0
);

INSERT INTO library_stats (library_id, units, version)
SELECT l.id, (SELECT COUNT(*) FROM units u WHERE u.library_id = l.id), 1
FROM libraries l;

CREATE TRIGGER libraries_stats_ai AFTER INSERT ON libraries BEGIN
	INSERT INTO library_stats (library_id) VALUES (new.id);
END;

CREATE TRIGGER units_stats_ai AFTER INSERT ON units BEGIN
	UPDATE library_stats SET units = units + 1, version = version + 1 WHERE library_id = new.library_id;
END;

CREATE TRIGGER units_stats_ad AFTER DELETE ON units BEGIN
	UPDATE library_stats SET units = units - 1, version = version + 1 WHERE library_id = old.library_id;
END;

CREATE TRIGGER units_stats_au AFTER UPDATE ON units BEGIN
	UPDATE library_stats SET version = version + 1 WHERE library_id IN (old.library_id, new.library_id);
END;

-- What weighing a source against a question needs, computed once at ingest
-- instead of re-reading and re-tokenising the source on every question:
-- tokens is the number of tokens in the first 64K characters of its text
-- (its BM25 length), terms every normalised content term among them with
-- its count, one "term count" per line between newlines. A source without
-- a row (stored before this migration) is read from its text as before.
CREATE TABLE source_terms (
	source_id INTEGER PRIMARY KEY REFERENCES sources (id) ON DELETE CASCADE,
	tokens    INTEGER NOT NULL,
	terms     TEXT NOT NULL
);

-- New text makes the row stale; whoever writes the text writes a new one.
CREATE TRIGGER sources_terms_au AFTER UPDATE OF text ON sources BEGIN
	DELETE FROM source_terms WHERE source_id = new.id;
END;
