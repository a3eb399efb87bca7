"""Emails through SMTP (``SMTP_URL``: ``smtp://user:pass@host:port``, STARTTLS when the server
offers it; ``smtps://`` for TLS from the start), from ``EMAIL_FROM``. Confirmations carry a
calendar file built with the ``icalendar`` library: METHOD:REQUEST for a booking or a move (the
same UID, a higher SEQUENCE), METHOD:CANCEL for a cancellation. Without SMTP settings, what
would be emailed is logged."""

from __future__ import annotations

import asyncio
import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import structlog
from icalendar import Calendar, Event

from agent_tools.business import Business
from app.outbox.channels import Outcome

log = structlog.get_logger("frontdesk.outbox")


def calendar_file(kind: str, data: dict[str, Any], business: Business, sender: str) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//Frontdesk//Appointments//EN")
    calendar.add("version", "2.0")
    cancelled = kind == "appointment.cancelled"
    calendar.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", f"{data['appointment_id']}@frontdesk")
    event.add("sequence", int(data.get("sequence") or 0))
    event.add("dtstamp", datetime.now(UTC))
    event.add("dtstart", datetime.fromisoformat(data["starts_at"]).astimezone(UTC))
    event.add("dtend", datetime.fromisoformat(data["ends_at"]).astimezone(UTC))
    event.add("summary", f"{data['service']} at {business.name}")
    if business.contact.address:
        event.add("location", business.contact.address)
    event.add("organizer", f"mailto:{sender}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    calendar.add_component(event)
    return bytes(calendar.to_ical())


class Mailer:
    def __init__(self, smtp_url: str | None, sender: str | None) -> None:
        self._url = urlsplit(smtp_url) if smtp_url else None
        self.sender = sender or "frontdesk@localhost"

    async def send(
        self, to: str, subject: str, text: str, ics: bytes | None = None, method: str = "REQUEST"
    ) -> Outcome:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, to, subject
        message.set_content(text)
        if ics is not None:
            message.add_attachment(
                ics,
                maintype="text",
                subtype="calendar",
                filename="appointment.ics",
                params={"method": method},
            )
        if self._url is None:
            log.info("outbox.would_email", subject=subject, attachment=ics is not None)
            return Outcome(sent=True)
        try:
            await asyncio.to_thread(self._deliver, message)
        except smtplib.SMTPResponseException as error:
            if 400 <= error.smtp_code < 500:
                return Outcome(sent=False, error=f"SMTP {error.smtp_code}")
            return Outcome(sent=False, final=True, error=f"SMTP {error.smtp_code}")
        except (smtplib.SMTPException, OSError) as error:
            return Outcome(sent=False, error=type(error).__name__)
        return Outcome(sent=True)

    def _deliver(self, message: EmailMessage) -> None:
        url = self._url
        if url is None:  # send() logs instead; never reached
            raise smtplib.SMTPException("no SMTP_URL")
        port = url.port or (465 if url.scheme == "smtps" else 25)
        connect = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        with connect(url.hostname or "localhost", port, timeout=10) as smtp:
            if url.scheme == "smtp":
                smtp.ehlo()
                if smtp.has_extn("starttls"):
                    smtp.starttls()
                    smtp.ehlo()
            if url.username:
                smtp.login(unquote(url.username), unquote(url.password or ""))
            smtp.send_message(message)
