"""A business's webhook receiver on loopback: answers the statuses it is told to (then 200),
keeps every delivery, and counts what it accepted once per Idempotency-Key, as a careful
receiver does."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request, Response, post


@dataclass
class WebhookReceiver:
    statuses: list[int] = field(default_factory=list)  # answered in order, then 200
    deliveries: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    accepted: dict[str, bytes] = field(default_factory=dict)

    def app(self) -> Litestar:
        receiver = self

        @post("/hooks", status_code=200)
        async def hook(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
            body = await request.body()
            headers = dict(request.headers)
            receiver.deliveries.append((headers, body))
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            if status == 200:
                receiver.accepted.setdefault(headers.get("idempotency-key", ""), body)
            extra = {"retry-after": "1"} if status == 429 else {}
            return Response({"status": str(status)}, status_code=status, headers=extra)

        return Litestar([hook])
