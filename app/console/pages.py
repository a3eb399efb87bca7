"""What every console page shares: the template response with the session's CSRF token, the
business and its zone, and the checks that keep a page to the businesses its session sees."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from litestar import Request
from litestar.exceptions import NotFoundException, ServiceUnavailableException
from litestar.response import Template

from agent_tools.business import Business
from app.console.session import OperatorSession
from app.state import AppState

NAV = (
    ("day", "/console", "Day"),
    ("week", "/console/week", "Week"),
    ("calls", "/console/calls", "Calls"),
    # ("messages", "/console/messages", "Messages"): arrives with the messages feature
    ("health", "/console/health", "Health"),
    ("insights", "/console/insights", "Insights"),
)

_IDENTIFIER = re.compile(r"[A-Za-z0-9_.:-]{1,128}")


def page(
    request: Request[Any, Any, Any],
    frontdesk: AppState,
    name: str,
    *,
    status_code: int = 200,
    **context: Any,
) -> Template:
    session = OperatorSession.of(request)
    return Template(
        template_name=f"{name}.html",
        status_code=status_code,
        context={
            "csrf": session.csrf if session else "",
            "signed_in": bool(session and session.signed_in),
            "business": frontdesk.deps.business,
            "zone": frontdesk.deps.business.timezone,
            "nav": NAV,
            **context,
        },
    )


def seen_business(request: Request[Any, Any, Any], frontdesk: AppState) -> Business:
    """The business the page is about, when the session may see it (else: not found)."""
    business = frontdesk.deps.business
    session = OperatorSession.of(request)
    if session is None or session.scope is None or not session.scope.sees(business.id):
        raise NotFoundException()
    return business


def identifier(value: str) -> str:
    if not _IDENTIFIER.fullmatch(value):
        raise NotFoundException()
    return value


def day_or_today(raw: str, business: Business, now: datetime) -> date:
    """``YYYY-MM-DD`` when given and sensible, else today in the business's zone."""
    try:
        day = date.fromisoformat(raw) if raw else business.today(now)
    except ValueError:
        return business.today(now)
    if not date(1900, 1, 1) <= day <= date(2199, 12, 31):
        return business.today(now)
    return day


def local_span(business: Business, first: date, days: int) -> tuple[datetime, datetime]:
    """From local midnight of ``first`` to local midnight ``days`` later (DST-proof)."""
    zone = business.timezone
    return (
        datetime.combine(first, time(0), tzinfo=zone),
        datetime.combine(first + timedelta(days=days), time(0), tzinfo=zone),
    )


def pool_of(frontdesk: AppState) -> Any:
    """The console reads Postgres directly (DATABASE_URL or the embedded one)."""
    if frontdesk.pool is None:
        raise ServiceUnavailableException("the console needs DATABASE_URL (direct Postgres)")
    return frontdesk.pool
