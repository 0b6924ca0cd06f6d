-- Network output: the entity-level network with provenance, the person-to-person view with its
-- evidence, detected networks, roles, burner-phone proposals and the disruption ranking.
CREATE TABLE net_edges (
    link_id VARCHAR PRIMARY KEY,         -- the underlying link (links.link_id → source row)
    kind VARCHAR NOT NULL,               -- link kind (Call, Payment, Detention, ...)
    subject_entity VARCHAR NOT NULL,
    subject_kind VARCHAR NOT NULL,
    object_entity VARCHAR,
    object_kind VARCHAR,
    start_at TIMESTAMP,
    end_at TIMESTAMP,
    props JSON NOT NULL,
    source_id VARCHAR NOT NULL,
    row_num BIGINT NOT NULL
);

CREATE TABLE phone_users (
    phone_entity VARCHAR NOT NULL,
    person_entity VARCHAR NOT NULL,
    first_at TIMESTAMP,                  -- active span: PhoneUse span, else the phone's calls
    last_at TIMESTAMP,
    link_ids VARCHAR[] NOT NULL,         -- PhoneUse links (empty when inferred)
    basis VARCHAR NOT NULL,              -- record (a PhoneUse link) | burner (inferred, see burner_links)
    PRIMARY KEY (phone_entity, person_entity)
);

-- Actors are persons, and phones whose user is unknown (they stay nodes until attributed).
CREATE TABLE person_edges (
    person_a VARCHAR NOT NULL,           -- person_a < person_b (actor entity ids)
    person_b VARCHAR NOT NULL,
    via VARCHAR NOT NULL,                -- call | payment | phone | vehicle | address | account |
                                         -- organization | incident | associate | recruitment | employment
    via_entity VARCHAR NOT NULL,         -- the phone/vehicle/account/address/incident joining them
    n_links BIGINT NOT NULL,
    link_ids VARCHAR[] NOT NULL,         -- every underlying link (net_edges.link_id)
    first_at TIMESTAMP,
    last_at TIMESTAMP,
    times TIMESTAMP[],                   -- distinct times of those links, in order
    criminal BOOLEAN NOT NULL,           -- the tie is (or joins) a criminal event
    PRIMARY KEY (person_a, person_b, via, via_entity)
);

CREATE TABLE networks (
    network_id VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,               -- smuggling | labour_trafficking | drugs
    size BIGINT NOT NULL,
    kind_scores JSON NOT NULL,           -- evidence for each kind
    anchor_events BIGINT NOT NULL        -- criminal events inside the network
);

CREATE TABLE node_roles (
    entity_id VARCHAR PRIMARY KEY,
    network_id VARCHAR,                  -- NULL: background population
    role VARCHAR NOT NULL,
    stage VARCHAR,                       -- origin | transit | border | destination
    score DOUBLE NOT NULL,
    coerced BOOLEAN NOT NULL,            -- victim recorded in an offending role: human decision
    reasons JSON NOT NULL
);

CREATE TABLE burner_links (
    phone_a VARCHAR NOT NULL,            -- the earlier phone
    phone_b VARCHAR NOT NULL,            -- the later phone
    score DOUBLE NOT NULL,
    shared_contacts BIGINT NOT NULL,
    gap_days DOUBLE,
    user_entity VARCHAR,                 -- the recorded user of the chain, when exactly one
    reasons JSON NOT NULL,
    PRIMARY KEY (phone_a, phone_b)
);

CREATE TABLE disruption_ranking (
    network_id VARCHAR NOT NULL,
    rank INTEGER,                        -- NULL: held for a human decision
    entity_id VARCHAR NOT NULL,
    name VARCHAR,
    role VARCHAR,
    score DOUBLE NOT NULL,
    evidence JSON NOT NULL,
    reasons JSON NOT NULL,
    held BOOLEAN NOT NULL,
    PRIMARY KEY (network_id, entity_id)
);

CREATE TABLE network_runs (
    run_id VARCHAR PRIMARY KEY,
    started_at TIMESTAMP NOT NULL,
    finished_at TIMESTAMP,
    stats JSON
);
