"""Numbered migrations, keyed by ``PRAGMA user_version``.

Step N takes a record from version N-1 to N.  :func:`migrate` runs the missing steps
in one transaction of its own: all of them or none.  Statements run one at a time:
``executescript()`` would commit first (bpo-30593).

A step that rebuilds a table (create the new one, copy, drop the old one, rename:
https://www.sqlite.org/lang_altertable.html#otheralter) is declared
``Migration(step, rebuilds=True)``: foreign keys are then turned off *before* the
transaction (inside one the pragma does nothing), so that dropping the old table does not
run the ON DELETE actions of the tables that point to it (every lumbar puncture would lose
its phase; dropping ``child`` would delete the record).  Every migration ends with
``PRAGMA foreign_key_check``: a link it broke rolls it all back.  A step that drops a table
without the declaration is refused.  docs/adding-a-kind.md, "Migrations", has the recipe.
A new record runs the whole chain from 0.  When a step is added, add a fixture
file for the new version under ``tests/data/`` (a test fails until you do).

Every table (from version 2) has a ``checksum`` column, the seal of its row
(:mod:`tracker.store.checksums`).  :func:`migrate` re-seals every row after the
steps ran, so a step that adds or changes columns needs to do nothing about
seals; a row whose seal was already wrong before the migration stays wrong, so
``check`` still names it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from tracker.kinds import tables
from tracker.store import checksums
from tracker.store.errors import RecordError

_ISO_DATE = "CHECK ({c} IS NULL OR date({c}, '+0 days') IS {c})"


def _date(column: str, null: bool = True) -> str:
    return f"{column} TEXT{'' if null else ' NOT NULL'} " + _ISO_DATE.format(c=column)


def _in(column: str, values: Sequence[str]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"CHECK ({column} IN ({quoted}))"


_ROW = (
    "id INTEGER PRIMARY KEY, "
    "uid TEXT NOT NULL UNIQUE CHECK (length(uid) = 36), "
    "created_at TEXT NOT NULL, "
    "updated_at TEXT NOT NULL"
)

_V1 = [
    f"""CREATE TABLE child (
        {_ROW},
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        {_date("birth_date", null=False)},
        sex TEXT NOT NULL {_in("sex", ["female", "male", "other", "unknown"])},
        {_date("diagnosis_date")},
        immunophenotype TEXT NOT NULL DEFAULT '',
        kmt2a_status TEXT NOT NULL {_in("kmt2a_status", ["rearranged", "germline", "unknown"])},
        kmt2a_partner TEXT NOT NULL DEFAULT '',
        wbc_at_diagnosis_text TEXT NOT NULL DEFAULT '',
        wbc_at_diagnosis_unit TEXT NOT NULL DEFAULT '',
        wbc_at_diagnosis REAL CHECK (wbc_at_diagnosis IS NULL OR wbc_at_diagnosis >= 0),
        cns_status_at_diagnosis TEXT NOT NULL {
        _in(
            "cns_status_at_diagnosis",
            ["CNS1", "CNS2", "CNS3", "TLP+", "TLP-", "pending", "unknown"],
        )
    },
        prednisone_response TEXT NOT NULL {_in("prednisone_response", ["good", "poor", "unknown"])},
        protocol TEXT NOT NULL DEFAULT '',
        risk_group TEXT NOT NULL {_in("risk_group", ["low", "medium", "high", "other", "unknown"])},
        risk_group_text TEXT NOT NULL DEFAULT '',
        hospital TEXT NOT NULL DEFAULT '',
        team_contacts TEXT NOT NULL DEFAULT '',
        notes TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    f"""CREATE TABLE phase (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        kind TEXT NOT NULL {
        _in(
            "kind",
            [
                "prophase",
                "induction",
                "consolidation",
                "intensification",
                "maintenance",
                "transplant",
                "off_therapy",
                "other",
            ],
        )
    },
        name TEXT NOT NULL DEFAULT '',
        {_date("planned_start")},
        {_date("planned_end")},
        {_date("actual_start")},
        {_date("actual_end")},
        notes TEXT NOT NULL DEFAULT '',
        CHECK (planned_start IS NOT NULL OR actual_start IS NOT NULL),
        CHECK (planned_end IS NULL OR planned_start IS NULL OR planned_end >= planned_start),
        CHECK (actual_end IS NULL OR actual_start IS NULL OR actual_end >= actual_start)
    ) STRICT""",
    "CREATE INDEX phase_child ON phase(child_id)",
    f"""CREATE TABLE milestone (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        kind TEXT NOT NULL {
        _in(
            "kind",
            [
                "phase_start",
                "phase_end",
                "marrow_check",
                "mrd_result",
                "remission",
                "risk_change",
                "transplant",
                "end_of_therapy",
                "other",
            ],
        )
    },
        result_text TEXT NOT NULL DEFAULT '',
        planned INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
        mrd_entered TEXT,
        mrd_fraction REAL CHECK (mrd_fraction IS NULL OR mrd_fraction BETWEEN 0 AND 1),
        mrd_qualifier TEXT CHECK (mrd_qualifier IS NULL OR mrd_qualifier IN ('quantified',
            'negative', 'positive_not_quantifiable', 'below_quantifiable_range')),
        mrd_method TEXT CHECK (mrd_method IS NULL OR mrd_method IN ('flow', 'pcr_ig_tcr',
            'pcr_kmt2a', 'ngs', 'other')),
        mrd_sample TEXT CHECK (mrd_sample IS NULL OR mrd_sample IN ('marrow', 'blood')),
        notes TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "CREATE INDEX milestone_child_date ON milestone(child_id, date)",
    f"""CREATE TABLE count_result (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("taken_date", null=False)},
        taken_time TEXT CHECK (taken_time IS NULL OR taken_time GLOB '[0-2][0-9]:[0-5][0-9]'),
        source TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "CREATE INDEX count_child_taken ON count_result(child_id, taken_date, taken_time)",
    f"""CREATE TABLE count_value (
        {_ROW},
        result_id INTEGER NOT NULL REFERENCES count_result(id) ON DELETE CASCADE,
        analyte TEXT NOT NULL {
        _in(
            "analyte",
            [
                "wbc",
                "anc",
                "neut_pct",
                "band_pct",
                "lymph",
                "mono",
                "blast_pct",
                "hgb",
                "hct",
                "plt",
                "rbc",
            ],
        )
    },
        value_text TEXT NOT NULL,
        unit TEXT NOT NULL,
        value REAL NOT NULL CHECK (value >= 0),
        comparator TEXT NOT NULL DEFAULT '' CHECK (comparator IN ('', '<', '>')),
        normalised_value REAL NOT NULL CHECK (normalised_value >= 0),
        canonical_unit TEXT NOT NULL,
        range_text TEXT NOT NULL DEFAULT '',
        range_low REAL,
        range_high REAL,
        UNIQUE (result_id, analyte)
    ) STRICT""",
    f"""CREATE TABLE cns_visit (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        phase_id INTEGER REFERENCES phase(id) ON DELETE SET NULL,
        procedure TEXT NOT NULL {_in("procedure", ["lp_it", "diagnostic_lp"])},
        csf_wbc REAL CHECK (csf_wbc IS NULL OR csf_wbc >= 0),
        csf_rbc REAL CHECK (csf_rbc IS NULL OR csf_rbc >= 0),
        blasts_seen TEXT NOT NULL {_in("blasts_seen", ["yes", "no", "unknown"])},
        cns_status TEXT NOT NULL {
        _in("cns_status", ["CNS1", "CNS2", "CNS3", "TLP+", "TLP-", "pending", "unknown"])
    },
        sedation TEXT NOT NULL DEFAULT '',
        platelets REAL CHECK (platelets IS NULL OR platelets >= 0),
        complications TEXT NOT NULL DEFAULT '',
        planned INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
        note TEXT NOT NULL DEFAULT ''
    ) STRICT""",
    "CREATE INDEX cns_child_date ON cns_visit(child_id, date)",
    "CREATE INDEX cns_phase ON cns_visit(phase_id)",
    f"""CREATE TABLE cns_it_drug (
        {_ROW},
        visit_id INTEGER NOT NULL REFERENCES cns_visit(id) ON DELETE CASCADE,
        drug TEXT NOT NULL {
        _in("drug", ["methotrexate", "cytarabine", "hydrocortisone", "prednisolone"])
    },
        dose_text TEXT NOT NULL DEFAULT '',
        UNIQUE (visit_id, drug)
    ) STRICT""",
    "CREATE INDEX it_drug_visit ON cns_it_drug(visit_id)",
]


def _step_1(conn: sqlite3.Connection) -> None:
    for statement in _V1:
        conn.execute(statement)


_V2 = [
    f"""CREATE TABLE team_threshold (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        analyte TEXT NOT NULL {
        _in(
            "analyte",
            [
                "wbc",
                "anc",
                "neut_pct",
                "band_pct",
                "lymph",
                "mono",
                "blast_pct",
                "hgb",
                "hct",
                "plt",
                "rbc",
            ],
        )
    },
        purpose TEXT NOT NULL {_in("purpose", ["transfusion", "next_block", "watch", "other"])},
        value_text TEXT NOT NULL,
        unit TEXT NOT NULL,
        normalised_value REAL NOT NULL CHECK (normalised_value >= 0),
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        UNIQUE (child_id, analyte, purpose)
    ) STRICT""",
    "CREATE INDEX threshold_child ON team_threshold(child_id)",
    f"""CREATE TABLE appointment (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
        with_whom TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT""",
    "CREATE INDEX appointment_child_date ON appointment(child_id, date)",
    f"""CREATE TABLE question (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("added_on", null=False)},
        text TEXT NOT NULL CHECK (length(trim(text)) > 0),
        answered INTEGER NOT NULL DEFAULT 0 CHECK (answered IN (0, 1)),
        answer TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT""",
    "CREATE INDEX question_child ON question(child_id)",
]


_V1_TABLES = (
    "child",
    "phase",
    "milestone",
    "count_result",
    "count_value",
    "cns_visit",
    "cns_it_drug",
)


def _step_2(conn: sqlite3.Connection) -> None:
    """Version 2: the numbers the team gave the family (transfusion triggers, block starts),
    clinic appointments, the family's questions for the team; a seal (``checksum``) on
    every row, filled in by :func:`migrate`; and ``meta``, the record's own small facts
    (such as when a copy was last saved off the computer)."""
    for statement in _V2:
        conn.execute(statement)
    for table in _V1_TABLES:
        conn.execute(f"ALTER TABLE {table} ADD COLUMN checksum TEXT")
    conn.execute(
        """CREATE TABLE meta (
        id INTEGER PRIMARY KEY,
        key TEXT NOT NULL UNIQUE CHECK (length(key) > 0),
        value TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        checksum TEXT
    ) STRICT"""
    )


# The record's identity and its save counter (rows of ``meta``, from record format 3 on).
META_RECORD_ID = "record_id"
META_SAVES = "saves"


def new_record_id() -> str:
    """A random identity for a new record (tests/data/make_fixtures.py makes it fixed)."""
    return str(uuid.uuid4())


def _step_3(conn: sqlite3.Connection) -> None:
    """Version 3: the record's identity (a random id given once, kept by every backup and copy
    of it) and a save counter that every write transaction raises by one
    (:func:`count_save`), so that backups are ordered by what they hold, not by a clock that
    may be wrong.  ``updated_at`` stays empty: the store keeps these rows itself."""
    conn.execute(
        "INSERT INTO meta (key, value, updated_at) VALUES (?, ?, ''), (?, '0', '')",
        (META_RECORD_ID, new_record_id(), META_SAVES),
    )


_COUNT_VALUE_COLUMNS = (
    "id, uid, created_at, updated_at, result_id, analyte, value_text, unit, value, comparator, "
    "normalised_value, canonical_unit, range_text, range_low, range_high, checksum"
)


def _step_4(conn: sqlite3.Connection) -> None:
    """Version 4: what the lab printed beside a value is kept — its flag ("L", "H", "*") and
    comment — and the hours since an infusion started (a drug level); the analyte is no longer
    a CHECK list (the catalogue grows: chemistry, drug levels; the kinds' rules and ``check``
    hold it to the catalogue), so ``count_value`` is rebuilt.  Results of tests the program does
    not know are kept as printed, in ``count_other``, instead of being dropped."""
    conn.execute(
        f"""CREATE TABLE new_count_value (
        {_ROW},
        result_id INTEGER NOT NULL REFERENCES count_result(id) ON DELETE CASCADE,
        analyte TEXT NOT NULL CHECK (length(analyte) > 0),
        value_text TEXT NOT NULL,
        unit TEXT NOT NULL,
        value REAL NOT NULL CHECK (value >= 0),
        comparator TEXT NOT NULL DEFAULT '' CHECK (comparator IN ('', '<', '>')),
        normalised_value REAL NOT NULL CHECK (normalised_value >= 0),
        canonical_unit TEXT NOT NULL,
        range_text TEXT NOT NULL DEFAULT '',
        range_low REAL,
        range_high REAL,
        checksum TEXT,
        lab_flag TEXT NOT NULL DEFAULT '',
        lab_comment TEXT NOT NULL DEFAULT '',
        hours_after REAL CHECK (hours_after IS NULL OR hours_after >= 0),
        UNIQUE (result_id, analyte)
    ) STRICT"""
    )
    conn.execute(
        f"INSERT INTO new_count_value ({_COUNT_VALUE_COLUMNS}) "
        f"SELECT {_COUNT_VALUE_COLUMNS} FROM count_value"
    )
    conn.execute("DROP TABLE count_value")
    conn.execute("ALTER TABLE new_count_value RENAME TO count_value")
    conn.execute(
        f"""CREATE TABLE count_other (
        {_ROW},
        result_id INTEGER NOT NULL REFERENCES count_result(id) ON DELETE CASCADE,
        name TEXT NOT NULL CHECK (length(trim(name)) > 0),
        value_text TEXT NOT NULL CHECK (length(trim(value_text)) > 0),
        unit TEXT NOT NULL DEFAULT '',
        range_text TEXT NOT NULL DEFAULT '',
        lab_flag TEXT NOT NULL DEFAULT '',
        lab_comment TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        UNIQUE (result_id, name)
    ) STRICT"""
    )


def _step_5(conn: sqlite3.Connection) -> None:
    """Version 5: growth measurements (weight, length/height, head circumference), each as
    typed beside its value in kg / cm; at least one of the three is given."""
    conn.execute(
        f"""CREATE TABLE growth (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        weight_text TEXT NOT NULL DEFAULT '',
        weight_kg REAL CHECK (weight_kg IS NULL OR weight_kg > 0),
        length_text TEXT NOT NULL DEFAULT '',
        length_cm REAL CHECK (length_cm IS NULL OR length_cm > 0),
        head_text TEXT NOT NULL DEFAULT '',
        head_cm REAL CHECK (head_cm IS NULL OR head_cm > 0),
        measured_by TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        CHECK (weight_kg IS NOT NULL OR length_cm IS NOT NULL OR head_cm IS NOT NULL)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX growth_child_date ON growth(child_id, date)")


def _time(column: str) -> str:
    return f"{column} TEXT CHECK ({column} IS NULL OR {column} GLOB '[0-2][0-9]:[0-5][0-9]')"


def _step_6(conn: sqlite3.Connection) -> None:
    """Version 6: medicines at home: plans (drug, dose as the team wrote it, an RRULE
    schedule, start and end; a dose change follows the plan it replaced) and what happened
    to each dose."""
    conn.execute(
        f"""CREATE TABLE medicine_plan (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        drug TEXT NOT NULL CHECK (drug <> ''),
        {_date("start_date", null=False)},
        dose_amount TEXT NOT NULL DEFAULT '',
        dose_unit TEXT NOT NULL DEFAULT '',
        strength TEXT NOT NULL DEFAULT '',
        form TEXT NOT NULL {_in("form", ["tablet", "liquid", "capsule", "other"])},
        schedule TEXT NOT NULL DEFAULT '',
        {_date("end_date")},
        team_note TEXT NOT NULL DEFAULT '',
        follows_id INTEGER REFERENCES medicine_plan(id) ON DELETE SET NULL,
        checksum TEXT,
        CHECK (end_date IS NULL OR end_date >= start_date)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX medicine_plan_child ON medicine_plan(child_id, start_date)")
    conn.execute("CREATE INDEX medicine_plan_follows ON medicine_plan(follows_id)")
    statuses = ["given", "partly_given", "vomited", "missed", "held_by_team"]
    conn.execute(
        f"""CREATE TABLE dose (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        plan_id INTEGER REFERENCES medicine_plan(id) ON DELETE SET NULL,
        {_date("due_date", null=False)},
        {_time("due_time")},
        status TEXT NOT NULL {_in("status", statuses)},
        {_time("given_time")},
        amount TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT"""
    )
    conn.execute("CREATE INDEX dose_child_due ON dose(child_id, due_date)")
    conn.execute("CREATE INDEX dose_plan ON dose(plan_id, due_date)")


def _step_7(conn: sqlite3.Connection) -> None:
    """Version 7: what the fever card needs about the child — the central line (a closed
    list, "other" as typed), allergies as typed or "none known" (apart from not entered),
    the team's day and 24-hour phone numbers and the family's blood-product notes.  Added
    columns with defaults: every child of an older record reads as "not entered"."""
    lines = ["unknown", "none", "port", "hickman", "picc", "other"]
    for column in (
        f"central_line TEXT NOT NULL DEFAULT 'unknown' {_in('central_line', lines)}",
        "central_line_text TEXT NOT NULL DEFAULT ''",
        "allergies TEXT NOT NULL DEFAULT ''",
        "no_known_allergies INTEGER NOT NULL DEFAULT 0 CHECK (no_known_allergies IN (0, 1))",
        "phone_day TEXT NOT NULL DEFAULT ''",
        "phone_24h TEXT NOT NULL DEFAULT ''",
        "blood_product_notes TEXT NOT NULL DEFAULT ''",
    ):
        conn.execute(f"ALTER TABLE child ADD COLUMN {column}")


def _step_8(conn: sqlite3.Connection) -> None:
    """Version 8: temperatures taken at home, the team's fever rules, and symptoms."""
    conn.execute(
        f"""CREATE TABLE temperature (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
        value_text TEXT NOT NULL CHECK (length(trim(value_text)) > 0),
        unit TEXT NOT NULL {_in("unit", ["C", "F"])},
        celsius REAL NOT NULL CHECK (celsius > 0),
        site TEXT CHECK (site IS NULL OR site IN ('armpit', 'ear', 'forehead', 'mouth', 'other')),
        site_text TEXT NOT NULL DEFAULT '',
        called_team INTEGER NOT NULL DEFAULT 0 CHECK (called_team IN (0, 1)),
        went_to_hospital INTEGER NOT NULL DEFAULT 0 CHECK (went_to_hospital IN (0, 1)),
        gave_paracetamol INTEGER NOT NULL DEFAULT 0 CHECK (gave_paracetamol IN (0, 1)),
        done_text TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT"""
    )
    conn.execute("CREATE INDEX temperature_child_date ON temperature(child_id, date)")
    conn.execute(
        f"""CREATE TABLE fever_rule (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("given_on", null=False)},
        value_text TEXT NOT NULL CHECK (length(trim(value_text)) > 0),
        unit TEXT NOT NULL {_in("unit", ["C", "F"])},
        celsius REAL NOT NULL CHECK (celsius > 0),
        rule_text TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT"""
    )
    conn.execute("CREATE INDEX fever_rule_child_date ON fever_rule(child_id, given_on)")
    what = [
        "vomiting",
        "diarrhoea",
        "mouth_sores",
        "constipation",
        "pain",
        "rash",
        "bleeding_bruising",
        "tiredness",
        "jaw_pain",
        "tingling",
        "feeding_refusal",
        "line_site",
        "other",
    ]
    conn.execute(
        f"""CREATE TABLE symptom (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        what TEXT NOT NULL {_in("what", what)},
        what_text TEXT NOT NULL DEFAULT '',
        {_date("end_date")},
        severity TEXT CHECK (severity IS NULL OR severity IN ('mild', 'moderate', 'severe')),
        grade INTEGER CHECK (grade IS NULL OR grade IN (1, 2, 3, 4)),
        grade_version TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        CHECK (end_date IS NULL OR end_date >= date)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX symptom_child_date ON symptom(child_id, date)")


def _step_9(conn: sqlite3.Connection) -> None:
    """Version 9: transfusions (product, amount as typed beside its mL or units, reason,
    reaction) and hospital stays (from, to or open, where, why)."""
    conn.execute(
        f"""CREATE TABLE transfusion (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("date", null=False)},
        time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
        product TEXT NOT NULL {_in("product", ["red_cells", "platelets", "plasma", "other"])},
        product_text TEXT NOT NULL DEFAULT '',
        amount_text TEXT NOT NULL DEFAULT '',
        volume_ml REAL CHECK (volume_ml IS NULL OR volume_ml > 0),
        units REAL CHECK (units IS NULL OR units > 0),
        reason TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        CHECK (volume_ml IS NULL OR units IS NULL)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX transfusion_child_date ON transfusion(child_id, date)")
    conn.execute(
        f"""CREATE TABLE stay (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        {_date("from_date", null=False)},
        {_date("to_date")},
        place TEXT NOT NULL DEFAULT '',
        reason TEXT NOT NULL {_in("reason", ["planned", "fever", "infection", "other"])},
        reason_text TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        CHECK (to_date IS NULL OR to_date >= from_date)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX stay_child_from ON stay(child_id, from_date)")


def _step_10(conn: sqlite3.Connection) -> None:
    """Version 10: appointments that repeat (an RRULE; '' for one visit) and their moved,
    edited or cancelled dates, each kept with the series date it stands for."""
    conn.execute("ALTER TABLE appointment ADD COLUMN repeat TEXT NOT NULL DEFAULT ''")
    conn.execute(
        f"""CREATE TABLE appointment_change (
        {_ROW},
        appointment_id INTEGER NOT NULL REFERENCES appointment(id) ON DELETE CASCADE,
        {_date("original_date", null=False)},
        {_date("date", null=False)},
        cancelled INTEGER NOT NULL DEFAULT 0 CHECK (cancelled IN (0, 1)),
        time TEXT CHECK (time IS NULL OR time GLOB '[0-2][0-9]:[0-5][0-9]'),
        with_whom TEXT NOT NULL DEFAULT '',
        place TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        UNIQUE (appointment_id, original_date)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX appointment_change_of ON appointment_change(appointment_id)")


_MEDICINE_PLAN_COLUMNS = (
    "id, uid, created_at, updated_at, child_id, drug, start_date, dose_amount, dose_unit, "
    "strength, form, schedule, "
    "end_date, team_note, follows_id, checksum"
)


def _step_11(conn: sqlite3.Connection) -> None:
    """Version 11: a medicine plan's form may be not entered (NULL): a new plan no longer
    starts as a tablet the family did not choose.  ``medicine_plan`` is rebuilt."""
    conn.execute(
        f"""CREATE TABLE new_medicine_plan (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        drug TEXT NOT NULL CHECK (drug <> ''),
        {_date("start_date", null=False)},
        dose_amount TEXT NOT NULL DEFAULT '',
        dose_unit TEXT NOT NULL DEFAULT '',
        strength TEXT NOT NULL DEFAULT '',
        form TEXT CHECK (form IS NULL OR form IN ('tablet', 'liquid', 'capsule', 'other')),
        schedule TEXT NOT NULL DEFAULT '',
        {_date("end_date")},
        team_note TEXT NOT NULL DEFAULT '',
        follows_id INTEGER REFERENCES medicine_plan(id) ON DELETE SET NULL,
        checksum TEXT,
        CHECK (end_date IS NULL OR end_date >= start_date)
    ) STRICT"""
    )
    conn.execute(
        f"INSERT INTO new_medicine_plan ({_MEDICINE_PLAN_COLUMNS}) "
        f"SELECT {_MEDICINE_PLAN_COLUMNS} FROM medicine_plan"
    )
    conn.execute("DROP TABLE medicine_plan")
    conn.execute("ALTER TABLE new_medicine_plan RENAME TO medicine_plan")
    conn.execute("CREATE INDEX medicine_plan_child ON medicine_plan(child_id, start_date)")
    conn.execute("CREATE INDEX medicine_plan_follows ON medicine_plan(follows_id)")


def _step_12(conn: sqlite3.Connection) -> None:
    """Version 12: protocol roadmaps applied to a child (their own copy of the template)
    and their planned items."""
    conn.execute(
        f"""CREATE TABLE roadmap (
        {_ROW},
        child_id INTEGER NOT NULL REFERENCES child(id) ON DELETE CASCADE,
        protocol TEXT NOT NULL CHECK (length(trim(protocol)) > 0),
        arm TEXT NOT NULL,
        template TEXT NOT NULL,
        {_date("applied_on", null=False)},
        {_date("first_start")},
        note TEXT NOT NULL DEFAULT '',
        checksum TEXT
    ) STRICT"""
    )
    conn.execute("CREATE INDEX roadmap_child ON roadmap(child_id)")
    conn.execute(
        f"""CREATE TABLE plan_item (
        {_ROW},
        roadmap_id INTEGER NOT NULL REFERENCES roadmap(id) ON DELETE CASCADE,
        item_id TEXT NOT NULL,
        {_date("date")},
        fixed INTEGER NOT NULL DEFAULT 0 CHECK (fixed IN (0, 1)),
        moved_because TEXT NOT NULL DEFAULT '',
        phase_uid TEXT NOT NULL DEFAULT '',
        checksum TEXT,
        UNIQUE (roadmap_id, item_id)
    ) STRICT"""
    )
    conn.execute("CREATE INDEX plan_item_roadmap ON plan_item(roadmap_id)")


Step = Callable[[sqlite3.Connection], None]


@dataclass(frozen=True)
class Migration:
    """A step that needs more than the plain run (a bare function is one that does not).

    ``rebuilds``: the step rebuilds a table (drops it), so it runs with foreign keys off."""

    step: Step
    rebuilds: bool = False

    def __call__(self, conn: sqlite3.Connection) -> None:
        self.step(conn)


def rebuilds(step: Step) -> bool:
    """Whether a step rebuilds a table (declared ``Migration(step, rebuilds=True)``)."""
    return isinstance(step, Migration) and step.rebuilds


MIGRATIONS: list[Step] = [
    _step_1,
    _step_2,
    _step_3,
    Migration(_step_4, rebuilds=True),
    _step_5,
    _step_6,
    _step_7,
    _step_8,
    _step_9,
    _step_10,
    Migration(_step_11, rebuilds=True),
    _step_12,
]
SCHEMA_VERSION = len(MIGRATIONS)


def tables_present(conn: sqlite3.Connection, wanted: Sequence[str]) -> tuple[str, ...]:
    """The tables of ``wanted`` (in its order) that the open file has."""
    found = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_schema WHERE type='table'")}
    return tuple(t for t in wanted if t in found)


def sealed_tables() -> tuple[str, ...]:
    """Every table whose rows carry a seal (from record format 2 on): the tables of the
    kinds of entry (:func:`tracker.kinds.tables`, parents first) and ``meta``."""
    return (*tables(), "meta")


SEALED_SINCE = 2


def migrate(conn: sqlite3.Connection, from_version: int, application_id: int) -> None:
    """Bring the record from ``from_version`` to :data:`SCHEMA_VERSION` in one write
    transaction of its own (raising the save counter), re-sealing every row; nothing is
    changed if any of it fails.  Foreign keys are off for the transaction if a step rebuilds
    a table, and on again afterwards (as they were), also after a failure.  Raises
    RecordError, naming the table, if the steps broke a link that held before, and
    RuntimeError for a step that drops a table without declaring ``rebuilds``."""
    if conn.in_transaction:
        raise RuntimeError("migrate() runs its own transaction; call it outside one")
    steps = [(n, MIGRATIONS[n - 1]) for n in range(from_version + 1, SCHEMA_VERSION + 1)]
    rebuilding = any(rebuilds(step) for _, step in steps)
    keys_on = bool(conn.execute("PRAGMA foreign_keys").fetchone()[0])
    if rebuilding:
        conn.execute("PRAGMA foreign_keys = OFF")  # a no-op inside a transaction: before it
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            _run(conn, from_version, steps, application_id)
            count_save(conn)
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    finally:
        if rebuilding and keys_on:
            conn.execute("PRAGMA foreign_keys = ON")


def _run(
    conn: sqlite3.Connection, from_version: int, steps: list[tuple[int, Step]], application_id: int
) -> None:
    broken: set[tuple[str, int]] = set()
    if from_version >= SEALED_SINCE:  # only the tables the old format has: later kinds' are not
        for table in tables_present(conn, sealed_tables()):  # there before their step runs
            broken.update((table, row["id"]) for row, _ in checksums.broken_rows(conn, table))
    links_before = _broken_links(conn)
    for number, step in steps:
        dropped: list[str] = []
        if not rebuilds(step):
            conn.set_authorizer(_note_drops(dropped))
        try:
            step(conn)
        finally:
            conn.set_authorizer(None)
        if dropped:  # a bug in the step, caught by its tests: rolled back
            raise RuntimeError(
                f"migration step {number} drops the table {dropped[0]} without declaring "
                "Migration(step, rebuilds=True) (docs/adding-a-kind.md, Migrations)"
            )
    new_links = sorted(_broken_links(conn) - links_before)
    if new_links:
        table, _, parent = new_links[0]
        raise RecordError(
            f"Could not update the record to this version of the program: the update would "
            f"leave {len(new_links)} entries in {table} pointing to a missing {parent}; the "
            "record was not changed (keep using the version you had, and report this)."
        )
    if steps:
        checksums.seal_all(conn, sealed_tables(), skip=broken)
    conn.execute(f"PRAGMA application_id = {int(application_id)}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _broken_links(conn: sqlite3.Connection) -> set[tuple[str, int, str]]:
    """(table, row, table it points to) for every link to a row that is not there."""
    found = conn.execute("PRAGMA foreign_key_check").fetchall()
    return {(str(t), -1 if r is None else int(r), str(p)) for t, r, p, _ in found}


def _note_drops(dropped: list[str]) -> Callable[..., int]:
    """An authorizer that lets everything through and notes the tables dropped."""

    def authorize(action: int, arg1: str | None, *_: object) -> int:
        if action == sqlite3.SQLITE_DROP_TABLE and arg1 is not None:
            dropped.append(arg1)
        return sqlite3.SQLITE_OK

    return authorize


# The first format with the record's id and save counter (:func:`_step_3`).
COUNTED_SINCE = 3


def count_save(conn: sqlite3.Connection, *, at_least: int = 0) -> int | None:
    """Raise the save counter by one inside the open write transaction (and to more than
    ``at_least``: a restored record counts on from the newest content it replaced), and
    re-seal its row.  Returns the new value; None in a record of a format without one
    (before :data:`COUNTED_SINCE`, as the connection's ``user_version`` says) or that has
    lost its row.  Any error (disk full, I/O error, busy) is the caller's: the save fails."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    if version < COUNTED_SINCE:
        return None
    cur = conn.execute(
        "UPDATE meta SET value = CAST(max(CAST(value AS INTEGER), ?) + 1 AS TEXT) "
        "WHERE key = ? RETURNING *",
        (int(at_least), META_SAVES),
    )
    names = checksums.column_names(cur)
    found = cur.fetchall()
    if not found:
        return None
    row = checksums.as_dict(names, found[0])
    checksums.seal(conn, "meta", row)
    return int(row["value"])


def set_record_id(conn: sqlite3.Connection, record_id: str) -> None:
    """Give the record ``record_id`` (a restored copy keeps the id of the record it
    replaces), re-sealing its row, inside the open write transaction."""
    cur = conn.execute(
        "UPDATE meta SET value = ? WHERE key = ? RETURNING *", (record_id, META_RECORD_ID)
    )
    names = checksums.column_names(cur)
    for values in cur.fetchall():
        checksums.seal(conn, "meta", checksums.as_dict(names, values))


def record_identity(conn: sqlite3.Connection) -> tuple[str | None, int | None]:
    """The record's id and save counter as stored (None for what a record does not have)."""
    try:
        rows = dict(
            conn.execute(
                "SELECT key, value FROM meta WHERE key IN (?, ?)", (META_RECORD_ID, META_SAVES)
            ).fetchall()
        )
    except sqlite3.OperationalError:
        return None, None
    record_id = rows.get(META_RECORD_ID)
    try:
        saves = int(rows[META_SAVES]) if META_SAVES in rows else None
    except (TypeError, ValueError):
        saves = None
    return (str(record_id) if record_id else None), saves
