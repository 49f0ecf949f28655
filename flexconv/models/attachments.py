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

    #: Whether attachments are allowed on this channel.
    enabled: bool | None = None
    #: Most attachments one message may carry.
    number_of_attachments: int | None = None
    #: Largest single file, in bytes.
    max_file_size: int | None = None
    #: Largest total of one message's files, in bytes.
    max_total_file_size: int | None = None
    #: Accepted file extensions, lower case without a dot.
    accepted_extensions: list[str] | None = None


@attrs.define(frozen=True, kw_only=True)
class AttachmentsUpdate:
    """What an attachments change did (or, with ``dry_run=True``, would do).

    ``str(result)`` is the unified diff of the changed ``channel_configs`` entries.
    """

    #: The change as a diff: ``diff.text`` (unified-diff-like) and ``diff.changes`` (structured).
    diff: ConfigDiff
    #: Each changed channel's settings after the change, by address type.
    settings: dict[str, AttachmentSettings]
    #: The whole ``channel_configs`` array before the change (as read).
    before: list[Any]
    #: The whole ``channel_configs`` array after the change (as written, or as it would be).
    after: list[Any]
    #: True when nothing was written because of ``dry_run=True``.
    dry_run: bool = False
    #: True when a configuration update was sent (False for a dry run or when nothing changed).
    written: bool = False
    #: How many read-modify-write rounds it took (1 unless another writer interfered).
    attempts: int = 1

    @property
    def changed(self) -> bool:
        """Whether the change alters anything."""
        return bool(self.diff)

    def __str__(self) -> str:
        return str(self.diff)
