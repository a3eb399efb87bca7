"""The CSRF check on every state-changing console request: a form field ``_csrf`` equal to
the session's token (the synchroniser-token pattern; the sign-in form carries one too, so a
forged sign-in is refused as well)."""

from __future__ import annotations

import hmac
from typing import Any

import structlog
from litestar import Request
from litestar.exceptions import PermissionDeniedException

from app.console.session import OperatorSession

FIELD = "_csrf"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})

log = structlog.get_logger("frontdesk.console")


async def check(request: Request[Any, Any, Any], session: OperatorSession | None) -> None:
    """Raises 403 when a state-changing request does not carry the session's token."""
    if request.method in SAFE:
        return
    form = await request.form()
    given = form.get(FIELD)
    if (
        session is None
        or not isinstance(given, str)
        or not hmac.compare_digest(given.encode(), session.csrf.encode())
    ):
        log.warning("console.csrf_refused", path=request.url.path)
        raise PermissionDeniedException("this form has expired: reload the page and try again")
