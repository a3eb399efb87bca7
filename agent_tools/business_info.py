"""business_info: what a caller may ask besides booking (when are you open, where are you,
how much is a cleaning, is there parking), answered from the business's config in a sentence
or two. Never invented: what the config does not say, the agent offers to pass on."""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from agent_tools import business_speech as say
from agent_tools.arguments import FreeText
from agent_tools.business import Business, Faq, Service, loose
from agent_tools.phones import PhoneNumber, spoken
from agent_tools.ports import CallContext, Deps

Topic = Literal[
    "overview",
    "hours",
    "address",
    "phone",
    "website",
    "services",
    "prices",
    "service",
    "faq",
    "unknown",
]


class BusinessInfoArgs(BaseModel):
    """Answer a question about the business: opening hours, address, phone number, website,
    services and prices, or anything in its FAQ (parking, insurance...)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    topic: FreeText | None = Field(
        default=None,
        max_length=200,
        description="The caller's question or its topic, in their words ('when are you open', "
        "'where are you', 'how much is a cleaning', 'parking'). Leave out for an overview.",
    )


class BusinessInfoReply(BaseModel):
    ok: bool = True
    message: str
    topic: Topic


async def business_info(args: BusinessInfoArgs, call: CallContext, deps: Deps) -> BusinessInfoReply:
    business = deps.business
    today = deps.clock().astimezone(business.timezone).date()
    topic, message = answer(business, args.topic, today)
    return BusinessInfoReply(message=message, topic=topic)


_KEYWORDS: tuple[tuple[Topic, frozenset[str]], ...] = (
    ("prices", frozenset({"price", "prices", "cost", "costs", "much", "charge", "fee", "fees"})),
    ("hours", frozenset({"hour", "open", "opening", "close", "closing", "closed", "when"})),
    ("address", frozenset({"where", "address", "located", "location", "direction", "find"})),
    ("phone", frozenset({"phone", "number", "call", "ring"})),
    ("website", frozenset({"website", "web", "site", "online", "internet", "url"})),
    ("services", frozenset({"service", "offer", "treatment", "provide"})),
)
# Words that say nothing about the topic ("is there parking" is about parking).
_FILLER_WORDS = (
    "a an and any are can could did do does for have how i in is it me my of on or our please "
    "tell that the there to us we what when where which with you your"
)
_FILLER = frozenset(_FILLER_WORDS.split())


def answer(business: Business, question: str | None, today: date) -> tuple[Topic, str]:
    """The topic the question is about, and what to say (pure)."""
    if not question:
        return "overview", _overview(business, today)
    said = f" {loose(question)} "
    service = next((s for s in business.services if _names(s, said)), None)
    if service is not None:
        return "service", _service(service)
    faq = _faq(business.faqs, said)
    if faq is not None:
        return "faq", faq.answer
    words = set(said.split())
    for topic, keywords in _KEYWORDS:
        if words & {loose(k) for k in keywords}:
            return topic, _about(business, topic, today)
    return "unknown", (
        "I'm sorry, I don't have that information. I can pass a message to the team, "
        "or help you with an appointment."
    )


def _about(business: Business, topic: Topic, today: date) -> str:
    contact = business.contact
    if topic == "hours":
        return say.opening_hours(business, today)
    if topic == "address":
        return f"We're at {contact.address}." if contact.address else _unknown("our address")
    if topic == "phone":
        if contact.phone is None:
            return _unknown("another number")
        return f"Our number is {spoken(PhoneNumber(contact.phone), business.country)}."
    if topic == "website":
        return f"Our website is {contact.website}." if contact.website else _unknown("a website")
    if topic == "prices":
        priced = [f"{s.name} is {s.price}" for s in business.services if s.price]
        return f"{say.join_and(priced)}." if priced else _unknown("prices")
    return f"We offer {say.services(business)}."


def _overview(business: Business, today: date) -> str:
    where = f" We're at {business.contact.address}." if business.contact.address else ""
    return f"This is {business.name}.{where} {say.opening_hours(business, today)}"


def _service(service: Service) -> str:
    cost = f"costs {service.price} and " if service.price else ""
    text = f"{service.name} {cost}takes about {say.duration(service.duration)}."
    return f"{text} {service.description}" if service.description else text


def _names(service: Service, said: str) -> bool:
    return any(f" {loose(name)} " in said for name in (service.name, *service.aliases))


def _faq(faqs: tuple[Faq, ...], said: str) -> Faq | None:
    """The FAQ sharing the most meaningful words with the question (a shared stem counts:
    "park" finds "parking"); None when none shares any."""
    asked = _stems(said)
    best = max(faqs, key=lambda f: len(asked & _stems(loose(f.question))), default=None)
    if best is None or not asked & _stems(loose(best.question)):
        return None
    return best


def _stems(text: str) -> set[str]:
    return {w[:4] for w in re.findall(r"[a-z0-9]+", text) if w not in _FILLER and len(w) > 2}


def _unknown(what: str) -> str:
    return f"I'm sorry, I don't have {what} here. I can pass a message to the team."
