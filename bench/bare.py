"""A bare Litestar JSON endpoint: the floor the load test compares the app against."""

from __future__ import annotations

from litestar import Litestar, post


@post("/retell/functions", status_code=200)
async def answer() -> dict[str, object]:
    return {"ok": True, "message": "Hello."}


app = Litestar([answer])
