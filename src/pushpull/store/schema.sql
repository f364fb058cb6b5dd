-- pushpull's store. One DuckDB file in the data folder; every import is one transaction.
-- Times are the wall-clock times the export shows (TIMESTAMP without zone); utc_offset_s is
-- that clock's offset from UTC when the format records it.

CREATE SEQUENCE IF NOT EXISTS conversation_ids START 1;
CREATE SEQUENCE IF NOT EXISTS import_ids START 1;

CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS conversations (
    id INTEGER PRIMARY KEY DEFAULT nextval('conversation_ids'),
    name VARCHAR NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS participants (
    conversation_id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    is_me BOOLEAN NOT NULL DEFAULT false,
    PRIMARY KEY (conversation_id, name)
);

-- One row per imported file (and per choice of chat within it).
CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY DEFAULT nextval('import_ids'),
    file_sha256 VARCHAR NOT NULL,
    selection VARCHAR NOT NULL,          -- options that chose what to read, as JSON
    file_name VARCHAR NOT NULL,
    file_size BIGINT NOT NULL,
    source_format VARCHAR NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    n_read BIGINT NOT NULL,
    n_added BIGINT NOT NULL,
    n_warnings BIGINT NOT NULL
);

-- Which conversations an import touched, and how much it added to each.
CREATE TABLE IF NOT EXISTS import_conversations (
    import_id INTEGER NOT NULL,
    conversation_id INTEGER NOT NULL,
    n_read BIGINT NOT NULL,
    n_added BIGINT NOT NULL,
    PRIMARY KEY (import_id, conversation_id)
);

-- A message's identity within its conversation is (sent_at, sender, text, occurrence), where
-- occurrence counts identical messages before it in the same file, so a message legitimately
-- sent twice is kept twice while an overlapping re-export adds nothing.
CREATE TABLE IF NOT EXISTS messages (
    conversation_id INTEGER NOT NULL,
    seq BIGINT NOT NULL,                 -- arrival order within the conversation
    sent_at TIMESTAMP NOT NULL,
    utc_offset_s INTEGER,
    sender VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    attachments VARCHAR[] NOT NULL,
    reply_to VARCHAR,
    record_id VARCHAR,
    occurrence INTEGER NOT NULL,
    source_format VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    source_line BIGINT,
    import_id INTEGER NOT NULL
);

-- Repairs made while reading (unparseable lines kept as continuations, ...), for inspection.
CREATE TABLE IF NOT EXISTS import_warnings (
    import_id INTEGER NOT NULL,
    line BIGINT,
    reason VARCHAR NOT NULL,
    raw VARCHAR NOT NULL,
    action VARCHAR NOT NULL
);
