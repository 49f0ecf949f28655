"""TaskRouter task channels (``taskrouter.twilio.com/v1/Workspaces/{WorkspaceSid}/TaskChannels``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_PATH = "/v1/Workspaces/{WorkspaceSid}/TaskChannels"
_SIDS = {"WorkspaceSid": "WS", "Sid": "TC?"}

LIST_TASK_CHANNELS = Operation(
    name="task_channels.list",
    method="GET",
    product="taskrouter",
    path=_PATH,
    list_key="channels",
    max_page_size=1000,
    path_sids={"WorkspaceSid": "WS"},
)

#: ``Sid`` takes the ``TC…`` SID or the unique name.
FETCH_TASK_CHANNEL = Operation(
    name="task_channels.fetch",
    method="GET",
    product="taskrouter",
    path=_PATH + "/{Sid}",
    path_sids=_SIDS,
)

CREATE_TASK_CHANNEL = Operation(
    name="task_channels.create",
    method="POST",
    product="taskrouter",
    path=_PATH,
    params={
        "unique_name": Param("UniqueName", required=True),
        "friendly_name": Param("FriendlyName", required=True),
        "channel_optimized_routing": Param("ChannelOptimizedRouting"),
    },
    path_sids={"WorkspaceSid": "WS"},
)

UPDATE_TASK_CHANNEL = Operation(
    name="task_channels.update",
    method="POST",
    product="taskrouter",
    path=_PATH + "/{Sid}",
    params={
        "friendly_name": Param("FriendlyName"),
        "channel_optimized_routing": Param("ChannelOptimizedRouting"),
    },
    path_sids=_SIDS,
)

DELETE_TASK_CHANNEL = Operation(
    name="task_channels.delete",
    method="DELETE",
    product="taskrouter",
    path=_PATH + "/{Sid}",
    path_sids=_SIDS,
)
