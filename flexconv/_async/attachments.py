"""``client.attachments``: per-channel attachment settings, changed without losing anything.

The settings live in the Flex Configuration's ``channel_configs`` array, which Twilio replaces
wholesale on every update.  Each change here is a read-modify-write of the whole array: only the
named settings of the named channels change; every other entry, every unknown key and the order
survive.  Flex Configuration has no ETag, so the array is read again just before writing (and
the change re-applied if another writer moved it) and read back after writing to check the
change holds.  Writes to one account are serialised within the process; pass ``lock=`` (a Redis
lock from `flexconv.locks`) to serialise them across processes and machines too.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flexconv._async._base import AsyncResource
from flexconv._concurrency import async_account_lock
from flexconv._core.attachments import (
    LIMITS,
    AttachmentChange,
    AttachmentConflictError,
    ChannelLimits,
    apply_changes,
    change_holds,
    check_change,
    check_changes,
    check_merged,
    compare_after_write,
    diff_channel_configs,
    normalize_address_type,
)
from flexconv._core.errors import ValidationError
from flexconv.models.attachments import AttachmentSettings, AttachmentsUpdate

if TYPE_CHECKING:
    from flexconv.locks import AsyncLease, AsyncLock
    from flexconv.models.configuration import FlexConfiguration

__all__ = ["AsyncAttachments"]

#: The Flex API's origin: the key of the in-process write lock when there is no base_url.
_FLEX_ORIGIN = "https://flex-api.twilio.com"


def _configs(config: FlexConfiguration) -> list[Any]:
    value = config.channel_configs
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(
            f"The Flex Configuration's channel_configs is a {type(value).__name__}, not an array: "
            "refusing to rewrite it"
        )
    return value


def _settings_of(entry: Any) -> AttachmentSettings:
    raw = entry.get("cbm_attachments") if isinstance(entry, Mapping) else None
    return AttachmentSettings.from_dict(raw if isinstance(raw, Mapping) else {})


def _by_type(configs: Iterable[Any]) -> dict[str, AttachmentSettings]:
    out: dict[str, AttachmentSettings] = {}
    for entry in configs:
        kind = entry.get("address_type") if isinstance(entry, Mapping) else None
        if isinstance(kind, str) and kind not in out:
            out[kind] = _settings_of(entry)
    return out


class AsyncAttachments(AsyncResource):
    """Attachment settings of every Flex Conversations channel (``web``, ``sms``, ``whatsapp`` ...).

    Every change is validated against Twilio's per-channel limits before anything is sent, and
    written as a lossless read-modify-write of the whole ``channel_configs`` array.
    """

    _path = "attachments"

    # ------------------------------------------------------------------------------ reading

    async def fetch_all(self) -> dict[str, AttachmentSettings]:
        """The attachment settings of every channel that has a ``channel_configs`` entry.

        One read of the Flex Configuration (not a paged API list, hence not ``list``).

        Returns:
            Address type -> settings, in the configuration's order.  Unknown keys of each
            ``cbm_attachments`` are kept in the settings' ``extra``.
        """
        config = await self._client.configuration.fetch()
        return _by_type(_configs(config))

    async def fetch(
        self, address_type: str, *, allow_unknown_channel: bool = False
    ) -> AttachmentSettings | None:
        """One channel's attachment settings, or ``None`` when it has no entry yet.

        Args:
            address_type: ``web``, ``sms``, ``whatsapp``, ``email``, ``messenger`` or ``gbm``.
            allow_unknown_channel: accept an address type flexconv has no limits for.

        Raises:
            ValidationError: an unknown address type (the message lists the known ones).
        """
        kind = normalize_address_type(address_type, allow_unknown_channel=allow_unknown_channel)
        settings = await self.fetch_all()
        return settings.get(kind)

    def describe_limits(self, address_type: str) -> ChannelLimits:
        """Twilio's limits for a channel (no request is sent).

        Raises:
            ValidationError: an unknown address type (the message lists the known ones).
        """
        return LIMITS[normalize_address_type(address_type)]

    # ------------------------------------------------------------------------------ writing

    async def update(
        self,
        address_type: str,
        *,
        enabled: bool | None = None,
        number_of_attachments: int | None = None,
        max_file_size: int | str | None = None,
        max_total_file_size: int | str | None = None,
        accepted_extensions: Iterable[str] | str | None = None,
        dry_run: bool = False,
        allow_unknown_channel: bool = False,
        max_attempts: int = 3,
        lock: AsyncLock | None = None,
    ) -> AttachmentsUpdate:
        """Change the named settings of one channel; every other setting and channel is kept.

        Sizes are bytes or strings such as ``"16MB"`` (binary multiples); extensions are
        normalised (``".JPG"`` -> ``"jpg"``).  A channel without an entry gets one built from
        Twilio's defaults for it, with these settings applied.

        Args:
            address_type: the channel: ``web``, ``sms``, ``whatsapp``, ``email``, ``messenger``
                or ``gbm``.
            enabled: allow or refuse attachments.
            number_of_attachments: most attachments per message (within the channel's limit).
            max_file_size: largest single file (within the channel's limit).
            max_total_file_size: largest total per message (within the channel's limit, and at
                least ``max_file_size``).
            accepted_extensions: extensions to accept (each one the channel supports).
            dry_run: compute and return the change without writing it.
            allow_unknown_channel: change an address type flexconv has no limits for.
            max_attempts: read-modify-write rounds allowed when another writer interferes.
            lock: a lock shared with other processes or machines (`flexconv.locks.RedisLock`
                for `FlexConv`, `flexconv.locks.AsyncRedisLock` for `AsyncFlexConv`), held
                from the first read to the read-back.
                Within one process, writes to one account are always serialised.

        Returns:
            The change: ``result.diff`` (``.text`` and ``.changes``), the new settings, and
            whether it was written.

        Raises:
            ValidationError: a value breaks the channel's limits, or nothing was named; raised
                before anything is sent.
            AttachmentConflictError: another writer kept changing ``channel_configs`` for every
                attempt.
        """
        change = {
            "enabled": enabled,
            "number_of_attachments": number_of_attachments,
            "max_file_size": max_file_size,
            "max_total_file_size": max_total_file_size,
            "accepted_extensions": accepted_extensions,
        }
        kind, checked = check_change(
            address_type, change, allow_unknown_channel=allow_unknown_channel
        )
        return await self._apply(
            {kind: checked}, dry_run=dry_run, max_attempts=max_attempts, lock=lock
        )

    async def enable(
        self,
        address_type: str,
        *,
        number_of_attachments: int | None = None,
        max_file_size: int | str | None = None,
        max_total_file_size: int | str | None = None,
        accepted_extensions: Iterable[str] | str | None = None,
        dry_run: bool = False,
        allow_unknown_channel: bool = False,
        max_attempts: int = 3,
        lock: AsyncLock | None = None,
    ) -> AttachmentsUpdate:
        """Allow attachments on a channel, optionally changing its other settings too.

        Takes the same arguments as [`update()`][flexconv._async.attachments.AsyncAttachments.update] (``enabled`` is implied).
        """
        return await self.update(
            address_type,
            enabled=True,
            number_of_attachments=number_of_attachments,
            max_file_size=max_file_size,
            max_total_file_size=max_total_file_size,
            accepted_extensions=accepted_extensions,
            dry_run=dry_run,
            allow_unknown_channel=allow_unknown_channel,
            max_attempts=max_attempts,
            lock=lock,
        )

    async def disable(
        self,
        address_type: str,
        *,
        dry_run: bool = False,
        allow_unknown_channel: bool = False,
        max_attempts: int = 3,
        lock: AsyncLock | None = None,
    ) -> AttachmentsUpdate:
        """Refuse attachments on a channel; its other settings and every other channel are kept."""
        return await self.update(
            address_type,
            enabled=False,
            dry_run=dry_run,
            allow_unknown_channel=allow_unknown_channel,
            max_attempts=max_attempts,
            lock=lock,
        )

    async def update_many(
        self,
        changes: Mapping[str, AttachmentChange | Mapping[str, Any]],
        *,
        dry_run: bool = False,
        allow_unknown_channel: bool = False,
        max_attempts: int = 3,
        lock: AsyncLock | None = None,
    ) -> AttachmentsUpdate:
        """Change several channels in one write.

        Args:
            changes: address type -> settings to change, as a mapping
                (``{"web": {"enabled": False}, "sms": {"max_file_size": "1MB"}}``) or an
                [`AttachmentChange`][flexconv.models.attachments.AttachmentChange].
            dry_run: compute and return the change without writing it.
            allow_unknown_channel: accept address types flexconv has no limits for.
            max_attempts: read-modify-write rounds allowed when another writer interferes.
            lock: a lock shared with other processes (see `update`).

        Raises:
            ValidationError: any change breaks its channel's limits (nothing is sent).
            AttachmentConflictError: another writer kept changing ``channel_configs``.
        """
        checked = check_changes(changes, allow_unknown_channel=allow_unknown_channel)
        return await self._apply(checked, dry_run=dry_run, max_attempts=max_attempts, lock=lock)

    # ------------------------------------------------------------------------------ internals

    async def _read(self) -> builtins.list[Any]:
        return _configs(await self._client.configuration.fetch())

    async def _apply(
        self,
        changes: dict[str, AttachmentChange],
        *,
        dry_run: bool,
        max_attempts: int,
        lock: AsyncLock | None,
    ) -> AttachmentsUpdate:
        if isinstance(max_attempts, bool) or not isinstance(max_attempts, int) or max_attempts < 1:
            raise ValidationError(
                f"max_attempts must be an int of at least 1, got {max_attempts!r}"
            )
        if lock is not None and not callable(getattr(lock, "hold", None)):
            raise TypeError(
                "lock must have hold(key), such as flexconv.locks.RedisLock, got "
                f"{type(lock).__name__}"
            )
        if dry_run:
            return await self._merge(changes, dry_run=True, max_attempts=max_attempts, lease=None)
        config = self._client.config
        # one writer per account at a time in this process, whichever client it uses
        async with async_account_lock((config.base_url or _FLEX_ORIGIN, config.account_sid)):
            if lock is None:
                return await self._merge(
                    changes, dry_run=False, max_attempts=max_attempts, lease=None
                )
            async with lock.hold(f"attachments:{config.account_sid}") as lease:
                return await self._merge(
                    changes, dry_run=False, max_attempts=max_attempts, lease=lease
                )

    async def _merge(
        self,
        changes: dict[str, AttachmentChange],
        *,
        dry_run: bool,
        max_attempts: int,
        lease: AsyncLease | None,
    ) -> AttachmentsUpdate:
        base = await self._read()
        attempts = 0
        while True:
            attempts += 1
            after = apply_changes(base, changes)
            check_merged(after, changes)
            if dry_run or after == base:
                return self._result(base, after, changes, dry_run, False, attempts)
            # No ETag: make sure nobody wrote since the read this change is based on.
            fresh = await self._read()
            if fresh != base:
                if attempts >= max_attempts:
                    raise AttachmentConflictError(
                        f"channel_configs kept changing while flexconv tried to apply the change "
                        f"({attempts} attempts); nothing was written. Latest differences:",
                        differences=compare_after_write(base, fresh),
                    )
                base = fresh
                continue
            if lease is not None:
                await lease.ensure()  # still ours: nobody else is between our read and write
            await self._client.configuration.update({"channel_configs": after})
            readback = await self._read()
            if change_holds(readback, changes):
                return self._result(base, after, changes, False, True, attempts)
            if attempts >= max_attempts:
                raise AttachmentConflictError(
                    f"After {attempts} attempts the change does not hold: another writer "
                    "overwrote channel_configs right after flexconv's write. Read back versus "
                    "written:",
                    differences=compare_after_write(after, readback),
                )
            base = readback

    @staticmethod
    def _result(
        before: Any,
        after: Any,
        changes: Mapping[str, AttachmentChange],
        dry_run: bool,
        written: bool,
        attempts: int,
    ) -> AttachmentsUpdate:
        settings = _by_type(after)
        return AttachmentsUpdate(
            diff=diff_channel_configs(before, after),
            settings={kind: settings[kind] for kind in changes if kind in settings},
            before=before,
            after=after,
            dry_run=dry_run,
            written=written,
            attempts=attempts,
        )
