"""take_message: the caller leaves a message for the team, and the business is told at once.

The message and the sends that tell the business are stored together (the edge's message desk
writes them in one transaction and an outbox delivers them), so a message is never lost and
never sent twice. A repeat of the same message in the same call is the same message.
"""

from __future__ import annotations

import hashlib
import secrets

from pydantic import BaseModel, ConfigDict, Field

from agent_tools.arguments import PHONE_HELP, FreeText, Phone, TimeText
from agent_tools.errors import InvalidArguments
from agent_tools.ports import CallContext, Deps, Message
from agent_tools.when import resolve_when


class TakeMessageArgs(BaseModel):
    """Take a message for the team (a callback request, a question the tools can't answer)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    name: FreeText = Field(min_length=1, max_length=100, description="The caller's name.")
    phone: Phone | None = Field(
        default=None, description=f"Callback number. Default: the caller's number. {PHONE_HELP}"
    )
    message: FreeText = Field(
        min_length=1, max_length=1000, description="What they want, in their words."
    )
    callback_when: TimeText | None = Field(
        default=None,
        max_length=200,
        description="When they'd like a call back, in their words ('tomorrow morning').",
    )
    urgent: bool = Field(default=False, description="Whether they said it is urgent.")


class TakeMessageReply(BaseModel):
    ok: bool = True
    message_id: str
    message: str


async def take_message(args: TakeMessageArgs, call: CallContext, deps: Deps) -> TakeMessageReply:
    business = deps.business
    phone = args.phone or call.from_number
    if phone is None:
        raise InvalidArguments(
            "What's the best number for the team to call you back on?", field="phone"
        )
    now = deps.clock()
    window = resolve_when(args.callback_when, call.started_at or now, business)
    message = Message(
        message_id=_message_id(business.id, call.call_id, args, phone),
        business_id=business.id,
        call_id=call.call_id,
        name=args.name,
        phone=phone,
        body=args.message,
        callback_start=window.start if window else None,
        callback_end=window.end if window else None,
        callback_phrase=window.phrase if window else None,
        urgent=args.urgent,
        taken_at=now,
    )
    kept = await deps.messages.take(message, business)
    return TakeMessageReply(message_id=kept.message_id, message=_said(kept))


def _said(message: Message) -> str:
    when = f" {message.callback_phrase}" if message.callback_phrase else " as soon as they can"
    urgent = " I've marked it urgent." if message.urgent else ""
    return f"I've passed that on; someone will call you back{when}.{urgent}"


def _message_id(business_id: str, call_id: str | None, args: TakeMessageArgs, phone: str) -> str:
    """The same message in the same call is one message, however often it is sent."""
    if call_id is None:
        return "msg_" + secrets.token_hex(8)
    digest = hashlib.sha256(
        "|".join([business_id, call_id, args.name, phone, args.message]).encode()
    ).hexdigest()
    return "msg_" + digest[:16]
