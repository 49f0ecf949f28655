"""Building a whole workspace from a plain description (names instead of SIDs)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flexconv.emulator._base import bad_request
from flexconv.emulator.taskrouter.creation import TaskRouterCreation
from flexconv.emulator.taskrouter.entities import DEFAULT_RESERVATION_TIMEOUT, Workspace


class TaskRouterSeeding(TaskRouterCreation):
    """Seeds a workspace from a plain description."""

    def seed(self, spec: Mapping[str, Any]) -> Workspace:
        """Build one workspace from a plain description (names instead of SIDs).

        ``{"friendly_name": ..., "event_callback_url": ..., "activities": [{"friendly_name",
        "available"}], "task_channels": [{"unique_name", "friendly_name"}], "task_queues":
        [{"friendly_name", "target_workers"}], "workers": [{"friendly_name", "attributes",
        "activity": <name or SID>}], "workflows": [{"friendly_name", "configuration",
        "task_reservation_timeout"}]}``; in workflow configurations ``queue`` may be a queue's
        friendly name.
        """
        ws = self.create_workspace(
            str(spec.get("friendly_name", "Flex Task Assignment")),
            event_callback_url=spec.get("event_callback_url"),
            events_filter=spec.get("events_filter"),
        )
        if "multi_task_enabled" in spec:
            ws.multi_task_enabled = bool(spec["multi_task_enabled"])
        for item in spec.get("activities", ()):
            if not any(a.friendly_name == item["friendly_name"] for a in ws.activities.values()):
                self._new_activity(ws, item["friendly_name"], bool(item.get("available", False)))
        for item in spec.get("task_channels", ()):
            if self._find_channel(ws, item["unique_name"]) is None:
                self._new_channel(
                    ws,
                    item["unique_name"],
                    item.get("friendly_name", item["unique_name"]),
                    item.get("channel_optimized_routing"),
                )
        queues: dict[str, str] = {}
        for item in spec.get("task_queues", ()):
            queue = self._new_queue(
                ws,
                item["friendly_name"],
                item.get("target_workers", "1==1"),
                max_reserved_workers=int(item.get("max_reserved_workers", 1)),
                task_order=item.get("task_order", "FIFO"),
            )
            queues[queue.friendly_name] = queue.sid
        for item in spec.get("workflows", ()):
            config = json.loads(json.dumps(item["configuration"]))
            routing = config.get("task_routing", {})
            for target in [t for f in routing.get("filters", []) for t in f.get("targets", [])] + (
                [routing["default_filter"]] if routing.get("default_filter") else []
            ):
                if target.get("queue") in queues:
                    target["queue"] = queues[target["queue"]]
            self._new_workflow(
                ws,
                item["friendly_name"],
                config,
                item.get("assignment_callback_url"),
                None,
                int(item.get("task_reservation_timeout", DEFAULT_RESERVATION_TIMEOUT)),
            )
        for item in spec.get("workers", ()):
            activity = item.get("activity")
            activity_sid = None
            if activity:
                found = ws.activities.get(activity) or next(
                    (a for a in ws.activities.values() if a.friendly_name == activity), None
                )
                if found is None:
                    raise bad_request(f"No activity {activity!r} in this workspace")
                activity_sid = found.sid
            self._new_worker(ws, item["friendly_name"], item.get("attributes"), activity_sid)
        return ws
