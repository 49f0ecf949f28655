"""``client.studio``: Studio flows (``client.studio.flows``)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Any, Literal

from flexconv._async._base import AsyncResource
from flexconv._core import studio as core
from flexconv._core.errors import ValidationError
from flexconv._core.ops import studio as ops
from flexconv.models.studio import Flow

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncFlows", "AsyncStudio"]


class AsyncStudio(AsyncResource):
    """Studio (``client.studio``): ``flows``."""

    _path = "studio"

    @cached_property
    def flows(self) -> AsyncFlows:
        """Flows: ``list``, ``create``, ``fetch``, ``update``, ``delete``,
        ``build_messaging_flow``."""
        return self._group(AsyncFlows)


class AsyncFlows(AsyncResource):
    """The account's Studio flows (``client.studio.flows``)."""

    _path = "studio.flows"

    def list(self, *, limit: int | None = None) -> AsyncPager[Flow]:
        """The account's flows."""
        return self._list(ops.LIST_FLOWS, Flow, limit=limit)

    async def create(
        self,
        friendly_name: str,
        definition: Mapping[str, Any],
        *,
        status: Literal["draft", "published"] = "published",
        commit_message: str | None = None,
    ) -> Flow:
        """Create a flow from a definition (see `build_messaging_flow`); ``published`` by
        default, so that it runs."""
        if not isinstance(friendly_name, str) or not friendly_name.strip():
            raise ValidationError(
                f"friendly_name must be a non-empty string, got {friendly_name!r}"
            )
        return await self._call(
            ops.CREATE_FLOW,
            Flow,
            values={
                "friendly_name": friendly_name,
                "definition": core.check_definition(definition),
                "status": core.flow_status(status),
                "commit_message": commit_message,
            },
        )

    async def fetch(self, flow_sid: str) -> Flow:
        """One flow, with its definition."""
        return await self._call(ops.FETCH_FLOW, Flow, path_params={"Sid": flow_sid})

    async def update(
        self,
        flow_sid: str,
        *,
        status: Literal["draft", "published"],
        definition: Mapping[str, Any] | None = None,
        friendly_name: str | None = None,
        commit_message: str | None = None,
    ) -> Flow:
        """Change a flow: a new revision.  Studio requires ``status`` on every update:
        ``"published"`` makes the revision live, ``"draft"`` keeps the published one running."""
        return await self._call(
            ops.UPDATE_FLOW,
            Flow,
            path_params={"Sid": flow_sid},
            values={
                "status": core.flow_status(status),
                "definition": core.check_definition(definition) if definition is not None else None,
                "friendly_name": friendly_name,
                "commit_message": commit_message,
            },
        )

    async def delete(self, flow_sid: str) -> None:
        """Delete a flow (addresses and numbers pointing at it stop reaching it)."""
        await self._call_raw(ops.DELETE_FLOW, path_params={"Sid": flow_sid})

    def build_messaging_flow(
        self,
        workflow_sid: str,
        task_channel_sid: str,
        *,
        attributes: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """The definition of Flex's Messaging Flow (a trigger handing each new conversation to
        a Send to Flex widget on ``workflow_sid`` and the ``TC…`` task channel); sends nothing.

        ``attributes`` adds task attributes to the widget's (Liquid templates allowed).
        """
        return core.messaging_flow_definition(workflow_sid, task_channel_sid, attributes=attributes)
