"""Notebook 04, build your schedule: the weekly sessions, this week's plan, a calendar file."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any, ClassVar

import ipywidgets as widgets

from .. import _widgets as ui
from ..workbook import WEEKDAYS, Workbook
from ..workshop.figures import mark_saved
from ._base import _Errors, _Form, _View, _week_of
from ._page import join, on_page, on_page_today

__all__ = [
    "CalendarForm",
    "ScheduleForm",
    "WeekView",
    "calendar_form",
    "schedule_form",
    "week_view",
]


_TIME = re.compile(r"^\d{1,2}:\d{2}$")


class ScheduleForm(_Form):
    """Step 2: when research, outreach and follow-up calls happen."""

    save_text = "Save my schedule"
    _DAYS: ClassVar[list[tuple[str, int]]] = [(day, index) for index, day in enumerate(WEEKDAYS)]
    _FIELDS = ("week_start", "outreach_weekday", "outreach_time", "follow_up_days",
               "skip_weekends", "call_time", "research_weekday", "research_time")  # fmt: skip

    def __init__(self, wb: Workbook, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        p = wb.profile
        self.week_start = widgets.Dropdown(options=self._DAYS, value=p.week_start)
        self.outreach_weekday = widgets.Dropdown(options=self._DAYS, value=p.outreach_weekday)
        self.outreach_time = widgets.Text(value=p.outreach_time, placeholder="HH:MM")
        self.follow_up_days = widgets.IntText(value=p.follow_up_days)
        self.skip_weekends = widgets.Checkbox(
            value=p.skip_weekends, description="Move a call falling on a weekend to Monday",
            indent=False,
        )  # fmt: skip
        self.call_time = widgets.Text(value=p.call_time, placeholder="HH:MM")
        self.research_weekday = widgets.Dropdown(options=self._DAYS, value=p.research_weekday)
        self.research_time = widgets.Text(value=p.research_time, placeholder="HH:MM")
        self.advice = widgets.HTML()
        self.outreach_weekday.observe(lambda _c: self._advise(), names="value")
        self.follow_up_days.observe(lambda _c: self._advise(), names="value")
        self.widget = widgets.VBox(
            [
                self._row("outreach_weekday", "Outreach day", self.outreach_weekday,
                          "the method: Sunday, when inboxes are quiet"),
                self._row("outreach_time", "Outreach time", self.outreach_time, "HH:MM"),
                self._row("follow_up_days", "Follow-up call after (days)", self.follow_up_days,
                          "the method: 9 (a Sunday email gives a Tuesday call)"),
                self._row("skip_weekends", "Weekends", self.skip_weekends,
                          "nobody is at their desk on Saturday or Sunday"),
                self._row("call_time", "Call time", self.call_time, "HH:MM"),
                self._row("research_weekday", "Research day", self.research_weekday,
                          "find the people to write to"),
                self._row("research_time", "Research time", self.research_time, "HH:MM"),
                self._row("week_start", "My week starts on", self.week_start),
                self.advice,
                self._footer(),
            ]
        )  # fmt: skip
        self._advise()

    def reload(self) -> None:
        super().reload()
        profile = self.wb.profile
        for field in self._FIELDS:
            getattr(self, field).value = getattr(profile, field)

    def _advise(self) -> None:
        notes = []
        if self.outreach_weekday.value != 6:
            notes.append(
                "Emails sent early in the week drown in daily business, and Thursday or Friday "
                "ones are forgotten over the weekend: Sunday works best."
            )
        if self.follow_up_days.value != 9:
            notes.append("The method calls 9 days after the first message.")
        self.advice.value = "".join(ui.warning_html(n) for n in notes)

    def _write(self, errors: _Errors) -> str:
        for field in ("outreach_time", "call_time", "research_time"):
            if not _TIME.match(getattr(self, field).value.strip()):
                errors.add(field, f"{getattr(self, field).value!r} is not a time: write HH:MM")
        for field in self._FIELDS:
            value = getattr(self, field).value
            with errors.field(field):
                self.wb.update_profile(
                    **{field: value.strip() if isinstance(value, str) else value}
                )
        if errors:
            return ""
        # The schedule has the method's defaults: only a save tells the board it is done.
        mark_saved(self.wb, "schedule")
        p = self.wb.profile
        return (
            f"Schedule saved: outreach on {WEEKDAYS[p.outreach_weekday]}s at {p.outreach_time}, "
            f"calls {p.follow_up_days} days later at {p.call_time}."
        )


class WeekView(_View):
    """This week's plan: research, the outreach session and the calls due."""

    def __init__(self, wb: Workbook, today: dt.date) -> None:
        super().__init__(wb, "This week's plan")
        self.today = today
        self.refresh()

    def refresh(self) -> None:
        """Plan the week that holds ``today`` again (after the schedule changes)."""
        from ..schedule import weekly_plan

        plan = weekly_plan(self.wb, _week_of(self.wb, self.today), today=self.today)
        self.plan = plan
        frame = plan.to_frame()
        self.heading.value = (
            f"<h4 style='margin:8px 0 4px'>This week's plan: {plan.week} "
            f"({plan.start:%d %b} to {plan.end:%d %b})</h4>"
        )
        self._show_chart(ui.week_chart(frame, plan.start))
        overdue = ""
        if len(plan.overdue):
            overdue = ui.warning_html(
                f"{len(plan.overdue)} follow-up call(s) are overdue: make them first "
                "(notebook 07 lists them)."
            )
        readable = frame.assign(day=[f"{d:%a %d %b}" for d in frame["day"]])
        self.table.value = overdue + ui.table_html(
            readable,
            {"day": "Day", "time": "Time", "kind": "What", "title": "Session", "status": "Status"},
            empty="Nothing planned this week.",
        )


class CalendarForm(_Form):
    """Put the schedule in your calendar: an .ics file for the next weeks, to download."""

    save_text = "Make my calendar file"
    FILE_NAME = "coachkit-plan.ics"

    def __init__(self, wb: Workbook, today: dt.date, refresh: Iterable[Any] = ()) -> None:
        super().__init__(wb, refresh)
        self.today = today
        self.weeks = widgets.IntText(value=4, layout=widgets.Layout(width="7em"))
        self.shared = widgets.Checkbox(
            value=False, description="Others can see this calendar", indent=False
        )
        self.download = widgets.HTML()
        self.widget = widgets.VBox(
            [
                self._row("weeks", "How many weeks", self.weeks, "from this week on; 1 to 104"),
                self._row(
                    "shared",
                    "A shared calendar?",
                    self.shared,
                    "tick it to leave phone numbers and voicemail scripts out of the file",
                ),
                self._footer(),
                self.download,
            ]
        )

    def reload(self) -> None:
        super().reload()
        self.download.value = ""

    def _write(self, errors: _Errors) -> str:
        import base64

        from ..ics import write_calendar

        path = self.wb.folder / self.FILE_NAME
        with errors.field("weeks"):
            write_calendar(
                self.wb,
                path,
                self.today,
                int(self.weeks.value),
                today=self.today,
                dtstamp=dt.datetime.now(dt.UTC),  # the export time, like the CLI's
                shared=bool(self.shared.value),
            )
        if errors:
            self.download.value = ""
            return ""
        # A data link downloads in JupyterLab and in Voilà alike (no file server needed).
        data = base64.b64encode(path.read_bytes()).decode("ascii")
        self.download.value = (
            f'<a download="{self.FILE_NAME}" href="data:text/calendar;base64,{data}" '
            'style="font-weight:bold">Download your calendar file</a> and import it into '
            "your coachkit calendar (Google, Outlook or Apple: the README says how). Import "
            "each new file the same way: it updates your events and cancels those no longer "
            "in your plan."
        )
        return f"Calendar file written to {path}."


def schedule_form(wb: Workbook | None = None, refresh: Iterable[Any] = ()) -> widgets.VBox:
    """The schedule settings (notebook 04)."""
    wb, page = on_page(wb)
    return join(page, ScheduleForm(wb, refresh)).widget


def week_view(wb: Workbook | None = None, today: dt.date | None = None) -> WeekView:
    """This week's plan (notebook 04)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, WeekView(wb, today))


def calendar_form(wb: Workbook | None = None, today: dt.date | None = None) -> widgets.VBox:
    """Download the schedule as a calendar file (notebook 04)."""
    wb, today, page = on_page_today(wb, today)
    return join(page, CalendarForm(wb, today)).widget
