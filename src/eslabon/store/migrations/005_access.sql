-- Agencies, users, sessions, security labels, release requests and the audit log.
CREATE TABLE agencies (
    agency VARCHAR PRIMARY KEY,          -- short code, e.g. 'CBP', 'UIF'
    name VARCHAR NOT NULL,
    country VARCHAR NOT NULL CHECK (country IN ('USA', 'MEX')),
    law_enforcement BOOLEAN NOT NULL,
    purposes JSON NOT NULL,              -- stated purposes it works under (legal-basis matching)
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    username VARCHAR PRIMARY KEY,
    full_name VARCHAR,
    role VARCHAR NOT NULL CHECK (role IN
        ('analyst', 'investigator', 'prosecutor', 'auditor', 'administrator')),
    agency VARCHAR NOT NULL,
    password_hash VARCHAR NOT NULL,      -- argon2id (memory-hard); never the password
    totp_secret VARCHAR,                 -- base32; NULL only for demo accounts
    totp_last_counter BIGINT,            -- last accepted TOTP time step: a code is used once
    demo BOOLEAN NOT NULL,
    locked_at TIMESTAMP,
    locked_reason VARCHAR,
    unlocked_at TIMESTAMP,               -- failures before an administrator's unlock do not count
    created_at TIMESTAMP NOT NULL,
    created_by VARCHAR NOT NULL
);

CREATE TABLE login_attempts (
    username VARCHAR NOT NULL,
    at_time TIMESTAMP NOT NULL,
    ok BOOLEAN NOT NULL,
    remote VARCHAR
);

CREATE TABLE sessions (
    token_sha256 VARCHAR PRIMARY KEY,    -- the token itself is only ever in the client's cookie
    username VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen TIMESTAMP NOT NULL,
    ended_at TIMESTAMP,
    end_reason VARCHAR,                  -- logout | idle | locked
    remote VARCHAR
);

CREATE TABLE source_labels (
    source VARCHAR PRIMARY KEY,          -- source name (every version carries the label)
    label JSON NOT NULL,
    set_by VARCHAR NOT NULL,
    set_at TIMESTAMP NOT NULL,
    origin VARCHAR NOT NULL              -- mapping | command
);

CREATE TABLE release_requests (
    request_id VARCHAR PRIMARY KEY,
    requester VARCHAR NOT NULL,
    requester_agency VARCHAR NOT NULL,
    originator VARCHAR NOT NULL,         -- the agency that must approve
    sources JSON NOT NULL,               -- originator-controlled source names involved
    subject VARCHAR NOT NULL,            -- what is released, e.g. 'case:P-1a2b', 'export:ftm'
    purpose VARCHAR,
    status VARCHAR NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_at TIMESTAMP NOT NULL,
    decided_by VARCHAR,
    decided_at TIMESTAMP,
    reason VARCHAR
);

CREATE TABLE audit_log (
    seq BIGINT PRIMARY KEY,              -- 0, 1, 2, ... leaf index in the Merkle tree
    at_time TIMESTAMP NOT NULL,          -- UTC
    username VARCHAR,
    agency VARCHAR,
    action VARCHAR NOT NULL,             -- login | search | entity | trace | export | case | ...
    outcome VARCHAR NOT NULL,            -- ok | denied | failed | ...
    remote VARCHAR,                      -- client address, or 'cli:<os user>@<host>'
    entities JSON NOT NULL,              -- entity ids shown or touched
    statements JSON NOT NULL,            -- source rows ('<source_id>/<row_num>') shown or touched
    detail JSON NOT NULL,                -- route, query, parameters (never a password)
    leaf_hash VARCHAR NOT NULL           -- RFC 6962 leaf hash of the canonical entry
);

CREATE TABLE audit_checkpoints (
    tree_size BIGINT PRIMARY KEY,
    root_hash VARCHAR NOT NULL,
    at_time TIMESTAMP NOT NULL,
    key_id VARCHAR NOT NULL,             -- sha256 of the Ed25519 public key
    signature VARCHAR NOT NULL           -- Ed25519 over the checkpoint's canonical text
);
