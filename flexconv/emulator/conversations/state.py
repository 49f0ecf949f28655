"""Conversations' state: addresses, conversations, roles, media, the account-level
configuration, lookups and the inspection snapshot."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import ApiError, not_found
from flexconv.emulator.conversations.entities import (
    _DEFAULT_ROLES,
    AddressConfig,
    Conversation,
    Media,
    Participant,
    Role,
    ServiceWebhooks,
)

if TYPE_CHECKING:
    from flexconv.emulator.conversations.host import ConversationsHost


class ConversationsState:
    """Holds Conversations' state and finds things in it (the base of `Conversations`)."""

    if TYPE_CHECKING:  # defined by the routes layer, which stacks on this one

        def _register(self) -> None: ...

    def __init__(self, emu: ConversationsHost) -> None:
        self.emu = emu
        self.chat_service_sid = emu.sids.new("IS")
        self.messaging_service_sid = emu.sids.new("MG")
        self.addresses: dict[str, AddressConfig] = {}
        self.conversations: dict[str, Conversation] = {}
        self.roles: dict[str, Role] = {}
        self.media: dict[str, Media] = {}
        self.service_webhooks = ServiceWebhooks()
        self.default_inactive_timer: str | None = None
        self.default_closed_timer: str | None = None
        now = emu.clock.now()
        for name, kind, perms in _DEFAULT_ROLES:
            role = Role(emu.sids.new("RL"), name, kind, list(perms), now, now)
            self.roles[role.sid] = role
        self._register()

    # ------------------------------------------------------------------ lookups
    @property
    def account_sid(self) -> str:
        return self.emu.account_sid

    def role_by_name(self, name: str) -> Role:
        for role in self.roles.values():
            if role.friendly_name == name:
                return role
        raise not_found(f"/v1/Roles/{name}")

    @property
    def agent_role_sid(self) -> str:
        """The SID of the Flex ``agent`` conversation role."""
        return self.role_by_name("agent").sid

    def get_address(self, sid_or_address: str) -> AddressConfig:
        """An address configuration by SID or by the address itself."""
        found = self.addresses.get(sid_or_address)
        if found is not None:
            return found
        for addr in self.addresses.values():
            if addr.address == sid_or_address:
                return addr
        raise not_found(f"/v1/Configuration/Addresses/{sid_or_address}")

    def find_address(self, address: str) -> AddressConfig | None:
        try:
            return self.get_address(address)
        except ApiError:
            return None

    def get(self, sid_or_unique_name: str) -> Conversation:
        """A conversation by SID or unique name."""
        found = self.conversations.get(sid_or_unique_name)
        if found is not None:
            return found
        for conv in self.conversations.values():
            if conv.unique_name is not None and conv.unique_name == sid_or_unique_name:
                return conv
        raise not_found(f"/v1/Conversations/{sid_or_unique_name}")

    def find(self, sid: str) -> Conversation | None:
        """The conversation with this SID, or `None` (no unique names, no error)."""
        return self.conversations.get(sid)

    def participants_of(self, conv: Conversation) -> list[Participant]:
        """The conversation's participants, in the order they joined."""
        return list(conv.participants.values())

    def find_participant(self, conv: Conversation, participant_sid: str) -> Participant | None:
        """The conversation's participant with this SID, or `None`."""
        return conv.participants.get(participant_sid)

    def get_participant(self, conv: Conversation, sid_or_identity: str) -> Participant:
        """A participant by SID or identity."""
        found = conv.participants.get(sid_or_identity)
        if found is not None:
            return found
        for p in conv.participants.values():
            if p.identity is not None and p.identity == sid_or_identity:
                return p
        raise not_found(f"/v1/Conversations/{conv.sid}/Participants/{sid_or_identity}")

    def open_binding(
        self, address: str, proxy_address: str | None
    ) -> tuple[Conversation, Participant] | None:
        """The non-closed conversation holding this messaging binding, if any."""
        for conv in self.conversations.values():
            if conv.closed:
                continue
            for p in conv.participants.values():
                if p.address == address and p.proxy_address == proxy_address:
                    return conv, p
        return None

    def snapshot(self) -> dict[str, Any]:
        """Plain-value state for `Emulator.inspect()`."""
        acc = self.account_sid
        return {
            "addresses": [a.to_json(acc) for a in self.addresses.values()],
            "conversations": [
                {
                    **c.to_json(acc),
                    "participants": [p.to_json(acc) for p in c.participants.values()],
                    "messages": [m.to_json(acc) for m in c.messages],
                    "webhooks": [w.to_json(acc) for w in c.webhooks.values()],
                }
                for c in self.conversations.values()
            ],
            "roles": [r.to_json(acc, self.chat_service_sid) for r in self.roles.values()],
        }
