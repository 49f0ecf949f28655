"""The doctor's report models: checks, trace reports, scan findings and progress, rescue plans,
the account's messaging setup and the legacy migration plan."""

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
