"""Pagers: lazy iteration over items across pages."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
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
    """One page of results: ``items``, ``next_page_url`` (``None`` on the last) and ``response``."""

    def __init__(self, items: list[T], next_page_url: str | None, response: ResponseInfo) -> None:
        self.items = items
        self.next_page_url = next_page_url
        self._response = response

    @property
    def response(self) -> ResponseInfo:
        return self._response

    def __repr__(self) -> str:
        return f"Page({len(self.items)} items, next_page_url={self.next_page_url!r})"

    def _repr_html_(self) -> str:
        """Jupyter: a table of the page's first items."""
        from flexconv.models._base import items_table_html

        return items_table_html(self.items)


class AsyncPager(Generic[T]):
    """Iterates items lazily across pages, following ``next_page_url`` verbatim.

    Only one page is held in memory at a time.  ``limit`` caps the number of items; iterate
    [`pages()`][flexconv._async.paging.AsyncPager.pages] for page-by-page access; keep ``next_page_url`` to resume later with
    [`resume()`][flexconv._async.paging.AsyncPager.resume].
    """

    def __init__(
        self,
        client: AsyncFlexConv,
        first: RequestSpec,
        list_key: str,
        parse: Callable[[Any], T],
        *,
        limit: int | None = None,
    ) -> None:
        if limit is not None and (
            not isinstance(limit, int) or isinstance(limit, bool) or limit < 0
        ):
            raise ValidationError(f"limit must be a non-negative integer, got {limit!r}")
        self._client = client
        self._first = first
        self._list_key = list_key
        self._parse = parse
        self._limit = limit
        #: The URL of the page after the last one fetched; ``None`` once the list is exhausted.
        self.next_page_url: str | None = first.url

    def resume(self, next_page_url: str) -> AsyncPager[T]:
        """A pager that starts at a saved ``next_page_url`` (same list, same parsing)."""
        self._client._check_followable(next_page_url)
        pager = AsyncPager(
            self._client, self._first, self._list_key, self._parse, limit=self._limit
        )
        pager.next_page_url = next_page_url
        return pager

    async def _fetch(self, url: str) -> AsyncPage[T]:
        spec = follow_request(self._first, url)
        raw = await self._client._send(spec)
        data = parse_json(raw, spec)
        items, next_url = parse_page(data, self._list_key, url)
        if next_url is not None:
            self._client._check_followable(next_url)
        return AsyncPage([self._parse(i) for i in items], next_url, ResponseInfo.of(raw, spec))

    async def pages(self) -> AsyncIterator[AsyncPage[T]]:
        """Yield page after page until the last (``limit`` does not apply to pages)."""
        while self.next_page_url is not None:
            page = await self._fetch(self.next_page_url)
            self.next_page_url = page.next_page_url
            yield page

    async def first_page(self) -> AsyncPage[T]:
        """Fetch only the first page."""
        async for page in self.pages():
            return page
        raise ValidationError("This pager is exhausted")

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
        """Every item (up to ``limit``) in one list."""
        return [item async for item in self._items()]

    def __repr__(self) -> str:
        return f"Pager({self._first.operation}, limit={self._limit})"
