"""The person linkage model as data: input columns, comparisons and blocking rules for Splink.

Everything here is plain SQL over the columns of ``person_input_sql``, so the trained model is a
JSON document (Splink settings with m and u) that can be stored, hashed, read and re-applied.

Why these comparisons:
- given names: exact, then equal after hypocorisms (Pancho = Francisco), then first canonical
  token (José Luis ~ José), then any shared token (María Guadalupe ~ Guadalupe), then
  Jaro-Winkler on the folded form (typos).
- paternal and maternal surnames are separate evidence. A missing maternal surname (US records
  drop it) is the null level — no evidence either way — never a mismatch. The same surname in the
  other slot (swapped fields) or inside a hyphen-merged pair is a strong partial level; so is
  the paternal surname read as a middle name with the maternal as the only surname (a US form).
  Exact surname agreement is term-frequency adjusted: Hernández says little, Xicohténcatl a lot.
- birth date: exact, day/month swapped (DMY vs MDY), same day and month with another year,
  one of day/month off, else.
- identifiers (CURP, A-Number, passport/national id/SSN): agreement is near-proof and
  disagreement strong evidence against; missing is neutral.
- shared phone and shared address key (reached through PhoneUse / Residence links in the same
  row), nationality and sex: weaker evidence that EM weighs.
"""

from __future__ import annotations

from typing import Any

# Given-name tokens too common to carry a name on their own (María Guadalupe → Guadalupe).
WEAK_GIVEN = ("JOSE", "MARIA", "MA", "J", "MA.", "DE", "DEL", "LA", "LOS")

PERSON_INPUT_SQL = """
WITH p AS (
    SELECT m.mention_id, s.name AS source_name, m.props
    FROM mentions m JOIN sources s ON s.source_id = m.source_id
    WHERE m.kind = 'Person' AND s.superseded_by IS NULL {extra_filter}
),
phones AS (
    SELECT l.subject_id AS mention_id, list(DISTINCT (o.props->>'number') ORDER BY (o.props->>'number')) AS v
    FROM links l JOIN mentions o ON o.mention_id = l.object_id
    WHERE l.kind = 'PhoneUse' AND (o.props->>'number') IS NOT NULL
    GROUP BY 1
),
addrs AS (
    SELECT mention_id, list(DISTINCT k ORDER BY k) AS v,
        arg_min(city, k) AS city, arg_min(street, k) AS street
    FROM (
        SELECT l.subject_id AS mention_id, concat_ws('|', upper(coalesce((o.props->>'normalized'),
            (o.props->>'full'))), coalesce((o.props->>'postal_code'), '')) AS k,
            NULLIF(upper(trim(o.props->>'city')), '') AS city,
            NULLIF(upper(trim(concat_ws(' ', o.props->>'street', o.props->>'number'))), '')
                AS street
        FROM links l JOIN mentions o ON o.mention_id = l.object_id
        WHERE l.kind IN ('Residence', 'Lease', 'Lodging') AND o.kind = 'Address'
          AND coalesce((o.props->>'normalized'), (o.props->>'full')) IS NOT NULL
    ) GROUP BY 1
),
f AS (
    SELECT p.mention_id AS unique_id, p.source_name,
        NULLIF(trim((p.props->>'name')), '') AS full_name,
        NULLIF(trim((p.props->>'given')), '') AS given,
        NULLIF(trim(coalesce((p.props->>'given_canonical'), (p.props->>'given'))), '')
            AS given_canonical,
        NULLIF(trim((p.props->>'paternal')), '') AS paternal,
        NULLIF(trim((p.props->>'maternal')), '') AS maternal,
        -- A valid CURP carries the birth date (YYMMDD; the 17th character is a digit for births
        -- before 2000) and the sex (H/M): it fills them when the record left them out, so a
        -- record holding only a CURP can still contradict another's birth date.
        coalesce(TRY_CAST((p.props->>'birth_date') AS DATE), CASE
            WHEN (p.props->>'curp_status') = 'valid' THEN TRY_CAST(strptime(
                CASE WHEN regexp_matches(substr((p.props->>'curp'), 17, 1), '[0-9]')
                     THEN '19' ELSE '20' END || substr((p.props->>'curp'), 5, 6), '%Y%m%d')
                AS DATE) END) AS birth_date,
        coalesce(NULLIF((p.props->>'sex'), ''), CASE
            WHEN (p.props->>'curp_status') = 'valid' THEN
                CASE substr(upper(p.props->>'curp'), 11, 1) WHEN 'H' THEN 'M' WHEN 'M' THEN 'F' END
            END) AS sex,
        NULLIF((p.props->>'nationality'), '') AS nationality,
        NULLIF(upper((p.props->>'curp')), '') AS curp,
        coalesce((p.props->>'curp_status'), '') = 'valid' AS curp_valid,
        NULLIF(upper((p.props->>'a_number')), '') AS a_number,
        list_filter([
            CASE WHEN (p.props->>'passport') IS NOT NULL THEN 'PP:' || upper((p.props->>'passport')) END,
            CASE WHEN (p.props->>'national_id') IS NOT NULL THEN
                coalesce(upper((p.props->>'national_id_type')), 'ID') || ':' || upper((p.props->>'national_id')) END,
            CASE WHEN (p.props->>'ssn') IS NOT NULL THEN 'SSN:' || ((p.props->>'ssn')) END,
            CASE WHEN (p.props->>'rfc') IS NOT NULL THEN 'RFC:' || upper((p.props->>'rfc')) END
        ], lambda x: x IS NOT NULL) AS other_ids,
        coalesce(ph.v, []) AS phones,
        coalesce(ad.v, []) AS addresses,
        ad.city AS address_city,
        ad.street AS address_street
    FROM p LEFT JOIN phones ph ON ph.mention_id = p.mention_id
           LEFT JOIN addrs ad ON ad.mention_id = p.mention_id
)
SELECT *,
    string_split(given_canonical, ' ') AS given_tokens,
    coalesce(list_filter(string_split(given_canonical, ' '), lambda t: t NOT IN {weak})[1],
             string_split(given_canonical, ' ')[1]) AS given_key,
    string_split(given_canonical, ' ')[1] AS given_first,
    list_filter(list_concat(string_split(coalesce(paternal, ''), ' '),
        string_split(coalesce(maternal, ''), ' ')), lambda t: t <> '') AS surname_tokens,
    CASE WHEN day(birth_date) <= 12 AND day(birth_date) <> month(birth_date)
         THEN make_date(year(birth_date), day(birth_date), month(birth_date)) END AS birth_date_swapped,
    year(birth_date) AS birth_year,
    CAST(birth_date AS VARCHAR) AS birth_text,
    array_to_string(list_sort(string_split(CAST(birth_date AS VARCHAR), '')), '') AS birth_sorted,
    other_ids[1] AS id1,
    array_to_string(list_sort(string_split(other_ids[1], '')), '') AS id1_sorted,
    split_part(addresses[1], '|', 1) AS address_text,
    NULLIF(split_part(addresses[1], '|', 2), '') AS postcode,
    strftime(birth_date, '%m-%d') AS birth_md
FROM f
"""


def person_input_sql(extra_filter: str = "") -> str:
    """SELECT producing one row per current Person mention with the model's columns
    (before the name keys of ``name_keys_sql`` are added)."""
    weak = "(" + ", ".join(f"'{t}'" for t in WEAK_GIVEN) + ")"
    return PERSON_INPUT_SQL.format(extra_filter=extra_filter, weak=weak)


# Name particles carry no identity on their own (de la Cruz ~ Cruz).
PARTICLES = ("DE", "DEL", "LA", "LAS", "LOS", "Y", "VAN", "VON", "DA", "DI", "MA")

# A phonetic key modelled on Soundex, without its truncation to four characters: the first
# letter, then the sound class of each following consonant, repeats collapsed and vowels dropped.
# GONZLAEZ, GONSALEZ and GONZALEZ share G5242, WOD and WOOD W3, GLEMDA and GLENDA G453:
# keying slips and spelling variants land on one key, which makes typo-proof blocking cheap.
_SOUND_FROM = "AEIOUYHWBFPVCGJKQSXZDTLMNR"
_SOUND_TO = "00000000111122222222334556"
NAME_CODE_MACRO = f"""
CREATE OR REPLACE TEMP MACRO eslabon_name_code(t) AS (
    CASE WHEN t IS NULL OR length(t) < 2 THEN NULL ELSE
    left(t, 1) || array_to_string(list_filter(
        list_filter(
            string_split(translate(t, '{_SOUND_FROM}', '{_SOUND_TO}'), ''),
            lambda _nc_x, _nc_i: _nc_i = 1 OR _nc_x <> string_split(
                translate(t, '{_SOUND_FROM}', '{_SOUND_TO}'), '')[_nc_i - 1]
        ),
        lambda _nc_x, _nc_i: _nc_i > 1 AND _nc_x <> '0'), '')
    END
)
"""
# (The macro's lambda variables have unusual names: a macro is expanded inline, so a caller's
# ``lambda x: eslabon_name_code(x)`` would otherwise be captured by the macro's own ``x``.)


# Per mention: the phonetic keys of every name token it carries in any slot (given names, their
# formal forms behind nicknames, both surnames, hyphen-merged parts), and every pair of them.
# Blocking on a shared *pair* of name keys survives swapped given/surname fields, a maternal
# surname in the middle-name field or dropped, a full name split at the wrong place, nicknames
# and most typos — the distortions US and Mexican records inflict on the same name.
NAME_KEYS_SQL = """
WITH toks AS (
    SELECT unique_id, 'g' AS slot, unnest(list_concat(
        string_split(coalesce(given, ''), ' '),
        string_split(coalesce(given_canonical, ''), ' '))) AS t
    FROM {base}
    UNION ALL
    SELECT unique_id, 's' AS slot, unnest(list_concat(
        string_split(replace(coalesce(paternal, ''), '-', ' '), ' '),
        string_split(replace(coalesce(maternal, ''), '-', ' '), ' '))) AS t
    FROM {base}
),
expanded AS (
    SELECT unique_id, slot, t FROM toks
    UNION
    SELECT toks.unique_id, toks.slot, unnest(string_split(v.formal, ' ')) AS t
    FROM toks JOIN {variants} v ON v.nick = toks.t
),
named AS (
    SELECT unique_id,
        list(DISTINCT t) FILTER (WHERE slot = 'g') AS g,
        list(DISTINCT t) FILTER (WHERE slot = 's') AS s,
        list_sort(list(DISTINCT eslabon_name_code(t))) AS name_codes
    FROM expanded
    WHERE length(t) >= 2 AND t NOT IN {particles}
    GROUP BY 1
)
SELECT b.*,
    coalesce(n.name_codes, []) AS name_codes,
    coalesce(n.g, []) AS given_forms,
    coalesce(list_distinct(list_concat(list_transform(n.g, lambda x: eslabon_name_code(x)),
        list_transform(n.g, lambda x: '~' || left(x, 3)))), []) AS given_keys,
    coalesce(list_distinct(list_concat(n.name_codes,
        list_transform(list_concat(n.g, n.s), lambda x: '~' || left(x, 3)))), []) AS name_keys,
    list_distinct(flatten([
        flatten(list_transform(n.g, lambda x: list_transform(n.s,
            lambda y: x || '|' || eslabon_name_code(y)))),
        flatten(list_transform(n.s, lambda x: list_transform(n.g,
            lambda y: x || '|' || eslabon_name_code(y)))),
        flatten(list_transform(n.s, lambda x: list_transform(list_filter(n.s, lambda z: z <> x),
            lambda y: x || '|' || eslabon_name_code(y))))
    ])) AS name_pairs,
    list_filter([b.birth_date, b.birth_date_swapped], lambda d: d IS NOT NULL) AS birth_keys,
    coalesce(flatten(list_transform(n.name_codes, lambda c: list_transform(
        list_filter([b.birth_date, b.birth_date_swapped], lambda d: d IS NOT NULL),
        lambda d: c || '@' || CAST(d AS VARCHAR)))), []) AS code_birth,
    b.phones AS phone_keys,
    coalesce(flatten(list_transform(n.name_codes, lambda c: list_transform(
        list_filter(['P' || b.postcode, 'T' || b.address_city], lambda z: z IS NOT NULL),
        lambda z: c || '^' || z))), []) AS code_place
FROM {base} b LEFT JOIN named n USING (unique_id)
"""


# Blocking key lists and the most mentions one key value may gather. A key shared by more (MARIA
# + HERNANDEZ in a million records, a call-centre phone) would make a block of quadratic size and
# says little; it is dropped from the lists, and its true pairs are found through the other keys
# (the name with a birth date or place; identifiers). This keeps candidate pairs linear in the
# data. ``phone_keys`` is a capped copy of ``phones``: the comparison still sees every phone.
BLOCKING_KEYS = ("name_pairs", "code_birth", "phone_keys", "code_place")
MAX_BLOCK = 300


def cap_keys_sql(table: str, column: str, cap: int = MAX_BLOCK) -> list[str]:
    """Statements removing from ``table.column`` every key value held by more than ``cap``
    rows."""
    return [
        f"CREATE OR REPLACE TEMP TABLE _frequent AS SELECT k FROM (SELECT unnest({column}) AS k "
        f"FROM {table}) GROUP BY k HAVING count(*) > {cap}",
        f"""UPDATE {table} SET {column} = kept.v FROM (
            SELECT unique_id, coalesce(list(k) FILTER (WHERE k NOT IN (SELECT k FROM _frequent)),
                []) AS v
            FROM (SELECT unique_id, unnest({column}) AS k FROM {table}) GROUP BY 1
        ) kept WHERE {table}.unique_id = kept.unique_id
          AND EXISTS (SELECT 1 FROM _frequent)""",
        "DROP TABLE _frequent",
    ]


def name_keys_sql(base: str, variants: str) -> str:
    """SELECT adding the name keys and blocking key lists to the rows of ``base``;
    ``variants(nick, formal)`` lists the formal names a nickname token may stand for."""
    particles = "(" + ", ".join(f"'{t}'" for t in PARTICLES) + ")"
    return NAME_KEYS_SQL.format(base=base, variants=variants, particles=particles)


def _level(sql: str, label: str, *, null: bool = False, tf: str | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": sql, "label_for_charts": label}
    if null:
        level["is_null_level"] = True
    if tf:
        level["tf_adjustment_column"] = tf
        level["tf_adjustment_weight"] = 1.0
    return level


def _else(fixed_m: float | None = None) -> dict[str, Any]:
    level: dict[str, Any] = {"sql_condition": "ELSE", "label_for_charts": "All other comparisons"}
    if fixed_m is not None:
        level |= {"m_probability": fixed_m, "fix_m_probability": True}
    return level


# How often two records of one person carry different CURPs or A-Numbers (beyond one keying
# slip): a number copied from the wrong line. Fixed rather than trained: EM sees such pairs
# almost only among strangers, and where every one of them has a match probability that
# underflows to 0, Splink refuses the m of 0 it computes (seed 7 at scale 0.2 failed to train).
# Trained values stayed below this and were raised to it anyway (``splink_engine.floor_m``).
# Any other level EM drives to 0 is fixed the same way when it happens
# (``splink_engine.fit_fixing_zeroed_m``); these two are fixed up front, as they were every time.
# Passports, SSNs and the like stay trained: data such as FEBRL4 corrupts them far more often
# (fixing theirs too cost FEBRL4 8 of its 4,936 true pairs).
ID_DIFFER_M = 1e-3


def _jw(col: str, t: float) -> str:
    return f"jaro_winkler_similarity({col}_l, {col}_r) >= {t}"


# Both surnames present in both records, in the opposite slots (a US form reversing them).
BOTH_SWAPPED = "paternal_l = maternal_r AND maternal_l = paternal_r"
# A US form that read the paternal surname as a middle name and the maternal one as the only
# surname: "SERGIO AVENDANO GUERRERO" as given "SERGIO AVENDANO", last name "GUERRERO".
MIDDLE_SHIFT = (
    "(maternal_r IS NULL AND maternal_l = paternal_r "
    "AND list_contains(given_tokens_r, paternal_l)) "
    "OR (maternal_l IS NULL AND maternal_r = paternal_l "
    "AND list_contains(given_tokens_l, paternal_r))"
)


def _typo(col: str, sorted_col: str) -> str:
    """SQL: ``col`` one edit apart, or two characters swapped (same sorted characters, two
    edits) — the usual keying slips. ``sorted_col`` holds the value's characters sorted,
    computed once per record: DuckDB's damerau_levenshtein is several times slower."""
    return (
        f"(levenshtein({col}_l, {col}_r) <= 1 OR ({sorted_col}_l = {sorted_col}_r "
        f"AND levenshtein({col}_l, {col}_r) = 2))"
    )


def _exact_comparison(
    col: str, description: str, fuzzy: str | None = None, differ_m: float | None = None
) -> dict[str, Any]:
    levels = [
        _level(f"{col}_l IS NULL OR {col}_r IS NULL", "missing", null=True),
        _level(f"{col}_l = {col}_r", "exact"),
    ]
    if fuzzy:
        levels.append(_level(fuzzy, "near"))
    levels.append(_else(differ_m))
    return {
        "output_column_name": col,
        "comparison_description": description,
        "comparison_levels": levels,
    }


# Given names that can be one person's, from the surest to the weakest; past these they differ.
GIVEN_AGREE: list[tuple[str, str]] = [
    ("given_canonical_l = given_canonical_r", "same after nicknames"),
    ("given_key_l = given_key_r", "same main given name"),
    (
        "list_has_any(given_forms_l, given_forms_r)",
        "a nickname that may stand for the other's name",
    ),
    ("list_has_any(given_tokens_l, given_tokens_r)", "a given name shared"),
    ("given_l = paternal_r OR paternal_l = given_r", "given and surname fields swapped"),
    ("levenshtein(given_l, given_r) <= 1", "one typo"),
    (_jw("given", 0.92), "Jaro-Winkler >= 0.92"),
    (_jw("given_key", 0.85), "main name Jaro-Winkler >= 0.85"),
]

# Both records name someone, and the names cannot be one person's (Juan and Javier).
GIVEN_DIFFER = (
    "given_canonical_l IS NOT NULL AND given_canonical_r IS NOT NULL AND given_l <> given_r AND "
    + " AND ".join(f"NOT coalesce({sql}, false)" for sql, _label in GIVEN_AGREE)
)


def comparisons() -> list[dict[str, Any]]:
    """The domain comparisons (see module docstring)."""
    given = {
        "output_column_name": "given",
        "comparison_description": "given names, hypocorisms and compound names",
        "comparison_levels": [
            _level("given_canonical_l IS NULL OR given_canonical_r IS NULL", "missing", null=True),
            _level("given_l = given_r", "exact", tf="given"),
            *(_level(sql, label) for sql, label in GIVEN_AGREE),
            _else(),
        ],
    }
    # A phone on the records of two differently named people is a household's (siblings, a
    # parent and child: the same two surnames) or a number keyed on the wrong party's line.
    # Naive Bayes would add the surnames' and the phone's weights as if independent; kin share
    # both. Its own level lets EM weigh that case apart from a phone that one person carries.
    phones = {
        "output_column_name": "phones",
        "comparison_description": "a phone used by both",
        "comparison_levels": [
            _level("len(phones_l) = 0 OR len(phones_r) = 0", "missing", null=True),
            _level(
                f"list_has_any(phones_l, phones_r) AND {GIVEN_DIFFER}",
                "shared, by people with different given names",
            ),
            _level("list_has_any(phones_l, phones_r)", "shared"),
            _else(),
        ],
    }
    paternal = {
        "output_column_name": "paternal",
        "comparison_description": "paternal surname",
        "comparison_levels": [
            _level("paternal_l IS NULL OR paternal_r IS NULL", "missing", null=True),
            _level("paternal_l = paternal_r", "exact", tf="paternal"),
            _level(BOTH_SWAPPED, "paternal and maternal swapped"),
            _level(MIDDLE_SHIFT, "paternal surname in the middle-name field"),
            _level(
                "paternal_l = maternal_r OR maternal_l = paternal_r "
                "OR list_contains(surname_tokens_r, paternal_l) "
                "OR list_contains(surname_tokens_l, paternal_r)",
                "in the other slot or hyphen-merged",
            ),
            _level(
                "given_l = paternal_r OR paternal_l = given_r",
                "given and surname fields swapped",
            ),
            _level("levenshtein(paternal_l, paternal_r) <= 1", "one typo"),
            _level(_jw("paternal", 0.92), "Jaro-Winkler >= 0.92"),
            _level(_jw("paternal", 0.85), "Jaro-Winkler >= 0.85"),
            _else(),
        ],
    }
    maternal = {
        "output_column_name": "maternal",
        "comparison_description": "maternal surname (missing is not a mismatch)",
        "comparison_levels": [
            _level("maternal_l IS NULL OR maternal_r IS NULL", "missing", null=True),
            _level("maternal_l = maternal_r", "exact", tf="maternal"),
            _level(BOTH_SWAPPED, "paternal and maternal swapped"),
            _level(
                "maternal_l = paternal_r OR paternal_l = maternal_r "
                "OR list_contains(surname_tokens_r, maternal_l) "
                "OR list_contains(surname_tokens_l, maternal_r)",
                "in the other slot or hyphen-merged",
            ),
            _level(_jw("maternal", 0.92), "Jaro-Winkler >= 0.92"),
            _else(),
        ],
    }
    birth = {
        "output_column_name": "birth_date",
        "comparison_description": "birth date with day/month swap",
        "comparison_levels": [
            _level("birth_date_l IS NULL OR birth_date_r IS NULL", "missing", null=True),
            _level("birth_date_l = birth_date_r", "exact"),
            _level("birth_date_swapped_l = birth_date_r", "day and month swapped"),
            _level("birth_md_l = birth_md_r", "same day and month, other year"),
            _level(
                "birth_year_l = birth_year_r AND (month(birth_date_l) = month(birth_date_r) "
                "OR day(birth_date_l) = day(birth_date_r))",
                "same year, day or month off",
            ),
            _level(
                _typo("birth_text", "birth_sorted"),
                "one digit mistyped or two transposed",
            ),
            _level("abs(birth_year_l - birth_year_r) <= 1", "within a year"),
            _else(),
        ],
    }
    return [
        given,
        paternal,
        maternal,
        birth,
        _exact_comparison("sex", "sex"),
        _exact_comparison("nationality", "nationality"),
        _exact_comparison(
            "curp", "CURP", fuzzy="levenshtein(curp_l, curp_r) <= 1", differ_m=ID_DIFFER_M
        ),
        _exact_comparison(
            "a_number",
            "A-Number",
            fuzzy="levenshtein(a_number_l, a_number_r) <= 1",
            differ_m=ID_DIFFER_M,
        ),
        {
            "output_column_name": "other_ids",
            "comparison_description": "passport, national id, SSN, RFC (one typo allowed)",
            "comparison_levels": [
                _level("len(other_ids_l) = 0 OR len(other_ids_r) = 0", "missing", null=True),
                _level("list_has_any(other_ids_l, other_ids_r)", "shared"),
                _level(_typo("id1", "id1_sorted"), "first ids one typo or transposition apart"),
                _else(),
            ],
        },
        phones,
        {
            "output_column_name": "addresses",
            "comparison_description": "an address shared, or nearly (typos), or its area",
            "comparison_levels": [
                _level("len(addresses_l) = 0 OR len(addresses_r) = 0", "missing", null=True),
                _level("list_has_any(addresses_l, addresses_r)", "shared"),
                _level(_jw("address_text", 0.9), "Jaro-Winkler >= 0.9"),
                _level(
                    f"{_jw('address_street', 0.85)} AND (address_city_l = address_city_r "
                    "OR postcode_l = postcode_r)",
                    "same street (near) in the same town or postcode",
                ),
                _level(
                    "address_city_l = address_city_r AND postcode_l = postcode_r",
                    "same town and postcode",
                ),
                _level(
                    "address_city_l = address_city_r OR postcode_l = postcode_r",
                    "same town or postcode",
                ),
                _else(),
            ],
        },
    ]


def _rule(sql: str, *explode: str) -> dict[str, Any]:
    rule: dict[str, Any] = {"blocking_rule": sql, "sql_dialect": "duckdb"}
    if explode:
        rule["arrays_to_explode"] = list(explode)
    return rule


def blocking_rules() -> list[dict[str, Any]]:
    """Candidate pairs: any one rule suffices. Chosen by measured recall of true pairs against
    candidate pairs (``eslabon eval`` reports both; see docs/resolution.md):

    - a shared identifier (CURP, A-Number, passport / national id / SSN / RFC);
    - a shared *pair* of name keys — the name, whatever slot its parts landed in;
    - one shared name key and the birth date (either reading of day/month), for names too
      damaged for two keys to survive;
    - a phone used by both (a record may carry no name at all: a contact saved under a
      nickname, a transfer's counterpart), unless the phone is shared by too many;
    - one shared name key and the postcode or the town;
    - the birth date and the town, or the postcode (names too damaged for any key to survive);
      the street address and the town.
    """
    return [
        _rule("l.curp = r.curp"),
        _rule("l.a_number = r.a_number"),
        _rule("l.other_ids = r.other_ids", "other_ids"),
        _rule("l.name_pairs = r.name_pairs", "name_pairs"),
        _rule("l.code_birth = r.code_birth", "code_birth"),
        _rule("l.phone_keys = r.phone_keys", "phone_keys"),
        _rule("l.code_place = r.code_place", "code_place"),
        _rule("l.birth_date = r.birth_date AND l.address_city = r.address_city"),
        _rule("l.birth_date = r.birth_date AND l.postcode = r.postcode"),
        _rule("l.address_street = r.address_street AND l.address_city = r.address_city"),
    ]


# Per person mention, its exact document numbers (passport, national id, SSN, RFC, A-Number,
# CURP): clusters sharing one are one person for the clustering guards (``cluster.shared_ids``).
SHARED_IDS_SQL = """
SELECT unique_id, list_concat(other_ids,
    list_filter(['CURP:' || curp, 'A:' || a_number], lambda x: x IS NOT NULL))
FROM {table}
WHERE len(other_ids) > 0 OR curp IS NOT NULL OR a_number IS NOT NULL
"""


TRAINING_BLOCKS = [
    "l.birth_date = r.birth_date",
    "l.paternal = r.paternal AND l.given_key = r.given_key",
]

DETERMINISTIC_RULES = [
    "l.curp = r.curp",
    "l.a_number = r.a_number",
    "l.given = r.given AND l.paternal = r.paternal AND l.birth_date = r.birth_date",
]


def settings(threshold: float = 0.95) -> dict[str, Any]:
    """An untrained Splink settings dict for persons (dedupe within and across sources)."""
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "unique_id",
        "probability_two_random_records_match": 1e-4,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": blocking_rules(),
        "retain_matching_columns": False,
        "retain_intermediate_calculation_columns": False,
        "additional_columns_to_retain": [],
        "max_iterations": 20,
        "em_convergence": 1e-4,
    }
