"""coachkit: a Jupyter coaching workbook for networking as a disciplined, sincere process.

The public API mirrors the ecosystem's (nbformat-like): open or create a workbook, then read
and write it through its methods; the process engine, importers and reports are functions
that take a workbook.
"""

from __future__ import annotations

from .cohort import run_cohort
from .errors import (
    CoachkitError,
    ImportFormatError,
    NotFoundError,
    ReportError,
    SchemaVersionError,
    ValidationError,
    WorkbookError,
)
from .export import export_csv
from .firms import firm_key
from .ics import build_calendar, write_calendar
from .importers import ImportSummary, import_contacts
from .mentors import rank_mentors, target_firms, uncovered_firms
from .network import log_conversation_referrals, network_figures, referral_tree
from .progress import count_activities, verdict  # progress() itself: see coachkit.progress
from .report import build_report, run_report
from .schedule import Session, WeeklyPlan, follow_ups, weekly_plan
from .scripts import (
    Draft,
    VoicemailCheck,
    check_voicemail,
    email_draft,
    job_ask_warnings,
    voicemail_draft,
)
from .weeks import month_range, week_label, week_range
from .workbook import Goals, Profile, Target, Workbook, create_workbook, open_workbook

__version__ = "0.1.0"

__all__ = [
    "CoachkitError",
    "Draft",
    "Goals",
    "ImportFormatError",
    "ImportSummary",
    "NotFoundError",
    "Profile",
    "ReportError",
    "SchemaVersionError",
    "Session",
    "Target",
    "ValidationError",
    "VoicemailCheck",
    "WeeklyPlan",
    "Workbook",
    "WorkbookError",
    "__version__",
    "build_calendar",
    "build_report",
    "check_voicemail",
    "count_activities",
    "create_workbook",
    "email_draft",
    "export_csv",
    "firm_key",
    "follow_ups",
    "import_contacts",
    "job_ask_warnings",
    "log_conversation_referrals",
    "month_range",
    "network_figures",
    "open_workbook",
    "rank_mentors",
    "referral_tree",
    "run_cohort",
    "run_report",
    "target_firms",
    "uncovered_firms",
    "verdict",
    "voicemail_draft",
    "week_label",
    "week_range",
    "weekly_plan",
    "write_calendar",
]
