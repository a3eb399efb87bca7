"""Signing in and out of the console, the session every page depends on, and the CSRF check of
every form that changes something.

Wrong keys count against the source's refused budget (429 past it, app.rate_limit) and are
logged without the key. Anything under /console without a live session redirects to the
sign-in page.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any

import structlog
from litestar import Request, get, post
from litestar.di import NamedDependency
from litestar.enums import MediaType, RequestEncodingType
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import Body, FromQuery
from litestar.response import Redirect, Template

from app.console.session import (
    COOKIE,
    EVERY_BUSINESS,
    LIFETIME_SECONDS,
    ConsoleSession,
    seal,
    unseal,
)
from app.guards import Frontdesk
from app.state import AppState
from app.tenants.registry import Tenant

log = structlog.get_logger("frontdesk.console")

LOGIN = "/console/login"  # where a page without a session sends the browser
Form = Annotated[dict[str, str], Body(media_type=RequestEncodingType.URL_ENCODED)]


Session = NamedDependency[ConsoleSession]  # a page's parameter ``session: Session``


class SignInRequired(HTTPException):
    status_code = 401


def to_sign_in(_: Request[Any, Any, Any], __: SignInRequired) -> Redirect:
    return Redirect(LOGIN, status_code=303)


def console_session(request: Request[Any, Any, Any]) -> ConsoleSession:
    """The dependency behind every console page: the live session, or off to sign in."""
    key = AppState.of(request).settings.operator_api_key
    session = unseal(request.cookies.get(COOKIE, ""), key) if key else None
    if session is None:
        raise SignInRequired()
    return session


def console_tenant(request: Request[Any, Any, Any]) -> Tenant:
    """The business a console page shows: a business's own key sees only its own; the
    operator key sees the one chosen (``/console/switch``), else the first served."""
    session = console_session(request)
    tenants = AppState.of(request).tenants
    wanted = session.scope if session.scope != EVERY_BUSINESS else request.cookies.get(CHOSEN)
    tenant = tenants.get(wanted) if wanted else tenants.first
    if tenant is None and session.scope == EVERY_BUSINESS:
        tenant = tenants.first  # the chosen one is no longer served
    if tenant is None or not session.sees(tenant.id):
        log.warning("console.out_of_scope", scope=session.scope)
        raise SignInRequired()  # its business is gone: sign in again
    return tenant


Served = NamedDependency[Tenant]  # a page's parameter ``tenant: Served``
CHOSEN = "fd_console_business"  # the business the operator key chose to look at


@get("/switch")
async def switch(frontdesk: Frontdesk, session: Session, business: FromQuery[str] = "") -> Redirect:
    """The operator key looks at another business (a business's own key cannot)."""
    response = Redirect("/console", status_code=303)
    if session.scope == EVERY_BUSINESS and frontdesk.tenants.get(business[:64]) is not None:
        response.set_cookie(CHOSEN, business[:64], path="/console", httponly=True, samesite="lax")
    return response


def check_csrf(session: ConsoleSession, form: dict[str, str]) -> None:
    if not session.accepts(form.get("csrf", "")):
        log.warning("console.csrf_refused")
        raise PermissionDeniedException("the form is out of date: reload the page and try again")


LOGIN_COOKIE = "fd_console_login"  # the sign-in form's own CSRF token (no session yet)


@get("/login")
async def sign_in_page(frontdesk: Frontdesk) -> Template:
    return _sign_in_form(None, bool(_key(frontdesk)))


def _sign_in_form(error: str | None, configured: bool, status_code: int = 200) -> Template:
    token = secrets.token_urlsafe(24)
    page = Template(
        "login.html",
        context={"error": error, "configured": configured, "csrf": token},
        status_code=status_code,
        media_type=MediaType.HTML,  # also as the answer to the form's POST
    )
    page.set_cookie(LOGIN_COOKIE, token, path="/console/login", httponly=True, samesite="lax")
    return page


@post("/login", status_code=303)
async def sign_in(request: Request[Any, Any, Any], frontdesk: Frontdesk, data: Form) -> Any:
    key = _key(frontdesk)
    token = request.cookies.get(LOGIN_COOKIE, "")
    if not token or not hmac.compare_digest(token.encode(), data.get("csrf", "").encode()):
        log.warning("console.csrf_refused")
        raise PermissionDeniedException("the form is out of date: reload the page and try again")
    given = data.get("key", "").strip()
    scope = _scope_of(frontdesk, given) if key and given else None
    if scope is None:
        frontdesk.limiter.refuse(request)  # 429 once a source has failed too often
        log.warning("console.sign_in_refused", given=bool(given))
        return _sign_in_form("That key is not right.", bool(key), status_code=401)
    log.info("console.signed_in")
    response = Redirect("/console", status_code=303)
    response.set_cookie(
        COOKIE,
        seal(ConsoleSession.new(scope), key),
        max_age=LIFETIME_SECONDS,
        path="/console",
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@post("/logout", status_code=303)
async def sign_out(session: Session, data: Form) -> Redirect:
    check_csrf(session, data)
    response = Redirect(LOGIN, status_code=303)
    response.delete_cookie(COOKIE, path="/console")
    return response


def _scope_of(frontdesk: AppState, given: str) -> str | None:
    """What a key sees: every business (the operator key), one business (its own key), or
    nothing. The console needs the operator key set: it signs the sessions."""
    key = _key(frontdesk)
    if hmac.compare_digest(given.encode(), key.encode()):
        return EVERY_BUSINESS
    return next(
        (
            t.id
            for t in frontdesk.tenants
            if t.operator_key and hmac.compare_digest(given.encode(), t.operator_key.encode())
        ),
        None,
    )


def _key(frontdesk: AppState) -> str:
    return frontdesk.settings.operator_api_key or ""
