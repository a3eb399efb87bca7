"""Google Calendar push notifications: empty POSTs authenticated by channel id and token."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, post
from litestar.status_codes import HTTP_200_OK

from app.google_channels import UnknownChannelError, WrongChannelTokenError
from app.state import AppState


@post("/google/notifications", status_code=HTTP_200_OK)
async def notification(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """200 when the channel and its token are ours (a sync follows); an unknown channel is
    404 and a wrong token 401, and nothing happens (and counts against the source's limit)."""
    state = AppState.of(request)
    channels = state.push_channels
    if channels is None:
        return Response({"error": "google_not_configured"}, status_code=404)
    headers = request.headers
    try:
        await channels.notified(
            headers.get("x-goog-channel-id", ""),
            headers.get("x-goog-channel-token", ""),
            headers.get("x-goog-resource-state", ""),
        )
    except UnknownChannelError:
        state.limiter.refuse(request)
        return Response({"status": "unknown_channel"}, status_code=404)
    except WrongChannelTokenError:
        state.limiter.refuse(request)
        return Response({"status": "wrong_token"}, status_code=401)
    state.limiter.admit(request)
    return Response({"status": "ok"}, status_code=200)
