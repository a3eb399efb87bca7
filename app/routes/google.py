"""Google Calendar push notifications: empty POSTs authenticated by channel id and token."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Request, Response, post
from litestar.status_codes import HTTP_200_OK

from app.db.calendar_mirror import channel_business
from app.google_channels import PushChannels, UnknownChannelError, WrongChannelTokenError
from app.state import AppState


@post("/google/notifications", status_code=HTTP_200_OK)
async def notification(request: Request[Any, Any, Any]) -> Response[dict[str, str]]:
    """200 when the channel and its token are ours (a sync follows); an unknown channel is
    404 and a wrong token 401, and nothing happens (and counts against the source's limit).
    The channel names the business whose calendar changed."""
    state = AppState.of(request)
    if state.pool is None or not any(t.push_channels for t in state.tenants):
        return Response({"error": "google_not_configured"}, status_code=404)
    headers = request.headers
    channels = await _channels_of(state, headers.get("x-goog-channel-id", ""))
    if channels is None:
        state.limiter.refuse(request)
        return Response({"status": "unknown_channel"}, status_code=404)
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


async def _channels_of(state: AppState, channel_id: str) -> PushChannels | None:
    if state.pool is None or not channel_id or len(channel_id) > 200 or "\x00" in channel_id:
        return None
    business_id = await channel_business(state.pool, channel_id)
    tenant = state.tenants.get(business_id) if business_id else None
    if tenant is None:
        return None
    structlog.contextvars.bind_contextvars(business=tenant.id)
    return tenant.push_channels
