"""The ``coachkit`` command line.

Every option maps one to one onto an argument of the API function the command calls.
``main(argv)`` is callable from tests and returns the exit code:

====  ==========================================================
0     done
1     an unexpected failure (a bug: please report it)
2     a value you typed is not acceptable (the message names it)
3     something you named does not exist (a contact, a workbook)
4     the workbook cannot be opened or written
5     a contacts file cannot be read (the workbook is unchanged)
6     a report could not be made
====  ==========================================================
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import CoachkitError
from .workbook import Goals, Workbook

__all__ = ["build_parser", "main"]

_EPILOG = """\
A workbook is a folder that holds one participant's data. Typical first steps:

  coachkit init my-workbook --name "Ana Lima"
  coachkit import my-workbook ~/Downloads/Connections.csv
  coachkit mentors my-workbook

Run `coachkit COMMAND --help` for the details of one command.
"""


_IMPORT_HELP = """\
Add people to your workbook from a contacts file. Importing the same file again
changes nothing; a person found in two files becomes one contact (empty details are
filled in, nothing you already have is overwritten). If the file cannot be read,
the workbook is left unchanged.

Where to get the files:
  LinkedIn  linkedin.com > Me > Settings & Privacy > Data privacy >
            "Get a copy of your data" > tick "Connections" > Request archive.
            LinkedIn e-mails you a link to a .zip: import the zip as it is, or the
            Connections.csv inside it. Its "Imported Contacts.csv" is your own
            address book (not connections): import it on its own if you want it.
  Google    contacts.google.com > Export > "Google CSV", "Outlook CSV" or vCard.
  Outlook   File > Open & Export > Import/Export > Export to a file > CSV.
  Apple / phone / mail program: export your contacts as a vCard (.vcf) file.
  Your own spreadsheet: save it as CSV (comma, semicolon or tab; any encoding)
  and say which column holds what, e.g.
    coachkit import my-workbook people.csv --map name="Full name" --map firm=Company
  Details you can map: name (or first_name and last_name), firm, position, location,
  email, phone, profile_url, tags, notes, connected_on.

Examples:
  coachkit import my-workbook ~/Downloads/Basic_LinkedInDataExport_11-25-2026.zip
  coachkit import my-workbook ~/Downloads/contacts.vcf
"""


def _workbook_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("workbook", type=Path, help="the workbook folder")


def _cmd_init(args: argparse.Namespace) -> int:
    from .workbook import create_workbook

    with create_workbook(args.workbook, name=args.name or "", phone=args.phone or "") as wb:
        print(f"Created a new workbook in {wb.folder}")
        print(f"Next: coachkit import {wb.folder} YOUR-CONTACTS-FILE")
    return 0


def _cmd_goals(args: argparse.Namespace) -> int:
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        goals = wb.set_goals(industries=args.industry, roles=args.role, locations=args.location)
    print(_goals_line(goals) if not goals.is_empty() else "No goals set yet.")
    return 0


def _cmd_tag_firm(args: argparse.Namespace) -> int:
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        wb.tag_firm(args.firm, industry=args.industry, location=args.location, notes=args.notes)
    print(f"Tagged {args.firm}.")
    return 0


def _cmd_mentors(args: argparse.Namespace) -> int:
    from .mentors import rank_mentors, uncovered_firms
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        goals = wb.goals
        if goals.is_empty():
            print("No goals yet: set your target industries, roles and locations first")
            print("(notebook 02_clarify_goals, or `coachkit goals`).")
            return 0
        shortlist = rank_mentors(wb, limit=args.limit)
        gaps = uncovered_firms(wb)
    print(_goals_line(goals))
    if shortlist.empty:
        print("No contact matches your goals yet. Tag firms with their industry and location")
        print("(notebook 03_find_mentors) or import more contacts.")
    else:
        print(
            f"\nYour {len(shortlist)} best potential mentors "
            "(the ask: 'How did you get where you are?'):"
        )
        for rank, row in enumerate(shortlist.itertuples(), start=1):
            done = "  (already contacted)" if row.approached else ""
            print(f"{rank:>3}. {row.name}: {row.reason}{done}")
    if len(gaps):
        print("\nTarget firms where you know nobody yet, or have not talked to anyone yet:")
        for row in gaps.itertuples():
            print(f"  - {row.firm}: {row.status}")
    return 0


# The importers' format names (coachkit.importers.FORMATS), kept here so that `--help`
# does not import pandas; a test checks that the two agree.
_IMPORT_FORMATS = ("linkedin", "linkedin-contacts", "google", "outlook", "vcard", "csv")


def _parse_mapping(pairs: Sequence[str] | None) -> dict[str, str] | None:
    """Turn ``["name=Full name", "firm=Org"]`` into ``{"name": "Full name", "firm": "Org"}``."""
    from .errors import ValidationError

    if not pairs:
        return None
    mapping: dict[str, str] = {}
    for pair in pairs:
        field, sep, column = pair.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise ValidationError(
                "--map",
                f"{pair!r} should look like FIELD=COLUMN",
                hint='e.g. --map name="Full name" --map firm=Company',
            )
        mapping[field.strip()] = column.strip()
    return mapping


def _cmd_import(args: argparse.Namespace) -> int:
    from .errors import ImportFormatError
    from .importers import import_contacts
    from .workbook import open_workbook

    mapping = _parse_mapping(args.map)
    fmt = None if args.format == "auto" else args.format
    with open_workbook(args.workbook) as wb:
        try:
            summary = import_contacts(wb, args.file, format=fmt, mapping=mapping)
        except ImportFormatError as exc:
            print(f"coachkit: {exc}", file=sys.stderr)
            print("Nothing was imported: the workbook is unchanged.", file=sys.stderr)
            return exc.exit_code
    print(summary)
    return 0


def _goals_line(goals: Goals) -> str:
    parts = [
        f"{label}: {', '.join(values)}"
        for label, values in (
            ("industries", goals.industries),
            ("roles", goals.roles),
            ("locations", goals.locations),
        )
        if values
    ]
    return "Your goals: " + "; ".join(parts)


def _cmd_export(args: argparse.Namespace) -> int:
    from .export import export_csv
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        written = export_csv(wb, args.out)
    for path in written:
        print(f"wrote {path}")
    return 0


def _cmd_backup(args: argparse.Namespace) -> int:
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        dest = wb.backup(args.out)
    print(f"wrote a consistent copy of the workbook to {dest}")
    return 0


def _today(args: argparse.Namespace) -> dt.date:
    """The real date only here, at the edge; every function below takes it as a parameter."""
    from .workbook import parse_date

    return parse_date(args.today, "--today") if args.today else dt.date.today()


def _cmd_log(args: argparse.Namespace) -> int:
    from .network import (
        find_contact,
        flag_names,
        is_conversation,
        log_with_referrals,
        parse_referral,
    )
    from .schedule import follow_ups
    from .workbook import open_workbook, parse_date

    today = _today(args)
    on = parse_date(args.date, "--date") if args.date else today
    referrals = [parse_referral(text) for text in args.referral or []]
    with open_workbook(args.workbook) as wb:
        contact_id = find_contact(wb, args.contact)
        name = wb.get_contact(contact_id)["name"]
        activity_id, referred = log_with_referrals(
            wb, contact_id, args.kind, on, channel=args.channel, outcome=args.outcome,
            notes=args.notes, referrals=referrals, conversation=args.conversation, today=today,
        )  # fmt: skip
        calls = follow_ups(wb, on)
    when = f"{on:%a} {on.day} {on:%b %Y}"
    print(f"Logged {args.kind} with {name} on {when} (activity {activity_id}).")
    if args.conversation:
        print("Logged the conversation you had on that call as a meeting.")
    started = calls[calls["outreach_id"] == activity_id]
    if len(started):
        due = started.iloc[0]["due"]
        print(f"Follow-up call planned for {due:%a} {due.day} {due:%b %Y}.")
    for person, new_id in zip(referrals, referred, strict=True):
        print(f"Added referral {person['name']} (contact {new_id}), referred by {name}.")
    if is_conversation(args.kind, args.outcome) or args.conversation:
        note = flag_names(len(referrals))  # the method: 1 to 5 names a conversation
        if note:
            print(f"Note: {note}.")
    return 0


def _week_of(args: argparse.Namespace, wb: Workbook) -> str:
    """The ``--week`` given, else the week (in the workbook's own week start) holding today."""
    from .weeks import week_label

    return args.week or week_label(_today(args), wb.profile.week_start)


def _cmd_plan(args: argparse.Namespace) -> int:
    from .schedule import format_plan, weekly_plan
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        week = _week_of(args, wb)
        print(format_plan(weekly_plan(wb, week, today=_today(args))))
    return 0


def _cmd_calendar(args: argparse.Namespace) -> int:
    from .ics import write_calendar
    from .weeks import iter_weeks
    from .workbook import open_workbook, parse_date

    start = parse_date(args.start, "--start") if args.start else _today(args)
    stamp = dt.datetime.now(dt.UTC)  # the export time: a later export updates earlier events
    with open_workbook(args.workbook) as wb:
        path = write_calendar(
            wb, args.out, start, args.weeks, today=_today(args), dtstamp=stamp, shared=args.shared
        )
        weeks = iter_weeks(start, args.weeks, wb.profile.week_start)
    print(f"Wrote your plan for {weeks[0]} to {weeks[-1]} to {path}.")
    print("Import it into your coachkit calendar (the README's calendar section says how for")
    print("Google, Outlook and Apple): a newer file updates these events and cancels old ones.")
    return 0


def _cmd_target(args: argparse.Namespace) -> int:
    from .progress import METRICS
    from .workbook import open_workbook
    from .workshop.figures import mark_saved

    today = _today(args)
    with open_workbook(args.workbook) as wb:
        with wb.transaction():
            target = wb.set_target(
                args.metric, args.amount, period=args.period, label=args.label or "", today=today
            )
            mark_saved(wb, "targets")
    since = target.since or today
    print(
        f"Target set: {target.amount} {target.label or target.metric} a {target.period}, "
        f"from the {target.period} starting {since:%a} {since.day} {since:%b %Y}; "
        "earlier periods keep the target they had."
    )
    if target.metric not in METRICS:
        print(
            f"Note: coachkit cannot count {target.metric!r} from your log, so progress shows 0 "
            f"for it: keep score yourself. Counted: {', '.join(METRICS)}."
        )
    return 0


def _cmd_progress(args: argparse.Namespace) -> int:
    from .progress import format_progress, progress
    from .workbook import open_workbook

    with open_workbook(args.workbook) as wb:
        week = _week_of(args, wb)
        print(format_progress(progress(wb, week, today=_today(args))))
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from .report import run_report

    # This process is fresh and reads one workbook only: its kernel may be forked from it.
    paths = run_report(
        args.workbook,
        args.week or "",
        _today(args),
        args.out,
        engine=args.engine,
        fork_kernel=True,
    )
    print(f"Report for {paths.participant}, week {paths.week} ({paths.seconds:.1f} s):")
    print(f"  open     {paths.html}")
    print(f"  figures  {paths.summary}")
    print(f"  notebook {paths.notebook}")
    return 0


if TYPE_CHECKING:
    from .cohort import CohortResult


def _print_cohort(result: CohortResult) -> int:
    print(f"{len(result.reports)} reports for week {result.week}")
    print(f"  cohort summary: {result.summary_html}")
    print(f"  figures:        {result.summary_json}")
    if result.failures:
        print(f"{len(result.failures)} report(s) failed:", file=sys.stderr)
        for failure in result.failures:
            print(f"  {failure.participant}: {failure.reason}", file=sys.stderr)
        return 6
    return 0


def _cmd_cohort_report(args: argparse.Namespace) -> int:
    from .cohort import run_cohort
    from .weeks import week_label

    today = _today(args)
    result = run_cohort(
        args.cohort,
        args.week or week_label(today),
        today,
        args.out,
        jobs=args.jobs,
        engine=args.engine,
        progress=not args.quiet,
    )
    return _print_cohort(result)


def _cmd_demo(args: argparse.Namespace) -> int:
    from .cohort import run_cohort
    from .demo import build_demo_cohort
    from .errors import WorkbookError
    from .weeks import last_full_week

    today = _today(args)
    cohort = args.out / "cohort"
    if cohort.exists() and any(cohort.iterdir()):
        raise WorkbookError(
            f"{cohort}: a demo is already there.",
            hint="open its reports, delete the folder, or pass another --out.",
        )
    # A coach reads the report of the last full week: the current one is still under way.
    week = args.week or last_full_week(today)
    folders = build_demo_cohort(cohort, today)
    print(f"Built {len(folders)} demo workbooks in {cohort}")
    result = run_cohort(cohort, week, today, args.out / "reports", jobs=args.jobs)
    for paths in result.reports:
        print(f"  {paths.participant:<14} {paths.html}")
    return _print_cohort(result)


# -- workshops ------------------------------------------------------------------------------------
def _default_notebooks() -> Path:
    """The guided notebooks beside the package (a checkout or an editable install)."""
    return Path(__file__).resolve().parents[1] / "notebooks"


def _cmd_workshop_init(args: argparse.Namespace) -> int:
    from .workshop.roster import init_cohort, read_roster

    participants = read_roster(args.roster)
    result = init_cohort(participants, args.cohort)
    for folder in result.created:
        print(f"  created {folder}")
    print(
        f"{len(result.created)} workbook(s) created, {len(result.kept)} already there "
        f"(unchanged), in {args.cohort}"
    )
    return 0


def _cmd_workshop_links(args: argparse.Namespace) -> int:
    from .workshop.roster import read_roster, start_links

    links = start_links(read_roster(args.roster), args.hub_url)
    width = max(len(person.name) for person, _ in links)
    for person, link in links:
        print(f"{person.name:<{width}}  {person.username:<12}  {link}")
    return 0


def _cmd_workshop_users(args: argparse.Namespace) -> int:
    from .workshop.roster import create_accounts, read_roster

    participants = read_roster(args.roster)
    result = create_accounts(participants, args.notebooks or _default_notebooks())
    for username in result.created:
        print(f"  created {username}")
    print(f"{len(result.created)} account(s) created, {len(result.kept)} already there.")
    return 0


def _cmd_workshop_remove_users(args: argparse.Namespace) -> int:
    from .errors import ValidationError
    from .workshop.roster import read_roster, remove_accounts

    if not args.yes:
        raise ValidationError(
            "--yes", "this deletes the participants' homes and workbooks",
            hint="have them export or back up first, then run it again with --yes.",
        )  # fmt: skip
    removed = remove_accounts(read_roster(args.roster))
    print(f"{len(removed)} account(s) removed: {', '.join(removed) or 'none'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``coachkit`` command."""
    parser = argparse.ArgumentParser(
        prog="coachkit",
        description="Networking for introverts, as a disciplined process: "
        "keep your contacts, goals, schedule and progress in a workbook.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from . import __version__

    parser.add_argument("--version", action="version", version=f"coachkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = commands.add_parser("init", help="create a new workbook (a folder)")
    _workbook_arg(init)
    init.add_argument("--name", help="the participant's name, as reports should show it")
    init.add_argument("--phone", help="your call-back number, said in every voicemail script")
    init.set_defaults(handler=_cmd_init)

    goals = commands.add_parser(
        "goals",
        help="set your target industries, roles and locations (best first)",
        description="Set your goals. Repeat an option to list several, best first, e.g.\n"
        "  coachkit goals my-workbook --role 'Product manager' --role Operations "
        "--location Paris\nA kind of goal you leave out keeps its current list.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _workbook_arg(goals)
    goals.add_argument("--industry", action="append", help="a target industry (repeatable)")
    goals.add_argument("--role", action="append", help="a target role or function (repeatable)")
    goals.add_argument("--location", action="append", help="a target location (repeatable)")
    goals.set_defaults(handler=_cmd_goals)

    tag = commands.add_parser(
        "tag-firm",
        help="say which industry and location a firm is in (LinkedIn does not say)",
    )
    _workbook_arg(tag)
    tag.add_argument("firm", help='the firm\'s name, e.g. "Doctolib"')
    tag.add_argument("--industry", help='e.g. "Health tech" (several: "Fintech, Payments")')
    tag.add_argument("--location", help='e.g. "Paris"')
    tag.add_argument("--notes", help="anything worth remembering about the firm")
    tag.set_defaults(handler=_cmd_tag_firm)

    mentors = commands.add_parser(
        "mentors", help="list the contacts who best match your goals, and why"
    )
    _workbook_arg(mentors)
    mentors.add_argument("--limit", type=int, default=15, help="how many to list (default: 15)")
    mentors.set_defaults(handler=_cmd_mentors)

    imp = commands.add_parser(
        "import",
        help="add people from LinkedIn, Google Contacts, a vCard or a spreadsheet",
        description=_IMPORT_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _workbook_arg(imp)
    imp.add_argument(
        "file",
        type=Path,
        help="the contacts file: Connections.csv, LinkedIn's zip, a .csv or a .vcf",
    )
    imp.add_argument(
        "--format",
        choices=("auto", *_IMPORT_FORMATS),
        default="auto",
        help="what kind of file it is (default: auto, coachkit works it out)",
    )
    imp.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN",
        help="for a spreadsheet of your own: which column holds which detail "
        '(repeatable), e.g. --map name="Full name" --map firm=Company',
    )
    imp.set_defaults(handler=_cmd_import)

    export = commands.add_parser(
        "export", help="write every table to CSV files (safe to open in a spreadsheet)"
    )
    _workbook_arg(export)
    export.add_argument("--out", type=Path, required=True, help="the folder to write CSVs into")
    export.set_defaults(handler=_cmd_export)

    backup = commands.add_parser("backup", help="write a consistent copy of the workbook")
    _workbook_arg(backup)
    backup.add_argument("--out", type=Path, required=True, help="a file or folder for the copy")
    backup.set_defaults(handler=_cmd_backup)

    log = commands.add_parser(
        "log", help="record an outreach, reply, call or meeting (and the people it referred)"
    )
    _workbook_arg(log)
    log.add_argument("--contact", required=True, help="the contact's id or name")
    log.add_argument(
        "--kind", required=True, choices=["outreach", "reply", "call", "meeting"],
        help="what happened",
    )  # fmt: skip
    log.add_argument("--date", help="when, as YYYY-MM-DD (default: today; never after today)")
    log.add_argument(
        "--channel",
        help="outreach: email, linkedin, phone, other; meeting: call, video, coffee, in_person",
    )
    log.add_argument(
        "--outcome",
        choices=["reached", "voicemail", "assistant", "no_answer"],
        help="for a call: reached the person, left a voicemail, left a message with an "
        "assistant, or no answer (no message left)",
    )
    log.add_argument(
        "--conversation",
        action="store_true",
        help="for a call that reached the person: you had the conversation there and then "
        "(it is logged as a meeting too); without it the call is a call, not a meeting",
    )
    log.add_argument("--notes", help="anything worth remembering")
    log.add_argument(
        "--referral", action="append", metavar='"NAME|FIRM|POSITION"',
        help="a person this conversation referred you to (repeatable; a meeting, or a call "
        "with --conversation)",
    )  # fmt: skip
    log.add_argument("--today", help="treat this YYYY-MM-DD as today")
    log.set_defaults(handler=_cmd_log)

    plan = commands.add_parser("plan", help="show a week's plan: research, outreach, calls")
    _workbook_arg(plan)
    plan.add_argument("--week", help="the week, like 2026-W48 (default: this week)")
    plan.add_argument("--today", help="treat this YYYY-MM-DD as today")
    plan.set_defaults(handler=_cmd_plan)

    calendar = commands.add_parser(
        "calendar", help="write your plan as a calendar file (.ics) to import"
    )
    _workbook_arg(calendar)
    calendar.add_argument("--out", type=Path, required=True, help="the .ics file to write")
    calendar.add_argument("--start", help="a day of the first week (default: today)")
    calendar.add_argument("--weeks", type=int, default=4, help="how many weeks (default: 4)")
    calendar.add_argument("--today", help="treat this YYYY-MM-DD as today")
    calendar.add_argument(
        "--shared",
        action="store_true",
        help="for a calendar others can see: leave phone numbers and voicemail scripts out",
    )
    calendar.set_defaults(handler=_cmd_calendar)

    target = commands.add_parser(
        "target", help="set a target, e.g. 5 new_contacts a week or 4 meetings a month"
    )
    _workbook_arg(target)
    target.add_argument("metric", help="new_contacts, calls, meetings, outreach, replies, ...")
    target.add_argument("amount", type=int, help="how many (a whole number from 0)")
    target.add_argument("--period", choices=["week", "month"], default="week")
    target.add_argument("--label", help="how reports name it (default: the metric)")
    target.add_argument(
        "--today",
        help="treat this YYYY-MM-DD as today: the change applies from the week (or month) "
        "that holds it",
    )
    target.set_defaults(handler=_cmd_target)

    prog = commands.add_parser("progress", help="show a week's progress against your targets")
    _workbook_arg(prog)
    prog.add_argument("--week", help="the week, like 2026-W48 (default: this week)")
    prog.add_argument("--today", help="treat this YYYY-MM-DD as today")
    prog.set_defaults(handler=_cmd_progress)

    report = commands.add_parser(
        "report", help="make the weekly report (HTML, notebook and summary.json)"
    )
    _workbook_arg(report)
    report.add_argument("--week", help="the week, like 2026-W48 (default: this week)")
    report.add_argument("--today", help="treat this YYYY-MM-DD as today")
    report.add_argument(
        "--out", type=Path, default=Path("reports"), help="the reports folder (default: reports)"
    )
    report.add_argument(
        "--engine",
        choices=("coachkit", "nbclient"),
        default="coachkit",
        help="papermill engine (default: coachkit, a fresh kernel started ahead)",
    )
    report.set_defaults(handler=_cmd_report)

    cohort = commands.add_parser("cohort", help="work on a cohort (a folder of workbooks)")
    cohort_commands = cohort.add_subparsers(dest="cohort_command", metavar="COMMAND")
    cohort_report = cohort_commands.add_parser(
        "report", help="every participant's weekly report and the coach's cohort summary"
    )
    cohort_report.add_argument("cohort", type=Path, help="the folder of workbook folders")
    cohort_report.add_argument("--week", help="the week, like 2026-W48 (default: this week)")
    cohort_report.add_argument("--today", help="treat this YYYY-MM-DD as today")
    cohort_report.add_argument(
        "--out", type=Path, default=Path("reports"), help="the reports folder (default: reports)"
    )
    cohort_report.add_argument(
        "--jobs", type=int, default=None, help="reports made at once (default: 2 per CPU)"
    )
    cohort_report.add_argument(
        "--engine", choices=("coachkit", "nbclient"), default="coachkit", help=argparse.SUPPRESS
    )
    cohort_report.add_argument("--quiet", action="store_true", help="no progress bar")
    cohort_report.set_defaults(handler=_cmd_cohort_report)

    workshop = commands.add_parser(
        "workshop", help="run a coach-led workshop: roster, workbooks, hub accounts, links"
    )
    workshop_commands = workshop.add_subparsers(dest="workshop_command", metavar="COMMAND")
    w_init = workshop_commands.add_parser(
        "init", help="one named workbook per roster row in a cohort folder (re-run: new rows)"
    )
    w_init.add_argument("roster", type=Path, help="the roster CSV: name,username[,email]")
    w_init.add_argument("--cohort", type=Path, required=True, help="the cohort folder")
    w_init.set_defaults(handler=_cmd_workshop_init)
    w_links = workshop_commands.add_parser(
        "links", help="each participant's own start link (notebook 01 in Voila on the hub)"
    )
    w_links.add_argument("roster", type=Path, help="the roster CSV")
    w_links.add_argument(
        "--hub-url", required=True, help="the hub's address, like https://workshop.example.org"
    )
    w_links.set_defaults(handler=_cmd_workshop_links)
    w_users = workshop_commands.add_parser(
        "users",
        help="on the hub's machine, as root: a system account, private home, notebooks "
        "and named workbook per participant (re-run: new rows)",
    )
    w_users.add_argument("roster", type=Path, help="the roster CSV")
    w_users.add_argument(
        "--notebooks", type=Path, default=None,
        help="the guided notebooks to copy into each home (default: coachkit's notebooks/)",
    )  # fmt: skip
    w_users.set_defaults(handler=_cmd_workshop_users)
    w_remove = workshop_commands.add_parser(
        "remove-users",
        help="after the workshop: remove the accounts coachkit made (homes and workbooks too)",
    )
    w_remove.add_argument("roster", type=Path, help="the roster CSV")
    w_remove.add_argument("--yes", action="store_true", help="yes, delete them")
    w_remove.set_defaults(handler=_cmd_workshop_remove_users)

    demo = commands.add_parser(
        "demo", help="build a demo cohort (three participants) and make their reports"
    )
    demo.add_argument(
        "--out", type=Path, default=Path("demo"), help="where to put it (default: demo)"
    )
    demo.add_argument("--today", help="treat this YYYY-MM-DD as today (e.g. 2026-11-25)")
    demo.add_argument(
        "--week", help="the week to report, e.g. 2026-W47 (default: the last full week)"
    )
    demo.add_argument("--jobs", type=int, default=None, help="reports made at once")
    demo.set_defaults(handler=_cmd_demo)

    return parser


#: The exit code of a command whose reader closed the pipe (``| head``): 128 + SIGPIPE, as
#: the shell reports a command that SIGPIPE ended (git, coreutils).
CLOSED_PIPE_EXIT = 141


def _closed_pipe() -> int:
    """End quietly when whoever read stdout stopped reading: no message, no traceback."""
    try:  # Python would flush stdout again at exit and complain: point it at /dev/null
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # no real file behind sys.stdout (an embedding caller)
        pass
    return CLOSED_PIPE_EXIT


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``coachkit`` command with ``argv`` and return its exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error (exit code 2)
        return int(exc.code or 0)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 2
    try:
        code = handler(args)
        sys.stdout.flush()  # a reader gone early (| head) shows up here, not at exit
        return code
    except BrokenPipeError:
        return _closed_pipe()
    except CoachkitError as exc:
        print(f"coachkit: {exc}", file=sys.stderr)
        return exc.exit_code
    except OSError as exc:  # a path that cannot be read or written: a message, not a traceback
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"coachkit: {where}{exc.strerror or exc}", file=sys.stderr)
        print("  What to do: check the path exists and that you may write there.", file=sys.stderr)
        return 4
    except KeyboardInterrupt:
        print("coachkit: interrupted; nothing partial was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
