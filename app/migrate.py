"""``python -m app.migrate``: apply supabase/migrations to DATABASE_URL and exit (Fly's release
command; the app also applies them at start, so this only makes a deploy fail early)."""

from __future__ import annotations

import asyncio
import sys

import asyncpg

from app.db.migrations import apply_migrations
from app.db.phone_backfill import normalise_stored_phones
from app.settings import Settings
from app.tenants.config import load_tenants


async def main() -> int:
    settings = Settings.from_env()
    if not settings.database_url:
        sys.stderr.write("frontdesk: DATABASE_URL is not set; nothing to migrate\n")
        return 2
    connection = await asyncpg.connect(
        settings.database_url, statement_cache_size=100 if settings.statement_cache else 0
    )
    try:
        applied = await apply_migrations(connection, settings.migrations_dir)
        for tenant in load_tenants(settings.business_config):  # one file or a directory
            business = tenant.business
            await normalise_stored_phones(connection, business.id, business.country)
    finally:
        await connection.close()
    sys.stdout.write(f"applied {len(applied)} migration(s): {', '.join(applied) or 'none'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(main()))
