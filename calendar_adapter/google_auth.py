"""Google credentials from GOOGLE_CREDENTIALS: a path to, or the JSON of, a service-account key
(optionally impersonating a Workspace user) or an OAuth authorized-user file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.auth.credentials import Credentials
from google.oauth2 import credentials as user_credentials
from google.oauth2 import service_account

SCOPES = [
    "https://www.googleapis.com/auth/calendar.events",
    "https://www.googleapis.com/auth/calendar.freebusy",
]


def load_credentials(value: str, impersonate: str | None = None) -> Credentials:
    info = _info(value)
    kind = info.get("type")
    if kind == "service_account":
        account = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
        return account.with_subject(impersonate) if impersonate else account
    if kind == "authorized_user":
        user: Credentials = user_credentials.Credentials.from_authorized_user_info(info, SCOPES)
        return user
    raise ValueError("GOOGLE_CREDENTIALS: expected a service_account or authorized_user key")


def _info(value: str) -> dict[str, Any]:
    text = value.strip()
    if not text.startswith("{"):
        text = Path(text).expanduser().read_text(encoding="utf-8")
    info: dict[str, Any] = json.loads(text)
    return info
