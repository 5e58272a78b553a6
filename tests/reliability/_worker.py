"""A second process for the reliability suite: writes, saves or imports into a workbook.

Run as ``python _worker.py COMMAND FOLDER ...``. It prints ``ready`` once the workbook is
open, waits for a line on stdin (so that several workers start writing at the same moment),
prints ``go`` just before the operation, one line per committed write where that is useful,
and ``done`` at the end.
"""

from __future__ import annotations

import sys

from coachkit import open_workbook


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def main(argv: list[str]) -> int:
    command, folder, *rest = argv
    # "open" is itself the operation (a migration): the others open first.
    wb = open_workbook(folder) if command != "open" else None
    _say("ready")
    sys.stdin.readline()
    _say("go")
    if command == "open":
        wb = open_workbook(folder)
    elif command == "activities":
        # One committed activity per call, as a notebook logging calls would do.
        contact_id, count, tag = int(rest[0]), int(rest[1]), rest[2]
        for i in range(count):
            wb.log_activity(contact_id, "call", "2026-11-24", outcome="reached", notes=f"{tag}-{i}")
    elif command == "pairs":
        # A contact and its outreach in one transaction: readers must never see one alone.
        count = int(rest[0])
        for i in range(count):
            with wb.transaction():
                cid = wb.add_contact(f"Pair {i}", source="pair")
                wb.log_activity(cid, "outreach", "2026-11-22", channel="email")
    elif command == "acked":
        # Committed writes acknowledged one by one, for the kill test.
        contact_id, count = int(rest[0]), int(rest[1])
        for i in range(count):
            wb.log_activity(contact_id, "reply", "2026-11-23", notes=f"acked-{i}")
            _say(f"ok {i}")
    elif command == "save":
        # One big save: all of it or none of it must survive a kill.
        count = int(rest[0])
        wb.add_contacts(
            {"name": f"Saved {i}", "source": "save", "notes": "n" * 2000} for i in range(count)
        )
    elif command == "import":
        from coachkit.importers import import_contacts

        import_contacts(wb, rest[0])
    elif command == "backup":
        wb.backup(rest[0])
    else:
        raise SystemExit(f"unknown command {command}")
    wb.close()
    _say("done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
