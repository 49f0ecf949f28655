"""Which messaging setup an account runs (Flex Conversations, legacy Flex Flows, or a mix), the
honest answer to "should I switch back to legacy?", and the plan to move each Flex Flow address
to a Conversations address."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flexconv._core.doctor.report import MigrationStep, Setup

__all__ = [
    "CONVERSATION_TASKS",
    "LEGACY_END_OF_LIFE",
    "LEGACY_TASKS",
    "detect_setup",
    "plan_migration",
]

#: Twilio's end of life for Programmable Chat in Flex (legacy messaging).
LEGACY_END_OF_LIFE = "2026-06-01"

_ADDRESS_TYPE = {"sms": "sms", "whatsapp": "whatsapp", "facebook": "messenger"}


def detect_setup(
    addresses: Iterable[Mapping[str, Any]],
    flex_flows: Iterable[Mapping[str, Any]],
    flex_config: Mapping[str, Any],
    *,
    conversations_service_sid: str | None,
    legacy_tasks: int = 0,
    conversation_tasks: int = 0,
) -> Setup:
    """Conversations addresses, or tasks linked to a conversation (``conversation_tasks``), say
    Flex Conversations; enabled Flex Flows, a Programmable Chat service in the Flex
    Configuration other than the Conversations service, or tasks carrying a chat ``channelSid``
    (``legacy_tasks``), say legacy."""
    addr = {str(a.get("address")): str(a.get("sid")) for a in addresses}
    flows = {
        str(f.get("contact_identity") or f.get("friendly_name")): str(f.get("sid"))
        for f in flex_flows
        if f.get("enabled", True)
    }
    chat = flex_config.get("chat_service_instance_sid")
    legacy_chat = (
        str(chat)
        if chat and conversations_service_sid and chat != conversations_service_sid
        else None
    )
    legacy = bool(flows) or legacy_chat is not None or legacy_tasks > 0
    current = bool(addr) or conversation_tasks > 0
    if current and legacy:
        kind = "mixed"
    elif current:
        kind = "conversations"
    elif legacy:
        kind = "legacy"
    else:
        kind = "none"
    return Setup(
        kind=kind,  # type: ignore[arg-type]
        addresses=addr,
        flex_flows=flows,
        chat_service_sid=legacy_chat,
        legacy_tasks=legacy_tasks,
        conversation_tasks=conversation_tasks,
        advice=_advice(kind),
    )


def _advice(kind: str) -> str:
    eol = (
        f"Twilio ends Programmable Chat for Flex (legacy messaging) on {LEGACY_END_OF_LIFE}, "
        "so switching back to legacy is no longer a fix"
    )
    if kind == "conversations":
        return (
            f"This account runs Flex Conversations. {eol}: repair the failing step below instead."
        )
    if kind == "legacy":
        return (
            f"This account runs legacy messaging (Flex Flows). {eol}: move each Flex Flow to a "
            "Conversations address (client.doctor.migrate(), dry run first)."
        )
    if kind == "mixed":
        return (
            f"This account runs both Flex Flows and Conversations addresses. {eol}: finish "
            "the move with client.doctor.migrate(), one address at a time."
        )
    return "No messaging channel is configured: create a Conversations address."


def plan_migration(
    flex_flows: Iterable[Mapping[str, Any]], addresses: Iterable[Mapping[str, Any]]
) -> list[MigrationStep]:
    """For each Flex Flow, the Conversations address that replaces it, or why it cannot move
    as is (Conversations has no ``task`` integration and no long-lived channels)."""
    existing = {str(a.get("address")) for a in addresses}
    steps = []
    for f in flex_flows:
        sid = str(f.get("sid"))
        channel = str(f.get("channel_type") or "")
        identity = f.get("contact_identity")
        integ = f.get("integration") or {}
        kind = _ADDRESS_TYPE.get(channel)
        address = str(identity) if identity else None
        if kind == "whatsapp" and address and not address.startswith("whatsapp:"):
            address = f"whatsapp:{address}"
        if kind == "messenger" and address and not address.startswith("messenger:"):
            address = f"messenger:{address}"
        ac: dict[str, Any] = {}
        reason = None
        itype = f.get("integration_type")
        if itype == "studio" and integ.get("flow_sid"):
            ac = {"type": "studio", "studio_flow_sid": integ["flow_sid"]}
        elif itype == "external" and integ.get("url"):
            ac = {"type": "webhook", "webhook_url": integ["url"]}
        elif itype == "task":
            reason = (
                "integration type task has no Conversations equivalent: route it through a "
                "Studio flow with Send to Flex"
            )
        else:
            reason = "the Flex Flow names no Studio flow or URL"
        if kind is None:
            reason = f"channel type {channel!r} has no Conversations address type"
        elif not address:
            reason = "the Flex Flow has no contact identity (address)"
        elif address in existing:
            reason = f"{address} is already a Conversations address"
        if f.get("long_lived") and reason is None:
            ac["note"] = "long-lived channels do not exist in Conversations: set timers instead"
        steps.append(
            MigrationStep(
                flex_flow_sid=sid,
                address=address,
                address_type=kind,
                outcome="skipped" if reason else "planned",
                auto_creation=ac,
                reason=reason,
            )
        )
    return steps


#: TaskRouter expressions (``EvaluateTaskAttributes``) picking legacy tasks (a Programmable Chat
#: channel, no conversation) and Flex Conversations tasks.
LEGACY_TASKS = 'channelSid CONTAINS "CH" AND NOT (conversationSid CONTAINS "CH")'
CONVERSATION_TASKS = 'conversationSid CONTAINS "CH" OR flexInteractionSid CONTAINS "KD"'
