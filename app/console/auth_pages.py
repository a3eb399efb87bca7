"""Sign-in and sign-out. A wrong key is counted against the source's refused budget (429 once
spent) and logged without the key; a right one starts a fresh session (a new CSRF token)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, get, post
from litestar.response import Redirect, Template

from app.console.pages import page
from app.console.session import OperatorSession, scope_for_key
from app.guards import Frontdesk

log = structlog.get_logger("frontdesk.console")


@get("/login", name="console_login")
async def login_form(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Template:
    session = OperatorSession.of(request)
    if session is None:
        session = OperatorSession.fresh()
        session.store(request)
    return page(request, frontdesk, "login", error=None)


@post("/login", status_code=303)
async def sign_in(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Template | Redirect:
    form = await request.form()
    given = form.get("key")
    scope = scope_for_key(frontdesk.settings, given if isinstance(given, str) else "")
    if scope is None:
        frontdesk.limiter.refuse(request)
        log.warning("console.sign_in_refused", given_length=len(given or ""))
        return page(request, frontdesk, "login", status_code=401, error="That key is not right.")
    frontdesk.limiter.admit(request)
    OperatorSession.fresh(scope).store(request)
    log.info("console.signed_in")
    return Redirect("/console", status_code=303)


@post("/logout", status_code=303)
async def sign_out(request: Request[Any, Any, Any]) -> Redirect:
    request.clear_session()
    return Redirect("/console/login", status_code=303)
