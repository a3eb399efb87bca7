"""``POST /twilio/sms``: texts callers send back. STOP (and Twilio's other opt-out words) means
this business never texts that number again; START undoes it; HELP is answered with how to
reach the business. Twilio signs each request (``X-Twilio-Signature``), checked with the
official client's validator over the public URL; without Twilio settings the route does not
exist (404), and a bad signature is 401 with nothing recorded."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.exceptions import NotAuthorizedException, NotFoundException
from twilio.request_validator import RequestValidator

from agent_tools.phones import normalise_or_none
from app.guards import Frontdesk
from app.tenants.registry import CallAddress

log = structlog.get_logger("frontdesk.twilio")

STOP_WORDS = frozenset({"stop", "stopall", "unsubscribe", "cancel", "end", "quit"})
START_WORDS = frozenset({"start", "yes", "unstop"})
HELP_WORDS = frozenset({"help", "info"})


@post("/twilio/sms", status_code=200, media_type="application/xml")
async def inbound_sms(request: Request[Any, Any, Any], frontdesk: Frontdesk) -> Response[str]:
    settings = frontdesk.settings
    if not settings.twilio_auth_token:
        raise NotFoundException()
    form = {k: str(v) for k, v in (await request.form()).items()}
    url = (settings.public_base_url or str(request.base_url)).rstrip("/") + "/twilio/sms"
    given = request.headers.get("x-twilio-signature", "")
    if not RequestValidator(settings.twilio_auth_token).validate(url, form, given):
        log.warning("twilio.signature_refused")
        raise NotAuthorizedException("bad signature")
    # Many businesses: the texts' number says whose callers these are (else the only one).
    tenant = frontdesk.tenants.route(CallAddress(to_number=form.get("To") or None))
    if tenant is None:
        log.warning("twilio.unknown_business", to_number=form.get("To", ""))
        return Response("<Response></Response>")
    business = tenant.business
    number = normalise_or_none(form.get("From", ""), business.country)
    word = form.get("Body", "").strip().lower()
    if number is not None and (word in STOP_WORDS or word in START_WORDS):
        await frontdesk.operator_records.call(
            "fd_sms_opt",
            {"p_business": business.id, "p_phone": number.e164, "p_out": word in STOP_WORDS},
        )
        log.info("twilio.opt", opted_out=word in STOP_WORDS)
    if word in HELP_WORDS:
        phone = f" Call us on {business.contact.phone}." if business.contact.phone else ""
        reply = f"{business.name}: appointment texts.{phone} Reply STOP to stop them."
        return Response(f"<Response><Message>{_xml(reply)}</Message></Response>")
    return Response("<Response></Response>")


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
