"""The tools the agent can call, by name: the one list the server routes and prompts/ publish."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel

from agent_tools.book_appointment import BookAppointmentArgs, book_appointment
from agent_tools.business_info import BusinessInfoArgs, business_info
from agent_tools.change_appointment import (
    CancelAppointmentArgs,
    RescheduleAppointmentArgs,
    cancel_appointment,
    reschedule_appointment,
)
from agent_tools.find_appointments import FindAppointmentsArgs, find_appointments
from agent_tools.find_slots import FindSlotsArgs, find_slots
from agent_tools.ports import CallContext, Deps
from agent_tools.take_message import TakeMessageArgs, take_message

Handler = Callable[[Any, CallContext, Deps], Awaitable[BaseModel]]


@dataclass(frozen=True, slots=True)
class Tool:
    name: str
    args_model: type[BaseModel]
    handler: Handler
    mutates: bool  # whether a retry could repeat a side effect

    @property
    def description(self) -> str:
        return (self.args_model.__doc__ or "").strip()

    def parameters_schema(self) -> dict[str, Any]:
        return self.args_model.model_json_schema()


TOOLS: Mapping[str, Tool] = {
    tool.name: tool
    for tool in (
        Tool("find_slots", FindSlotsArgs, cast(Handler, find_slots), mutates=False),
        Tool("book_appointment", BookAppointmentArgs, cast(Handler, book_appointment), True),
        Tool("find_appointments", FindAppointmentsArgs, cast(Handler, find_appointments), False),
        Tool(
            "reschedule_appointment",
            RescheduleAppointmentArgs,
            cast(Handler, reschedule_appointment),
            mutates=True,
        ),
        Tool("cancel_appointment", CancelAppointmentArgs, cast(Handler, cancel_appointment), True),
        Tool("business_info", BusinessInfoArgs, cast(Handler, business_info), mutates=False),
        Tool("take_message", TakeMessageArgs, cast(Handler, take_message), mutates=True),
    )
}
