"""The appointment store with scripted answers: the real store (Postgres), except that a test
can say what the next calls of a SQL function answer, or that they fail. This is how the
recovery branches run that the real database only reaches under unlucky timing."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg

from app.db.appointments import PostgresAppointmentStore

Answer = Any  # a value to return, an exception to raise, or an async callable of the args


class ScriptedStore(PostgresAppointmentStore):
    def __init__(self, pool: asyncpg.Pool) -> None:
        super().__init__(pool)
        self._script: defaultdict[str, deque[Answer]] = defaultdict(deque)
        self.calls: list[str] = []

    def then(self, function: str, answer: Answer) -> None:
        """The next call of SQL function ``function`` (e.g. ``fd_confirm``) answers this."""
        self._script[function].append(answer)

    async def _value(self, sql: str, *args: Any) -> Any:
        function = sql.removeprefix("select ").split("(", 1)[0]
        self.calls.append(function)
        if not self._script[function]:
            return await super()._value(sql, *args)
        answer = self._script[function].popleft()
        if isinstance(answer, BaseException):
            raise answer
        if callable(answer):
            scripted: Callable[..., Awaitable[Any]] = answer
            return await scripted(*args)
        return answer
