"""Free text from the LLM is cleaned of line breaks, controls and bidi overrides before any use
case (or a calendar title) sees it."""

from __future__ import annotations

import pytest

from agent_tools.arguments import clean_text
from agent_tools.change_appointment import CancelAppointmentArgs


@pytest.mark.parametrize(
    ("said", "kept"),
    [
        ("line one\nline two\u200f", "line one line two"),
        ("  Ada\t\tLovelace \r\n", "Ada Lovelace"),
        ("Bob\u202e\u2066evil\u2069", "Bobevil"),
        ("\ufeffZo\u00eb\x1b[31m", "Zo\u00eb[31m"),
        ("Zoe\u0308", "Zo\u00eb"),  # NFC
        ("\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"),  # a joiner some scripts need
    ],
)
def test_free_text_is_cleaned(said: str, kept: str) -> None:
    assert clean_text(said) == kept


def test_every_free_text_argument_is_cleaned() -> None:
    args = CancelAppointmentArgs.model_validate(
        {"appointment_id": "apt_1", "name": "Ada\nLovelace", "reason": "sick\u202e"}
    )
    assert (args.name, args.reason) == ("Ada Lovelace", "sick")
