"""The verbs every resource group's method names are made of (the one list; the docs and the
surface test read it).

A public method of a group is named by one of these verbs, alone (``fetch``) or followed by what
narrows it (``fetch_all``, ``create_for_conversation``, ``update_attributes``).
"""

from __future__ import annotations

__all__ = ["VERBS", "method_verb"]

#: verb -> what a method named by it does.
VERBS: dict[str, str] = {
    # the API verbs, one per Twilio operation
    "create": "Create one resource (one POST); returns it.",
    "fetch": "Read one resource, or one settings object, by its SID or key; returns it.",
    "update": "Change one resource; only the arguments you pass are sent; returns it.",
    "delete": "Delete one resource; returns nothing.",
    "list": "A pager over a list of resources: nothing is sent until you iterate it.",
    # workflow verbs: what they do is in the name
    "ensure": "Bring resources to a desired state, changing only what differs (idempotent).",
    "enable": "Turn a feature on, keeping every other setting.",
    "disable": "Turn a feature off, keeping every other setting.",
    "close": "End something for good (a conversation, an interaction channel).",
    "deactivate": "Park something so it can be taken up again later.",
    "cancel": "Cancel a task (refused for Flex interaction tasks).",
    "accept": "Accept a reservation.",
    "reject": "Reject a reservation.",
    "invite": "Invite an agent or a queue into an interaction channel.",
    "start": "Start a conversation-backed interaction (agent-initiated outbound).",
    "route": "Point an address at a destination (Flex through Studio, or your webhook).",
    "find": "Look something up; returns it, a list, or ``None`` when nothing matches.",
    "resolve": "Turn a name or reference into exactly one resource; raises when none or several.",
    "wait": "Poll until a state is reached; raises on failure or timeout.",
    "build": "Compute a value locally from your arguments; sends nothing.",
    "describe": "Describe fixed facts (such as Twilio's limits) locally; sends nothing.",
    "paced": "The same group, keeping each endpoint under a request rate.",
    # the doctor's verbs
    "trace": "Walk a checklist for one flow and report each step (reads only).",
    "scan": "Walk the whole account, streaming findings (reads only).",
    "rescue": "Repair what a scan found; a dry run with the plan unless told to apply.",
    "migrate": "Move legacy resources to their replacement; a dry run unless told to apply.",
}


def method_verb(name: str) -> str:
    """The verb a method name starts with (the part before the first ``_``)."""
    return name.split("_", 1)[0]
