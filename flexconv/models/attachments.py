"""Attachment settings per channel (``channel_configs[].cbm_attachments`` of the Flex Configuration)."""

from __future__ import annotations

from typing import Any

import attrs

from flexconv._core.attachments import (
    AttachmentChange,
    AttachmentConflictError,
    ConfigDiff,
    FieldChange,
)
from flexconv.models._base import Model

__all__ = [
    "AttachmentChange",
    "AttachmentConflictError",
    "AttachmentSettings",
    "AttachmentsUpdate",
    "ConfigDiff",
    "FieldChange",
]


@attrs.define(frozen=True, kw_only=True, repr=False)
class AttachmentSettings(Model):
    """One channel's ``cbm_attachments``: whether customers may send files, and which.

    Sizes are in bytes.  Keys Twilio adds later are kept in ``extra`` and written back untouched.
    """

    _repr_fields = (
        "enabled",
        "number_of_attachments",
        "max_file_size",
        "max_total_file_size",
        "accepted_extensions",
    )

    enabled: bool | None = None
    """Whether customers may send attachments on this channel."""
    number_of_attachments: int | None = None
    """Most files one message may carry."""
    max_file_size: int | None = None
    """Largest single file accepted, in bytes."""
    max_total_file_size: int | None = None
    """Largest combined size of one message's files, in bytes."""
    accepted_extensions: list[str] | None = None
    """File extensions customers may send, lower case and without the dot."""


@attrs.define(frozen=True, kw_only=True)
class AttachmentsUpdate:
    """What an attachments change did (or, with ``dry_run=True``, would do).

    ``str(result)`` is the unified diff of the changed ``channel_configs`` entries.
    """

    diff: ConfigDiff
    """The change as a diff: `diff.text` (readable, unified-diff-like) and `diff.changes`
    (structured).
    """
    settings: dict[str, AttachmentSettings]
    """Each changed channel's settings after the change, keyed by address type."""
    before: list[Any]
    """The whole `channel_configs` array as read before the change."""
    after: list[Any]
    """The whole `channel_configs` array as written (or, for a dry run, as it would be)."""
    dry_run: bool = False
    """True when nothing was written because `dry_run=True` was passed."""
    written: bool = False
    """True when a configuration update was sent (false for a dry run or a no-op)."""
    attempts: int = 1
    """Read-modify-write rounds it took; more than 1 when another writer interfered."""

    @property
    def changed(self) -> bool:
        """Whether the change alters anything."""
        return bool(self.diff)

    def __str__(self) -> str:
        return str(self.diff)
