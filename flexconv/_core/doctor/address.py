"""Step 2: is the number a Conversations address with auto-creation on, of the right type
with its flow or URL set, and not also wired to a Messaging Service or an sms_url webhook?"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from flexconv._core.doctor.report import Check
from flexconv._core.doctor.values import check

__all__ = [
    "check_address",
    "check_number_wiring",
    "check_service_wiring",
    "service_runs_in_parallel",
]


def check_address(
    config: Mapping[str, Any] | None,
    *,
    address: str,
    flow_exists: bool | None = None,
    number: Mapping[str, Any] | None = None,
    services: Sequence[Mapping[str, Any]] = (),
) -> Check:
    """Check an address configuration (``None`` when the number has none).

    ``flow_exists`` says whether the Studio flow it names was found (``None``: not looked up);
    ``number`` is the IncomingPhoneNumber's record when the address is a Twilio number;
    ``services`` the Messaging Services whose sender pool holds the number.
    """
    if config is None:
        return check(
            "address",
            "failed",
            {"address": address},
            problem=f"{address} is not a Conversations address: no address configuration.",
            fix="Create one: client.channels.route_to_flex(...) or Flex Console > Messaging > "
            "Conversations Addresses.",
        )
    ac = config.get("auto_creation") or {}
    evidence: dict[str, Any] = {
        "address_sid": config.get("sid"),
        "type": config.get("type"),
        "auto_creation": bool(ac.get("enabled")),
        "auto_creation_type": ac.get("type"),
        "studio_flow_sid": ac.get("studio_flow_sid"),
        "webhook_url": ac.get("webhook_url"),
    }
    kind = ac.get("type")
    problem: str | None = None
    fix: str | None = None
    if not ac.get("enabled"):
        problem = f"Auto-creation is off on {address}: no conversation is made for new senders."
        fix = "Turn it on: client.channels.update(address, auto_creation_enabled=True)."
    elif kind not in ("studio", "webhook"):
        problem = (
            f"Auto-creation type is {kind!r}: conversations are created but nothing routes "
            "them to Flex."
        )
        fix = "Use type studio (Send to Flex) or webhook: client.channels.route_to_flex(...)."
    elif kind == "studio" and not ac.get("studio_flow_sid"):
        problem = "Auto-creation type is studio but no Studio flow is set."
        fix = "Set the flow: client.channels.route_to_flex(address, flow_sid='FW…')."
    elif kind == "studio" and flow_exists is False:
        problem = f"The Studio flow {ac.get('studio_flow_sid')} does not exist or is unpublished."
        fix = "Publish the flow, or point the address at an existing one."
    elif kind == "webhook" and not ac.get("webhook_url"):
        problem = "Auto-creation type is webhook but no webhook URL is set."
        fix = "Set it: client.channels.route_to_webhook(address, url=...)."
    if problem is None and number is not None:
        wiring = check_number_wiring(number)
        if wiring is not None:
            evidence.update(wiring[0])
            problem, fix = wiring[1], wiring[2]
    if problem is None:
        in_service = check_service_wiring(services)
        if in_service is not None:
            evidence.update(in_service[0])
            problem, fix = in_service[1], in_service[2]
    return check("address", "failed" if problem else "ok", evidence, problem=problem, fix=fix)


def check_number_wiring(
    number: Mapping[str, Any],
) -> tuple[dict[str, Any], str, str] | None:
    """What else a phone number is wired to that would run in parallel with Conversations: a
    Messaging Service (when the record names one), a TwiML app, or an "A message comes in"
    webhook (``sms_url``; Twilio's demo URL does not count).  ``None`` when nothing."""
    sid = number.get("sid")
    service = number.get("messaging_service_sid")
    if service:
        return (
            {"phone_number_sid": sid, "messaging_service_sid": service},
            f"The number is also in the Messaging Service {service}, whose inbound settings "
            "run instead of (or alongside) Conversations.",
            "Remove the number from the Messaging Service, or set the service's inbound "
            "handling to Autocreate a Conversation.",
        )
    app = number.get("sms_application_sid")
    if app:
        return (
            {"phone_number_sid": sid, "sms_application_sid": app},
            f"The number's inbound messages go to the TwiML app {app}, which runs in parallel.",
            "Clear the number's SmsApplicationSid (Console > Phone Numbers > Messaging).",
        )
    url = number.get("sms_url")
    if url and "demo.twilio.com" not in str(url):
        return (
            {"phone_number_sid": sid, "sms_url": url},
            f'The number\'s "A message comes in" webhook is set ({url}) and runs in parallel.',
            "Clear the number's SmsUrl (Console > Phone Numbers > Messaging).",
        )
    return None


def service_runs_in_parallel(service: Mapping[str, Any]) -> bool:
    """Whether a Messaging Service sends its numbers' inbound messages to a webhook of its own
    (``inbound_request_url``) instead of deferring to each number's (``use_inbound_webhook_on_
    number``): for a number in its pool, that webhook runs alongside Conversations."""
    return bool(service.get("inbound_request_url")) and not service.get(
        "use_inbound_webhook_on_number"
    )


def check_service_wiring(
    services: Sequence[Mapping[str, Any]],
) -> tuple[dict[str, Any], str, str] | None:
    """The first of ``services`` (those holding the number) whose inbound webhook runs in
    parallel with Conversations, as (evidence, problem, fix); ``None`` when none does."""
    for service in services:
        if not service_runs_in_parallel(service):
            continue
        sid = service.get("sid")
        url = service.get("inbound_request_url")
        return (
            {
                "messaging_service_sid": sid,
                "messaging_service_name": service.get("friendly_name"),
                "inbound_request_url": url,
                "use_inbound_webhook_on_number": bool(service.get("use_inbound_webhook_on_number")),
            },
            f"The number is in the Messaging Service {sid}, whose incoming messages go to its "
            f"own webhook ({url}), in parallel with Conversations.",
            f"Remove the number from {sid}'s Sender Pool (Console > Messaging > Services), or "
            "set the service's Integration > Incoming Messages to \"Defer to sender's webhook\" "
            '(UseInboundWebhookOnNumber=true) or "Autocreate a Conversation".',
        )
    return None
