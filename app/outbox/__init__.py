"""Everything sent outside Postgres (webhooks now; texts and emails next) goes through the
outbox: a row written with the change that causes it, delivered by any instance, retried until
done (docs/messages.md)."""
