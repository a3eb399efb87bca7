"""Google Calendar push notifications: empty POSTs authenticated by channel id and token."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.status_codes import HTTP_200_OK

from app.state import AppState


@post("/google/notifications", status_code=HTTP_200_OK)
async def notification(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    state = AppState.of(request)
    sync = state.google_sync
    if sync is None:
        return Response({"error": "google_not_configured"}, status_code=404)
    headers = request.headers
    status = await sync.notified(
        headers.get("x-goog-channel-id", ""),
        headers.get("x-goog-channel-token", ""),
        headers.get("x-goog-resource-state", ""),
    )
    if status == 200:
        state.limiter.admit(request)
    else:
        state.limiter.refuse(request)
    body = {200: "ok", 401: "wrong_token", 404: "unknown_channel"}[status]
    return Response({"status": body}, status_code=status)
