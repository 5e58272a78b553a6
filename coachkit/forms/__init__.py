"""The forms and views of the guided notebooks (ipywidgets), testable without a browser.

Each step of the method has a small form class: its input widgets are attributes, ``save()``
is bound to ``save_button``, and it writes to the workbook at once, in one transaction, so a
kernel restart or a closed tab loses nothing. A value the workbook refuses is shown in red
right under the field it is about (``form.error_labels[field]``, ``form.errors``) and nothing
is written. Views (mentor shortlist, week plan, progress, follow-ups, referral tree) are
``VBox`` widgets with a ``refresh()`` that forms call after saving.

The notebooks only call the ``*_form`` / ``*_view`` functions below; tests drive the
classes::

    form = GoalsForm(wb)
    form.industries.value = "Fintech\\nHealthTech"
    form.save_button.click()
    assert wb.goals.industries == ("Fintech", "HealthTech")

The package has one module per notebook step, so the code behind a notebook is in one file:

==========================  =============================================================
``start_here``              01: the workbook folder, your name, importing/adding contacts
``clarify_goals``           02: ranked goals
``find_mentors``            03: mentor shortlist, mosaic of firms, firm tags
``build_schedule``          04: schedule, this week's plan, calendar file
``set_targets``             05: targets and progress
``outreach_scripts``        06: email and voicemail drafts, "I sent it"
``log_and_follow_up``       07: the activity log, referrals, follow-up calls
``_workbook``               which workbook a page uses, and its card (every notebook)
``_base``                   what every form and view shares (private)
==========================  =============================================================

"today" is always passed in (the notebook's ``today`` parameter); nothing here reads the
clock.
"""

from __future__ import annotations

# The base classes, for tests and type hints (not part of the public names).
from ._base import _Form as _Form
from ._base import _View as _View
from ._page import Page, current_page, open_page
from ._workbook import (
    DEFAULT_WORKBOOK,
    WorkbookCard,
    chosen_workbook_file,
    open_or_create,
    resolve_workbook,
    workbook_card,
)
from .build_schedule import (
    CalendarForm,
    ScheduleForm,
    WeekView,
    calendar_form,
    schedule_form,
    week_view,
)
from .clarify_goals import GoalsForm, goals_form
from .find_mentors import (
    FirmTagForm,
    MentorView,
    MosaicView,
    firm_tags_form,
    mentor_view,
    mosaic_view,
)
from .log_and_follow_up import (
    FollowUpView,
    LogForm,
    RecentLogView,
    ReferralView,
    follow_up_view,
    log_form,
    parse_referrals,
    recent_log_view,
    referral_view,
)
from .outreach_scripts import OutreachForm, outreach_form
from .set_targets import ProgressView, TargetsForm, progress_view, targets_form
from .start_here import (
    ContactForm,
    ImportForm,
    OpenWorkbookForm,
    ProfileForm,
    contact_form,
    import_form,
    open_workbook_form,
    profile_form,
)

__all__ = [
    "DEFAULT_WORKBOOK",
    "CalendarForm",
    "ContactForm",
    "FirmTagForm",
    "FollowUpView",
    "GoalsForm",
    "ImportForm",
    "LogForm",
    "MentorView",
    "MosaicView",
    "OpenWorkbookForm",
    "OutreachForm",
    "Page",
    "ProfileForm",
    "ProgressView",
    "RecentLogView",
    "ReferralView",
    "ScheduleForm",
    "TargetsForm",
    "WeekView",
    "WorkbookCard",
    "calendar_form",
    "chosen_workbook_file",
    "contact_form",
    "current_page",
    "firm_tags_form",
    "follow_up_view",
    "goals_form",
    "import_form",
    "log_form",
    "mentor_view",
    "mosaic_view",
    "open_or_create",
    "open_page",
    "open_workbook_form",
    "outreach_form",
    "parse_referrals",
    "profile_form",
    "progress_view",
    "recent_log_view",
    "referral_view",
    "resolve_workbook",
    "schedule_form",
    "targets_form",
    "week_view",
    "workbook_card",
]
