"""The console's messages: what callers left for the team, unhandled and urgent first, and
marking one handled (recorded with who and when)."""

from __future__ import annotations

from litestar import get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from app.console.auth import Form, Served, Session, check_csrf
from app.console.views import masked, when_written
from app.db.messages import SqlMessageDesk
from app.guards import Frontdesk


@get("/messages")
async def messages_page(frontdesk: Frontdesk, session: Session, tenant: Served) -> Template:
    business = tenant.deps.business
    found = await SqlMessageDesk(frontdesk.operator_records).inbox(business.id)
    rows = [
        {
            "id": m["id"],
            "when": when_written(m["created_at"], business),
            "name": m.get("name") or "someone",
            "phone": masked(m.get("phone")),
            "body": m["body"],
            "callback": m.get("callback_phrase") or "as soon as possible",
            "urgent": m["urgent"],
            "handled": when_written(m.get("handled_at"), business),
            "handled_by": m.get("handled_by"),
            "call_id": m.get("call_id"),
        }
        for m in found
    ]
    return Template(
        "messages.html", context={"business": business, "session": session, "messages": rows}
    )


@post("/messages/{message_id:str}/handled", status_code=303)
async def mark_handled(
    frontdesk: Frontdesk, session: Session, tenant: Served, message_id: FromPath[str], data: Form
) -> Redirect:
    check_csrf(session, data)
    desk = SqlMessageDesk(frontdesk.operator_records)
    await desk.handled(tenant.deps.business.id, message_id[:128], "operator")
    return Redirect("/console/messages", status_code=303)
