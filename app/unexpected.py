"""The last resort: an exception no route turned into an answer is logged at error level with
its (redacted) traceback, and answered 500 as JSON, saying a retry is safe."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR

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
