"""The bibliography says who stands behind each source, how each title was obtained, and what the
course knows about denials (issue 15). Each test catches one class of error an outside check
found."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from caspian import data, paths

AFFILIATION = re.compile(
    r"^((state-owned|state-aligned|state-funded|government):[A-Z]{3}"
    r"|independent|intergovernmental|advocacy|think tank|academic|reference|unclassified)$")
RECONSTRUCTED = re.compile(r"page address|URL slug|reconstructed", re.IGNORECASE)
SEARCH_RECORD = re.compile(
    r"denial search|no (?:specific )?(?:iranian )?(?:denial|response)|none found", re.IGNORECASE)


@pytest.fixture(scope="module")
def sources() -> pd.DataFrame:
    return data.load_sources()


@pytest.fixture(scope="module")
def publishers() -> pd.DataFrame:
    return data.load_publishers()


def outlet_key(name: str) -> str:
    """A spelling-insensitive key: no case, no leading 'The', no parenthesis, no punctuation."""
    name = re.sub(r"\(.*?\)", "", name.casefold())
    name = re.sub(r"^the\s+", "", name.strip())
    return re.sub(r"[^a-z0-9]", "", name)


def test_every_source_has_an_affiliation_from_the_vocabulary(sources):
    bad = sources.loc[~sources["affiliation"].astype(str).str.match(AFFILIATION),
                      ["source_id", "affiliation"]]
    assert bad.empty, f"affiliations outside the vocabulary:\n{bad}"


def test_a_source_has_its_publishers_affiliation(sources, publishers):
    merged = sources.merge(publishers, on="publisher", how="left", suffixes=("", "_pub"))
    assert merged["affiliation_pub"].notna().all(), "a publisher is missing from publishers.csv"
    differ = merged.loc[merged["affiliation"] != merged["affiliation_pub"],
                        ["source_id", "publisher", "affiliation", "affiliation_pub"]]
    assert differ.empty, f"sources.csv and publishers.csv disagree:\n{differ}"


def test_state_classifications_name_their_basis(publishers):
    state = publishers[publishers["affiliation"].str.match(r"state-(?:owned|aligned|funded):")]
    unsourced = state[(state["basis_url"].fillna("") == "")
                      & ~state["basis"].str.contains("Not re-checked", regex=False)]
    assert unsourced.empty, f"state classifications without a basis to check:\n{unsourced}"
    aligned = state[state["affiliation"].str.startswith("state-aligned")]
    assert (aligned["basis_url"].fillna("") != "").all(), "state-aligned rows need a basis_url"


def test_every_publisher_is_used(sources, publishers):
    assert set(publishers["publisher"]) == set(sources["publisher"])


def test_one_spelling_per_outlet(publishers):
    keys = publishers["publisher"].map(outlet_key)
    clash = publishers[keys.duplicated(keep=False)].sort_values("publisher")
    assert clash.empty, f"one outlet spelt more than one way:\n{clash['publisher'].tolist()}"


@pytest.mark.parametrize("spelling", [
    "Kazinform (Kazakhstan's national news agency)", "Kazinform",
    "Jamestown Foundation (Monitor, Vol. 5, Issue 79)", "Jamestown Foundation",
    "U.S. Department of State (Foreign Relations of the United States)",
    "U.S. Department of State"])
def test_outlets_once_spelt_two_ways_now_have_one_spelling(publishers, spelling):
    matches = publishers[publishers["publisher"].map(outlet_key) == outlet_key(spelling)]
    assert len(matches) == 1


def test_reconstructed_titles_are_flagged_in_a_column(sources):
    says = sources["notes"].fillna("").str.contains(RECONSTRUCTED)
    flagged = sources["title_basis"] == "url"
    unflagged = sources.loc[says & ~flagged, "source_id"].tolist()
    unexplained = sources.loc[flagged & ~says, "source_id"].tolist()
    assert not unflagged, f"notes say the title was rebuilt from the URL, column says page: " \
                          f"{unflagged}"
    assert not unexplained, f"title_basis is url but the notes do not say so: {unexplained}"


def test_denial_status_matches_the_denied_by_rows():
    events = data.load_events().set_index("event_id")
    denied = set(data.load_event_actors().query("role == 'denied_by'")["event_id"])
    says_denied = set(events.index[events["denial_status"] == "denied"])
    assert says_denied == denied, (f"denial_status 'denied' without denied_by rows: "
                                   f"{sorted(says_denied - denied)}; denied_by rows without "
                                   f"'denied': {sorted(denied - says_denied)}")


def test_none_found_says_what_was_searched():
    events = data.load_events()
    none_found = events[events["denial_status"] == "none found"]
    silent = none_found.loc[~none_found["notes"].fillna("").str.contains(SEARCH_RECORD), "event_id"]
    assert silent.empty, f"'none found' without a record of the search in notes: {silent.tolist()}"


def test_the_counter_analyses_stand_beside_the_seed():
    sources = data.load_sources().set_index("source_id")
    for sid in ("ctc-20120503-abbottabad", "newamerica-201809-lahoud-iran"):
        assert sid in sources.index
    cited = data.load_relation_sources().query("relation_id == 'R042'")["source_id"]
    assert {"weeklystandard-20120507-joscelyn", "ctc-20120503-abbottabad",
            "newamerica-201809-lahoud-iran"} <= set(cited)
    r042 = data.load_relations().set_index("relation_id").loc["R042"]
    assert r042["relation"] != "alliance/treaty", "R042 codes an allegation with the seed's word"


def test_the_data_readme_documents_the_vocabulary_and_the_checklist():
    text = (paths.DATA_DIR / "README.md").read_text(encoding="utf-8")
    for value in ("state-owned", "state-aligned", "state-funded", "government", "intergovernmental",
                  "independent", "advocacy", "think tank", "academic", "reference", "unclassified",
                  "none found", "not searched", "title_basis"):
        assert value in text, f"data/README.md does not explain {value!r}"
    assert re.search(r"alleged_by.*notes", text), "review checklist: alleged_by against the notes"
