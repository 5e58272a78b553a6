"""Benchmark importing a 30,000-row LinkedIn Connections.csv (goal: under 3 s), and a
10,000-card vCard file as phones write it.

Generates a realistic export in a temporary folder (BOM, the ``Notes:`` preamble, quoted
commas in firm names, rows of only commas, members who left, ``LinkedIn Member`` rows,
e-mail mostly empty, dates like ``15 Mar 2024``), then times, each the median of a few runs:

- the import into a fresh workbook (``import_contacts``);
- importing the same file again (every row matched, nothing written);
- ranking mentors over the result, if ``coachkit.mentors.rank_mentors`` exists;

against two baselines measured in the same run on the same file: parsing it with the
``csv`` module, and ``pandas.read_csv``. Then a vCard file of ``--cards`` cards in the
shapes phones write (vCard 2.1 quoted-printable names with soft line breaks, grouped
``item1.EMAIL`` + ``X-ABLabel``, several phones, a folded base64 photo on one card in ten),
imported into a fresh workbook, against ``vobject.readComponents`` reading the same cards
once normalised (the library alone, which cannot read the raw file). Prints PASS/FAIL
against the goal (no assert: speed is measured here, never in tests).

Run: ``python benchmarks/bench_import.py [--rows 30000] [--cards 10000] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import base64
import binascii
import csv
import importlib
import importlib.util
import io
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from coachkit import create_workbook, import_contacts
from coachkit._importers import common

GOAL = 3.0  # seconds for a fresh import of 30,000 rows

FIRST = [
    "Ana", "Jane", "Wei", "Fatima", "José", "Chloé", "Liam", "Olu", "Priya", "Marc", "Léa",
    "Tom", "Nadia", "Karl", "Sofia", "Omar", "Yuki", "Ines", "Noah", "Zoé", "Mateus", "Aisha",
    "Hugo", "Maya", "Arjun", "Elif", "Kofi", "Lucía", "Ravi", "Sara", "Jonas", "Mei", "Diego",
    "Amara", "Felix", "Hana", "Ivan", "Júlia", "Kenji", "Lina", "Malik", "Nora", "Oscar",
    "Paula", "Quentin", "Rosa", "Stefan", "Tariq", "Ugo", "Vera", "Wanjiru", "Xavier", "Yara",
    "Zeynep", "Bruno", "Camille", "Dmitri", "Emma", "Farah", "Gustavo",
]  # fmt: skip
LAST = [
    "Doe", "Lima", "Zhang", "Khan", "Díaz", "Martin", "Brown", "Adeyemi", "Patel", "Dubois",
    "Roux", "Baker", "Benali", "Weber", "Rossi", "Haddad", "Tanaka", "García", "Smith", "Nguyen",
    "O'Neil", "Müller", "Kowalski", "Silva",
]  # fmt: skip
POSITIONS = [
    "Product Manager", "Senior Software Engineer", "Head of Growth", "Data Scientist",
    "Director, Sales", "VP Engineering", "Founder & CEO", "Recruiter", "UX Designer",
    "Operations Lead", "Marketing Manager", "Student",
]  # fmt: skip
SYLLABLES = ["ka", "lo", "mi", "ne", "sa", "ri", "to", "va", "el", "an", "dé", "ür", "bo", "ji"]
SUFFIXES = ["", "", "", ", Inc.", " SAS", " Ltd", " GmbH", ", LLC"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position", "Connected On"]
PREAMBLE = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    'https://www.linkedin.com/psettings/privacy/email."\n\n'
)


def write_connections(path: Path, rows: int, seed: int = 42) -> dict[str, int]:
    """Write a LinkedIn-shaped Connections.csv of ``rows`` data rows; return row kinds."""
    rng = random.Random(seed)
    firms = [f"Firm{i:04d}{rng.choice(SUFFIXES)}" for i in range(max(rows // 10, 1))]
    # Real connections mostly have distinct names: about 24,000 surname x first-name pairs.
    invented = {
        "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3))).title() for _ in range(600)
    }
    surnames = LAST + sorted(invented)[:376]
    kinds = {"people": 0, "only_commas": 0, "no_name": 0, "member": 0}
    buffer = io.StringIO()
    buffer.write(PREAMBLE)
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for i in range(rows):
        day = f"{rng.randint(1, 28):02d} {rng.choice(MONTHS)} {rng.randint(2012, 2026)}"
        roll = rng.random()
        if roll < 0.002:
            buffer.write(",,,,,,\n")
            kinds["only_commas"] += 1
        elif roll < 0.006:
            writer.writerow(["", "", "", "", "", "", day])
            kinds["no_name"] += 1
        elif roll < 0.008:
            writer.writerow(["LinkedIn Member", "", "", "", "", "", day])
            kinds["member"] += 1
        else:
            first, last = rng.choice(FIRST), rng.choice(surnames)
            slug = f"{first}-{last}-{i:x}".lower().replace("'", "")
            email = f"{first}.{last}{i}@example.com".lower() if rng.random() < 0.03 else ""
            writer.writerow(
                [
                    first,
                    last,
                    f"https://www.linkedin.com/in/{slug}",
                    email,
                    rng.choice(firms) if rng.random() < 0.95 else "",
                    rng.choice(POSITIONS),
                    day,
                ]
            )
            kinds["people"] += 1
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return kinds


_PHOTO = base64.b64encode(bytes(range(256)) * 8).decode()


def _qp(text: str) -> str:
    return binascii.b2a_qp(text.encode("utf-8")).decode().replace("=\n", "")


def write_vcards(path: Path, cards: int, seed: int = 7) -> None:
    """Write ``cards`` vCards as an Android/iPhone export mixes them (2.1 and 3.0)."""
    rng = random.Random(seed)
    out: list[str] = []
    for i in range(cards):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        firm = f"Firm{i:05d}{rng.choice(SUFFIXES)}"  # one per card: nobody is twice
        if i % 2:  # Android 2.1: quoted-printable UTF-8 names, a soft break in the note
            note = _qp(f"Met {first} at a meetup about {rng.choice(POSITIONS)}; said to call")
            out += [
                "BEGIN:VCARD", "VERSION:2.1",
                f"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(last)};{_qp(first)};;;",
                f"FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(first + ' ' + last)}",
                f"TEL;CELL:+33 6 {i:08d}", f"TEL;WORK:+33 1 {i:08d}",
                f"EMAIL;HOME:p{i}@example.com", f"ORG:{firm}",
                f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{note[:30]}=", note[30:],
                "END:VCARD",
            ]  # fmt: skip
        else:  # iPhone 3.0: grouped properties with labels
            out += [
                "BEGIN:VCARD", "VERSION:3.0", f"N:{last};{first};;;", f"FN:{first} {last}",
                f"ORG:{firm};", f"TITLE:{rng.choice(POSITIONS)}",
                f"item1.EMAIL;type=INTERNET;type=pref:q{i}@example.com",
                "item1.X-ABLabel:_$!<Other>!$_", f"item2.TEL:+44 7700 {i:06d}",
                "item2.X-ABLabel:_$!<Mobile>!$_",
            ]  # fmt: skip
            if i % 10 == 0:
                photo = "PHOTO;ENCODING=b;TYPE=JPEG:" + _PHOTO
                out += [photo[:75]] + [" " + photo[j : j + 74] for j in range(75, len(photo), 74)]
            out.append("END:VCARD")
    path.write_text("\r\n".join(out) + "\r\n", encoding="utf-8")


def cold_caches() -> None:
    """Forget the folded names, firms, URLs and dates earlier runs left in memory."""
    for cached in (common.fold_firm, common.fold_person, common.url_key, common.parse_day):
        cached.cache_clear()


def median_time(run: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median wall time of ``repeat`` calls, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        source = folder / "Connections.csv"
        kinds = write_connections(source, args.rows)
        size_mb = source.stat().st_size / 2**20

        def parse_csv() -> int:
            with source.open(encoding="utf-8-sig", newline="") as handle:
                return sum(1 for _ in csv.reader(handle))

        def parse_pandas() -> int:
            return len(pd.read_csv(source, skiprows=3, encoding="utf-8-sig", dtype=str))

        csv_s, _ = median_time(parse_csv, args.repeat)
        pandas_s, _ = median_time(parse_pandas, args.repeat)

        runs = iter(range(args.repeat))

        def fresh_import():
            cold_caches()  # as in a new process: `coachkit import` runs once per process
            with create_workbook(folder / f"fresh-{next(runs)}") as wb:
                return import_contacts(wb, source)

        import_s, summary = median_time(fresh_import, args.repeat)
        wb = create_workbook(folder / "reimport")
        first = import_contacts(wb, source)

        def reimport():
            cold_caches()
            return import_contacts(wb, source)

        reimport_s, again = median_time(reimport, args.repeat)

        print(f"Connections.csv: {args.rows:,} rows ({size_mb:.1f} MB): {kinds}")
        print(f"  summary: {str(summary).splitlines()[0]}")
        print(f"baseline csv module parse   {csv_s:7.3f} s")
        print(f"baseline pandas.read_csv    {pandas_s:7.3f} s")
        print(
            f"import into a new workbook  {import_s:7.3f} s   "
            f"{import_s / csv_s:5.1f}x csv parse, {import_s / pandas_s:5.1f}x pandas"
        )
        print(
            f"re-import (nothing new)     {reimport_s:7.3f} s   "
            f"{reimport_s / csv_s:5.1f}x csv parse   "
            f"({again.added} added, {again.merged} merged, {again.unchanged:,} unchanged)"
        )
        assert first.added == kinds["people"], "the benchmark file did not import as expected"

        rank = None
        if importlib.util.find_spec("coachkit.mentors") is not None:
            rank = getattr(importlib.import_module("coachkit.mentors"), "rank_mentors", None)
        if rank is not None:
            wb.set_goals(industries=["Fintech"], roles=["Product"], locations=["Paris"])
            for n in range(0, 3000, 7):
                wb.tag_firm(f"Firm{n:04d}", industry="Fintech", location="Paris")
            rank_s, ranked = median_time(lambda: rank(wb), args.repeat)
            print(
                f"rank mentors ({first.added:,} contacts) {rank_s:7.3f} s   "
                f"{rank_s / pandas_s:5.1f}x pandas.read_csv "
                f"({len(ranked):,} ranked)"
            )
        else:
            print("rank mentors: coachkit.mentors.rank_mentors not found; not measured")
        wb.close()

        vcf = folder / "contacts.vcf"
        write_vcards(vcf, args.cards)
        from coachkit._importers.vcard import normalise_cards

        clean = "".join(text for _, text in normalise_cards(vcf.read_bytes()) if text)

        def vobject_alone() -> int:
            import vobject

            return sum(1 for _ in vobject.readComponents(clean))

        vobject_s, _ = median_time(vobject_alone, args.repeat)
        runs_vcf = iter(range(args.repeat))

        def fresh_vcard_import():
            cold_caches()
            with create_workbook(folder / f"vcf-{next(runs_vcf)}") as wb_vcf:
                return import_contacts(wb_vcf, vcf)

        vcard_s, vcard_summary = median_time(fresh_vcard_import, args.repeat)
        print(
            f"contacts.vcf: {args.cards:,} cards ({vcf.stat().st_size / 2**20:.1f} MB): "
            f"{str(vcard_summary).splitlines()[0]}"
        )
        print(f"baseline vobject alone      {vobject_s:7.3f} s   (the normalised cards)")
        print(
            f"vCard import, new workbook  {vcard_s:7.3f} s   "
            f"{vcard_s / vobject_s:5.1f}x vobject alone"
        )
        assert vcard_summary.added == args.cards, "the vCard file did not import as expected"

        verdict = "PASS" if import_s < GOAL else "FAIL"
        print(
            f"{verdict}: importing {args.rows:,} rows took {import_s:.2f} s (goal < {GOAL:.0f} s)"
        )


if __name__ == "__main__":
    main()
