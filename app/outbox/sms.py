"""Texts through Twilio's official client (its API base URL from TWILIO_API_BASE_URL, so tests
point it at a stand-in). Without Twilio settings, what would be texted is logged instead (the
number masked)."""

from __future__ import annotations

import asyncio

import structlog
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from app.outbox.channels import RETRYABLE_STATUSES, Outcome
from app.settings import Settings

log = structlog.get_logger("frontdesk.outbox")


class Texter:
    def __init__(self, settings: Settings) -> None:
        self._from = settings.twilio_from_number
        self._client: Client | None = None
        if settings.twilio_account_sid and settings.twilio_auth_token and self._from:
            self._client = Client(settings.twilio_account_sid, settings.twilio_auth_token)
            self._client.api.base_url = settings.twilio_api_base_url.rstrip("/")

    async def send(self, to: str, body: str) -> Outcome:
        if self._client is None:
            log.info("outbox.would_text", to="•••" + to[-4:], characters=len(body))
            return Outcome(sent=True)
        client = self._client
        try:
            await asyncio.to_thread(client.messages.create, to=to, from_=self._from, body=body)
        except TwilioRestException as error:
            status = int(error.status)
            if status in RETRYABLE_STATUSES or status >= 500:
                return Outcome(sent=False, error=f"Twilio {status}")
            return Outcome(sent=False, final=True, error=f"Twilio {status}: {error.code}")
        except (TwilioException, OSError) as error:
            return Outcome(sent=False, error=type(error).__name__)
        return Outcome(sent=True)
