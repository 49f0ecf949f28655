"""Reading list envelopes: the v1/v2 ``meta`` block and the 2010 API's ``next_page_uri``."""

from __future__ import annotations

import urllib.parse
from typing import Any

from flexconv._core.errors import APIStatusError, ValidationError

__all__ = ["check_page_size", "parse_page"]


def check_page_size(page_size: int | None, maximum: int | None, operation: str) -> int | None:
    """``page_size`` when it is a positive integer within the endpoint's maximum (or ``None``)."""
    if page_size is None:
        return None
    if not isinstance(page_size, int) or isinstance(page_size, bool) or page_size < 1:
        raise ValidationError(f"page_size must be a positive integer, got {page_size!r}")
    if maximum is not None and page_size > maximum:
        raise ValidationError(f"page_size {page_size} is above {operation}'s maximum of {maximum}")
    return page_size


def parse_page(data: Any, list_key: str, url: str) -> tuple[list[Any], str | None]:
    """The items and the next page's absolute URL (``None`` on the last page)."""
    if not isinstance(data, dict):
        raise APIStatusError(
            "A list response was not a JSON object", status=200, url=url, body=data
        )
    meta = data.get("meta")
    if isinstance(meta, dict):
        key = meta.get("key") or list_key
        next_url = meta.get("next_page_url") or None
    else:  # the 2010 API: no meta, a next_page_uri relative to the API's origin
        key = list_key
        uri = data.get("next_page_uri")
        next_url = _origin_of_2010(url) + uri if uri else None
    items = data.get(key)
    if items is None:
        items = data.get(list_key, [])
    if not isinstance(items, list):
        raise APIStatusError(
            f"List key {key!r} did not hold a list", status=200, url=url, body=data
        )
    return items, next_url


def _origin_of_2010(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    path = parts.path
    marker = path.find("/2010-04-01/")
    prefix = path[:marker] if marker > 0 else ""
    return f"{parts.scheme}://{parts.netloc}{prefix}"
