"""The console's router: its session middleware, the gate in front of every page (no session:
to the sign-in page; a state-changing request without the CSRF token: 403), its templates and
its static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from litestar import Request, Response, Router
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Redirect
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

from app.console import (
    appointment_pages,
    auth_pages,
    call_pages,
    csrf,
    day_pages,
    status_pages,
    views,
)
from app.console.session import OperatorSession, session_middleware
from app.settings import Settings

HERE = Path(__file__).parent
OPEN = frozenset({"/console/login"})


async def gate(request: Request[Any, Any, Any]) -> Response[Any] | None:
    session = OperatorSession.of(request)
    if request.url.path not in OPEN and (session is None or not session.signed_in):
        return Redirect("/console/login", status_code=303)
    await csrf.check(request, session)
    return None


def console_router(settings: Settings) -> Router:
    return Router(
        path="/console",
        route_handlers=[
            auth_pages.login_form,
            auth_pages.sign_in,
            auth_pages.sign_out,
            day_pages.day,
            day_pages.week,
            appointment_pages.appointment,
            appointment_pages.confirm_cancel,
            appointment_pages.cancel,
            appointment_pages.resync,
            call_pages.calls,
            call_pages.call,
            status_pages.health,
            status_pages.resync_calendars,
            status_pages.insights,
        ],
        middleware=[session_middleware(settings)],
        before_request=gate,
        include_in_schema=False,
    )


def console_static() -> Router:
    return create_static_files_router(
        path="/console-static", directories=[HERE / "static"], include_in_schema=False
    )


def _filters(engine: JinjaTemplateEngine) -> None:
    engine.engine.filters.update(
        clock=views.clock,
        when=views.when,
        day_name=views.day_name,
        masked=views.masked,
        seconds=views.seconds,
        millis=views.millis,
    )


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    return TemplateConfig(
        directory=HERE / "templates", engine=JinjaTemplateEngine, engine_callback=_filters
    )
