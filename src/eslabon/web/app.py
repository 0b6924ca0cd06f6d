"""The analysts' web workspace: server-rendered pages over the pipeline's functions, each with
a JSON twin under /api documented in the OpenAPI schema.

Pages read through ``Workspace.reader()``; every change (review decisions, ingest) passes the
single ``require_writer`` dependency, where access control will be enforced later.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import yaml
from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Query, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import TypeAdapter

from eslabon import browse as queries
from eslabon.access.guard import trace_shown
from eslabon.access.principal import Principal
from eslabon.errors import EslabonError
from eslabon.report.i18n import catalogue
from eslabon.resolve.explain import explanations_stored
from eslabon.web import models
from eslabon.web.gate import (
    CURRENT,
    SESSION_COOKIE,
    UNAUDITED,
    Denied,
    LoginRequired,
    Sessions,
    ViewEntry,
    Views,
    Visit,
    action_of,
    outcome_of,
    safe_query,
)
from eslabon.web.gate import note as note_visit
from eslabon.web.jobs import Job, Jobs
from eslabon.web.workspace import Workspace, WorkspaceBusy

LANGS = ("en", "es")
LANG_COOKIE = "eslabon_lang"
HERE = Path(__file__).parent
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": models.Problem, "description": "a request the workspace cannot answer"},
    401: {"model": models.Problem, "description": "no valid session: sign in first"},
    403: {"model": models.Problem, "description": "not for this role, or awaiting release"},
    404: {"model": models.Problem, "description": "no such entity, mention or job"},
    503: {"model": models.Problem, "description": "another eslabon command holds the workspace"},
}
WRITE_ERRORS: dict[int | str, dict[str, Any]] = {
    **ERRORS,
    403: {"model": models.Problem, "description": "not for this role, or a read-only server"},
}


def node_modules() -> Path | None:
    """Where `npm install` put Cytoscape.js (the repository root's node_modules)."""
    for base in (Path.cwd(), *HERE.parents):
        dist = base / "node_modules" / "cytoscape" / "dist"
        if dist.is_dir():
            return dist
    return None


@cache
def _labels() -> dict[str, list[str]]:
    text = resources.files("eslabon.web.i18n").joinpath("labels.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def translator(lang: str) -> Any:
    idx = LANGS.index(lang)

    def t(key: str, **params: Any) -> str:
        entry = _labels().get(key)
        text = entry[idx] if entry else key
        return text.format(**params) if params else text

    return t


def request_lang(request: Request) -> str:
    """The cookie set by the language switch, else the browser's preference, else English."""
    lang = request.cookies.get(LANG_COOKIE)
    if lang in LANGS:
        return lang
    accept = request.headers.get("accept-language", "")
    return "es" if accept.lower().startswith("es") else "en"


# How a request says who it is (declared in the OpenAPI schema on every route that needs it).
bearer = HTTPBearer(auto_error=False, description="a session token from POST /api/login")
cookie = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="the session cookie of the pages"
)


@dataclass(frozen=True)
class Writer:
    """Who makes a change, as the access seam let them through."""

    user: str
    principal: Principal


def visit_of(request: Request) -> Visit:
    """The request's visit, as ``need`` left it."""
    visit: Visit = request.state.visit
    return visit


def writer_for(permission: str) -> Any:
    """A dependency for a write action: refused on a read-only server and for roles without
    ``permission`` (docs/access.md)."""

    def dep(request: Request) -> Writer:
        visit = visit_of(request)
        if request.app.state.read_only:
            raise HTTPException(403, "this workspace is served read-only: nothing can be changed")
        if not visit.principal.can(permission):
            raise Denied(permission)
        return Writer(user=visit.principal.username, principal=visit.principal)

    return dep


ReviewerDep = Annotated[Writer, Depends(writer_for("review"))]
IngesterDep = Annotated[Writer, Depends(writer_for("ingest"))]
DeciderDep = Annotated[Writer, Depends(writer_for("decide_release"))]


class Explanations:
    """Comparison waterfalls kept per model: read at once from those persisted at resolve time
    (on a read-only cursor: no scratch catalog, no lock); only pairs without a stored one are
    scored by Splink, in batches on the job thread (clients poll for those)."""

    def __init__(self, ws: Workspace, jobs: Jobs) -> None:
        self.ws, self.jobs = ws, jobs
        self.done: dict[tuple[str, str, str], dict[str, Any] | None] = {}
        self.pending: set[tuple[str, str, str]] = set()
        self.lock = threading.Lock()

    def get(self, model_id: str, a: str, b: str) -> tuple[bool, dict[str, Any] | None]:
        key = (model_id, *sorted((a, b)))
        with self.lock:
            if key in self.done:
                return True, self.done[key]
        return False, None

    def request(self, model_id: str, pairs: list[tuple[str, str]]) -> bool:
        """Read the stored explanations of pairs not known yet and queue the others for
        scoring; True when some are still being computed."""
        with self.lock:
            unknown = [
                (a, b)
                for a, b in (tuple(sorted(p)) for p in pairs)
                if (model_id, a, b) not in self.done and (model_id, a, b) not in self.pending
            ]
        if unknown:
            with self.ws.reader(read_only=True) as st:
                stored = queries.explain_pairs(st, unknown)
            with self.lock:
                for a, b in unknown:
                    if (a, b) in stored:
                        self.done[(model_id, a, b)] = stored[(a, b)]
        with self.lock:
            todo = [
                (a, b)
                for a, b in unknown
                if (model_id, a, b) not in self.done and (model_id, a, b) not in self.pending
            ]
            self.pending |= {(model_id, a, b) for a, b in todo}
            waiting = any((model_id, *sorted(p)) in self.pending for p in pairs)
        if todo:
            self.jobs.submit("explain", lambda job: self._run(job, model_id, todo))
        return waiting

    def _run(self, job: Job, model_id: str, pairs: list[tuple[str, str]]) -> None:
        job.total = len(pairs)
        try:
            with self.ws.scratch_lock, self.ws.reader() as st:
                found = queries.explain_pairs(st, pairs)
        finally:
            with self.lock:
                for a, b in pairs:
                    self.pending.discard((model_id, a, b))
        with self.lock:
            for a, b in pairs:
                res = found.get((a, b))
                if res is None and (b, a) in found:
                    res = found[(b, a)]
                self.done[(model_id, a, b)] = res
        job.done = len(pairs)


class _CurrentWorkspace:
    """The workspace of the current request's view: routes use it like a ``Workspace``."""

    def __getattr__(self, name: str) -> Any:
        return getattr(CURRENT.get().entry.ws, name)


def _explanations() -> Explanations:
    """The current view's explanations (each view keeps its own: a pair explained for one
    clearance is never served to another)."""
    found: Explanations = CURRENT.get().entry.extras["explanations"]
    return found


def create_app(store: Path | str, *, read_only: bool = False, idle_release: float = 2.0) -> FastAPI:
    """The application for one workspace file."""
    from eslabon.access.audit import GroupAppender

    main = Workspace(Path(store), idle_release=idle_release)
    ws: Any = _CurrentWorkspace()
    jobs = Jobs()

    def make_entry(view_ws: Workspace) -> ViewEntry:
        return ViewEntry(view_ws, {"explanations": Explanations(view_ws, jobs)})

    views = Views(main, make_entry, idle_release=idle_release)
    sessions = Sessions(main)
    audit = GroupAppender(lambda: main.writer(invalidate=False))

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        audit.close()
        views.close()
        main.close()

    app = FastAPI(
        lifespan=lifespan,
        title="eslabon workspace",
        version="1",
        description="Search, entities, network, trace, targets, review and sources of one "
        "eslabon workspace, as the signed-in user's clearance allows. Every HTML page has this "
        "JSON twin. Sign in with `POST /api/login`, then send `Authorization: Bearer <token>`.",
    )
    app.state.ws = main
    app.state.views = views
    app.state.sessions = sessions
    app.state.audit = audit
    app.state.jobs = jobs
    app.state.read_only = read_only

    # -- the access seam: who is asking, and which view they read ------------------------

    def accounts() -> bool:
        from eslabon.access.identity import accounts_exist

        def build() -> bool:
            with main.reader() as st:
                return accounts_exist(st)

        return bool(main.memo("accounts-exist", build))

    def token_of(request: Request, cred: HTTPAuthorizationCredentials | None) -> str | None:
        if cred is not None and cred.scheme.lower() == "bearer":
            return cred.credentials
        return request.cookies.get(SESSION_COOKIE)

    def signed_in(request: Request, token: str | None, permission: str) -> Visit:
        """The request's principal (setup mode: the local operator), refused without a
        session or without ``permission``; the visit is recorded either way."""
        if not accounts():
            principal = Principal.local_operator()
        else:
            found = sessions.principal(token) if token else None
            if found is None:
                raise LoginRequired()
            principal = found
        visit = Visit(principal)
        request.state.visit = visit
        if not principal.can(permission):
            raise Denied(permission)
        return visit

    def find_visit(request: Request, token: str | None, permission: str) -> Visit:
        visit = signed_in(request, token, permission)
        visit.entry = views.entry(visit.principal)
        return visit

    def known_visit(request: Request, token: str | None, permission: str) -> Visit | None:
        """``find_visit`` when everything it needs is already in memory, else None."""
        has_accounts = main.peek("accounts-exist")
        if has_accounts is None:
            return None
        if not has_accounts:
            principal = Principal.local_operator()
        else:
            known = sessions.known(token) if token else None
            if known is None:
                return None
            principal = known
        entry = views.known(principal)
        if entry is None or not principal.can(permission):
            return None  # the slow path records the visit and refuses it
        visit = Visit(principal, entry)
        request.state.visit = visit
        return visit

    async def need_read(
        request: Request,
        cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        session: Annotated[str | None, Security(cookie)],
    ) -> Visit:
        """Every page and API route but log-on depends on this (docs/access.md)."""
        del session  # read through request.cookies; declared for the OpenAPI schema
        token = token_of(request, cred)
        visit = known_visit(request, token, "read")  # answered from memory: no thread hop
        if visit is None:
            visit = await run_in_threadpool(find_visit, request, token, "read")
        CURRENT.set(visit)
        return visit

    r = APIRouter(dependencies=[Depends(need_read)])

    def find_auditor(request: Request, token: str | None) -> Visit:
        """Auditors read the log and nothing of the investigative data: no view to open."""
        return signed_in(request, token, "audit")

    async def need_audit(
        request: Request,
        cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
        session: Annotated[str | None, Security(cookie)],
    ) -> Visit:
        """The audit pages depend on this: auditors only (docs/access.md)."""
        del session
        visit = await run_in_threadpool(find_auditor, request, token_of(request, cred))
        CURRENT.set(visit)
        return visit

    ra = APIRouter(dependencies=[Depends(need_audit)])

    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    dist = node_modules()
    if dist is not None:
        app.mount("/vendor/cytoscape", StaticFiles(directory=str(dist)), name="cytoscape")

    # -- errors: a page for people, a Problem for the API ---------------------------------------
    def _problem(request: Request, status: int, detail: str) -> Response:
        if request.url.path.startswith("/api") or request.url.path.startswith("/openapi"):
            return JSONResponse({"detail": detail}, status_code=status)
        lang = request_lang(request)
        return templates.TemplateResponse(
            request,
            "error.html",
            _ctx(request, lang, status=status, detail=detail),
            status_code=status,
        )

    @app.exception_handler(EslabonError)
    def _user_error(request: Request, err: EslabonError) -> Response:
        return _problem(request, 400, err.describe())

    @app.exception_handler(LookupError)
    def _missing(request: Request, err: LookupError) -> Response:
        return _problem(request, 404, f"not found: {err.args[0] if err.args else ''}")

    @app.exception_handler(LoginRequired)
    def _login_required(request: Request, err: LoginRequired) -> Response:
        request.state.outcome = "denied"
        if request.url.path.startswith("/api"):
            return JSONResponse(
                {"detail": "sign in first: POST /api/login, then send the token as a Bearer"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        back = request.url.path + ("?" + request.url.query if request.url.query else "")
        return RedirectResponse("/login?" + urlencode({"next": back}), status_code=303)

    @app.exception_handler(Denied)
    def _denied(request: Request, err: Denied) -> Response:
        request.state.outcome = "denied"
        visit = getattr(request.state, "visit", None)
        who = visit.principal if visit is not None else None
        role = f"{who.username} ({who.role})" if who is not None else "you"
        return _problem(request, 403, f"{role} may not {str(err).replace('_', ' ')}")

    # -- the audit trail: one entry per request, committed before the answer leaves ---------
    @app.middleware("http")
    async def audit_requests(request: Request, call_next: Any) -> Response:
        path = request.url.path
        if any(path.startswith(p) for p in UNAUDITED):
            response: Response = await call_next(request)
            return response
        response = await call_next(request)
        visit: Visit | None = getattr(request.state, "visit", None)
        principal = visit.principal if visit is not None else None
        entry = {
            "username": principal.username if principal else None,
            "agency": principal.agency if principal else None,
            "action": action_of(request.method, path),
            "outcome": getattr(request.state, "outcome", None) or outcome_of(response.status_code),
            "remote": request.client.host if request.client else None,
            "entities": visit.entities if visit else [],
            "statements": visit.statements if visit else [],
            "detail": {
                "method": request.method,
                "path": path,
                "query": safe_query(request.query_params),
                "status": response.status_code,
                **(visit.detail if visit else {}),
            },
        }
        await asyncio.wrap_future(audit.submit(entry))
        return response

    @app.exception_handler(WorkspaceBusy)
    def _busy(request: Request, err: WorkspaceBusy) -> Response:
        resp = _problem(request, 503, translator(request_lang(request))("busy"))
        resp.headers["Retry-After"] = "2"
        return resp

    def _ctx(request: Request, lang: str, **extra: Any) -> dict[str, Any]:
        return _context(lang, request.url.path, str(request.url.query), **extra)

    def _context(lang: str, path: str, query: str, **extra: Any) -> dict[str, Any]:
        cat = catalogue(lang)
        visit = CURRENT.get(None)
        return {
            "user": visit.principal if visit is not None else None,
            "can": visit.principal.can if visit is not None else (lambda _p: False),
            "lang": lang,
            "t": translator(lang),
            "term": cat.term,
            "gen": cat.generated,
            "read_only": app.state.read_only,
            "path": path,
            "query": query,
            "urlencode": urlencode,
            **extra,
        }

    def remembered(key: Any, build: Callable[[], Any]) -> Any:
        """``ws.memo`` that also remembers what the first build noted for the audit log and
        notes it again on every hit, so a cached answer is audited like a fresh one."""

        def capture() -> tuple[Any, tuple[list[str], list[str], dict[str, Any]]]:
            outer = CURRENT.get()
            inner = Visit(outer.principal, outer.entry)
            token = CURRENT.set(inner)
            try:
                value = build()
            finally:
                CURRENT.reset(token)
            return value, (inner.entities, inner.statements, inner.detail)

        value, (entities, statements, detail) = ws.memo(key, capture)
        note_visit(entities, statements, **detail)
        return value

    def page(request: Request, name: str, **extra: Any) -> HTMLResponse:
        lang = request_lang(request)
        return templates.TemplateResponse(request, name, _ctx(request, lang, **extra))

    # Pages and JSON answers are pure functions of the workspace (and language, URL): rendered
    # or encoded once, kept with the other answers until the workspace changes.
    def render(lang: str, path: str, query: str, name: str, extra: Any) -> str:
        """The page ``name`` as text, rendered once per language and URL; ``extra`` is the
        template's data or a function returning it (called only when not rendered yet)."""

        def build() -> str:
            data = extra() if callable(extra) else extra
            return templates.get_template(name).render(_context(lang, path, query, **data))

        visit = CURRENT.get(None)
        who = visit.principal.username if visit is not None else None
        return remembered(("html", name, lang, path, query, who), build)

    def cached_page(request: Request, name: str, extra: Any) -> HTMLResponse:
        lang = request_lang(request)
        return HTMLResponse(render(lang, request.url.path, str(request.url.query), name, extra))

    adapters: dict[Any, TypeAdapter[Any]] = {}

    def encode(model: Any, data: Any) -> bytes:
        """``data`` validated against the documented model and encoded as FastAPI would."""
        ta = adapters.get(model)
        if ta is None:
            ta = adapters[model] = TypeAdapter(model)
        return ta.dump_json(ta.validate_python(data), by_alias=True)

    def cached_json(key: Any, model: Any, build: Callable[[], Any]) -> Response:
        body = remembered(("json", key), lambda: encode(model, build()))
        return Response(body, media_type="application/json")

    # -- language --------------------------------------------------------------------------
    @app.get("/lang/{lang}", include_in_schema=False)
    def switch_language(lang: str, next: str = "/search") -> Response:
        if lang not in LANGS:
            raise HTTPException(404, f"no language {lang!r}")
        target = next if next.startswith("/") and not next.startswith("//") else "/search"
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax")
        return resp

    @app.get("/", include_in_schema=False)
    def home() -> Response:
        return RedirectResponse("/search", status_code=303)

    # -- log-on ------------------------------------------------------------------------------
    def _login(
        username: str, password: str, code: str | None, remote: str | None
    ) -> tuple[str, Principal]:
        """Check the credentials (every attempt is audited by identity) and open a session."""
        from eslabon.access.identity import authenticate, start_session

        with main.writer(invalidate=False) as st:
            principal = authenticate(st, username, password, code or None, remote=remote)
            return start_session(st, principal.username, remote=remote), principal

    def _safe_next(target: str) -> str:
        return target if target.startswith("/") and not target.startswith("//") else "/search"

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "/search") -> HTMLResponse:
        lang = request_lang(request)
        return templates.TemplateResponse(
            request, "login.html", _ctx(request, lang, next=_safe_next(next), failed=None)
        )

    @app.post("/login", include_in_schema=False)
    def login_form(
        request: Request,
        username: Annotated[str, Form(max_length=80)],
        password: Annotated[str, Form(max_length=200)],
        code: Annotated[str, Form(max_length=10)] = "",
        next: Annotated[str, Form(max_length=500)] = "/search",
    ) -> Response:
        from eslabon.access.identity import AuthError

        remote = request.client.host if request.client else None
        try:
            token, principal = _login(username, password, code, remote)
        except AuthError as err:
            lang = request_lang(request)
            return templates.TemplateResponse(
                request,
                "login.html",
                _ctx(request, lang, next=_safe_next(next), failed=err.message),
                status_code=401,
            )
        target = _safe_next(next)
        if not principal.can("read") and principal.can("audit"):
            target = "/audit"  # auditors read the log, not the investigative data
        resp = RedirectResponse(target, status_code=303)
        resp.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict")
        return resp

    @app.post(
        "/api/login",
        response_model=models.LoginResult,
        responses={401: {"model": models.Problem, "description": "wrong credentials or locked"}},
        tags=["session"],
    )
    def api_login(request: Request, body: models.LoginRequest) -> Response:
        """Sign in (password and, for every account but the demo ones, a TOTP code); the token
        goes in `Authorization: Bearer` and ends after 30 idle minutes."""
        from eslabon.access.identity import AuthError

        remote = request.client.host if request.client else None
        try:
            token, _principal = _login(body.username, body.password, body.code, remote)
        except AuthError as err:
            return JSONResponse({"detail": err.message}, status_code=401)
        return JSONResponse({"token": token, "username": body.username, "idle_minutes": 30})

    def _logout(request: Request, cred: HTTPAuthorizationCredentials | None) -> None:
        from eslabon.access.identity import end_session

        token = token_of(request, cred)
        if token:
            sessions.forget(token)
            with main.writer(invalidate=False) as st:
                end_session(st, token)

    @r.post(
        "/api/logout", response_model=models.Recorded, responses=ERRORS, tags=["session"]
    )  # fmt: skip
    def api_logout(
        request: Request,
        cred: Annotated[HTTPAuthorizationCredentials | None, Security(bearer)],
    ) -> dict[str, Any]:
        """End this session."""
        _logout(request, cred)
        return {"recorded": 1, "user": visit_of(request).principal.username}

    @r.post("/logout", include_in_schema=False)
    def logout_form(request: Request) -> Response:
        _logout(request, None)
        resp = RedirectResponse("/login", status_code=303)
        resp.delete_cookie(SESSION_COOKIE)
        return resp

    # -- search ----------------------------------------------------------------------------
    def _search(
        q: str, kind: str | None, role: str | None, network: str | None, country: str | None,
        source: str | None, limit: int,
    ) -> dict[str, Any]:  # fmt: skip
        filters = {"kind": kind, "role": role, "network": network, "country": country,
                   "source": source}  # fmt: skip
        with ws.reader() as st:
            index = remembered("search-index", lambda: queries.build_search_index(st))
        if not q.strip():
            return {"query": q, "filters": filters, "total": 0, "hits": [], "facets": {}}
        hits, facets, total = index.search(q, filters, limit=limit)
        shown = [queries.public_hit(h) for h in hits]
        note_visit(entities=[h["entity_id"] for h in shown], query=q)
        return {
            "query": q,
            "filters": filters,
            "total": total,
            "hits": shown,
            "facets": facets,
        }

    @r.get("/api/search", response_model=models.SearchResult, responses=ERRORS, tags=["search"])
    def api_search(
        q: Annotated[str, Query(max_length=200, description="name, alias, phone, plate, id")] = "",
        kind: str | None = None,
        role: str | None = None,
        network: str | None = None,
        country: str | None = None,
        source: str | None = None,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> Response:
        """Accent- and nickname-insensitive search over every resolved entity, with facets."""
        key = ("search", q, kind, role, network, country, source, limit)
        return cached_json(
            key,
            models.SearchResult,
            lambda: _search(q, kind, role, network, country, source, limit),
        )

    @r.get("/search", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        q: Annotated[str, Query(max_length=200)] = "",
        kind: str | None = None,
        role: str | None = None,
        network: str | None = None,
        country: str | None = None,
        source: str | None = None,
    ) -> HTMLResponse:
        def extra() -> dict[str, Any]:
            data = _search(q, kind or None, role or None, network or None, country or None,
                           source or None, 100)  # fmt: skip
            links: dict[str, list[tuple[str, int, bool, str]]] = {}
            for f, counts in data["facets"].items():
                links[f] = []
                for value, n in list(counts.items())[:25]:
                    active = data["filters"].get(f) == value
                    params = {k: v for k, v in data["filters"].items() if v} | {"q": q}
                    if active:
                        params.pop(f, None)
                    else:
                        params[f] = value
                    links[f].append((value, n, active, "/search?" + urlencode(params)))
            return {"data": data, "facet_names": queries.FACETS, "facet_links": links}

        return cached_page(request, "search.html", extra)

    # -- entity ----------------------------------------------------------------------------
    def _entity(entity_id: str) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            with ws.reader() as st:
                current = queries.current_entity(st, entity_id)
                data = queries.entity_detail(st, current)
            note_visit(
                entities=[data["entity_id"]],
                statements=[f"{e['source_id']}/{e['row_num']}" for e in data["evidence"]],
            )
            return data

        return remembered(("entity", entity_id), build)

    @r.get(
        "/api/entities/{entity_id:path}/case",
        responses={**ERRORS, 200: {"content": {"text/html": {}, "application/pdf": {}},
                                   "description": "the case file"}},
        response_class=Response,
        tags=["entities"],
    )  # fmt: skip
    def case_file(
        entity_id: str,
        lang: Annotated[str, Query(pattern="^(en|es)$")] = "en",
        fmt: Annotated[str, Query(pattern="^(html|pdf)$")] = "html",
    ) -> Response:
        """The entity's case file (`eslabon case`), as a download."""
        from eslabon.access.labels import labels_by_source
        from eslabon.report.case_file import apply_labels, build_case
        from eslabon.report.case_file import render as render_case

        def build() -> tuple[str, Any]:
            with ws.reader() as st:
                current = queries.current_entity(st, entity_id)
                stored = explanations_stored(st)
            if stored:  # the merges' waterfalls are read as stored: no Splink, no lock
                with ws.reader(read_only=True) as st:
                    case = build_case(st, current)
            else:
                with ws.reader() as st, ws.scratch_lock:  # older workspace: Splink re-scores
                    case = build_case(st, current)
            with main.reader() as st:  # the file carries the combined caveat of what it cites
                apply_labels(case, labels_by_source(st))
            return current, case

        current, case = remembered(("case", entity_id), build)
        _release_or_refuse(current, case)
        body = remembered(("case-file", current, lang, fmt), lambda: render_case(case, lang, fmt))
        safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in current)
        media = "application/pdf" if fmt == "pdf" else "text/html; charset=utf-8"
        return Response(
            body,
            media_type=media,
            headers={"Content-Disposition": f'attachment; filename="case-{safe}.{lang}.{fmt}"'},
        )

    def _release_or_refuse(current: str, case: Any) -> None:
        """Originator control (docs/access.md): a case file citing another agency's ORCON
        source is given only once that agency approved its release to this user; otherwise a
        release request is made (or a standing refusal shown) and the download refused."""
        from eslabon.access import release

        principal = CURRENT.get().principal
        cited = {p.source_id for p in case.evidence}
        note_visit(entities=[current], statements=[f"{p.source_id}/{p.row_num}"
                                                    for p in case.evidence])  # fmt: skip
        if principal.setup:
            return
        subject = f"case:{current}"
        with main.reader() as st:
            orcon = release.unreleased(st, principal, subject, cited)
        if not orcon:
            return
        with main.writer(invalidate=False) as st:
            held = release.hold_requests(st, principal, subject, orcon)
        note_visit(held=[x["request_id"] for x in held])
        raise HTTPException(403, release.hold_message(f"the case file of {current}", held))

    @r.get(
        "/api/entities/{entity_id:path}", response_model=models.Entity, responses=ERRORS,
        tags=["entities"],
    )  # fmt: skip
    def api_entity(entity_id: str) -> Response:
        """Identity with sources, role, counterparts, timeline, evidence and merges of an
        entity (a retired id or a mention id leads to the current entity)."""
        return cached_json(("entity", entity_id), models.Entity, lambda: _entity(entity_id))

    @r.get("/entities/{entity_id:path}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(request: Request, entity_id: str) -> Response:
        data = _entity(entity_id)
        if data["entity_id"] != entity_id:
            return RedirectResponse(f"/entities/{data['entity_id']}", status_code=303)
        return cached_page(request, "entity.html", {"e": data})

    # -- explanations ----------------------------------------------------------------------
    def _explain(a: str, b: str) -> dict[str, Any]:
        with ws.reader() as st:
            kinds = st.query(
                "SELECT mention_id, kind FROM mentions WHERE list_contains(?, mention_id)", [[a, b]]
            )
            model = st.query_one(
                "SELECT model_id FROM linkage_models WHERE kind = 'Person' "
                "ORDER BY trained_at DESC LIMIT 1"
            ) if st.table_exists("linkage_models") else None  # fmt: skip
        known = dict(kinds)
        for m in (a, b):
            if m not in known:
                raise LookupError(m)
        if known[a] != "Person" or known[b] != "Person" or model is None:
            return {"status": "unavailable", "a": a, "b": b, "note": "not_person"}
        _explanations().request(model[0], [(a, b)])  # stored ones: known at once
        ready, found = _explanations().get(model[0], a, b)
        if ready:
            if found is None:
                return {"status": "unavailable", "a": a, "b": b, "note": "not scored"}
            return {"status": "ready", "a": a, "b": b, "explanation": found}
        return {"status": "pending", "a": a, "b": b}

    @r.get("/api/explain", response_model=models.ExplainStatus, responses=ERRORS, tags=["review"])
    def api_explain(a: str, b: str) -> dict[str, Any]:
        """The comparison waterfall of two person mentions: as stored at resolve time, else
        computed in the background (poll while ``status`` is ``pending``)."""
        return _explain(a, b)

    @r.get("/explain", response_class=HTMLResponse, include_in_schema=False)
    def explain_page(request: Request, a: str, b: str) -> HTMLResponse:
        return page(request, "explain.html", x=_explain(a, b))

    # -- network ---------------------------------------------------------------------------
    @r.get(
        "/api/networks", response_model=list[models.NetworkInfo], responses=ERRORS,
        tags=["network"],
    )  # fmt: skip
    def api_networks() -> Response:
        """The criminal networks `eslabon network` found."""
        return cached_json("networks", list[models.NetworkInfo], _networks)

    def _networks() -> list[dict[str, Any]]:
        def build() -> list[dict[str, Any]]:
            with ws.reader() as st:
                return queries.network_list(st)

        return remembered("networks", build)

    @r.get("/api/graph", response_model=models.Graph, responses=ERRORS, tags=["network"])
    def api_graph(network: str | None = None, focus: str | None = None) -> Response:
        """Actors and ties of a network, or one actor and its direct ties (to expand a node)."""

        def build() -> dict[str, Any]:
            with ws.reader() as st:
                data = queries.graph(st, network, focus)
            note_visit(entities=[n["id"] for n in data["nodes"]])
            return data

        return cached_json(
            ("graph", network, focus),
            models.Graph,
            lambda: remembered(("graph", network, focus), build),
        )

    @r.get("/network", response_class=HTMLResponse, include_in_schema=False)
    def network_page(
        request: Request,
        network: str | None = None,
        focus: str | None = None,
        trace: str | None = None,
    ) -> HTMLResponse:
        def extra() -> dict[str, Any]:
            chosen = network
            nets = _networks()
            if not chosen and not focus and nets:
                chosen = nets[0]["network_id"]
            if focus and not chosen:
                with ws.reader() as st:
                    row = st.query_one(
                        "SELECT network_id FROM node_roles WHERE entity_id = ?", [focus]
                    ) if queries.analysed(st) else None  # fmt: skip
                chosen = row[0] if row and row[0] else None
            return {"networks": nets, "network": chosen, "focus": focus, "trace": trace,
                    "has_cytoscape": dist is not None}  # fmt: skip

        return cached_page(request, "network.html", extra)

    # -- trace -----------------------------------------------------------------------------
    def _trace(seed: str, hops: int, window: float, horizon: float) -> dict[str, Any]:
        from eslabon.network.trace import TraceConfig
        from eslabon.network.tracer import Tracer

        def build() -> dict[str, Any]:
            with ws.reader() as st:
                if not queries.analysed(st):
                    raise EslabonError(
                        "the network stage has not run here", hint="run `eslabon network`"
                    )
                tracer = ws.cached(st, "tracer", Tracer)
                config = TraceConfig(max_hops=hops, hop_window_days=window, horizon_days=horizon)
                with ws.object_lock("tracer"):
                    result = tracer.trace(seed.strip(), config)
            # the seed, actors, associates and every cited row, as the CLI and the API log them
            note_visit(**trace_shown(result), seed=seed.strip())
            return result

        return remembered(("trace", seed.strip(), hops, window, horizon), build)

    @r.get("/api/trace", response_model=models.Trace, responses=ERRORS, tags=["trace"])
    def api_trace(
        seed: Annotated[str, Query(min_length=1, max_length=200)],
        hops: Annotated[int, Query(ge=1, le=20)] = 6,
        window: Annotated[float, Query(ge=0.5, le=3650)] = 120.0,
        horizon: Annotated[float, Query(ge=1, le=20000)] = 1100.0,
    ) -> Response:
        """The chain around a seed (`eslabon trace`): actors with evidence paths, money flow."""
        return cached_json(
            ("trace", seed.strip(), hops, window, horizon),
            models.Trace,
            lambda: _trace(seed, hops, window, horizon),
        )

    @r.get("/trace", response_class=HTMLResponse, include_in_schema=False)
    def trace_page(
        request: Request,
        seed: Annotated[str, Query(max_length=200)] = "",
        hops: Annotated[int, Query(ge=1, le=20)] = 6,
        window: Annotated[float, Query(ge=0.5, le=3650)] = 120.0,
    ) -> HTMLResponse:
        def extra() -> dict[str, Any]:
            result = _trace(seed, hops, window, 1100.0) if seed.strip() else None
            stages: dict[str, list[dict[str, Any]]] = {}
            if result:
                for a in result["actors"]:
                    stages.setdefault(a["stage"] or "unknown", []).append(a)
            order = ["origin", "transit", "border", "destination", "unknown"]
            return {"seed": seed, "hops": hops, "window": window, "result": result,
                    "stages": [(s, stages[s]) for s in order if s in stages]}  # fmt: skip

        return cached_page(request, "trace.html", extra)

    # -- targets ---------------------------------------------------------------------------
    @r.get("/api/targets", response_model=models.Targets, responses=ERRORS, tags=["targets"])
    def api_targets(network: str | None = None) -> Response:
        """The disruption ranking with reasons and evidence strength; victims never appear,
        possibly coerced actors are held for a human decision."""
        return cached_json(("targets", network), models.Targets, lambda: _targets(network))

    def _targets(network: str | None) -> dict[str, Any]:
        def build() -> dict[str, Any]:
            with ws.reader() as st:
                data = queries.targets(st, network)
            note_visit(entities=[t["entity_id"] for t in data["targets"]])
            return data

        return remembered(("targets", network), build)

    @r.get("/targets", response_class=HTMLResponse, include_in_schema=False)
    def targets_page(request: Request, network: str | None = None) -> HTMLResponse:
        return cached_page(request, "targets.html", lambda: {"data": _targets(network or None)})

    # -- review ----------------------------------------------------------------------------
    def _review(limit: int, low: float, high: float | None) -> dict[str, Any]:
        from eslabon.resolve.review import mention_record, uncertain_pairs

        def build() -> tuple[list[dict[str, Any]], int, Any]:
            with ws.reader() as st:
                if not queries.resolved(st):
                    return [], 0, None
                pairs = uncertain_pairs(st, low=low, high=high, limit=limit)
                for p in pairs:
                    p["left"] = mention_record(st, p["mention_l"])
                    p["right"] = mention_record(st, p["mention_r"])
                judged = st.query_one("SELECT count(*) FROM review_judgements")[0]
                model = st.query_one(
                    "SELECT model_id FROM linkage_models WHERE kind = 'Person' "
                    "ORDER BY trained_at DESC LIMIT 1"
                )
            return pairs, judged, model

        cached_pairs, judged, model = remembered(("review", limit, low, high), build)
        pairs = [dict(p) for p in cached_pairs]
        waiting = False
        if model is not None:
            waiting = _explanations().request(
                model[0], [(p["mention_l"], p["mention_r"]) for p in pairs]
            )
            for p in pairs:
                _ok, p["explanation"] = _explanations().get(
                    model[0], p["mention_l"], p["mention_r"]
                )
        else:
            for p in pairs:
                p["explanation"] = None
        return {"pairs": pairs, "judged": int(judged), "pending_explanations": waiting}

    def _review_done(limit: int, low: float, high: float | None) -> dict[str, Any] | None:
        """The queue once every waterfall is known (kept until the workspace changes)."""
        key = ("review-done", limit, low, high)
        hit = ws.peek(key)
        if hit is not None:
            value: dict[str, Any] = hit[0]  # (answer, audit notes), as ``remembered`` keeps it
            return value
        data = _review(limit, low, high)
        if data["pending_explanations"]:
            return None
        return remembered(key, lambda: data)

    @r.get("/api/review", response_model=models.ReviewQueue, responses=ERRORS, tags=["review"])
    def api_review(
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        low: Annotated[float, Query(ge=0, le=1)] = 0.2,
        high: Annotated[float | None, Query(ge=0, le=1)] = None,
    ) -> Response:
        """Uncertain person pairs not judged yet, most uncertain first, side by side with
        their waterfalls (``pending_explanations``: poll again for the missing ones, which
        were not stored at resolve time)."""
        ready = _review_done(limit, low, high)
        if ready is None:
            body = encode(models.ReviewQueue, _review(limit, low, high))
            return Response(body, media_type="application/json")
        return cached_json(("review", limit, low, high), models.ReviewQueue, lambda: ready)

    @r.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page(
        request: Request,
        limit: Annotated[int, Query(ge=1, le=100)] = 20,
        done: Annotated[int | None, Query(ge=0)] = None,
    ) -> HTMLResponse:
        ready = _review_done(limit, 0.2, None)
        if ready is None:
            return page(request, "review.html", data=_review(limit, 0.2, None), done=done)
        return cached_page(request, "review.html", {"data": ready, "done": done})

    def _decide(decisions: list[tuple[str, str, str]], who: Writer, note: str | None) -> int:
        from eslabon.resolve.review import record_judgement

        mentions = sorted({m for a, b, _v in decisions for m in (a, b)})
        with ws.reader() as st:  # the user's view: a pair they cannot see cannot be judged
            seen = {r[0] for r in st.query(
                "SELECT mention_id FROM mentions WHERE list_contains(?, mention_id)", [mentions])}  # fmt: skip
        unseen = [m for m in mentions if m not in seen]
        if unseen:
            raise LookupError(unseen[0])
        with main.writer() as st, st.transaction():
            for a, b, verdict in decisions:
                record_judgement(st, a, b, verdict, who.user, note)
        note_visit(statements=mentions, decisions=len(decisions))
        return len(decisions)

    @r.post(
        "/api/review/decisions", response_model=models.Recorded, responses=WRITE_ERRORS,
        tags=["review"],
    )  # fmt: skip
    def api_decide(body: models.Decisions, who: ReviewerDep) -> dict[str, Any]:
        """Record same / different / unsure on pairs of mentions (bulk); they bind the next
        `eslabon resolve`."""
        n = _decide([(d.a, d.b, d.verdict) for d in body.decisions], who, body.note)
        return {"recorded": n, "user": who.user}

    @r.post("/review", include_in_schema=False)
    def review_form(
        who: ReviewerDep,
        pair: Annotated[list[str], Form()],
        verdict: Annotated[str, Form()],
    ) -> Response:
        decisions = []
        for p in pair:
            a, _sep, b = p.partition("|")
            decisions.append((a, b, verdict))
        n = _decide(decisions, who, None)
        return RedirectResponse(f"/review?done={n}", status_code=303)

    # -- release requests (originator control) ----------------------------------------------
    def _releases() -> list[dict[str, Any]]:
        from eslabon.access import release

        with main.reader() as st:
            rows = release.list_requests(st, CURRENT.get().principal)
        note_visit(statements=[], releases=[x["request_id"] for x in rows])
        return rows

    @r.get(
        "/api/releases", response_model=list[models.ReleaseRequest], responses=ERRORS,
        tags=["releases"],
    )  # fmt: skip
    def api_releases() -> list[dict[str, Any]]:
        """Your release requests, and those awaiting your agency's decision."""
        return _releases()

    @r.get("/releases", response_class=HTMLResponse, include_in_schema=False)
    def releases_page(request: Request) -> HTMLResponse:
        return page(request, "releases.html", rows=_releases())

    def _decide_release(request_id: str, approve: bool, reason: str | None, who: Writer) -> Any:
        from eslabon.access import release

        with main.writer(invalidate=False) as st:
            return release.decide(st, who.principal, request_id, approve, reason)

    @r.post(
        "/api/releases/{request_id}/decision", response_model=models.ReleaseRequest,
        responses=WRITE_ERRORS, tags=["releases"],
    )  # fmt: skip
    def api_release_decision(
        request_id: str, body: models.ReleaseDecision, who: DeciderDep
    ) -> dict[str, Any]:
        """Approve or refuse a pending request (users of the originator agency with the
        ``decide_release`` permission); the decision is final and audited."""
        row: dict[str, Any] = _decide_release(request_id, body.approve, body.reason, who)
        return row

    @r.post("/releases/{request_id}", include_in_schema=False)
    def release_form(
        request_id: str,
        who: DeciderDep,
        decision: Annotated[str, Form(pattern="^(approve|refuse)$")],
        reason: Annotated[str, Form(max_length=500)] = "",
    ) -> Response:
        _decide_release(request_id, decision == "approve", reason or None, who)
        return RedirectResponse("/releases", status_code=303)

    # -- the audit log (auditors only) -------------------------------------------------------
    def _audit_review(days: int, check: bool) -> dict[str, Any]:
        from datetime import UTC, datetime, timedelta

        from eslabon.access import audit

        since = (datetime.now(UTC) - timedelta(days=days)).date()
        with main.reader() as st:
            users = audit.report(st, since)
            verified = audit.verify(st).to_dict() if check else None
            size = st.query_one("SELECT count(*) FROM audit_log")[0]
            last = st.query_one(
                "SELECT tree_size, root_hash, at_time FROM audit_checkpoints "
                "ORDER BY tree_size DESC LIMIT 1"
            )
        note_visit(since=str(since), verified=check)
        return {
            "since": str(since),
            "entries": int(size),
            "last_checkpoint": None if last is None else {
                "tree_size": int(last[0]), "root_hash": last[1], "at_time": str(last[2])},
            "verify": verified,
            "users": [
                {**u, "first": str(u["first"]), "last": str(u["last"]),
                 "denied": [{**d, "at_time": str(d["at_time"])} for d in u["denied"]]}
                for u in users
            ],
        }  # fmt: skip

    @ra.get("/api/audit", response_model=models.AuditReview, responses=ERRORS, tags=["audit"])
    def api_audit(
        days: Annotated[int, Query(ge=1, le=366)] = 7,
        verify: bool = False,
    ) -> dict[str, Any]:
        """The weekly review (who looked at whom, every denied attempt) and, with ``verify``,
        the log checked against every signed checkpoint. Auditors only."""
        return _audit_review(days, verify)

    @ra.get("/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(
        request: Request,
        days: Annotated[int, Query(ge=1, le=366)] = 7,
        verify: bool = False,
    ) -> HTMLResponse:
        return page(request, "audit.html", data=_audit_review(days, verify), days=days)

    # -- sources ---------------------------------------------------------------------------
    def _sources() -> dict[str, Any]:
        from eslabon.ingest.status import status

        def build() -> dict[str, Any]:
            with ws.reader() as st:
                data = status(st)
                data["quarantine_reasons"] = queries.quarantine_reasons(st)
            return data

        return remembered("sources", build)

    @r.get("/api/sources", response_model=models.Sources, responses=ERRORS, tags=["sources"])
    def api_sources() -> Response:
        """Ingested sources with their row counts, and the quarantine's reasons."""
        return cached_json("sources", models.Sources, _sources)

    @r.get(
        "/api/sources/quarantine", response_model=list[models.QuarantinedRow], responses=ERRORS,
        tags=["sources"],
    )  # fmt: skip
    def api_quarantine(
        source: str | None = None, limit: Annotated[int, Query(ge=1, le=5000)] = 200
    ) -> list[dict[str, Any]]:
        """Refused rows with file line, field and reason."""
        from eslabon.ingest.status import quarantine

        with ws.reader() as st:
            return quarantine(st, source, limit)

    @r.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page(
        request: Request, source: str | None = None, job: str | None = None
    ) -> HTMLResponse:
        from eslabon.ingest.status import quarantine

        def rows_of() -> list[dict[str, Any]]:
            with ws.reader() as st:
                return quarantine(st, source or None, 200)

        def extra() -> dict[str, Any]:
            rows = remembered(("quarantine", source or None), rows_of)
            return {"data": _sources(), "rows": rows, "source": source, "job": job}

        if job:  # a running ingest's progress is not kept
            return page(request, "sources.html", **extra())
        return cached_page(request, "sources.html", extra)

    def _start_ingest(path: str, who: Writer) -> Job:
        from eslabon.ingest.load import discover_mappings, ingest

        folder = Path(path).expanduser()
        if not folder.exists():
            raise EslabonError("no such folder on the server", file=path)
        discover_mappings(folder)  # a bad mapping is refused now, with file and line

        def work(job: Job) -> dict[str, Any]:
            job.message = "reading"

            def progress(*args: Any, **kwargs: Any) -> None:
                job.done += 1
                job.message = " ".join(str(a) for a in args)[:120]

            with main.writer() as st:  # the sources' labels are signed by who ingested them
                reports = ingest(st, folder, progress=progress, principal=who.principal)
            return {
                "sources": [
                    {k: v for k, v in r.__dict__.items() if isinstance(v, str | int | float)}
                    for r in reports
                ],
                "user": who.user,
            }

        return app.state.jobs.submit("ingest", work)

    @r.post(
        "/api/ingest", response_model=models.JobState, status_code=202,
        responses=WRITE_ERRORS, tags=["sources"],
    )  # fmt: skip
    def api_ingest(body: models.IngestRequest, who: IngesterDep) -> dict[str, Any]:
        """Ingest a folder of sources (as `eslabon ingest`) in the background; poll the job."""
        return _start_ingest(body.path, who).public()

    @r.post("/sources/ingest", include_in_schema=False)
    def ingest_form(who: IngesterDep, path: Annotated[str, Form()]) -> Response:
        job = _start_ingest(path, who)
        return RedirectResponse(f"/sources?job={job.job_id}", status_code=303)

    @r.get("/api/jobs/{job_id}", response_model=models.JobState, responses=ERRORS, tags=["sources"])
    def api_job(job_id: str) -> dict[str, Any]:
        """Progress of a background job (ingest, explanations)."""
        job = app.state.jobs.get(job_id)
        if job is None:
            raise LookupError(job_id)
        return job.public()

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, bool]:
        """Serving; ``warm`` once the warm-up has built the pages analysts open first."""
        return {"ok": True, "warm": app.state.warm.is_set()}

    def prime(entities: int) -> None:
        """Build, encode and render (English) the pages analysts open first: networks, graphs,
        targets, sources, the review queue, the ranked targets' traces, and the entity pages
        of the ranked targets and of the most-mentioned persons. Stops at the first write
        through the server (answers are dropped then) or shutdown, so it never keeps the file
        from a CLI command that waits for the server to let go of it.

        Only in setup mode: with accounts, each clearance has its own view and the pages are
        built when its users first ask (their views are built by `eslabon views build`)."""
        from eslabon.network.tracer import Tracer

        if accounts():
            return
        local = Principal.local_operator()
        CURRENT.set(Visit(local, views.entry(local)))
        epoch = ws.epoch
        with ws.reader() as st:
            remembered("search-index", lambda: queries.build_search_index(st))
            if queries.analysed(st):
                ws.cached(st, "tracer", Tracer)

        def stale() -> bool:
            return ws.closed or ws.epoch != epoch

        nets = _networks()
        cached_json("networks", list[models.NetworkInfo], _networks)
        cached_json("sources", models.Sources, _sources)
        for n in [None, *(x["network_id"] for x in nets)]:
            cached_json(("targets", n), models.Targets, lambda n=n: _targets(n))
            query = urlencode({"network": n}) if n is not None else ""
            render("en", "/targets", query, "targets.html", {"data": _targets(n)})
            if n is not None:
                api_graph(network=n)
                network_page_en(n)
        ready = _review_done(20, 0.2, None)
        if ready is not None:
            render("en", "/review", "", "review.html", {"data": ready, "done": None})
        with ws.reader() as st:
            from eslabon.ingest.status import quarantine

            rows = quarantine(st, None, 200)
        render("en", "/sources", "", "sources.html",
               {"data": _sources(), "rows": rows, "source": None, "job": None})  # fmt: skip
        with ws.reader() as st:
            if not queries.resolved(st):
                return
            ranked = [r[0] for r in st.query(
                "SELECT entity_id FROM disruption_ranking WHERE rank IS NOT NULL "
                "GROUP BY 1 ORDER BY min(rank), 1")] if queries.analysed(st) else []  # fmt: skip
            top = [r[0] for r in st.query(
                "SELECT entity_id FROM entities WHERE kind = 'Person' "
                "ORDER BY mention_count DESC, entity_id LIMIT ?", [entities])]  # fmt: skip
        for e in ranked:
            if stale():
                return
            with contextlib.suppress(EslabonError, LookupError):
                api_trace(seed=e, hops=6, window=120.0, horizon=1100.0)
        for e in dict.fromkeys(ranked + top):
            if stale():
                return
            with contextlib.suppress(EslabonError, LookupError):
                data = _entity(e)
                cached_json(("entity", e), models.Entity, lambda data=data: data)
                render("en", f"/entities/{e}", "", "entity.html", {"e": data})

    def network_page_en(n: str) -> None:
        render("en", "/network", urlencode({"network": n}), "network.html", {
            "networks": _networks(), "network": n, "focus": None, "trace": None,
            "has_cytoscape": dist is not None})  # fmt: skip

    app.state.warm = threading.Event()
    app.state.prime = prime
    app.include_router(r)
    app.include_router(ra)
    return app


def run_warmup(app: FastAPI, entities: int = 500) -> None:
    """Build the search index, load the network and build the most-visited pages once,
    before the first analyst waits (``/healthz`` says ``warm`` when done)."""
    try:
        app.state.prime(entities)
    except (EslabonError, WorkspaceBusy):
        pass
    finally:
        app.state.warm.set()
