"""A memo (agent_tools.ports.Memo) under data that changes between every two searches: each
load is computed again, and the last one is at hand to build on (agent_tools/busy.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Any, TypeVar

T = TypeVar("T")


class EveryChangeMemo:
    def __init__(self) -> None:
        self.kept: dict[Hashable, Any] = {}

    async def recall(
        self,
        key: Hashable,
        compute: Callable[[], Awaitable[T]],
        holds: Callable[[T], bool] | None = None,
    ) -> T:
        answer = self.kept[key] = await compute()
        return answer

    def last(self, key: Hashable) -> object | None:
        return self.kept.get(key)
