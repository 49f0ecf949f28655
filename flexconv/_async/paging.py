"""Pagers: lazy iteration over items across pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from collections.abc import Iterator as ItemIterator
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from flexconv._core.errors import ValidationError
from flexconv._core.operation import RequestSpec, follow_request
from flexconv._core.paging import parse_page
from flexconv._core.response import parse_json
from flexconv._core.results import ResponseInfo

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv

T = TypeVar("T")

__all__ = ["AsyncPage", "AsyncPager"]


class AsyncPage(Generic[T]):
    """One page of results: ``items``, ``next_page_url`` (``None`` on the last) and ``response``.

    Iterating a page (``for item in page``) goes over its items; ``len(page)`` counts them.
    """

    def __init__(self, items: list[T], next_page_url: str | None, response: ResponseInfo) -> None:
        self.items = items
        self.next_page_url = next_page_url
        self._response = response

    @property
    def response(self) -> ResponseInfo:
        """The HTTP exchange this page came from (status, headers, request id)."""
        return self._response

    def __iter__(self) -> ItemIterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __repr__(self) -> str:
        return f"Page({len(self.items)} items, next_page_url={self.next_page_url!r})"

    def _repr_html_(self) -> str:
        """Jupyter: a table of the page's first items."""
        from flexconv.models._base import items_table_html

        return items_table_html(self.items)


class AsyncPager(Generic[T]):
    """Iterates items lazily across pages, following ``next_page_url`` verbatim.

    Each iteration (``async for``, `to_list`, `pages`) starts again from the first page, so a
    pager can be iterated as often as you like; a pager made by `resume` starts each time from
    the URL it was given.  Only one page is held in memory at a time.  ``limit`` caps the items
    of each iteration.  `next_page_url` is where the latest iteration stopped: keep it to
    continue later with `resume`.
    """

    def __init__(
        self,
        client: AsyncFlexConv,
        first: Any,
        list_key: str,
        parse: Callable[[Any], T],
        *,
        limit: int | None = None,
        pace: Callable[[], Any] | None = None,
        name: str | None = None,
        start_url: str | None = None,
    ) -> None:
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise ValidationError(f"limit must be a non-negative integer, got {limit!r}")
        self._client = client
        # the first request, or an async callable building it (a value looked up first)
        self._first: Any = first
        self._list_key = list_key
        self._parse = parse
        self._limit = limit
        self._pace = pace
        self._name = name or (first.operation if isinstance(first, RequestSpec) else "list")
        self._start_url = start_url
        #: The URL of the page after the last one fetched by the latest iteration; ``None`` once
        #: an iteration reached the last page.
        self.next_page_url: str | None = start_url or (
            first.url if isinstance(first, RequestSpec) else None
        )

    def resume(self, next_page_url: str) -> AsyncPager[T]:
        """A pager that starts (every time it is iterated) at a saved ``next_page_url``."""
        self._client._check_followable(next_page_url)
        return AsyncPager(
            self._client,
            self._first,
            self._list_key,
            self._parse,
            limit=self._limit,
            pace=self._pace,
            name=self._name,
            start_url=next_page_url,
        )

    async def _first_spec(self) -> RequestSpec:
        if not isinstance(self._first, RequestSpec):
            self._first = await self._first()
            if self.next_page_url is None and self._start_url is None:
                self.next_page_url = self._first.url
        spec: RequestSpec = self._first
        return spec

    async def _fetch(self, url: str) -> AsyncPage[T]:
        spec = follow_request(await self._first_spec(), url)
        if self._pace is not None:
            await self._pace()
        raw = await self._client._send(spec)
        data = parse_json(raw, spec)
        items, next_url = parse_page(data, self._list_key, url)
        if next_url is not None:
            self._client._check_followable(next_url)
        return AsyncPage([self._parse(i) for i in items], next_url, ResponseInfo.of(raw, spec))

    async def pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Yield page after page, from the first, until the last (``limit`` does not apply)."""
        url: str | None = self._start_url or (await self._first_spec()).url
        while url is not None:
            page = await self._fetch(url)
            url = self.next_page_url = page.next_page_url
            yield page

    async def first_page(self) -> AsyncPage[T]:
        """Fetch only the first page."""
        async for page in self.pages():
            return page
        raise ValidationError("This pager has no page")  # pragma: no cover - pages() yields

    async def _items(self) -> AsyncIterator[T]:
        remaining = self._limit
        if remaining == 0:
            return
        async for page in self.pages():
            for item in page.items:
                yield item
                if remaining is not None:
                    remaining -= 1
                    if remaining == 0:
                        return

    def __aiter__(self) -> AsyncIterator[T]:
        return self._items()

    async def to_list(self) -> list[T]:
        """Every item (up to ``limit``) in one list, read from the first page."""
        return [item async for item in self._items()]

    def __repr__(self) -> str:
        return f"Pager({self._name}, limit={self._limit})"
