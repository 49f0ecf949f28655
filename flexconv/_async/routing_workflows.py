"""TaskRouter workflows (``client.routing.workflows``): known-agent routing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flexconv._async._base import AsyncResource
from flexconv._core import routing as core
from flexconv._core.checks import check_http_url
from flexconv._core.errors import ValidationError
from flexconv._core.ops import taskrouter as ops
from flexconv.models.routing import Workflow

if TYPE_CHECKING:
    from flexconv._async.paging import AsyncPager


class AsyncWorkflows(AsyncResource):
    """The workspace's workflows (``client.routing.workflows``)."""

    _path = "routing.workflows"

    def list(
        self,
        *,
        friendly_name: str | None = None,
        limit: int | None = None,
        workspace_sid: str | None = None,
    ) -> AsyncPager[Workflow]:
        """The workspace's workflows (optionally those with ``friendly_name``)."""
        return self._workspace_list(
            ops.LIST_WORKFLOWS,
            Workflow,
            workspace_sid,
            values={"friendly_name": friendly_name},
            limit=limit,
        )

    async def fetch(self, workflow_sid: str, *, workspace_sid: str | None = None) -> Workflow:
        """One workflow; ``workflow.routing`` parses its configuration."""
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.FETCH_WORKFLOW, Workflow, path_params={"WorkspaceSid": ws, "Sid": workflow_sid}
        )

    async def create(
        self,
        friendly_name: str,
        configuration: core.WorkflowConfiguration,
        *,
        task_reservation_timeout: int | None = None,
        assignment_callback_url: str | None = None,
        workspace_sid: str | None = None,
    ) -> Workflow:
        """Create a workflow from a typed configuration (see `last_agent_then_queue`)."""
        _check_config(configuration)
        if assignment_callback_url is not None:
            check_http_url(assignment_callback_url, "assignment_callback_url")
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.CREATE_WORKFLOW,
            Workflow,
            path_params={"WorkspaceSid": ws},
            values={
                "friendly_name": friendly_name,
                "configuration": configuration.to_json(),
                "task_reservation_timeout": task_reservation_timeout,
                "assignment_callback_url": assignment_callback_url,
            },
        )

    async def update(
        self,
        workflow_sid: str,
        *,
        configuration: core.WorkflowConfiguration | None = None,
        friendly_name: str | None = None,
        task_reservation_timeout: int | None = None,
        re_evaluate_tasks: bool | None = None,
        assignment_callback_url: str | None = None,
        fallback_assignment_callback_url: str | None = None,
        workspace_sid: str | None = None,
    ) -> Workflow:
        """Change a workflow; ``configuration`` replaces the whole routing configuration.

        ``assignment_callback_url`` (and ``fallback_assignment_callback_url``, tried when the
        first fails) receives each reservation, answered with an instruction; ``""`` clears it.
        """
        if configuration is not None:
            _check_config(configuration)
        for name, url in (
            ("assignment_callback_url", assignment_callback_url),
            ("fallback_assignment_callback_url", fallback_assignment_callback_url),
        ):
            if url:
                check_http_url(url, name)
        ws = await self._workspace(workspace_sid)
        return await self._call(
            ops.UPDATE_WORKFLOW,
            Workflow,
            path_params={"WorkspaceSid": ws, "Sid": workflow_sid},
            values={
                "configuration": configuration.to_json() if configuration is not None else None,
                "friendly_name": friendly_name,
                "task_reservation_timeout": task_reservation_timeout,
                "re_evaluate_tasks": re_evaluate_tasks,
                "assignment_callback_url": assignment_callback_url,
                "fallback_assignment_callback_url": fallback_assignment_callback_url,
            },
        )

    async def delete(self, workflow_sid: str, *, workspace_sid: str | None = None) -> None:
        """Delete a workflow (refused while it has pending tasks)."""
        ws = await self._workspace(workspace_sid)
        await self._call_raw(
            ops.DELETE_WORKFLOW, path_params={"WorkspaceSid": ws, "Sid": workflow_sid}
        )


def _check_config(configuration: object) -> None:
    if not isinstance(configuration, core.WorkflowConfiguration):
        raise ValidationError(
            "configuration must be a WorkflowConfiguration (build one, or parse JSON with "
            f"WorkflowConfiguration.from_json), got {type(configuration).__name__}"
        )
