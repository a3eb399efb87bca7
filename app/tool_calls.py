"""Running one tool call: validate the arguments, run the use case, shape the reply.

Every outcome the agent can recover from becomes ``{"ok": false, "error", "message"}``; this is
the one place domain errors meet the wire.
"""

from __future__ import annotations

import contextlib
import time
from datetime import UTC, datetime
from functools import partial
from typing import Any

import structlog
from pydantic import ValidationError

from agent_tools.errors import (
    MOMENTARY_CODES,
    TRANSIENT_CODES,
    CalendarUnavailable,
    InvalidArguments,
    SpokenValueError,
    TemporarilyUnavailable,
    ToolError,
    UnknownTool,
)
from agent_tools.phones import normalise_or_none
from agent_tools.ports import CallContext, Deps, StoreUnavailableError
from agent_tools.registry import TOOLS
from app import metrics
from app.db.faults import CONNECTION_FAULTS
from app.db.versions import one_version_per_call
from app.idempotency import Mismatch, Replay, StillRunning
from app.idempotency.guard import IdempotencyGuard, fingerprint, request_key
from app.idempotency.stale import outdated
from app.journal import Journal
from app.tool_trace import record
from calendar_adapter.protocol import CalendarUnavailableError

log = structlog.get_logger("frontdesk.tools")


def storable(value: Any) -> bool:
    """No NUL characters or lone surrogates anywhere: valid JSON, but neither Postgres text nor
    UTF-8 can hold them, so they are refused here rather than failing deep inside."""
    if isinstance(value, str):
        if "\x00" in value:
            return False
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return False
        return True
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


def call_context(call: Any, country: str | None = None) -> CallContext:
    """The parts of Retell's call object the tools use; anything malformed is left out, and
    the caller ID is read into E.164 (in ``country`` when it lacks a "+")."""
    if not isinstance(call, dict) or not storable(call):
        return CallContext()
    started = call.get("start_timestamp")
    started_at = None
    if isinstance(started, int | float) and not isinstance(started, bool) and started > 0:
        with contextlib.suppress(ValueError, OverflowError, OSError):  # past year 9999: ignored
            started_at = datetime.fromtimestamp(started / 1000, UTC)
    call_id = call.get("call_id")
    from_number = call.get("from_number")
    return CallContext(
        call_id=call_id if isinstance(call_id, str) else None,
        from_number=caller_id(from_number, country),
        started_at=started_at,
    )


def caller_id(value: Any, country: str | None) -> str | None:
    """The number calling, in E.164; None when absent or not a number ("anonymous")."""
    number = normalise_or_none(value, country) if isinstance(value, str) else None
    return number.e164 if number else None


async def answer(
    name: str,
    raw_args: Any,
    call: CallContext,
    deps: Deps,
    *,
    guard: IdempotencyGuard | None,
    idempotency_header: str | None = None,
    journal: Journal | None = None,
) -> tuple[int, dict[str, Any]]:
    """Status and body for one tool call, exactly once per request (app/idempotency)."""
    tool = TOOLS.get(name)
    key = None
    if guard is not None and (idempotency_header or (tool is not None and tool.mutates)):
        key = request_key(name, raw_args, call.call_id, idempotency_header, deps.business.id)
    if guard is None or key is None:
        return 200, await run_tool(name, raw_args, call, deps, journal)
    request_print = fingerprint(name, raw_args, call.call_id)
    began = time.perf_counter()
    try:
        outcome = await guard.begin(key, request_print)
    except Exception as error:  # the durable tier (Postgres) could not be asked
        await guard.abandon(key)
        reply = _fault_reply(name, call, error)
        record(name, call, reply, began, journal=journal, raw_args=raw_args)
        return 200, reply
    run_holding_key = partial(
        _run_held,
        name,
        raw_args,
        call,
        deps,
        guard=guard,
        key=key,
        request_print=request_print,
        journal=journal,
    )
    if isinstance(outcome, Replay) and await outdated(outcome.body, deps.store):
        # The call changed that appointment since (cancelled it, moved it): run again; the
        # booking intent and the store keep that exactly-once.
        log.info("tool.replay_outdated", tool=name, call_id=call.call_id)
        return await run_holding_key()
    if isinstance(outcome, Replay):
        metrics.REPLAYS.labels(deps.business.id, name).inc()
        log.info(
            "tool.replayed",
            tool=name,
            call_id=call.call_id,
            duration_ms=round((time.perf_counter() - began) * 1000, 2),
        )
        return outcome.status, outcome.body
    if isinstance(outcome, Mismatch):
        return 422, {
            "ok": False,
            "error": "idempotency_key_reused",
            "message": "This Idempotency-Key was already used for a different request.",
        }
    if isinstance(outcome, StillRunning):
        return 409, {
            "ok": False,
            "error": "in_progress",
            "message": "I'm still working on that. One moment, please.",
        }
    return await run_holding_key()


async def _run_held(
    name: str,
    raw_args: Any,
    call: CallContext,
    deps: Deps,
    *,
    guard: IdempotencyGuard,
    key: str,
    request_print: str,
    journal: Journal | None,
) -> tuple[int, dict[str, Any]]:
    """Run the request that holds ``key``; keep its reply only when it is final."""
    try:
        async with guard.holding(key, request_print):
            reply = await run_tool(name, raw_args, call, deps, journal)
    except BaseException:
        await guard.abandon(key)  # a failure keeps no claim: the retry runs for real
        raise
    if reply.get("error") in TRANSIENT_CODES | MOMENTARY_CODES:
        await guard.abandon(key)  # "try again" and "not now" must run again, not replay
        return 200, reply
    try:
        await guard.finish(key, request_print, 200, reply)
    except Exception as error:
        # What was done is done: the caller hears it. A retry is answered from the fast tier
        # if it kept the reply, else runs again and finds the booking intent in Postgres.
        log.warning("idempotency.keep_failed", tool=name, error=type(error).__name__)
    return 200, reply


async def run_tool(
    name: str, raw_args: Any, call: CallContext, deps: Deps, journal: Journal | None = None
) -> dict[str, Any]:
    """The reply to one tool call; whatever fails, the caller hears a sentence, never a 500."""
    began = time.perf_counter()
    try:
        reply = await _dispatch(name, raw_args, call, deps)
    except ToolError as error:
        reply = _error_reply(error)
    except Exception as error:
        reply = _fault_reply(name, call, error)
    record(name, call, reply, began, journal=journal, raw_args=raw_args)
    return reply


def _error_reply(error: ToolError) -> dict[str, Any]:
    return {"ok": False, "error": error.code, "message": error.message, **error.details}


_STORE_FAULTS: tuple[type[BaseException], ...] = (StoreUnavailableError, *CONNECTION_FAULTS)


def _fault_reply(name: str, call: CallContext, error: Exception) -> dict[str, Any]:
    """A fault below the use case, as the sentence the contract promises for it."""
    if isinstance(error, CalendarUnavailableError):
        log.warning("tool.calendar_unavailable", tool=name, call_id=call.call_id, error=str(error))
        return _error_reply(CalendarUnavailable(CALENDAR_DOWN))
    if isinstance(error, _STORE_FAULTS):
        log.warning(
            "tool.store_unavailable", tool=name, call_id=call.call_id, error=type(error).__name__
        )
    else:
        log.error("tool.failed", tool=name, call_id=call.call_id, exc_info=error)
    return _error_reply(TemporarilyUnavailable(STORE_DOWN))


CALENDAR_DOWN = (
    "Sorry, I can't reach the calendar right now, so nothing was changed. "
    "Shall I try again in a moment?"
)
STORE_DOWN = (
    "Sorry, I'm having trouble with our booking system right now. "
    "Could you give me a moment and I'll try again?"
)


async def _dispatch(name: str, raw_args: Any, call: CallContext, deps: Deps) -> dict[str, Any]:
    tool = TOOLS.get(name)
    if tool is None:
        raise UnknownTool(
            "Sorry, I can't do that here. I can find open times, book, look up, move or cancel "
            "appointments.",
            tools=sorted(TOOLS),
        )
    if raw_args is None:
        raw_args = {}
    if not isinstance(raw_args, dict) or not storable(raw_args):
        raise InvalidArguments("Sorry, something went wrong with that request. Let me try again.")
    try:
        args = tool.args_model.model_validate(raw_args, context={"country": deps.business.country})
    except ValidationError as exc:
        raise _invalid(exc) from None
    if tool.mutates:
        reply = await tool.handler(args, call, deps)
    else:
        with one_version_per_call():  # a search reads each business's data version once
            reply = await tool.handler(args, call, deps)
    return reply.model_dump(mode="json")


def _invalid(exc: ValidationError) -> InvalidArguments:
    problems = []
    for error in exc.errors():
        field = ".".join(str(part) for part in error["loc"]) or "arguments"
        problems.append({"field": field, "problem": error["msg"]})
    first = problems[0]["field"]
    spoken = exc.errors()[0].get("ctx", {}).get("error")
    if isinstance(spoken, SpokenValueError):
        message = str(spoken)
    elif first == "name":
        message = "May I have your full name for the booking?"
    elif first == "arguments":
        message = "Which time would you like? I need one of the offered times to book."
    else:
        message = (
            f"Sorry, the {first.replace('_', ' ')} didn't come through right. Could you repeat it?"
        )
    return InvalidArguments(message, problems=problems)
