"""The doctor's checks: pure functions, plain values in, `Check`/`Finding` values out.

One module per checklist step (``received``, ``address``, ``conversation``, ``webhook``,
``studio``, ``task``, ``agent``, ``completion``), plus ``account``, ``legacy``, ``scan`` and
``rescue``.  The walk that reads the values lives in ``flexconv/_async/doctor.py``.
"""

from flexconv._core.doctor.report import (
    Check,
    Finding,
    MigrationPlan,
    MigrationStep,
    RescueAction,
    RescuePlan,
    ScanCursor,
    ScanProgress,
    ScanSummary,
    Setup,
    Status,
    TraceReport,
)

__all__ = [
    "Check",
    "Finding",
    "MigrationPlan",
    "MigrationStep",
    "RescueAction",
    "RescuePlan",
    "ScanCursor",
    "ScanProgress",
    "ScanSummary",
    "Setup",
    "Status",
    "TraceReport",
]
