"""Operations only the doctor reads: the 2010 Messages log, Studio executions and their steps,
and legacy Flex Flows (``/v1/FlexFlows``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

__all__ = [
    "CREATE_FLEX_FLOW",
    "DELETE_FLEX_FLOW",
    "FETCH_EXECUTION_CONTEXT",
    "FETCH_STEP_CONTEXT",
    "LIST_EXECUTIONS",
    "LIST_FLEX_FLOWS",
    "LIST_MESSAGES_2010",
    "LIST_STEPS",
]

LIST_MESSAGES_2010 = Operation(
    "messages.list",
    "GET",
    "api",
    "/2010-04-01/Accounts/{AccountSid}/Messages.json",
    params={
        "to": Param("To"),
        "from_": Param("From"),
        "date_sent_after": Param("DateSent>"),
        "date_sent_before": Param("DateSent<"),
    },
    list_key="messages",
    max_page_size=1000,
    path_sids={"AccountSid": "AC"},
)

_EXECUTIONS = "/v2/Flows/{FlowSid}/Executions"
LIST_EXECUTIONS = Operation(
    "studio.executions.list",
    "GET",
    "studio",
    _EXECUTIONS,
    params={
        "date_created_from": Param("DateCreatedFrom"),
        "date_created_to": Param("DateCreatedTo"),
    },
    list_key="executions",
    max_page_size=1000,
    path_sids={"FlowSid": "FW"},
)
FETCH_EXECUTION_CONTEXT = Operation(
    "studio.executions.context.fetch",
    "GET",
    "studio",
    _EXECUTIONS + "/{ExecutionSid}/Context",
    path_sids={"FlowSid": "FW", "ExecutionSid": "FN"},
)
LIST_STEPS = Operation(
    "studio.executions.steps.list",
    "GET",
    "studio",
    _EXECUTIONS + "/{ExecutionSid}/Steps",
    list_key="steps",
    max_page_size=1000,
    path_sids={"FlowSid": "FW", "ExecutionSid": "FN"},
)

LIST_FLEX_FLOWS = Operation(
    "flex.flex_flows.list",
    "GET",
    "flex-api",
    "/v1/FlexFlows",
    params={"friendly_name": Param("FriendlyName")},
    list_key="flex_flows",
    max_page_size=1000,
)
DELETE_FLEX_FLOW = Operation(
    "flex.flex_flows.delete", "DELETE", "flex-api", "/v1/FlexFlows/{Sid}", path_sids={"Sid": "FO"}
)
CREATE_FLEX_FLOW = Operation(
    "flex.flex_flows.create",
    "POST",
    "flex-api",
    "/v1/FlexFlows",
    params={
        "friendly_name": Param("FriendlyName", required=True),
        "chat_service_sid": Param("ChatServiceSid", required=True),
        "channel_type": Param("ChannelType", required=True),
        "contact_identity": Param("ContactIdentity"),
        "enabled": Param("Enabled"),
        "integration_type": Param("IntegrationType"),
        "flow_sid": Param("Integration.FlowSid"),
        "url": Param("Integration.Url"),
        "workspace_sid": Param("Integration.WorkspaceSid"),
        "workflow_sid": Param("Integration.WorkflowSid"),
        "channel": Param("Integration.Channel"),
        "long_lived": Param("LongLived"),
        "janitor_enabled": Param("JanitorEnabled"),
    },
)

FETCH_STEP_CONTEXT = Operation(
    "studio.executions.steps.context.fetch",
    "GET",
    "studio",
    _EXECUTIONS + "/{ExecutionSid}/Steps/{StepSid}/Context",
    path_sids={"FlowSid": "FW", "ExecutionSid": "FN", "StepSid": "FT"},
)
