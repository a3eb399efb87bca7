"""``python -m app.check_config`` (``make check-config``): validate BUSINESS_CONFIG (default: the
demo) and print the business as the server understands it, so a typo shows before a caller
finds it. Exits 2 with the one-line reason when the config is refused."""

from __future__ import annotations

import sys
from datetime import UTC, date, datetime
from pathlib import Path

from agent_tools import business_speech as say
from agent_tools.business import Business, Service
from agent_tools.errors import ConfigError
from agent_tools.phones import PhoneNumber, spoken
from app.business_config import configured_path
from app.config_schema import zone_warning
from app.tenants.config import load_tenants


def describe(business: Business) -> list[str]:
    """The business, line by line, in the words the agent would use."""
    contact = business.contact
    rules = business.rules
    phone = spoken(PhoneNumber(contact.phone), business.country) if contact.phone else "none"
    limit = f", at most {rules.max_per_day} a day" if rules.max_per_day else ""
    return [
        f"{business.name} (id {business.id}), time zone {business.timezone.key}, "
        f"phone numbers without + read as {business.country or 'nothing (set business.country)'}",
        f"Address: {contact.address or 'none'}; phone: {phone}; "
        f"website: {contact.website or 'none'}",
        f"Hours: {say.opening_hours(business)}",
        *(f"Closed: {_date(day)}" for day in sorted(business.closures)),
        *(
            f"Special hours: {_date(day)}, {say.day_hours(hours) or 'closed'}"
            for day, hours in sorted(business.special_hours.items())
        ),
        "Services:",
        *(f"  - {_service(s)}" for s in business.services),
        f"Booking: every {say.duration(rules.slot_interval)}, at least "
        f"{say.duration(rules.min_notice)} of notice, up to {rules.max_days_ahead} days "
        f"ahead{limit}",
        *_staff(business),
        f"FAQ: {len(business.faqs)} question(s)"
        + "".join(f"\n  - {f.question}" for f in business.faqs),
        f"Calendar: {business.calendar_id}",
    ]


def _staff(business: Business) -> list[str]:
    if not business.staff:
        return ["Staff: none (every booking goes to the business calendar)"]
    lines = ["Staff:"]
    for member in business.staff:
        does = (
            "every service"
            if member.services is None
            else say.join_and([s.name for s in business.services if member.does(s)])
        )
        line = f"  - {member.name} ({member.id}): {does}; calendar {member.calendar_id}"
        if member.weekly_hours is not None:
            line += f"; own hours: {say.week_hours(member.weekly_hours)}"
        if member.max_per_day is not None:
            line += f"; at most {member.max_per_day} a day"
        lines.append(line)
    lines.extend(
        f"Room: {room.name} x{room.count}, needed for "
        + say.join_and([s.name for s in business.services if room.needed_for(s)])
        for room in business.rooms
    )
    return lines


def _service(service: Service) -> str:
    text = f"{service.name}: {say.duration(service.duration)}"
    blocks = [
        f"{say.duration(length)} {side}"
        for length, side in ((service.buffer_before, "before"), (service.buffer_after, "after"))
        if length
    ]
    if blocks:
        text += f" (keeps {say.join_and(blocks)} free)"
    if service.price:
        text += f", {service.price}"
    if service.aliases:
        text += "; also called " + say.join_and([f'"{a}"' for a in service.aliases])
    return text


def _date(day: date) -> str:
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def check(path: Path, now: datetime) -> tuple[int, str]:
    """Exit code and output for the config at ``path``."""
    try:
        businesses = [tenant.business for tenant in load_tenants(path)]  # a file or a directory
    except ConfigError as exc:
        return 2, f"frontdesk: invalid business config: {exc}\n"
    lines = [f"{path}: OK"]
    for business in businesses:
        lines += describe(business)
        warning = zone_warning(business.timezone, now.year)
        if warning:
            lines.append(f"Warning: {warning}")
    return 0, "\n".join(lines) + "\n"


def main() -> int:
    code, text = check(configured_path(), datetime.now(UTC))
    (sys.stdout if code == 0 else sys.stderr).write(text)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
