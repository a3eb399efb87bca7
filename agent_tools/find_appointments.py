"""find_appointments: the caller's upcoming appointments."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from agent_tools import speech
from agent_tools.arguments import PHONE_HELP, Email, FreeText, Phone
from agent_tools.ownership import owner_of
from agent_tools.ports import CallContext, Deps
from agent_tools.views import AppointmentOut, appointment_out


class FindAppointmentsArgs(BaseModel):
    """Look up the caller's upcoming appointments (by the number they call from, or by the
    name and phone or email they were booked under)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    phone: Phone | None = Field(
        default=None, description=f"Booked under this number. Default: caller's. {PHONE_HELP}"
    )
    name: FreeText | None = Field(
        default=None, max_length=100, description="The name booked under."
    )
    email: Email | None = Field(default=None, description="Or the email.")


class FindAppointmentsReply(BaseModel):
    ok: bool = True
    message: str
    appointments: list[AppointmentOut]


async def find_appointments(
    args: FindAppointmentsArgs, call: CallContext, deps: Deps
) -> FindAppointmentsReply:
    business = deps.business
    now = deps.clock()
    today = business.today(now)
    owner = owner_of(call, phone=args.phone, email=args.email, name=args.name)
    found = await deps.store.find_owned(business.id, owner, after=now)
    shown = [appointment_out(a, business, today) for a in found[:10]]
    if not shown:
        message = (
            "I don't see any upcoming appointments under the number you're calling from."
            if owner.verified_phone and not owner.name_key
            else "I don't see any upcoming appointments under those details."
        )
    else:
        listed = speech.join_or([f"{a.service} {speech.on(a.spoken)}" for a in shown]).replace(
            " or ", " and "
        )
        count = "one upcoming appointment" if len(shown) == 1 else f"{len(shown)} appointments"
        message = f"You have {count}: {listed}."
    return FindAppointmentsReply(message=message, appointments=shown)
