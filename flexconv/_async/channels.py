"""``client.channels``: Conversations addresses for every Flex channel, declaratively."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from flexconv._async._base import AsyncResource
from flexconv._async.paging import AsyncPager
from flexconv._core import channels as core
from flexconv._core.errors import FlexConvError, NotFoundError, ValidationError
from flexconv._core.ops import addresses as ops
from flexconv.models.channels import (
    Address,
    AddressPlan,
    AutoCreationTarget,
    DesiredAddress,
    StudioTarget,
    WebhookTarget,
)

__all__ = ["AsyncChannels"]


def _check_ref(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise ValidationError(
            f"Pass an address configuration SID (IG…) or the address itself, got {value!r}"
        )
    return value


class AsyncChannels(AsyncResource):
    """Conversations address configurations: one per phone number, WhatsApp sender, page…

    Every address is validated for its type before anything is sent (see
    `flexconv.models.channels.ADDRESS_FORMS`), and a type the client's region does not
    support (IE1: chat only) is refused.
    """

    _path = "channels"

    def _check_region(self, kind: str) -> None:
        core.check_region(kind, self._client.config.effective_region)

    # ------------------------------------------------------------------ CRUD

    def list(
        self,
        *,
        type: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[Address]:
        """Address configurations, optionally of one type (pages of at most 50).

        Args:
            type: Only this type (``sms``, ``whatsapp``, ``messenger``, ``gbm``, ``email``,
                ``rcs``, ``apple``, ``chat``).
            limit: Stop after this many items.
            page_size: Items per request (1-50).

        Returns:
            A pager; nothing is sent until it is iterated.
        """
        if type is not None and type not in core.ADDRESS_TYPES:
            raise ValidationError(
                f"type must be one of {', '.join(core.ADDRESS_TYPES)}, got {type!r}"
            )
        return self._list(
            ops.LIST_ADDRESSES, Address, values={"type": type}, limit=limit, page_size=page_size
        )

    async def fetch(self, sid_or_address: str) -> Address:
        """One address configuration, by its ``IG…`` SID or by the address itself."""
        return await self._call(
            ops.FETCH_ADDRESS, Address, path_params={"Sid": _check_ref(sid_or_address)}
        )

    async def find(self, address: str) -> Address | None:
        """The configuration of ``address``, or ``None`` when it has none."""
        try:
            return await self.fetch(address)
        except NotFoundError:
            return None

    async def create(
        self,
        address: str,
        *,
        type: str | None = None,
        auto_creation: AutoCreationTarget | None = None,
        friendly_name: str | None = None,
        conversation_service_sid: str | None = None,
        address_country: str | None = None,
    ) -> Address:
        """Create an address configuration.

        Args:
            address: ``+15551234567``, ``whatsapp:+15551234567``, ``messenger:<page id>``…
            type: The address type; inferred from the address when omitted.
            auto_creation: [`StudioTarget`][flexconv.models.channels.StudioTarget],
                [`WebhookTarget`][flexconv.models.channels.WebhookTarget] or
                [`DefaultTarget`][flexconv.models.channels.DefaultTarget]; ``None`` leaves
                auto-creation off.
            friendly_name: Up to 256 characters.
            conversation_service_sid: ``IS…`` service for auto-created conversations.
            address_country: ISO 3166-1 alpha-2 (short codes).

        Raises:
            ValidationError: a malformed address or target, or a type the region lacks.
        """
        want = DesiredAddress(
            address,
            type=type,
            auto_creation=auto_creation,
            friendly_name=friendly_name,
            conversation_service_sid=conversation_service_sid,
            address_country=address_country,
        )
        self._check_region(want.kind)
        return await self._call(ops.CREATE_ADDRESS, Address, values=want.create_values())

    async def update(
        self,
        sid_or_address: str,
        *,
        auto_creation: AutoCreationTarget | Literal[False] | None = None,
        friendly_name: str | None = None,
        conversation_service_sid: str | None = None,
    ) -> Address:
        """Change an address configuration; only what you pass is sent.

        Args:
            sid_or_address: The ``IG…`` SID or the address.
            auto_creation: A new target, or ``False`` to turn auto-creation off.
            friendly_name: A new name.
            conversation_service_sid: ``IS…`` service for auto-created conversations.
        """
        ref = _check_ref(sid_or_address)
        if not core.looks_like_address_sid(ref):
            try:
                kind = core.infer_type(ref)
            except ValidationError:
                kind = "chat"  # a chat name: no prefix to check
            core.validate_address(kind, ref)
            self._check_region(kind)
        values = core.auto_creation_values(
            auto_creation, conversation_service_sid=conversation_service_sid
        )
        if friendly_name is not None:
            if not isinstance(friendly_name, str) or len(friendly_name) > 256:
                raise ValidationError("friendly_name must be a string of at most 256 characters")
            values["friendly_name"] = friendly_name
        if not values:
            raise ValidationError(
                "Nothing to update: pass auto_creation, friendly_name or a service"
            )
        return await self._call(
            ops.UPDATE_ADDRESS, Address, path_params={"Sid": ref}, values=values
        )

    async def delete(self, sid_or_address: str) -> None:
        """Delete an address configuration (by SID or address)."""
        await self._call_raw(ops.DELETE_ADDRESS, path_params={"Sid": _check_ref(sid_or_address)})

    # ------------------------------------------------------------------ declarative

    async def ensure(
        self,
        desired: DesiredAddress | Sequence[DesiredAddress],
        *,
        prune: bool = False,
        dry_run: bool = False,
    ) -> AddressPlan:
        """Bring address configurations to the desired state, changing only what differs.

        Reads every address configuration, plans (create / update with field diffs /
        unchanged / delete) and, unless ``dry_run``, applies the plan.  Running it twice
        changes nothing the second time.

        Args:
            desired: One desired address or a list.
            prune: Also delete every address configuration not listed.  Off by default:
                ``ensure`` deletes nothing unless asked.
            dry_run: Return the plan without writing.

        Returns:
            The plan; ``applied`` tells whether it was written, and each item's ``result``
            holds the configuration Twilio returned.

        Raises:
            ValidationError: before anything is sent, for any invalid entry or region mismatch.
            EnsureError: a write failed; it lists the changes ``applied`` before it, the
                ``failed`` one with its ``error``, and the ``remaining`` ones.
        """
        wanted = [desired] if isinstance(desired, DesiredAddress) else list(desired)
        for want in wanted:
            if not isinstance(want, DesiredAddress):
                raise ValidationError(
                    f"ensure takes DesiredAddress values, got {type(want).__name__}"
                )
            self._check_region(want.kind)
        current = await self.list().to_list()
        plan = core.plan_addresses(wanted, current, prune=prune)
        if dry_run:
            return plan
        for item in plan.items:
            try:
                if item.action == "create":
                    assert item.desired is not None
                    item.result = await self._call(
                        ops.CREATE_ADDRESS, Address, values=item.desired.create_values()
                    )
                    item.sid = item.result.sid
                elif item.action == "update":
                    assert item.desired is not None
                    assert item.sid is not None
                    item.result = await self._call(
                        ops.UPDATE_ADDRESS,
                        Address,
                        path_params={"Sid": item.sid},
                        values=item.desired.update_values(),
                    )
                elif item.action == "delete":
                    assert item.sid is not None
                    await self._call_raw(ops.DELETE_ADDRESS, path_params={"Sid": item.sid})
            except FlexConvError as exc:
                raise core.EnsureError(plan, item, exc) from exc
        plan.applied = True
        return plan

    async def _ensure_one(self, want: DesiredAddress) -> Address:
        try:
            plan = await self.ensure(want)
        except core.EnsureError as exc:  # one address: the error itself says it all
            raise exc.error from None
        result = plan.items[0].result
        assert result is not None
        return result

    async def route_to_flex(
        self,
        address: str,
        *,
        flow_sid: str,
        retry_count: int | None = None,
        type: str | None = None,
        friendly_name: str | None = None,
        conversation_service_sid: str | None = None,
    ) -> Address:
        """Route an address to Flex through a Studio flow (Flex's "Messaging Flow" path).

        Creates the address configuration, or updates it, so that a message from a new sender
        auto-creates a conversation handed to ``flow_sid`` (whose Send to Flex widget creates
        the interaction and task).  Idempotent.

        Returns:
            The address configuration as configured.
        """
        return await self._ensure_one(
            DesiredAddress(
                address,
                type=type,
                auto_creation=StudioTarget(flow_sid, retry_count),
                friendly_name=friendly_name,
                conversation_service_sid=conversation_service_sid,
            )
        )

    async def route_to_webhook(
        self,
        address: str,
        *,
        webhook_url: str,
        method: str = "POST",
        filters: Sequence[str] = ("onMessageAdded",),
        type: str | None = None,
        friendly_name: str | None = None,
        conversation_service_sid: str | None = None,
    ) -> Address:
        """Send an address's new conversations to your backend instead of Studio and Flex.

        Auto-creation with a webhook target: no Studio flow, no Send to Flex.  Your backend
        receives the conversation events (``onMessageAdded`` by default) and creates tasks
        itself (TaskRouter API, see ``client.routing.tasks.create_for_conversation``).
        Idempotent.

        Returns:
            The address configuration as configured.
        """
        return await self._ensure_one(
            DesiredAddress(
                address,
                type=type,
                auto_creation=WebhookTarget(webhook_url, method, tuple(filters)),
                friendly_name=friendly_name,
                conversation_service_sid=conversation_service_sid,
            )
        )
