"""The base of every resource group: the client handle, a readable repr and optional pacing."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from flexconv._core.operation import Operation
from flexconv._ratelimit import AsyncRateLimiter

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv._async.paging import AsyncPager
    from flexconv._core.results import APIResponse

__all__ = ["AsyncResource"]

T = TypeVar("T")

#: Stands in for a workspace still to be looked up, so that every other argument of a list is
#: checked when the pager is made; it is replaced before anything is sent.
_CHECK_ONLY_WS = "WS" + "0" * 32
R = TypeVar("R", bound="AsyncResource")


class AsyncResource:
    """A group of operations on one kind of resource (``client.routing.tasks``, ...).

    Every request the group sends, list pages included, first waits for the group's rate
    limiter when it has one (see `paced`).  Sub-groups share their parent's limiter.
    """

    #: The dotted path of the group on the client (``"routing.tasks"``), for the repr.
    _path = ""

    def __init__(self, client: AsyncFlexConv, *, limiter: AsyncRateLimiter | None = None) -> None:
        self._client = client
        self._limiter = limiter

    @property
    def client(self) -> AsyncFlexConv:
        """The client this group sends its requests through."""
        return self._client

    def paced(self: R, rate: float = 20) -> R:
        """This group (and its sub-groups), keeping each endpoint under ``rate`` requests per
        second: single calls and every page of a list wait their turn.

        The Interactions API allows 20 requests per second per endpoint; use a paced group for
        bulk work.  429s are retried by the client either way.
        """
        return type(self)(self._client, limiter=AsyncRateLimiter(rate))

    def _group(self, cls: type[R]) -> R:
        """A sub-group sharing this group's client and limiter."""
        return cls(self._client, limiter=self._limiter)

    async def _pace(self, op: Operation) -> None:
        if self._limiter is not None:
            await self._limiter.acquire(op.name)

    async def _workspace(self, workspace_sid: str | None) -> str:
        return await self._client._workspace_sid(workspace_sid)

    def _workspace_list(
        self,
        op: Operation,
        parse: Callable[[Any], T] | type[T],
        workspace_sid: str | None,
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[T]:
        """A pager over a list inside a TaskRouter workspace; when the workspace is not known
        yet (no ``workspace_sid=``, nothing cached), it is looked up before the first page."""
        client = self._client
        known = client._known_workspace(workspace_sid)
        params = dict(path_params or {})

        async def workspace() -> dict[str, str]:
            return {"WorkspaceSid": known or await client._workspace_sid(None)}

        return self._list(
            op,
            parse,
            path_params={**params, "WorkspaceSid": known or _CHECK_ONLY_WS},
            values=values,
            limit=limit,
            page_size=page_size,
            resolve=None if known else workspace,
        )

    async def _call(
        self,
        op: Operation,
        parse: Callable[[Any], T] | type[T],
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
    ) -> T:
        if self._limiter is not None:  # inline: most groups are not paced
            await self._limiter.acquire(op.name)
        return await self._client._call(
            op, parse, path_params=path_params, values=values, json_body=json_body, headers=headers
        )

    async def _call_raw(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
    ) -> APIResponse:
        if self._limiter is not None:
            await self._limiter.acquire(op.name)
        return await self._client._call_raw(op, path_params=path_params, values=values)

    def _list(
        self,
        op: Operation,
        parse: Callable[[Any], T] | type[T],
        *,
        path_params: Mapping[str, str] | None = None,
        values: Mapping[str, Any] | None = None,
        limit: int | None = None,
        page_size: int | None = None,
        resolve: Callable[[], Any] | None = None,
    ) -> AsyncPager[T]:
        limiter = self._limiter

        async def pace() -> None:
            if limiter is not None:
                await limiter.acquire(op.name)

        return self._client._list(
            op,
            parse,
            path_params=path_params,
            values=values,
            limit=limit,
            page_size=page_size,
            pace=pace if limiter is not None else None,
            resolve=resolve,
        )

    def __repr__(self) -> str:
        paced = "" if self._limiter is None else f", paced={self._limiter.rate:g}/s"
        return f"<{type(self).__name__} client.{self._path} of {self._client!r}{paced}>"
