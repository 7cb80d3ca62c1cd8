"""Write the migration fixture for the current schema version.

    /work/venv/bin/python tests/data/make_fixtures.py          # writes record-v{N}.*
    /work/venv/bin/python tests/data/make_fixtures.py --check  # compares, writes nothing

It writes ``record-v{N}.sqlite`` (N = today's ``SCHEMA_VERSION``), a record
with realistic data made through today's code: two children, every analyte in
several units, lab ranges and "<"/">" values, MRD results in every notation and
qualifier, lumbar punctures with intrathecal drugs, and notes with emoji and
right-to-left (Arabic, Hebrew) text.  Beside it goes ``record-v{N}.expected.json``,
a canonical dump of every table and column, rows ordered by id.

Run it once when ``SCHEMA_VERSION`` moves, and commit both files.  Never
regenerate an older version's fixture: it stands for files families already
have, which every later version must keep opening with their data intact
(``tests/test_migrations.py``).  The output is deterministic: uids come from
``uuid5`` and the clock is simulated, so a re-run gives the same dump.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import sys
import tempfile
import uuid
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tracker import visits
from tracker.forms import (
    ValueInput,
    appointment_from_form,
    child_from_form,
    cns_visit_from_form,
    count_from_form,
    milestone_from_form,
    phase_from_form,
    question_from_form,
    threshold_from_form,
)
from tracker.kinds.growth import growth_from_form
from tracker.kinds.stay import stay_from_form
from tracker.kinds.symptom import symptom_from_form
from tracker.kinds.temperature import fever_rule_from_form, temperature_from_form
from tracker.kinds.transfusion import transfusion_from_form
from tracker.model import (
    Child,
    CountResult,
    DoseLog,
    DoseStatus,
    MedicineForm,
    MedicinePlan,
    OtherResult,
    Phase,
)
from tracker.store import SCHEMA_VERSION, Record, schema

DATA = Path(__file__).resolve().parent
TODAY = dt.date(2026, 11, 24)
START = dt.datetime(2026, 11, 24, 9, 30, tzinfo=dt.UTC)
NAMESPACE = uuid.UUID("6b1f3c2e-8d4a-5e9b-a7c1-0f2e4d6b8a90")

ARABIC = "مرحبا، نحن بخير اليوم"
HEBREW = "שלום, הכול בסדר היום"


class TickingClock:
    """Moves 7 seconds on every reading, so timestamps differ but never depend on the machine."""

    def __init__(self, start: dt.datetime) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(seconds=7)
        return self.now


class Uids:
    """Deterministic uids: uuid5 of a running name."""

    def __init__(self) -> None:
        self.n = 0

    def __call__(self) -> str:
        self.n += 1
        return str(uuid.uuid5(NAMESPACE, f"fixture-{self.n}"))


def fixture_paths(version: int, folder: Path = DATA) -> tuple[Path, Path]:
    return folder / f"record-v{version}.sqlite", folder / f"record-v{version}.expected.json"


# ---------------------------------------------------------------------- the data


def _counts(
    rec: Record, child: Child, uid: Uids, rows: Sequence[tuple[str, str, Sequence[ValueInput]]]
) -> None:
    for date, time, values in rows:
        result = count_from_form(
            {"taken_date": date, "taken_time": time, "source": "Ward 5 · مختبر", "note": ""},
            [replace(v, uid=uid()) for v in values],
            child=child,
            today=TODAY,
            uid=uid(),
        )
        rec.save(result)


def build_record(path: Path) -> None:
    """Fill a new record at ``path`` through the forms and the store, as a family would."""
    uid = Uids()
    random_id = schema.new_record_id
    schema.new_record_id = lambda: str(uuid.uuid5(NAMESPACE, "fixture-record"))  # reproducible
    try:
        rec = Record.open(path, create=True, clock=TickingClock(START))
    finally:
        schema.new_record_id = random_id
    with rec:
        mila, _ = rec.save(
            child_from_form(
                {
                    "name": "Mila 🌷",
                    "birth_date": "2026-01-10",
                    "sex": "female",
                    "diagnosis_date": "2026-05-12",
                    "immunophenotype": "pro-B (CD10−)",
                    "kmt2a_status": "rearranged",
                    "kmt2a_partner": "AFF1 (AF4)",
                    "wbc_at_diagnosis_text": "412",
                    "wbc_at_diagnosis_unit": "×10⁹/L",
                    "cns_status_at_diagnosis": "CNS2",
                    "prednisone_response": "poor",
                    "protocol": "Interfant-21",
                    "risk_group": "high",
                    "hospital": "Princess Máxima Center",
                    "team_contacts": "Dr. de Vries ☎ +31 88 972 72 72",
                    "notes": f"Our brave girl 💪👶🏽 — {ARABIC} — {HEBREW}\nSecond line\ttab",
                    # the fever card's fields (record format 7); numbers in Ofcom's drama range
                    "central_line": "other",
                    "central_line_text": "Hickman, double lumen — «rouge» 🔴",
                    "allergies": f"Penicillin (rash) — {HEBREW}",
                    "phone_day": "+44 20 7946 0123 ext. 4",
                    "phone_24h": "(020) 7946-0999",
                    "blood_product_notes": "Irradiated, CMV-negative\nsecond line",
                },
                today=TODAY,
                uid=uid(),
            )
        )
        noor, _ = rec.save(
            child_from_form(
                {
                    "name": "نور Noor",
                    "birth_date": "2025-12-01",
                    "sex": "male",
                    "diagnosis_date": "2026-03-02",
                    "kmt2a_status": "germline",
                    "wbc_at_diagnosis_text": "8500",
                    "wbc_at_diagnosis_unit": "/µL",
                    "cns_status_at_diagnosis": "TLP-",
                    "prednisone_response": "good",
                    "risk_group": "other",
                    "risk_group_text": "Standard risk (לפי הפרוטוקול)",
                    "notes": "🦁 " + HEBREW,
                },
                today=TODAY,
                uid=uid(),
            )
        )
        # an edit, so that updated_at differs from created_at somewhere
        mila, _ = rec.save(replace(mila, hospital="Princess Máxima Center, Utrecht"))

        def phase(child: Child, **form: str) -> int:
            saved, _ = rec.save(phase_from_form(form, child=child, uid=uid()))
            assert saved.id is not None
            return saved.id

        prophase = phase(mila, kind="prophase", actual_start="2026-05-13", actual_end="2026-05-19")
        induction = phase(
            mila,
            kind="induction",
            name="Induction (IA) 💉",
            planned_start="2026-05-20",
            planned_end="2026-06-22",
            actual_start="2026-05-20",
            actual_end="2026-06-24",
            notes=ARABIC,
        )
        phase(mila, kind="other", name="Blinatumomab 1", actual_start="2026-06-29")
        phase(mila, kind="consolidation", name="IB", planned_start="2026-12-07")
        gone = phase(mila, kind="maintenance", planned_start="2027-06-01")
        rec.delete(Phase, gone)  # leaves a gap in the ids, as real records have
        noor_induction = phase(noor, kind="induction", actual_start="2026-03-03")
        phase(noor, kind="transplant", planned_start="2027-01-15", planned_end="2027-02-15")

        def milestone(child: Child, **form: str) -> None:
            m = milestone_from_form(form, child=child, today=TODAY, uid=uid())
            rec.save(m)

        milestone(mila, date="2026-05-12", kind="marrow_check", result_text="92% blasts")
        milestone(
            mila,
            date="2026-06-22",
            kind="mrd_result",
            mrd_value="0.01%",
            mrd_method="flow",
            mrd_sample="marrow",
            notes=HEBREW,
        )
        milestone(
            mila,
            date="2026-06-23",
            kind="mrd_result",
            mrd_value="1×10⁻⁴",
            mrd_method="pcr_kmt2a",
            mrd_sample="marrow",
        )
        milestone(
            mila, date="2026-07-27", kind="mrd_result", mrd_value="5x10^-4", mrd_sample="blood"
        )
        milestone(mila, date="2026-08-03", kind="mrd_result", mrd_value="1e-5", mrd_method="ngs")
        milestone(
            mila,
            date="2026-08-04",
            kind="mrd_result",
            mrd_value="0,0003",
            mrd_notation="fraction",
        )
        milestone(
            mila,
            date="2026-09-01",
            kind="mrd_result",
            mrd_qualifier="positive_not_quantifiable",
            mrd_method="pcr_ig_tcr",
        )
        milestone(
            mila, date="2026-10-01", kind="mrd_result", mrd_qualifier="below_quantifiable_range"
        )
        milestone(mila, date="2026-06-24", kind="remission", result_text="CR ✓", notes=ARABIC)
        milestone(mila, date="2026-12-20", kind="mrd_result", planned="true")
        milestone(noor, date="2026-04-07", kind="mrd_result", mrd_qualifier="negative")
        milestone(noor, date="2026-04-08", kind="risk_change", result_text="MR → HR")
        milestone(noor, date="2027-01-15", kind="transplant", planned="yes")

        v = ValueInput
        _counts(
            rec,
            mila,
            uid,
            [
                (
                    "2026-05-12",
                    "07:45",
                    [
                        v("wbc", "412", "×10⁹/L", "5.0-19.5"),
                        v("anc", "1200", "/µL", "1500-8500"),
                        v("neut_pct", "3", "%"),
                        v("band_pct", "1", "percent"),
                        v("lymph", "2,1", "×10⁹/L"),
                        v("mono", "0.3", "×10³/µL"),
                        v("blast_pct", "92", "%"),
                        v("hgb", "7.9", "g/dL", "10.5-13.5"),
                        v("hct", "23", "%"),
                        v("plt", "21", "K/µL", "150 – 450"),
                        v("rbc", "2.61", "×10¹²/L"),
                    ],
                ),
                (
                    "2026-05-20",
                    "",
                    [
                        v("wbc", "4500", "cells/mcL"),
                        v("anc", "<0.1", "x10^9/L", "<5"),
                        v("hgb", "95", "g/L"),
                        v("hct", "0.29", "L/L"),
                        v("plt", "45000", "/µL"),
                        v("rbc", "3.1", "M/µL"),
                    ],
                ),
                (
                    "2026-06-01",
                    "08:15",
                    [
                        v("wbc", "1,8", "10^3/uL"),
                        v("anc", "0,5", "G/L", ">1,5"),
                        v("hgb", "5.1", "mmol/L"),
                        v("plt", ">1000", "×10⁹/L"),
                        v("lymph", "900", "/mm3"),
                        v("mono", "0.2", "x10E3/uL"),
                    ],
                ),
                ("2026-06-02", "23:59", [v("plt", "12", "10E9/L"), v("hgb", "6.4", "g/dL")]),
            ],
        )
        _counts(
            rec,
            noor,
            uid,
            [("2026-03-02", "", [v("wbc", "8.5", "K/uL"), v("rbc", "3.9", "10^12/L")])],
        )

        def visit(child: Child, drugs: Sequence[tuple[str, str]], **form: str) -> None:
            saved = cns_visit_from_form(form, drugs, child=child, today=TODAY, uid=uid())
            rec.save(replace(saved, it_drugs=tuple(replace(d, uid=uid()) for d in saved.it_drugs)))

        visit(
            mila,
            [],
            date="2026-05-12",
            procedure="diagnostic_lp",
            csf_wbc="8",
            csf_rbc="120",
            blasts_seen="yes",
            cns_status="CNS2",
            sedation="propofol",
            platelets="21",
        )
        visit(
            mila,
            [("MTX", "6 mg"), ("Prednisolone", "4 mg")],
            date="2026-05-13",
            phase_id=str(prophase),
            cns_status="pending",
            note=HEBREW,
        )
        visit(
            mila,
            [("methotrexate", "6 mg"), ("Ara-C", "15 mg"), ("hydrocortisone", "6 mg")],
            date="2026-06-22",
            phase_id=str(induction),
            csf_wbc="0",
            csf_rbc="0",
            blasts_seen="no",
            cns_status="CNS1",
            platelets="98",
            complications="headache 🤕 for a day",
        )
        visit(
            mila,
            [("methotrexate", "8 mg"), ("cytarabine", "20 mg"), ("HC", "8 mg")],
            date="2026-12-09",
            planned="true",
        )
        visit(noor, [("mtx", "6 mg")], date="2026-03-03", phase_id=str(noor_induction))
        if SCHEMA_VERSION >= 2:  # appointments and questions arrived with record format 2
            for child, fields in (
                (
                    mila,
                    {
                        "date": "2026-11-02",
                        "time": "09:15",
                        "with_whom": "Dr. de Vries 🩺",
                        "place": "Day clinic, Utrecht",
                        "note": ARABIC,
                    },
                ),
                (mila, {"date": "2026-12-09", "with_whom": "LP + clinic", "note": "planned"}),
                (noor, {"date": "2026-03-01", "place": HEBREW}),
            ):
                rec.save(replace(appointment_from_form(fields, child=child), uid=uid()))
            for child, fields in (
                (mila, {"text": "Can she go to the crèche? 🧸", "added_on": "2026-11-10"}),
                (
                    mila,
                    {
                        "text": f"Why the rash? — {HEBREW}",
                        "added_on": "2026-10-01",
                        "answered": "1",
                        "answer": "Likely the co-trimoxazole.",
                    },
                ),
                (noor, {"text": "When is the next marrow check?", "added_on": "2026-03-02"}),
            ):
                rec.save(replace(question_from_form(fields, child=child, today=TODAY), uid=uid()))
        if SCHEMA_VERSION >= 2:  # team thresholds arrived with record format 2
            for child, code, purpose, value, unit, note in (
                (mila, "plt", "transfusion", "20", "×10⁹/L", "platelets below 20: transfusion"),
                (mila, "hgb", "transfusion", "7,5", "g/dL", f"red cells below 7.5 — {ARABIC}"),
                (mila, "anc", "next_block", "0.5", "K/µL", "ANC over 0.5 to start 🧪"),
                (noor, "plt", "next_block", "75000", "/µL", HEBREW),
            ):
                rec.save(
                    replace(
                        threshold_from_form(
                            {
                                "analyte": code,
                                "purpose": purpose,
                                "value_text": value,
                                "unit": unit,
                                "note": note,
                            },
                            child=child,
                        ),
                        uid=uid(),
                    )
                )
        if SCHEMA_VERSION >= 4:  # the lab's flag and comment, other results: format 4
            draw = count_from_form(
                {"taken_date": "2026-11-20", "taken_time": "", "source": "Ward 5", "note": ""},
                [ValueInput("hgb", "7,1", "g/dL", "10.5-13.5", uid=uid())],
                child=mila,
                today=TODAY,
                uid=uid(),
            )
            flagged = replace(draw.values[0], lab_flag="L", lab_comment=f"repeat — {ARABIC}")
            others = (
                OtherResult("Vitamin D 25-OH", "54", "nmol/L", "50-150", uid=uid()),
                OtherResult("Aspergillus Ag", "negative", lab_comment=HEBREW, uid=uid()),
            )
            saved = CountResult(
                draw.child_id,
                draw.taken_date,
                source=draw.source,
                values=(flagged,),
                uid=draw.uid,
                others=others,
            )
            rec.save(saved)
        if SCHEMA_VERSION >= 5:  # growth measurements arrived with record format 5
            for child, fields in (
                (
                    mila,
                    {
                        "date": "2026-11-20",
                        "weight_text": "7.85 kg",
                        "length_text": "68,5 cm",
                        "head_text": "43 cm",
                        "measured_by": "Day clinic 🩺",
                        "note": ARABIC,
                    },
                ),
                (mila, {"date": "2026-10-20", "weight_text": "15 lb 4 oz", "measured_by": "home"}),
                (noor, {"date": "2026-03-02", "length_text": "24.5 in", "note": HEBREW}),
            ):
                rec.save(replace(growth_from_form(fields, child=child, today=TODAY), uid=uid()))
        if SCHEMA_VERSION >= 6:  # medicines at home arrived with record format 6
            first, _ = rec.save(
                MedicinePlan(
                    mila.id,
                    "6-mercaptopurine",
                    dt.date(2026, 10, 1),
                    dose_amount="25",
                    dose_unit="mg",
                    strength="50 mg tablet",
                    form=MedicineForm.TABLET,
                    schedule="FREQ=DAILY;BYHOUR=19",
                    end_date=dt.date(2026, 11, 3),
                    uid=uid(),
                )
            )
            second, _ = rec.save(
                MedicinePlan(
                    mila.id,
                    "6-mercaptopurine",
                    dt.date(2026, 11, 4),
                    dose_amount="12,5",
                    dose_unit="mg",
                    strength="20 mg/mL",
                    form=MedicineForm.LIQUID,
                    schedule="FREQ=DAILY;BYHOUR=19",
                    team_note="WBC low " + ARABIC,
                    follows_id=first.id,
                    uid=uid(),
                )
            )
            rec.save(
                MedicinePlan(
                    noor.id,
                    "co-trimoxazole",
                    dt.date(2026, 3, 7),
                    dose_amount="2.5",
                    dose_unit="mL",
                    schedule="FREQ=WEEKLY;BYDAY=SA,SU",
                    uid=uid(),  # its form not entered (NULL from format 10; a tablet before)
                )
            )
            for day, status in (
                (dt.date(2026, 11, 18), DoseStatus.GIVEN),
                (dt.date(2026, 11, 19), DoseStatus.MISSED),
                (dt.date(2026, 11, 20), DoseStatus.VOMITED),
            ):
                rec.save(
                    DoseLog(
                        mila.id,
                        second.id,
                        day,
                        status,
                        due_time=dt.time(19),
                        given_time=dt.time(19, 5) if status is DoseStatus.GIVEN else None,
                        note=HEBREW if status is DoseStatus.VOMITED else "",
                        uid=uid(),
                    )
                )
        if SCHEMA_VERSION >= 8:  # temperatures, fever rules, symptoms: record format 8
            rule = {"given_on": "2026-06-01", "value_text": "38,0", "unit": "C"}
            rule["rule_text"] = "≥ 38.0 °C: ring the ward 🏥 " + HEBREW
            rec.save(replace(fever_rule_from_form(rule, child=mila, today=TODAY), uid=uid()))
            for child, fields in (
                (
                    mila,
                    {
                        "date": "2026-11-19",
                        "time": "02:10",
                        "value_text": "101.3 °F",
                        "site": "other",
                        "site_text": "under the tongue 👅",
                        "called_team": "1",
                        "went_to_hospital": "1",
                        "done_text": "wrote it down",
                        "note": ARABIC,
                    },
                ),
                (mila, {"date": "2026-11-18", "value_text": "37.4", "unit": "C"}),
                (noor, {"date": "2026-03-02", "value_text": "36,9 °C", "site": "armpit"}),
            ):
                rec.save(
                    replace(temperature_from_form(fields, child=child, today=TODAY), uid=uid())
                )
            symptom = {
                "date": "2026-11-10",
                "end_date": "2026-11-14",
                "what": "mouth_sores",
                "what_text": "drooling",
                "severity": "moderate",
                "grade": "2",
                "note": HEBREW,
            }
            rec.save(replace(symptom_from_form(symptom, child=mila, today=TODAY), uid=uid()))
            other = {"date": "2026-03-03", "what": "other", "what_text": "hiccups " + ARABIC}
            rec.save(replace(symptom_from_form(other, child=noor, today=TODAY), uid=uid()))
        if SCHEMA_VERSION >= 9:  # transfusions and hospital stays arrived with format 9
            stays = (
                {
                    "from_date": "2026-10-02",
                    "to_date": "2026-10-06",
                    "place": "Ward 3 🏥",
                    "reason": "fever",
                    "note": ARABIC,
                },
                {
                    "from_date": "2026-11-22",
                    "place": "Ward 3",
                    "reason": "other",
                    "reason_text": "line infection",
                },
            )
            for fields in stays:
                rec.save(replace(stay_from_form(fields, child=mila, today=TODAY), uid=uid()))
            for child, fields in (
                (
                    mila,
                    {
                        "date": "2026-10-04",
                        "time": "15:10",
                        "product": "platelets",
                        "amount_text": "1 unit",
                        "reason": "low with fever",
                        "note": HEBREW,
                    },
                ),
                (noor, {"date": "2026-03-03", "product": "red_cells", "amount_text": "90 ml"}),
                (
                    noor,
                    {"date": "2026-03-04", "product": "other", "product_text": "granulocytes"},
                ),
            ):
                saved = transfusion_from_form(fields, child=child, today=TODAY)
                rec.save(replace(saved, uid=uid()))
        if SCHEMA_VERSION >= 10:  # repeating appointments and their changed dates: format 10
            series = appointment_from_form(
                {
                    "date": "2026-11-03",
                    "time": "08:30",
                    "with_whom": "Family doctor; counts",
                    "place": "Health centre, Utrecht",
                    "repeat": "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270302",
                },
                child=mila,
            )
            series = visits.cancelled(series, dt.date(2026, 12, 29))
            moved = visits.change_for(series, dt.date(2026, 12, 15))
            series = visits.with_change(
                series, replace(moved, date=dt.date(2026, 12, 16), note=ARABIC)
            )
            rec.save(
                replace(
                    series, uid=uid(), changes=tuple(replace(c, uid=uid()) for c in series.changes)
                )
            )
        if SCHEMA_VERSION >= 12:  # roadmaps applied to a child arrived with format 12
            from tracker.roadmap.child import apply_template
            from tracker.roadmap.read import shipped_template

            assert mila.id is not None
            applied = apply_template(
                shipped_template("interfant-21"),
                "MR",
                child_id=mila.id,
                first_start=dt.date(2026, 5, 12),
                today=TODAY,
            )
            fixture_uid = {p.uid: uid() for p in applied.phases}  # reproducible uids
            for phase in applied.phases:
                rec.save(replace(phase, uid=fixture_uid[phase.uid]))
            items = [
                replace(i, uid=uid(), phase_uid=fixture_uid.get(i.phase_uid, ""))
                for i in applied.roadmap.items
            ]
            rec.save(replace(applied.roadmap, items=tuple(items), uid=uid(), note=HEBREW))


# ---------------------------------------------------------------------- the dump


def dump_tables(path: Path) -> dict[str, Any]:
    """Every table, every column, rows ordered by id (read-only; the file is not changed)."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        tables = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        return {
            "user_version": conn.execute("PRAGMA user_version").fetchone()[0],
            "application_id": conn.execute("PRAGMA application_id").fetchone()[0],
            "tables": {
                t: [dict(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY id")] for t in tables
            },
        }
    finally:
        conn.close()


def dump_json(dump: dict[str, Any]) -> str:
    return json.dumps(dump, ensure_ascii=False, indent=1) + "\n"


def write_fixture(folder: Path = DATA, *, force: bool = False) -> tuple[Path, Path]:
    """Build the record in a temporary file, then move it and its dump into place."""
    db, expected = fixture_paths(SCHEMA_VERSION, folder)
    if not force and (db.exists() or expected.exists()):
        raise FileExistsError(
            f"{db.name} already exists; fixtures of released versions are never regenerated"
        )
    with tempfile.TemporaryDirectory() as tmp:
        built = Path(tmp) / db.name
        build_record(built)
        text = dump_json(dump_tables(built))
        os.replace(built, db)
    expected.write_text(text, encoding="utf-8")
    return db, expected


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--force", action="store_true", help="overwrite an existing fixture")
    parser.add_argument(
        "--check", action="store_true", help="rebuild in a temporary folder and compare"
    )
    args = parser.parse_args(argv)
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            built = Path(tmp) / "check.sqlite"
            build_record(built)
            same = dump_json(dump_tables(built)) == fixture_paths(SCHEMA_VERSION)[1].read_text(
                encoding="utf-8"
            )
        print("fixture matches" if same else "fixture differs from what the code writes today")
        return 0 if same else 1
    for path in write_fixture(force=args.force):
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
