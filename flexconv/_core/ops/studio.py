"""Studio operations (``studio.twilio.com/v2/Flows``)."""

from __future__ import annotations

from flexconv._core.operation import Operation, Param

_P = "studio"
_FLOW_FIELDS = {
    "friendly_name": Param("FriendlyName"),
    "status": Param("Status"),
    "definition": Param("Definition", json=True),
    "commit_message": Param("CommitMessage"),
}

LIST_FLOWS = Operation(
    "studio.flows.list", "GET", _P, "/v2/Flows", list_key="flows", max_page_size=1000
)
CREATE_FLOW = Operation(
    "studio.flows.create",
    "POST",
    _P,
    "/v2/Flows",
    params={
        **_FLOW_FIELDS,
        "friendly_name": Param("FriendlyName", required=True),
        "status": Param("Status", required=True),
        "definition": Param("Definition", json=True, required=True),
    },
)
FETCH_FLOW = Operation("studio.flows.fetch", "GET", _P, "/v2/Flows/{Sid}", path_sids={"Sid": "FW"})
UPDATE_FLOW = Operation(
    "studio.flows.update",
    "POST",
    _P,
    "/v2/Flows/{Sid}",
    params={**_FLOW_FIELDS, "status": Param("Status", required=True)},
    path_sids={"Sid": "FW"},
)
DELETE_FLOW = Operation(
    "studio.flows.delete", "DELETE", _P, "/v2/Flows/{Sid}", path_sids={"Sid": "FW"}
)
