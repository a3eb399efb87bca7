"""Faults outside tool calls (operator and other endpoints). A dependency that is down is 503
with a warning; any other exception no route turned into an answer is logged at error level
with its (redacted) traceback and answered 500. Both as JSON, and both safe to retry."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE

from agent_tools.ports import StoreUnavailableError
from calendar_adapter.protocol import CalendarUnavailableError

log = structlog.get_logger("frontdesk.http")


def unexpected_fault(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.error("http.unexpected_fault", method=request.method, path=request.url.path, exc_info=error)
    return Response(
        {
            "ok": False,
            "error": "internal_error",
            "message": "Something went wrong on our side; nothing was changed. Please try again.",
        },
        status_code=HTTP_500_INTERNAL_SERVER_ERROR,
    )


def dependency_down(request: Request[Any, Any, Any], error: Exception) -> Response[Any]:
    log.warning(
        "http.dependency_down", path=request.url.path, error=f"{type(error).__name__}: {error}"
    )
    calendar = isinstance(error, CalendarUnavailableError)
    return Response(
        {
            "ok": False,
            "error": "calendar_unavailable" if calendar else "temporarily_unavailable",
            "message": "A service we depend on is not answering; please try again shortly.",
        },
        status_code=HTTP_503_SERVICE_UNAVAILABLE,
    )


HANDLERS: dict[Any, Any] = {
    HTTP_500_INTERNAL_SERVER_ERROR: unexpected_fault,
    StoreUnavailableError: dependency_down,
    CalendarUnavailableError: dependency_down,
}
