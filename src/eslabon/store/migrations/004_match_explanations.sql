-- Why each scored person pair scored as it did, persisted at resolve time so that explaining a
-- merge (CLI, web, case files) reads rows instead of re-scoring with Splink. One row per
-- Splink edge in match_edges (same pair order). Compact: the comparison level (gamma) of each
-- comparison, in the order of the model's settings; labels and level weights (log2 m/u) are
-- derived from linkage_models.settings of model_id. Only the term-frequency adjustments, which
-- depend on the term frequencies at scoring time, are stored as weights.
CREATE TABLE match_explanations (
    mention_l VARCHAR NOT NULL,          -- mention_l < mention_r (as in match_edges)
    mention_r VARCHAR NOT NULL,
    model_id VARCHAR NOT NULL,           -- linkage_models.model_id that scored the pair
    gammas TINYINT[] NOT NULL,           -- level per comparison (-1 null level, else 0 = last)
    tf_weights DOUBLE[] NOT NULL,        -- log2 term-frequency adjustment per comparison
    values_l JSON NOT NULL,              -- compared value per comparison (JSON array), mention_l
    values_r JSON NOT NULL,              -- likewise, mention_r
    run_id VARCHAR NOT NULL,
    PRIMARY KEY (mention_l, mention_r, model_id)
);
