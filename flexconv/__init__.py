"""flexconv: a typed Python SDK for Twilio Flex Conversations, with a local Flex emulator.

``FlexConv`` is the sync client, ``AsyncFlexConv`` the async one; both have the same methods.
Names are loaded on first use, so ``import flexconv`` stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from flexconv._core.errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConfigurationError,
    ConflictError,
    FlexConvError,
    LockError,
    LockLostError,
    LockTimeoutError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from flexconv._version import __version__

if TYPE_CHECKING:
    from flexconv._async.client import AsyncFlexConv
    from flexconv._async.paging import AsyncPage, AsyncPager
    from flexconv._core.attachments import AttachmentConflictError
    from flexconv._core.channels import EnsureError
    from flexconv._core.config import ClientConfig, Secret
    from flexconv._core.interactions import (
        ChannelFailedError,
        ChannelWaitTimeoutError,
        ExistingConversationError,
    )
    from flexconv._core.results import APIResponse, FieldChange, ResponseInfo
    from flexconv._core.retry import RetryPolicy
    from flexconv._core.routing import InteractionTaskError, WorkerLookupError
    from flexconv._sync.client import FlexConv
    from flexconv._sync.paging import Page, Pager
    from flexconv._transport import Timeout
    from flexconv.models._base import response_of

_LAZY = {
    "FlexConv": "flexconv._sync.client",
    "AsyncFlexConv": "flexconv._async.client",
    "Pager": "flexconv._sync.paging",
    "Page": "flexconv._sync.paging",
    "AsyncPager": "flexconv._async.paging",
    "AsyncPage": "flexconv._async.paging",
    "Timeout": "flexconv._transport",
    "RetryPolicy": "flexconv._core.retry",
    "APIResponse": "flexconv._core.results",
    "ResponseInfo": "flexconv._core.results",
    "ClientConfig": "flexconv._core.config",
    "Secret": "flexconv._core.config",
    "response_of": "flexconv.models._base",
    "FieldChange": "flexconv._core.results",
    "AttachmentConflictError": "flexconv._core.attachments",
    "ChannelFailedError": "flexconv._core.interactions",
    "ChannelWaitTimeoutError": "flexconv._core.interactions",
    "EnsureError": "flexconv._core.channels",
    "ExistingConversationError": "flexconv._core.interactions",
    "InteractionTaskError": "flexconv._core.routing",
    "WorkerLookupError": "flexconv._core.routing",
}

__all__ = [
    "APIConnectionError",
    "APIResponse",
    "APIStatusError",
    "APITimeoutError",
    "AsyncFlexConv",
    "AsyncPage",
    "AsyncPager",
    "AttachmentConflictError",
    "AuthenticationError",
    "BadRequestError",
    "ChannelFailedError",
    "ChannelWaitTimeoutError",
    "ClientClosedError",
    "ClientConfig",
    "ConfigurationError",
    "ConflictError",
    "EnsureError",
    "ExistingConversationError",
    "FieldChange",
    "FlexConv",
    "FlexConvError",
    "InteractionTaskError",
    "LockError",
    "LockLostError",
    "LockTimeoutError",
    "NotFoundError",
    "Page",
    "Pager",
    "PermissionDeniedError",
    "RateLimitError",
    "ResponseInfo",
    "RetryPolicy",
    "Secret",
    "ServerError",
    "Timeout",
    "ValidationError",
    "WorkerLookupError",
    "__version__",
    "response_of",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flexconv' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
