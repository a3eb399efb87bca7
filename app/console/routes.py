"""The console wired into the app: its router (every page gets the session by dependency
injection; a missing one redirects to sign in), its templates and its stylesheet."""

from __future__ import annotations

from pathlib import Path

from litestar import Router
from litestar.di import Provide
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from app.console import auth, inbox, pages, reports

HERE = Path(__file__).parent

TEMPLATES = TemplateConfig(directory=HERE / "templates", engine=JinjaTemplateEngine)

ROUTER = Router(
    path="/console",
    route_handlers=[
        auth.sign_in_page,
        auth.sign_in,
        auth.sign_out,
        auth.switch,
        pages.day_page,
        pages.appointment_page,
        pages.cancel_page,
        pages.cancel,
        pages.resync,
        pages.week_page,
        reports.calls_page,
        reports.call_page,
        reports.health_page,
        reports.resync_calendars,
        reports.insights_page,
        inbox.messages_page,
        inbox.mark_handled,
    ],
    dependencies={
        "session": Provide(auth.console_session, sync_to_thread=False),
        "tenant": Provide(auth.console_tenant, sync_to_thread=False),
    },
    exception_handlers={auth.SignInRequired: auth.to_sign_in},
)

STATIC = create_static_files_router(
    path="/console/static", directories=[HERE / "static"], include_in_schema=False
)
