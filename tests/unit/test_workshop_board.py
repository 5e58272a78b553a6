"""The board's rows and room totals, its page, and the weekly summary (pure functions)."""

from __future__ import annotations

import datetime as dt
import html.parser

import pytest

from coachkit.workshop.board import board, current_weeks, render_board, weekly_summary
from coachkit.workshop.service import read_roster_names
from coachkit.workshop.store import LiveRow, WeeklyRow

pytestmark = pytest.mark.unit

TODAY = dt.date(2026, 11, 25)  # Wednesday of 2026-W48
AT = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)
BLANK = {"contacts": 0, "goals_set": False, "firms_tagged": 0, "shortlist": 0,
         "schedule_saved": False, "targets_set": False, "drafts": 0, "outreach_this_week": 0,
         "week": "2026-W48"}  # fmt: skip


def live(username, **figures):
    return LiveRow(username, BLANK | figures, AT)


@pytest.fixture
def room():
    """Five in the room: by hand,

    * ana: 40 contacts, goals, 3 firms, shortlist 8, schedule, targets, 2 drafts, 4 outreach;
    * bo: 12 contacts, goals, nothing else, 1 outreach;
    * cy: last published in week 46 (3 outreach then): this week's outreach counts as 0;
    * di: on the hub, has not published yet;
    * coach: a coach who tried the notebooks: not on the board.

    Totals over 4 participants: contacts imported 3 of 4 (ana, bo, cy), goals 2 of 4,
    firms tagged 1, shortlist 1, schedule 1, targets 1, drafts 1, outreach 2 of 4 (ana, bo),
    outreach messages 4 + 1 = 5.
    """
    rows = [
        live("ana", contacts=40, goals_set=True, firms_tagged=3, shortlist=8,
             schedule_saved=True, targets_set=True, drafts=2, outreach_this_week=4),
        live("bo", contacts=12, goals_set=True, outreach_this_week=1),
        live("cy", contacts=5, outreach_this_week=3, week="2026-W46"),
        live("coach", contacts=99, goals_set=True),
    ]  # fmt: skip
    return board(
        rows,
        today=TODAY,
        participants=["ana", "bo", "cy", "di"],
        coaches=["coach"],
        names={"ana": "Ana O.", "di": "Di <b>D</b>"},
    )


def test_one_row_per_participant_and_the_rooms_totals(room):
    assert [(r["username"], r["name"]) for r in room["rows"]] == [
        ("ana", "Ana O."), ("bo", "bo"), ("cy", "cy"), ("di", "Di <b>D</b>"),
    ]  # fmt: skip
    by = {r["username"]: r for r in room["rows"]}
    assert by["di"]["figures"] is None and by["di"]["updated_at"] is None
    assert by["ana"]["updated_at"] == "2026-11-25T10:00:00Z"
    assert by["cy"]["figures"]["outreach_this_week"] == 0  # W46 is not this week
    assert room["totals"] == {
        "participants": 4, "published": 3, "contacts": 3, "goals_set": 2, "firms_tagged": 1,
        "shortlist": 1, "schedule_saved": 1, "targets_set": 1, "drafts": 1,
        "outreach_this_week": 2, "outreach_sum": 5, "contacts_sum": 57,
    }  # fmt: skip


def test_this_week_has_one_name_per_first_day():
    # A week is named after its Thursday. Wednesday 25 November is in W48 for a week from
    # Monday 23 (Thursday 26) but in W47 for a week from Thursday 19; Sunday 29 November is
    # in W48 for a Monday week and W49 for a week from Sunday 29 (Thursday 3 December).
    assert current_weeks(TODAY) == {"2026-W47", "2026-W48"}
    assert current_weeks(dt.date(2026, 11, 29)) == {"2026-W48", "2026-W49"}


class _Reader(html.parser.HTMLParser):
    """A second reader of the page: the table's cells and the totals, as a browser sees them."""

    def __init__(self):
        super().__init__()
        self.cells: list[str] = []
        self.totals: list[str] = []
        self.scripts: list[dict] = []
        self._where: list[str] = []
        self._in_totals = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs)
        if tag == "ul" and attrs.get("id") == "totals":
            self._in_totals = True
        if tag in ("td", "th", "li"):
            self._where.append(tag)
            (self.totals if tag == "li" and self._in_totals else self.cells).append("")

    def handle_endtag(self, tag):
        if tag == "ul":
            self._in_totals = False
        if tag in ("td", "th", "li") and self._where:
            self._where.pop()

    def handle_data(self, data):
        if self._where:
            target = self.totals if self._where[-1] == "li" and self._in_totals else self.cells
            target[-1] += data


def test_the_page_shows_figures_and_escapes_names(room):
    page = render_board(room, nonce="n0nce", refresh=3)
    reader = _Reader()
    reader.feed(page)
    assert "<b>D</b>" not in page  # a roster name is text, never markup
    heads, rows = reader.cells[:9], reader.cells[9:]
    assert heads[0] == "Participant" and heads[-1] == "Outreach this week"
    assert rows[:9] == ["Ana O.", "40", "✔", "3", "8", "✔", "✔", "2", "4"]
    assert rows[9:18] == ["bo", "12", "✔", "0", "0", "–", "–", "0", "1"]
    assert rows[-2:] == ["Di <b>D</b>", "not connected yet"]
    assert reader.totals[0] == "3 of 4 have imported their contacts"
    assert reader.totals[1] == "2 of 4 have set their goals"
    assert reader.totals[-1] == "5 outreach messages this week"
    assert reader.scripts == [{"nonce": "n0nce"}]  # one inline script, no src
    assert 'content="3"' in page  # without scripts, the page reloads itself


def test_weekly_summary_from_published_figures():
    def weekly(username, outreach, meetings, on_track):
        funnel = {"outreach": outreach, "replies": 0, "calls": 0, "calls_reached": 0,
                  "voicemails": 0, "meetings": meetings, "referrals": 0}  # fmt: skip
        figures = {
            "on_track": on_track, "verdict": "on track" if on_track else "two calls short",
            "days_left": 0, "targets": [], "week": funnel, "month": funnel, "calls_due": 0,
            "overdue": 1, "network": {"size": 10}, "stuck": [] if on_track else ["x"],
        }  # fmt: skip
        return WeeklyRow(username, "2026-W48", figures, AT)

    summary = weekly_summary(
        [weekly("ana", 5, 1, True), weekly("bo", 2, 0, False), weekly("coach", 9, 9, True)],
        "2026-W48",
        today=TODAY,
        participants=["ana", "bo", "cy"],
        coaches=["coach"],
        names={"bo": "Bo B."},
    )
    # By hand: ana and Bo B. reported (cy did not); outreach 5 + 2, meetings 1 + 0.
    assert [p["participant"] for p in summary["participants"]] == ["ana", "Bo B."]
    assert summary["totals"]["participants"] == 3 and summary["totals"]["failed"] == 1
    assert summary["totals"]["week"]["outreach"] == 7
    assert summary["totals"]["week"]["meetings"] == 1
    assert (summary["totals"]["on_track"], summary["totals"]["stuck"]) == (1, 1)
    assert summary["failures"][0]["participant"] == "cy"
    assert summary["totals"]["network_size"] == 20


def test_roster_names(tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "\ufeffName,Username,E-mail\nAna Ortiz,ana,ana@example.org\n,,\nBo Berg, bo ,\n",
        encoding="utf-8",
    )
    assert read_roster_names(roster) == {"ana": "Ana Ortiz", "bo": "Bo Berg"}
    (tmp_path / "bad.csv").write_text("who,login\nAna,ana\n", encoding="utf-8")
    with pytest.raises(Exception, match="needs the columns name and username"):
        read_roster_names(tmp_path / "bad.csv")
