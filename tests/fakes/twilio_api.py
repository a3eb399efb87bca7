"""Twilio's Messages API on loopback (POST /2010-04-01/Accounts/{sid}/Messages.json, form
encoded, basic auth, as Twilio's documents describe): keeps every text, answers the statuses
it is told to (then 201 with a message resource)."""

from __future__ import annotations

import base64
import secrets
from dataclasses import dataclass, field
from typing import Any

from litestar import Litestar, Request, Response, post
from litestar.params import FromPath


@dataclass
class FakeTwilio:
    account_sid: str = "AC" + "0" * 32
    auth_token: str = "twilio_test_token"
    statuses: list[int] = field(default_factory=list)
    texts: list[dict[str, str]] = field(default_factory=list)
    refused_auth: int = 0

    def app(self) -> Litestar:
        fake = self

        @post("/2010-04-01/Accounts/{sid:str}/Messages.json", status_code=201)
        async def create(
            request: Request[Any, Any, Any], sid: FromPath[str]
        ) -> Response[dict[str, Any]]:
            expected = base64.b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
            if (
                sid != fake.account_sid
                or request.headers.get("authorization") != f"Basic {expected}"
            ):
                fake.refused_auth += 1
                return Response(
                    {"code": 20003, "message": "Authenticate", "status": 401}, status_code=401
                )
            status = fake.statuses.pop(0) if fake.statuses else 201
            if status != 201:
                return Response(
                    {"code": 20500, "message": "Internal", "status": status}, status_code=status
                )
            form = dict(await request.form())
            fake.texts.append({k: str(v) for k, v in form.items()})
            body = {
                "sid": "SM" + secrets.token_hex(16),
                "account_sid": sid,
                "to": form.get("To"),
                "from": form.get("From"),
                "body": form.get("Body"),
                "status": "queued",
                "num_segments": "1",
                "direction": "outbound-api",
                "api_version": "2010-04-01",
                "uri": f"/2010-04-01/Accounts/{sid}/Messages/x.json",
            }
            return Response(body, status_code=201)

        return Litestar([create])
