"""Pure rules about agents: the chat identity Flex gives a worker, and the name of Flex's agent
conversation role."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flexconv._core.errors import ValidationError

__all__ = ["AGENT_ROLE", "agent_identity"]

#: The Conversations role Flex gives an agent it adds to a conversation (``sendMessage``,
#: ``sendMediaMessage``, ``leaveConversation``, ``editConversationAttributes``, ...).
AGENT_ROLE = "agent"


def agent_identity(attributes: Mapping[str, Any] | str | None, friendly_name: str | None) -> str:
    """The chat identity Flex uses for a worker in Conversations.

    Flex writes a worker's ``contact_uri`` attribute as ``client:<identity>``; the identity is
    what follows ``client:`` (``"client:alice"`` -> ``"alice"``).  A worker without a
    ``contact_uri`` is known by its friendly name.  ``attributes`` is the worker's attributes (a
    mapping, or the JSON string TaskRouter sends).
    """
    if isinstance(attributes, str):
        try:
            attributes = json.loads(attributes) if attributes else {}
        except ValueError:
            raise ValidationError("The worker's attributes are not a JSON document") from None
    if attributes is not None and not isinstance(attributes, Mapping):
        raise ValidationError(
            f"attributes must be the worker's attributes (a mapping), got {attributes!r}"
        )
    uri = (attributes or {}).get("contact_uri")
    if isinstance(uri, str) and uri:
        return uri.removeprefix("client:")
    if isinstance(friendly_name, str) and friendly_name:
        return friendly_name
    raise ValidationError(
        "The worker has no contact_uri attribute (client:<identity>) and no friendly name: "
        "its chat identity is unknown"
    )
