"""``POST /operator/reload`` (global ``OPERATOR_API_KEY`` only): re-read ``BUSINESS_CONFIG``,
as ``SIGHUP`` does. 200 with what changed; 422 with the reason when the new set is invalid
(the old one keeps serving)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar import Response, post

from agent_tools.errors import ConfigError
from app.guards import Frontdesk, global_operator_only

log = structlog.get_logger("frontdesk.tenants")


@post("/operator/reload", status_code=200, guards=[global_operator_only])
async def reload_businesses(frontdesk: Frontdesk) -> Response[dict[str, Any]]:
    try:
        outcome = await frontdesk.host.reload()
    except ConfigError as error:
        log.warning("tenants.reload_refused", reason=str(error))
        return Response({"status": "refused", "reason": str(error)}, status_code=422)
    return Response(
        {
            "status": "reloaded",
            "added": list(outcome.added),
            "removed": list(outcome.removed),
            "changed": list(outcome.changed),
            "serving": outcome.serving,
        }
    )
