-- The foundation: sources and their rows, entity mentions, links and events, flags and quarantine.
CREATE TABLE IF NOT EXISTS meta (
    key VARCHAR PRIMARY KEY,
    value VARCHAR
);

CREATE TABLE sources (
    source_id VARCHAR PRIMARY KEY,       -- '<name>@<version>'
    name VARCHAR NOT NULL,
    version INTEGER NOT NULL,
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    mapping_path VARCHAR NOT NULL,
    mapping_sha256 VARCHAR NOT NULL,
    mapping JSON NOT NULL,
    format VARCHAR NOT NULL,
    country VARCHAR,
    language VARCHAR,
    date_convention VARCHAR,
    phone_region VARCHAR,
    rows_read BIGINT NOT NULL,
    rows_loaded BIGINT NOT NULL,
    rows_quarantined BIGINT NOT NULL,
    loaded_at TIMESTAMP NOT NULL,
    superseded_by VARCHAR,
    CHECK (rows_read = rows_loaded + rows_quarantined)
);

CREATE TABLE source_rows (
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL,             -- 1-based record number, header excluded
    line BIGINT,                         -- physical line of the record's start in the file
    raw JSON NOT NULL,                   -- values as read
    norm JSON,                           -- normalised values, per mapping key and property
    PRIMARY KEY (source_id, row_num)
);

CREATE TABLE mentions (
    mention_id VARCHAR PRIMARY KEY,      -- '<source_id>/<row_num>/<mapping_key>'
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL,
    mapping_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    key VARCHAR,                         -- stable per-source key from the mapping's `keys`
    caption VARCHAR,
    props JSON NOT NULL
);

CREATE TABLE links (
    link_id VARCHAR PRIMARY KEY,         -- '<source_id>/<row_num>/<mapping_key>'
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL,
    mapping_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    subject_id VARCHAR NOT NULL,         -- mention id
    object_id VARCHAR,                   -- mention id
    start_at TIMESTAMP,
    end_at TIMESTAMP,
    props JSON NOT NULL
);

CREATE TABLE row_flags (
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL,
    field VARCHAR NOT NULL,
    flag VARCHAR NOT NULL,
    detail VARCHAR
);

CREATE TABLE quarantine (
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL,
    line BIGINT,
    field VARCHAR,
    reason VARCHAR NOT NULL,
    raw VARCHAR
);
