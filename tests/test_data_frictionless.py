"""The data package meets the standard it names: the reference Frictionless validator accepts
``data/datapackage.json``, and rejects the same broken files the course loader rejects.

``frictionless`` is a development dependency (requirements-dev / CI), not a learner one: without it
these tests skip with the reason.
"""

from __future__ import annotations

import json

import pytest

from caspian import data

frictionless = pytest.importorskip("frictionless", reason="pip install frictionless (dev only)")


def reference_errors(folder) -> list[str]:
    """Run the reference validator on a folder's datapackage.json; return its error types."""
    report = frictionless.validate(str(folder / "datapackage.json"))
    return [err.type for task in report.tasks for err in task.errors] + \
        [err.type for err in report.errors]


def test_the_package_is_valid_under_the_reference_validator():
    report = frictionless.validate(str(data.paths.DATA_DIR / "datapackage.json"))
    flat = report.flatten(["resourceName", "rowNumber", "fieldName", "type", "note"])
    assert report.valid, "\n".join(map(str, flat[:20]))
    assert len(report.tasks) == len(data.ALL_TABLES)


def test_every_reference_is_declared_as_a_foreign_key():
    """Each column ending in _id that is not its table's own key points at another table."""
    schema = data.load_schema()
    for res in schema["resources"]:
        declared = {f for fk in res["schema"].get("foreignKeys", []) for f in fk["fields"]}
        own = res["schema"]["primaryKey"]
        for fld in res["schema"]["fields"]:
            name = fld["name"]
            if name.endswith("_id") and not (len(own) == 1 and name == own[0]):
                assert name in declared, f"{res['name']}.{name} is not a declared foreign key"
            assert not any(k.startswith("x-separator") for k in fld), \
                f"{res['name']}.{name} uses the non-standard x-separator"
    assert "foreignKeys" in json.dumps(schema)


def _unknown_source(copy):
    copy.edit("event_sources", 0, source_id="no-such-source")
    return "foreign-key"


def _duplicate_id(copy):
    rows = copy.rows("events")
    copy.edit("events", 3, event_id=rows[0]["event_id"])
    return "primary-key"


def _duplicate_link_row(copy):
    rows = copy.rows("relation_sources")
    copy.write("relation_sources", rows + [rows[5]])
    return "primary-key"


def _bad_enum(copy):
    copy.edit("events", 0, status="rumoured")
    return "constraint-error"


def _bad_role(copy):
    copy.edit("event_actors", 0, role="blamed_by")
    return "constraint-error"


def _missing_column(copy):
    rows = copy.rows("places")
    copy.write("places", rows, [c for c in rows[0] if c != "lat"])
    return "label"


def _unknown_actor(copy):
    copy.edit("relation_actors", 0, actor_id="martians")
    return "foreign-key"


def _blank_required(copy):
    copy.edit("event_sources", 2, source_id="")
    return "constraint-error"


CASES = [_unknown_source, _duplicate_id, _duplicate_link_row, _bad_enum, _bad_role,
         _missing_column, _unknown_actor, _blank_required]


@pytest.mark.parametrize("breakage", CASES, ids=[c.__name__.strip("_") for c in CASES])
def test_both_validators_reject_the_same_bad_files(data_copy, breakage):
    expected_type = breakage(data_copy)
    course = data.validate(data_copy.dir)
    assert not course.ok, "the course loader accepted the broken copy"
    found = reference_errors(data_copy.dir)
    assert found, "the reference validator accepted the broken copy"
    assert any(expected_type in t for t in found), found
