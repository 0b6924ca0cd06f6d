"""The JSON twin's documented shapes (they are what the OpenAPI schema publishes)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field


class Problem(BaseModel):
    """An error for people: what went wrong and, when known, what to do."""

    detail: str


class SearchHit(BaseModel):
    entity_id: str
    kind: str
    caption: str | None
    names: list[str]
    aliases: list[str]
    mentions: int
    role: str | None
    network: str | None
    rank: int | None
    sources: list[str]
    countries: list[str]
    score: float


class SearchResult(BaseModel):
    query: str
    filters: dict[str, str | None]
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]]


class Attested(BaseModel):
    """A name, alias or identifier value and the source rows that record it."""

    type: str
    value: str
    sources: list[str]


class Merge(BaseModel):
    a: str
    b: str
    method: str
    probability: float | None


class EvidenceRow(BaseModel):
    mention_id: str
    source: str
    source_id: str
    row_num: int
    line: int | None
    file: str
    sha256: str
    caption: str | None


class Role(BaseModel):
    role: str
    network: str | None
    stage: str | None
    score: float
    coerced: bool
    reasons: list[Any]


class Ranking(BaseModel):
    network: str
    rank: int | None
    score: float
    held: bool
    evidence: dict[str, Any]
    reasons: list[Any]


class Counterpart(BaseModel):
    entity_id: str
    kind: str
    caption: str | None
    role: str | None
    network: str | None
    via: list[str]
    n_links: int
    first_at: str | None
    last_at: str | None
    criminal: bool | None


class TimelineEvent(BaseModel):
    at: str | None
    kind: str
    other: str | None
    other_caption: str | None
    place: str | None
    source: str
    file: str
    row: int
    sha256: str
    link_id: str


class PhoneUse(BaseModel):
    entity_id: str
    caption: str | None
    basis: str
    first_at: str | None
    last_at: str | None


class Entity(BaseModel):
    entity_id: str
    kind: str
    caption: str | None
    mentions: int
    names: list[Attested]
    identifiers: list[Attested]
    merges: list[Merge]
    evidence: list[EvidenceRow]
    role: Role | None
    ranking: list[Ranking]
    counterparts: list[Counterpart]
    timeline: list[TimelineEvent]
    phones: list[PhoneUse]
    analysed: bool


class WaterfallStep(BaseModel):
    comparison: str
    level: str
    left: str | None
    right: str | None
    weight: float
    tf_weight: float


class Explanation(BaseModel):
    a: str
    b: str
    model_id: str
    threshold: float
    prior_weight: float
    comparisons: list[WaterfallStep]
    match_weight: float
    match_probability: float


class ExplainStatus(BaseModel):
    """``ready`` with the waterfall, ``pending`` while Splink scores the pair (poll again),
    ``unavailable`` when the model cannot compare the two (not persons, no model)."""

    status: Literal["ready", "pending", "unavailable"]
    a: str
    b: str
    explanation: Explanation | None = None
    note: str | None = None


class NetworkInfo(BaseModel):
    network_id: str
    kind: str
    size: int
    anchor_events: int


class GraphNode(BaseModel):
    id: str
    label: str | None
    kind: str
    role: str | None
    network: str | None
    stage: str | None
    coerced: bool
    rank: int | None


class GraphEdge(BaseModel):
    id: str
    source: str
    target: str
    via: list[str]
    n_links: int
    criminal: bool
    times: list[str]


class Graph(BaseModel):
    network: str | None
    focus: str | None
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class TraceEvidence(BaseModel):
    link_id: str
    kind: str
    subject: str | None
    object: str | None
    at: str | None
    source: str
    source_id: str | None = None  # the loaded file's id: what the audit log cites
    file: str
    row: int
    sha256: str
    amount: str | None = None
    currency: str | None = None


class TraceStep(BaseModel):
    from_id: str
    to_id: str
    via: str
    via_entity: str
    at: str | None
    evidence: list[TraceEvidence]


class TraceActor(BaseModel):
    entity_id: str
    name: str
    role: str | None
    network: str | None
    stage: str | None
    strength: float
    direction: str
    hops: int
    path: list[TraceStep]
    ties_in_chain: int


class MoneyFlow(BaseModel):
    model_config = {"populate_by_name": True}

    from_: str = Field(alias="from")
    from_name: str
    to: str
    to_name: str
    currency: str | None
    amount: float
    payments: int
    first: str | None
    last: str | None
    inside_chain: bool
    sources: list[str]


class Trace(BaseModel):
    seed: dict[str, Any]
    actors: list[TraceActor]
    associates: list[TraceActor] = []
    money: list[MoneyFlow]
    excluded: dict[str, int]
    config: dict[str, Any]


class Target(BaseModel):
    network: str
    rank: int | None
    entity_id: str
    name: str | None
    role: str | None
    score: float
    evidence: dict[str, Any]
    reasons: list[Any]
    held: bool


class Targets(BaseModel):
    network: str | None
    targets: list[Target]
    held_for_review: list[Target]
    networks: list[NetworkInfo]


class ReviewRecord(BaseModel):
    mention_id: str
    source: str
    row_num: int
    caption: str | None
    props: dict[str, Any]


class ReviewPair(BaseModel):
    mention_l: str
    mention_r: str
    match_probability: float | None
    match_weight: float | None
    entity_l: str | None
    entity_r: str | None
    left: ReviewRecord
    right: ReviewRecord
    explanation: Explanation | None


class ReviewQueue(BaseModel):
    pairs: list[ReviewPair]
    judged: int
    pending_explanations: bool


class Decision(BaseModel):
    a: str = Field(description="mention id")
    b: str = Field(description="mention id")
    verdict: Literal["same", "different", "unsure"]


class Decisions(BaseModel):
    decisions: list[Decision] = Field(min_length=1, max_length=500)
    note: str | None = None


class Recorded(BaseModel):
    recorded: int
    user: str


class SourceRow(BaseModel):
    source_id: str
    name: str
    version: int
    path: str
    sha256: str
    format: str
    country: str | None
    rows_read: int
    rows_loaded: int
    rows_quarantined: int
    loaded_at: str | None
    superseded_by: str | None
    mentions: dict[str, int]


class QuarantineReason(BaseModel):
    source: str
    reason: str
    rows: int


class Sources(BaseModel):
    sources: list[SourceRow]
    totals: dict[str, Any]
    quarantine_reasons: list[QuarantineReason]


class QuarantinedRow(BaseModel):
    source: str
    source_id: str
    row_num: int
    line: int | None
    field: str | None
    reason: str
    raw: str | None


class IngestRequest(BaseModel):
    path: str = Field(description="a folder with mappings/ on the server's disk")


class JobState(BaseModel):
    job_id: str
    kind: str
    status: Literal["queued", "running", "done", "failed"]
    message: str
    done: int
    total: int | None
    error: str | None
    result: dict[str, Any] | list[Any] | None


class LoginRequest(BaseModel):
    """Credentials for a session: the TOTP code is required for every account but demo ones."""

    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    code: str | None = Field(default=None, max_length=10, description="TOTP code (6 digits)")


class LoginResult(BaseModel):
    token: str = Field(description="send as `Authorization: Bearer <token>`")
    username: str
    idle_minutes: int


class ReleaseRequest(BaseModel):
    """A request to release originator-controlled statements, and its decision."""

    request_id: str
    requester: str
    requester_agency: str
    originator: str
    sources: list[str]
    subject: str
    purpose: str | None = None
    status: str
    requested_at: Any
    decided_by: str | None = None
    decided_at: Any = None
    reason: str | None = None


class ReleaseDecision(BaseModel):
    approve: bool
    reason: str | None = Field(default=None, max_length=500)


class AuditCheckpoint(BaseModel):
    tree_size: int
    root_hash: str
    at_time: str


class AuditVerify(BaseModel):
    ok: bool
    entries: int
    checkpoints: int
    problems: list[str]
    uncovered: int = 0
    notes: list[str] = []


class AuditUser(BaseModel):
    """One user's week: actions by kind, entities looked at, statements shown, refusals."""

    username: str
    agency: str | None = None
    entries: int
    first: str
    last: str
    actions: dict[str, int]
    entities: list[str]
    statements: int
    denied: list[dict[str, Any]]


class AuditReview(BaseModel):
    since: str
    entries: int
    last_checkpoint: AuditCheckpoint | None = None
    verify: AuditVerify | None = None
    users: list[AuditUser]
