-- Resolution: entities and their mentions, id history, scored match edges, the linkage model,
-- review judgements and a log of runs.
CREATE TABLE entities (
    entity_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,
    caption VARCHAR,
    names JSON,                          -- every name variant and alias seen
    identifiers JSON,                    -- identifier name -> list of values
    mention_count BIGINT NOT NULL,
    first_run VARCHAR,                   -- run that created the id
    last_run VARCHAR                     -- run that last wrote it
);

CREATE TABLE entity_mentions (
    mention_id VARCHAR PRIMARY KEY,
    entity_id VARCHAR NOT NULL,
    kind VARCHAR NOT NULL
);

CREATE TABLE entity_history (
    old_id VARCHAR NOT NULL,             -- an id that no longer names a current entity
    new_id VARCHAR,                      -- one current id it became (several rows for a split)
    event VARCHAR NOT NULL,              -- merged | split | dropped
    run_id VARCHAR NOT NULL,
    at_time TIMESTAMP NOT NULL
);

CREATE TABLE match_edges (
    mention_l VARCHAR NOT NULL,          -- mention_l < mention_r
    mention_r VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    method VARCHAR NOT NULL,             -- splink | key:<name> | judgement
    match_weight DOUBLE,
    match_probability DOUBLE,
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (mention_l, mention_r)
);

CREATE TABLE linkage_models (
    model_id VARCHAR PRIMARY KEY,        -- sha256 of the settings JSON
    kind VARCHAR NOT NULL,
    settings JSON NOT NULL,              -- Splink settings with trained m and u
    threshold DOUBLE NOT NULL,           -- match probability above which pairs may merge
    trained_at TIMESTAMP NOT NULL,
    n_records BIGINT,
    seed INTEGER,
    notes VARCHAR
);

CREATE TABLE review_judgements (
    mention_l VARCHAR NOT NULL,
    mention_r VARCHAR NOT NULL,
    verdict VARCHAR NOT NULL,            -- same | different | unsure
    username VARCHAR NOT NULL,
    at_time TIMESTAMP NOT NULL,
    note VARCHAR
);

CREATE TABLE resolution_runs (
    run_id VARCHAR PRIMARY KEY,
    mode VARCHAR NOT NULL,               -- full | incremental
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    model_id VARCHAR,
    mentions BIGINT,
    new_mentions BIGINT,
    candidate_pairs BIGINT,
    edges BIGINT,
    entities BIGINT,
    stats JSON
);
