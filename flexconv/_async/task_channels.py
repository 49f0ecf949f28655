"""``client.task_channels``: TaskRouter task channels, custom chat channels among them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv._async._base import AsyncResource
from flexconv._core import channels as core
from flexconv._core.errors import ValidationError
from flexconv._core.ops import task_channels as ops
from flexconv.models.task_channels import TaskChannel

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager

__all__ = ["AsyncTaskChannels"]


def _check_friendly(value: object) -> str:
    if not isinstance(value, str) or not value or len(value) > 64:
        raise ValidationError(f"friendly_name must be 1-64 characters, got {value!r}")
    return value


def _check_bool(value: object, name: str) -> None:
    if value is not None and not isinstance(value, bool):
        raise ValidationError(f"{name} must be True or False, got {value!r}")


class AsyncTaskChannels(AsyncResource):
    """Task channels of a TaskRouter workspace.

    Every method takes ``workspace_sid=``; without it the client's default workspace is used
    (the Flex workspace named in the Flex Configuration, read once per client).
    """

    _path = "task_channels"

    def list(
        self,
        *,
        workspace_sid: str | None = None,
        limit: int | None = None,
        page_size: int | None = None,
    ) -> AsyncPager[TaskChannel]:
        """The workspace's task channels (pages of up to 1000); nothing is sent until iterated."""
        return self._workspace_list(
            ops.LIST_TASK_CHANNELS, TaskChannel, workspace_sid, limit=limit, page_size=page_size
        )

    async def fetch(
        self, sid_or_unique_name: str, *, workspace_sid: str | None = None
    ) -> TaskChannel:
        """One task channel, by ``TC…`` SID or unique name."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_TASK_CHANNEL,
            TaskChannel,
            path_params={"WorkspaceSid": ws, "Sid": sid_or_unique_name},
        )

    async def create(
        self,
        unique_name: str,
        *,
        friendly_name: str | None = None,
        channel_optimized_routing: bool | None = None,
        workspace_sid: str | None = None,
    ) -> TaskChannel:
        """Create a task channel.

        Args:
            unique_name: 1-64 letters, digits, ``_``, ``.``, ``-`` (``custom1``).
            friendly_name: Up to 64 characters; defaults to the unique name.
            channel_optimized_routing: Prefer the workers idle longest.
            workspace_sid: The workspace (see the class docs for the default).
        """
        core.check_unique_name(unique_name)
        friendly = _check_friendly(friendly_name if friendly_name is not None else unique_name)
        _check_bool(channel_optimized_routing, "channel_optimized_routing")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_TASK_CHANNEL,
            TaskChannel,
            path_params={"WorkspaceSid": ws},
            values={
                "unique_name": unique_name,
                "friendly_name": friendly,
                "channel_optimized_routing": channel_optimized_routing,
            },
        )

    async def update(
        self,
        sid_or_unique_name: str,
        *,
        friendly_name: str | None = None,
        channel_optimized_routing: bool | None = None,
        workspace_sid: str | None = None,
    ) -> TaskChannel:
        """Change a task channel's friendly name or channel-optimized routing."""
        if friendly_name is None and channel_optimized_routing is None:
            raise ValidationError(
                "Nothing to update: pass friendly_name or channel_optimized_routing"
            )
        if friendly_name is not None:
            _check_friendly(friendly_name)
        _check_bool(channel_optimized_routing, "channel_optimized_routing")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_TASK_CHANNEL,
            TaskChannel,
            path_params={"WorkspaceSid": ws, "Sid": sid_or_unique_name},
            values={
                "friendly_name": friendly_name,
                "channel_optimized_routing": channel_optimized_routing,
            },
        )

    async def delete(self, sid_or_unique_name: str, *, workspace_sid: str | None = None) -> None:
        """Delete a task channel (Twilio refuses while tasks use it)."""
        ws = await self._workspace(workspace_sid)
        await self._call_raw(
            ops.DELETE_TASK_CHANNEL, path_params={"WorkspaceSid": ws, "Sid": sid_or_unique_name}
        )

    def build_flex_ui_snippet(self, unique_name: str, *, channel_type: str | None = None) -> str:
        """The Flex UI plugin code registering the custom channel as a chat channel."""
        return core.flex_ui_snippet(unique_name, channel_type=channel_type)
