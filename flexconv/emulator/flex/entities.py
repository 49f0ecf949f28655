"""Flex's resources: interactions, interaction channels, channel participants, invites and
transfers, the default configuration values and the product's constants."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flexconv.emulator._base import iso

if TYPE_CHECKING:
    pass


PRODUCT = "flex-api"
DEFAULT_BASE = "https://flex-api.twilio.com"

CHANNEL_TYPES = ("voice", "sms", "email", "web", "whatsapp", "chat", "messenger", "gbm")
CHANNEL_STATUSES = ("setup", "active", "failed", "closed", "inactive", "pause", "transfer")
PARTICIPANT_TYPES = ("supervisor", "customer", "external", "agent", "unknown")
TRANSFER_TYPES = ("warm", "cold", "external")

_COMMON_EXT = ["jpg", "jpeg", "png", "amr", "mp3", "mp4", "pdf", "heic"]

#: Twilio's per-channel attachment defaults (address_type, count, max file, max total, extensions).
DEFAULT_CHANNEL_CONFIGS: tuple[tuple[str, int, int, int, list[str]], ...] = (
    ("web", 1, 16_777_216, 67_108_864, [*_COMMON_EXT, "txt", "gif"]),
    ("sms", 1, 2_097_152, 5_242_880, list(_COMMON_EXT)),
    ("whatsapp", 1, 16_777_216, 67_108_864, [*_COMMON_EXT, "oga"]),
    ("email", 10, 157_286_400, 157_286_400, [*_COMMON_EXT, "txt", "gif"]),
    ("messenger", 1, 26_214_400, 26_214_400, ["jpg", "jpeg", "png", "mp3", "mp4", "pdf"]),
    ("gbm", 1, 5_242_880, 5_242_880, ["jpg", "jpeg", "png"]),
)

#: Fields of the configuration that POST cannot change.
_READ_ONLY = frozenset({"account_sid", "date_created", "date_updated", "url"})


def default_channel_configs() -> list[dict[str, Any]]:
    """A new account's ``channel_configs``, one entry per address type."""
    return [
        {
            "address_type": kind,
            "cbm_attachments": {
                "enabled": True,
                "number_of_attachments": count,
                "max_file_size": max_file,
                "max_total_file_size": max_total,
                "accepted_extensions": list(exts),
            },
        }
        for kind, count, max_file, max_total, exts in DEFAULT_CHANNEL_CONFIGS
    ]


@dataclass
class ChannelParticipant:
    """An interaction channel participant (``UT…``)."""

    sid: str
    type: str
    interaction_sid: str
    channel_sid: str
    media_properties: dict[str, Any]
    routing_properties: dict[str, Any] | None
    #: ``active``, ``wrapup`` or ``closed`` (not part of the API representation).
    status: str = "active"
    conversation_participant_sid: str | None = None
    worker_sid: str | None = None
    task_sid: str | None = None

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "type": self.type,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Participants/{self.sid}",
            "routing_properties": self.routing_properties,
        }


@dataclass
class Invite:
    """An interaction channel invite (``KG…``): a task routed to a worker or a queue."""

    sid: str
    interaction_sid: str
    channel_sid: str
    routing: dict[str, Any]
    task_sid: str | None = None

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "routing": self.routing,
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Invites/{self.sid}",
        }


@dataclass
class Transfer:
    """An interaction transfer (``UX…``): warm, cold or external."""

    sid: str
    interaction_sid: str
    channel_sid: str
    type: str
    status: str
    from_: str | None
    to: str | None
    note_sid: str | None
    summary_sid: str | None
    date_created: datetime
    date_updated: datetime
    task_sid: str | None = None
    from_task_sid: str | None = None

    def to_json(
        self, account_sid: str, instance_sid: str, base: str = DEFAULT_BASE
    ) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "instance_sid": instance_sid,
            "account_sid": account_sid,
            "interaction_sid": self.interaction_sid,
            "channel_sid": self.channel_sid,
            "execution_sid": None,
            "type": self.type,
            "status": self.status,
            "from": self.from_,
            "to": self.to,
            "note_sid": self.note_sid,
            "summary_sid": self.summary_sid,
            "date_created": iso(self.date_created),
            "date_updated": iso(self.date_updated),
            "url": f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.channel_sid}/Transfers/{self.sid}",
        }


@dataclass
class InteractionChannel:
    """An interaction channel (``UO…``): the media channel (a conversation) plus its tasks."""

    sid: str
    interaction_sid: str
    type: str
    initiated_by: str
    status: str = "setup"
    error_code: int | None = None
    error_message: str | None = None
    media_channel_sid: str | None = None
    workspace_sid: str | None = None
    task_sids: list[str] = field(default_factory=list)
    participants: dict[str, ChannelParticipant] = field(default_factory=dict)
    invites: dict[str, Invite] = field(default_factory=dict)
    transfers: dict[str, Transfer] = field(default_factory=dict)

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Interactions/{self.interaction_sid}/Channels/{self.sid}"
        return {
            "sid": self.sid,
            "interaction_sid": self.interaction_sid,
            "type": self.type,
            "status": self.status,
            "error_code": self.error_code,
            "error_message": self.error_message,
            "url": url,
            "links": {
                "participants": f"{url}/Participants",
                "invites": f"{url}/Invites",
                "transfers": f"{url}/Transfers",
            },
        }


@dataclass
class Interaction:
    """An interaction (``KD…``) with its channels."""

    sid: str
    channel: dict[str, Any]
    routing: dict[str, Any]
    interaction_context_sid: str | None
    webhook_ttid: str | None
    date_created: datetime
    channels: dict[str, InteractionChannel] = field(default_factory=dict)
    #: The ``Routing`` of the request (``routing`` becomes the created task, as Twilio answers).
    requested_routing: dict[str, Any] = field(default_factory=dict)

    def to_json(self, base: str = DEFAULT_BASE) -> dict[str, Any]:
        url = f"{base}/v1/Interactions/{self.sid}"
        channel = dict(self.channel)
        if self.channels:
            channel["sid"] = next(iter(self.channels))
        return {
            "sid": self.sid,
            "channel": channel,
            "routing": self.routing,
            "url": url,
            "links": {"channels": f"{url}/Channels"},
            "interaction_context_sid": self.interaction_context_sid,
            "webhook_ttid": self.webhook_ttid,
        }


def worker_identity(worker: Any) -> str:
    """The chat identity Flex uses for a worker: ``contact_uri`` without ``client:``."""
    attrs = worker.attributes if isinstance(getattr(worker, "attributes", None), dict) else {}
    uri = attrs.get("contact_uri")
    if isinstance(uri, str) and uri:
        return uri.removeprefix("client:")
    return str(worker.friendly_name)
