"""policies: the staff function. The shop's knowledge with its revisions, and the console's
reads (conversations, analytics, unanswered questions, ratings) and staff management.

Every route needs a signed-in member of staff (``Authorization: Bearer <token>``, the
bootstrap ``ADMIN_TOKEN``, or Cloud IAP's signed header) with a role that allows it. Paths
that start with ``_`` can never collide with an entry key.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable
from typing import NamedTuple

import flask
import functions_framework

from common import runtime
from common.auth import IAP_HEADER, Principal
from common.config import get_settings
from common.console import analytics as console_analytics
from common.console import conversations, preview, retention, staff, unanswered
from common.console.responses import WhoAmI
from common.errors import Conflict, InvalidRequest, NotFound
from common.handoff import inbox
from common.http import answered_as, json_response, parse_json, parse_uuid, serve, serve_unrouted_paths
from common.knowledge import revisions
from common.knowledge import store as knowledge
from common.logs import configure_logging
from common.models import HandoffStatus, StaffRole
from common.repositories import ConversationFilter
from common.schemas import (
    KNOWLEDGE_KEY_PATTERN,
    ClaimBody,
    KnowledgeBody,
    PreviewBody,
    ReplyBody,
    StaffBody,
    StaffRoleBody,
)
from common.services.analytics import usage_summary
from common.workers import pin_each_worker_to_a_cpu

_KEY = re.compile(KNOWLEDGE_KEY_PATTERN)

configure_logging()
pin_each_worker_to_a_cpu()

View = Callable[[flask.Request, Principal, dict[str, str]], flask.Response]


class Route(NamedTuple):
    method: str
    path: re.Pattern[str]
    role: StaffRole
    view: View


ROUTES: list[Route] = []


def route(method: str, path: str, role: StaffRole) -> Callable[[View], View]:
    def register(view: View) -> View:
        ROUTES.append(Route(method, re.compile(path), role, view))
        return view

    return register


@functions_framework.http
def policies(request: flask.Request) -> flask.Response:
    # A path answers its own methods (its 405's Allow and its preflight say which); a path no
    # route has takes any, PATCH too, so that sign-in comes first there too (401, then 404).
    methods = _methods_at(request.path.strip("/"))
    if not methods:
        asked = () if request.method == "OPTIONS" else (answered_as(request),)
        methods = tuple(dict.fromkeys((*_ANY_METHOD, *asked)))
    routes = dict.fromkeys(methods, dispatch)
    return serve(request, routes, credentialed=True)  # IAP's cookie, from the console's origin


serve_unrouted_paths(policies)

_ANY_METHOD = ("GET", "PUT", "POST", "DELETE")


def _methods_at(path: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(r.method for r in ROUTES if r.path.fullmatch(path)))


def dispatch(request: flask.Request) -> flask.Response:
    """Sign in (401; a method the path does not take was a 405 before), find the route (404),
    check the role (403), call it."""
    principal = staff.authenticate(
        uow=runtime.unit_of_work(),
        sign_in=runtime.staff_sign_in(),
        authorization=request.headers.get("Authorization"),
        iap_assertion=request.headers.get(IAP_HEADER),
    )
    path = request.path.strip("/")
    for found in ROUTES:
        if found.method == answered_as(request) and (match := found.path.fullmatch(path)):
            principal.require(found.role)
            key = match.groupdict().get("key")
            if key is not None and not _KEY.fullmatch(key):
                raise InvalidRequest(
                    "a key is 1-64 lowercase letters, digits or dashes, starting with a letter or digit",
                    code="invalid_key",
                )
            return found.view(request, principal, match.groupdict())
    raise NotFound(f"no such path: {(request.script_root + '/' + path)[:80]}", code="not_found")


_ENTRY = r"(?P<key>[^/_][^/]*)"


# Who is signed in, and staff management (owners).


@route("GET", r"_me", StaffRole.VIEWER)
def who_am_i(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    return json_response(
        WhoAmI.model_validate(
            {
                "id": principal.staff_id,
                "name": principal.name,
                "role": principal.role.value,
                "email": principal.email,
                "via": principal.via,
            }
        )
    )


@route("GET", r"_staff", StaffRole.OWNER)
def list_staff(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    return json_response(staff.list_staff(uow=runtime.unit_of_work()))


@route("POST", r"_staff", StaffRole.OWNER)
def create_staff(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    body = parse_json(request, StaffBody, max_bytes=get_settings().max_request_bytes)
    created = staff.create_staff(
        uow=runtime.unit_of_work(),
        name=body.name,
        role=StaffRole(body.role),
        email=body.email,
        created_by=principal.name,
    )
    return json_response(created, 201)


@route("PATCH", r"_staff/(?P<id>[^/]+)", StaffRole.OWNER)
def change_staff_role(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    body = parse_json(request, StaffRoleBody, max_bytes=get_settings().max_request_bytes)
    changed = staff.change_role(
        uow=runtime.unit_of_work(),
        staff_id=_uuid(args["id"], "staff_id"),
        role=StaffRole(body.role),
        changed_by=principal.name,
    )
    return json_response(changed)


@route("DELETE", r"_staff/(?P<id>[^/]+)", StaffRole.OWNER)
def revoke_staff(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    revoked = staff.revoke_staff(
        uow=runtime.unit_of_work(), staff_id=_uuid(args["id"], "staff_id"), revoked_by=principal.name
    )
    return json_response(revoked)


# The knowledge, its revisions and previews.


@route("GET", r"", StaffRole.VIEWER)
def list_entries(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    kind = request.args.get("kind")
    if kind not in (None, "policy", "faq"):
        raise InvalidRequest("kind must be policy or faq", code="invalid_kind")
    return json_response(knowledge.list_entries(uow=runtime.unit_of_work(), kind=kind))


@route("GET", _ENTRY, StaffRole.VIEWER)
def read_entry(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    entry, etag = revisions.read_entry(uow=runtime.unit_of_work(), key=args["key"])
    return json_response(entry, headers={"ETag": etag})


@route("PUT", _ENTRY, StaffRole.EDITOR)
def put_entry(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    body = parse_json(request, KnowledgeBody, max_bytes=get_settings().max_request_bytes)
    entry, created = knowledge.put_entry(
        uow=runtime.unit_of_work(),
        key=args["key"],
        title=body.title,
        content=body.content,
        kind=body.kind,
        edit=revisions.Edit(principal.name, request.headers.get("If-Match"), runtime.embedder()),
    )
    runtime.knowledge_cache().expire()  # this instance's chats answer with it at once
    return json_response(entry, 201 if created else 200, {"ETag": revisions.etag(entry.revision)})


@route("DELETE", _ENTRY, StaffRole.EDITOR)
def delete_entry(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    deleted = knowledge.delete_entry(
        uow=runtime.unit_of_work(),
        key=args["key"],
        edit=revisions.Edit(principal.name, request.headers.get("If-Match")),
    )
    runtime.knowledge_cache().expire()
    return json_response(deleted)


@route("GET", r"_deleted", StaffRole.VIEWER)
def list_deleted(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    return json_response(revisions.list_deleted(uow=runtime.unit_of_work()))


@route("GET", rf"{_ENTRY}/revisions", StaffRole.VIEWER)
def list_revisions(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    return json_response(revisions.list_revisions(uow=runtime.unit_of_work(), key=args["key"]))


@route("POST", rf"{_ENTRY}/revisions/(?P<revision>[^/]+)/restore", StaffRole.EDITOR)
def restore_revision(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    raw = args["revision"]
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 2**31 - 1:
        raise InvalidRequest("a revision is a whole number from 1", code="invalid_revision")
    entry, created = revisions.restore(
        uow=runtime.unit_of_work(),
        key=args["key"],
        revision=int(raw),
        edit=revisions.Edit(principal.name, request.headers.get("If-Match"), runtime.embedder()),
    )
    runtime.knowledge_cache().expire()
    return json_response(entry, 201 if created else 200, {"ETag": revisions.etag(entry.revision)})


@route("POST", r"_preview", StaffRole.EDITOR)
def preview_answer(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    """Answer a question with a draft in place of the stored entry; nothing is saved."""
    body = parse_json(request, PreviewBody, max_bytes=get_settings().max_request_bytes)
    draft = preview.Draft(**body.draft.model_dump()) if body.draft else None
    return json_response(
        preview.preview_answer(
            knowledge=preview.with_draft(runtime.knowledge(), draft),
            question=body.question,
            model=runtime.llm_client(),
        )
    )


# Conversations, analytics, ratings and unanswered questions.


@route("GET", r"_conversations", StaffRole.VIEWER)
def list_conversations(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    args = request.args
    where = ConversationFilter(
        since=_time_arg(request, "since"),
        until=_time_arg(request, "until"),
        status=_choice(request, "status", ("streaming", "complete", "interrupted", "failed", "blocked")),
        source=_choice(request, "source", ("model", "knowledge", "fallback")),
        rating=_choice(request, "rating", ("up", "down")),
        handoff=_choice(request, "handoff", tuple(HandoffStatus)),
        query=_search_arg(request),
    )
    page = conversations.list_conversations(
        uow=runtime.unit_of_work(),
        where=where,
        cursor=args.get("cursor"),  # empty is no next_cursor: a 400
        limit=_int_arg(request, "limit", default=50, low=1, high=200),
    )
    return json_response(page)


@route("GET", r"_conversations/(?P<id>[^/]+)", StaffRole.VIEWER)
def read_conversation(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    return json_response(
        conversations.transcript(
            uow=runtime.unit_of_work(), conversation_id=_uuid(args["id"], "conversation_id")
        )
    )


@route("DELETE", r"_conversations/(?P<id>[^/]+)", StaffRole.EDITOR)
def delete_conversation(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    return json_response(
        conversations.delete_conversation(
            uow=runtime.unit_of_work(),
            conversation_id=_uuid(args["id"], "conversation_id"),
            deleted_by=principal.name,
        )
    )


@route("GET", r"_analytics", StaffRole.VIEWER)
def analytics(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    """``GET /policies/_analytics?hours=24``: usage, cost, latency and error rates."""
    since, until = _window(request)
    return json_response(usage_summary(uow=runtime.unit_of_work(), since=since, until=until))


@route("GET", r"_analytics/series", StaffRole.VIEWER)
def analytics_series(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    since, until = _window(request)
    return json_response(console_analytics.series(uow=runtime.unit_of_work(), since=since, until=until))


@route("GET", r"_feedback", StaffRole.VIEWER)
def recent_feedback(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    since, _until = _window(request)
    return json_response(
        console_analytics.recent_feedback(
            uow=runtime.unit_of_work(),
            since=since,
            rating=_choice(request, "rating", ("up", "down")),
            limit=_int_arg(request, "limit", default=50, low=1, high=200),
        )
    )


@route("GET", r"_unanswered", StaffRole.VIEWER)
def unanswered_questions(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    since, until = _window(request, default_hours=24 * 30)
    return json_response(
        unanswered.unanswered_questions(
            uow=runtime.unit_of_work(),
            knowledge=runtime.knowledge(),
            since=since,
            until=until,
            limit=_int_arg(request, "limit", default=50, low=1, high=200),
        )
    )


@route("POST", r"_retention", StaffRole.OWNER)
def run_retention(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    """Delete conversations older than RETENTION_DAYS (Cloud Scheduler calls this daily)."""
    days = get_settings().retention_days
    if days is None:
        raise Conflict("retention is off: set RETENTION_DAYS to use it", code="retention_off")
    return json_response(
        retention.delete_old_conversations(uow=runtime.unit_of_work(), days=days, now=dt.datetime.now(dt.UTC))
    )


# Conversations handed to a person: the inbox (viewers read; editors and owners answer).


@route("GET", r"_inbox", StaffRole.VIEWER)
def read_inbox(request: flask.Request, principal: Principal, _: dict[str, str]) -> flask.Response:
    return json_response(inbox.inbox(uow=runtime.unit_of_work(), now=dt.datetime.now(dt.UTC)))


@route("POST", r"_inbox/(?P<id>[^/]+)/claim", StaffRole.EDITOR)
def claim_conversation(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    conversation_id = _uuid(args["id"], "conversation_id")
    # The body is optional: none (no length, nothing chunked) is a plain claim.
    sent = request.content_length or "chunked" in request.headers.get("Transfer-Encoding", "")
    body = parse_json(request, ClaimBody, max_bytes=get_settings().max_request_bytes) if sent else ClaimBody()
    return json_response(
        inbox.claim(
            uow=runtime.unit_of_work(),
            conversation_id=conversation_id,
            who=principal,
            take_over=body.take_over,
            seen_claim=body.claimed_at,
        )
    )


@route("POST", r"_inbox/(?P<id>[^/]+)/reply", StaffRole.EDITOR)
def reply_to_shopper(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    body = parse_json(request, ReplyBody, max_bytes=get_settings().max_request_bytes)
    message = inbox.reply(
        uow=runtime.unit_of_work(),
        conversation_id=_uuid(args["id"], "conversation_id"),
        who=principal,
        content=body.content,
        settings=runtime.handoff_settings(),
    )
    return json_response(message, 201)


@route("POST", r"_inbox/(?P<id>[^/]+)/(?P<action>resolve|hand-back)", StaffRole.EDITOR)
def close_handoff(request: flask.Request, principal: Principal, args: dict[str, str]) -> flask.Response:
    status = HandoffStatus.RESOLVED if args["action"] == "resolve" else HandoffStatus.ASSISTANT
    closed = inbox.close(
        uow=runtime.unit_of_work(),
        conversation_id=_uuid(args["id"], "conversation_id"),
        who=principal,
        status=status,
    )
    return json_response(closed)


# Query arguments.


def _window(request: flask.Request, *, default_hours: int = 24) -> tuple[dt.datetime, dt.datetime]:
    hours = _int_arg(request, "hours", default=default_hours, low=1, high=24 * 90, code="invalid_hours")
    assert hours is not None
    until = dt.datetime.now(dt.UTC)
    return until - dt.timedelta(hours=hours), until


def _int_arg(
    request: flask.Request, name: str, *, default: int, low: int, high: int, code: str | None = None
) -> int:
    raw = request.args.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit()) or not low <= int(raw) <= high:
        raise InvalidRequest(
            f"{name} must be a whole number from {low} to {high}", code=code or f"invalid_{name}"
        )
    return int(raw)


def _choice(request: flask.Request, name: str, choices: tuple[str, ...]) -> str | None:
    value = request.args.get(name)  # empty is no choice: a 400, as for every other parameter
    if value is not None and value not in choices:
        raise InvalidRequest(f"{name} must be one of {', '.join(choices)}", code=f"invalid_{name}")
    return value


def _time_arg(request: flask.Request, name: str) -> dt.datetime | None:
    raw = request.args.get(name)
    if raw is None:
        return None
    try:
        value = dt.datetime.fromisoformat(raw)
        # In UTC, as stored: 0001-01-01T00:00+14:00 is read, but no timestamp holds it.
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    except (ValueError, OverflowError) as exc:
        raise InvalidRequest(f"{name} must be an ISO 8601 date or time", code=f"invalid_{name}") from exc


def _search_arg(request: flask.Request) -> str | None:
    """The search text ``q``; empty is no search. Postgres stores no NUL, so none is searched for."""
    text = (request.args.get("q") or "").strip()[:200]
    if "\x00" in text:
        raise InvalidRequest("q must not contain a NUL character", code="invalid_q")
    return text or None


def _uuid(raw: str, name: str) -> uuid.UUID:
    return parse_uuid(raw, name)
