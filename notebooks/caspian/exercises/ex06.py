"""Exercises of lesson 06 (Weighing the evidence).

Expected answers are computed from the course tables when a check runs, so they stay right when a
row is added. The one exception is exercise 06.4: classifying statements of the seed article is an
act of reading, so its expected answer is the course's own reading (:data:`COURSE_READING`), with
the reasons given in the lesson's solution. The hints name the usual mistakes: counting ``;``
separators instead of ids, counting sources instead of publishers, matching text case-sensitively.
"""

from __future__ import annotations

import pandas as pd

from caspian import data
from caspian.checks import exercise, expect_number, expect_set

GOVERNMENT_KINDS = ("state", "government agency", "person")
"""Actor kinds that speak for a government. The only person who makes claims in the events table is
Azerbaijan's president; a private person would not count."""


# --- Answers computed from the data -------------------------------------------------------------


def sources_per_event() -> pd.Series:
    """Number of source ids each event cites, indexed by event_id."""
    events = data.load_events()
    return events.set_index("event_id")["source_ids"].str.split(";").str.len()


def publishers_of(event_id: str) -> set[str]:
    """The distinct publishers of the sources one event cites."""
    events = data.load_events().set_index("event_id")
    publisher = data.load_sources().set_index("source_id")["publisher"]
    return {str(publisher[s]) for s in str(events.loc[event_id, "source_ids"]).split(";")}


def claimants() -> pd.DataFrame:
    """One row per (event, claimant) with the claimant's kind and country, and the event status."""
    events = data.load_events()
    actors = data.load_actors().set_index("actor_id")[["kind", "country"]]
    rows = events[["event_id", "claimed_by", "status"]].assign(
        actor_id=events["claimed_by"].str.split(";")).explode("actor_id")
    return rows.join(actors, on="actor_id")


def one_government_events(country: str | None = None,
                          statuses: tuple[str, ...] = ("alleged", "disputed", "denied")
                          ) -> set[str]:
    """Events whose every claimant belongs to the government of one and the same state.

    ``country`` restricts the state (ISO alpha-3, e.g. "AZE"); ``statuses`` the claim status.
    """
    rows = claimants()
    rows["government"] = rows["kind"].astype(str).isin(GOVERNMENT_KINDS)
    per_event = rows.groupby("event_id").agg(
        government=("government", "all"), countries=("country", "nunique"),
        country=("country", "first"), status=("status", "first"))
    keep = per_event["government"] & (per_event["countries"] == 1)
    keep &= per_event["status"].astype(str).isin(statuses)
    if country is not None:
        keep &= per_event["country"] == country
    return set(per_event.index[keep])


def notes_mentioning(pattern: str, case: bool = False) -> int:
    """How many events' notes match ``pattern`` (a regular expression)."""
    notes = data.load_events()["notes"]
    return int(notes.str.contains(pattern, case=case, na=False).sum())


# --- 06.1 -----------------------------------------------------------------------------------------


def _wrong_04_1() -> list:
    n = sources_per_event()
    return [int((n == 2).sum()), int((n <= 2).sum()), int((n > 1).sum())]


@exercise("06.1", "Events that rest on a single source", wrong=_wrong_04_1)
def _ex04_1(answer):
    n = sources_per_event()
    expected = int((n == 1).sum())
    return expect_number(
        answer, expected,
        why=f"{expected} of {len(n)} events cite exactly one source: each is only as good as that "
            "one report.",
        hints=[
            (lambda v: v == (n == 2).sum(),
             "this is the number of events with two sources: an event with one source has no "
             "';' at all. Count the ids after `.str.split(';')`, not the separators."),
            (lambda v: v == (n <= 2).sum(),
             "you counted events with one *or two* sources: keep only a count equal to 1."),
            (lambda v: v == (n > 1).sum(),
             "you counted the events with more than one source: flip the condition."),
            (lambda v: v == len(n), "this is every event: filter on the number of sources."),
        ],
    )


# --- 06.2 -----------------------------------------------------------------------------------------


SEVERAL_OUTLETS_EVENT = "E023"
"""The March 2012 announcement of 22 arrests: six sources, two of them from one agency."""


def _wrong_04_2() -> list:
    n = sources_per_event()
    return [int(n[SEVERAL_OUTLETS_EVENT]), 1]


@exercise("06.2", "Sources versus publishers", wrong=_wrong_04_2)
def _ex04_2(answer):
    expected = len(publishers_of(SEVERAL_OUTLETS_EVENT))
    n_sources = int(sources_per_event()[SEVERAL_OUTLETS_EVENT])
    return expect_number(
        answer, expected,
        why=f"{n_sources} sources but only {expected} publishers: one agency is cited twice, so "
            "the event has fewer independent voices than sources.",
        hints=[
            (lambda v: v == n_sources,
             "that is the number of *sources*: two of them can come from the same publisher. "
             "Look up each source's `publisher` and count the distinct values (`.nunique()`)."),
            (lambda v: v < expected,
             "too few: did you keep only one row after the merge, or count authors instead of "
             "publishers?"),
        ],
    )


# --- 06.3 -----------------------------------------------------------------------------------------


def _wrong_04_3() -> list:
    aze_alleged = one_government_events("AZE", statuses=("alleged",))
    aze_any = one_government_events("AZE")
    alleged_aze_anywhere = set(
        claimants().query("country == 'AZE' and status == 'alleged'")["event_id"])
    return [sorted(aze_any), sorted(alleged_aze_anywhere), sorted(aze_alleged)[:-1]]


@exercise("06.3", "Resting on Azerbaijan's word alone", wrong=_wrong_04_3)
def _ex04_3(answer):
    expected = one_government_events("AZE", statuses=("alleged",))
    names = answer if isinstance(answer, str) else None
    try:
        got = {str(a).upper() for a in ([names] if names else list(answer))}
    except TypeError:
        got = set()
    rows = claimants().set_index("event_id")
    status = rows["status"].astype(str).groupby(level=0).first()
    if any(status.get(e) not in (None, "alleged") for e in got):
        return False, ("some of your events are not 'alleged': a denied or disputed claim has "
                       "been answered by someone. Keep only `status == 'alleged'`.")
    foreign = set(rows.index[rows["country"].fillna("") != "AZE"])
    if got & foreign:
        return False, ("some of your events have a claimant from outside Azerbaijan: keep an "
                       "event only when *every* claimant is Azerbaijani (group by event and use "
                       "`.all()`).")
    return expect_set(answer, expected, what="event ids",
                      why=f"{len(expected)} events rest on the word of Azerbaijan's government "
                          "alone, with no confirmation and no public rebuttal found.")


# --- 06.4 -----------------------------------------------------------------------------------------


CATEGORIES = ("fact", "claim", "inference")
"""Short names of the three readings: reported fact, attributed claim, author's inference."""

COURSE_READING: dict[int, str] = {
    1: "fact",
    2: "claim",
    3: "inference",
    4: "claim",
    5: "claim",
    6: "fact",
    7: "claim",
    8: "inference",
}
"""The course's reading of the eight paraphrased statements in lesson 06 (one interpretation; the
lesson's solution gives the reasons)."""


def _category(text: object) -> str | None:
    word = str(text).casefold()
    for name in CATEGORIES:
        if name in word:
            return name
    return None


def _as_reading(answer: object) -> dict[int, str | None]:
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if isinstance(answer, dict):
        return {int(k): _category(v) for k, v in answer.items()}
    return {i: _category(v) for i, v in enumerate(list(answer), start=1)}


def _wrong_04_4() -> list:
    swapped = dict(COURSE_READING)
    swapped[1], swapped[2] = COURSE_READING[2], COURSE_READING[1]
    return [dict.fromkeys(COURSE_READING, "fact"), swapped, list(COURSE_READING.values())[:-1]]


@exercise("06.4", "Fact, claim or inference?", wrong=_wrong_04_4)
def _ex04_4(answer):
    if isinstance(answer, str):
        return False, "give one label per statement: a dict such as {1: 'fact', 2: 'claim', ...}."
    reading = _as_reading(answer)
    if set(reading) != set(COURSE_READING):
        return False, (f"label every statement, numbered 1 to {len(COURSE_READING)} "
                       f"(you gave {len(reading)}).")
    unknown = sorted(k for k, v in reading.items() if v is None)
    if unknown:
        return False, (f"statement(s) {unknown}: use one of the labels "
                       f"{', '.join(repr(c) for c in CATEGORIES)}.")
    if set(reading.values()) == {"fact"}:
        return False, ("you read every statement as fact. For each one ask: who is the source? "
                       "The author himself, a named government or outlet, or a record anyone can "
                       "check?")
    differ = sorted(k for k in COURSE_READING if reading[k] != COURSE_READING[k])
    if differ:
        return False, (f"your reading differs from the course's on statement(s) {differ}. For "
                       "each, ask: does the article attribute it to someone ('said', "
                       "'reportedly', 'according to'), is it the author's own judgement, or "
                       "could anyone check it in a public record? A different reading can be "
                       "defensible: compare your reasons with the solution's.")
    return True, ("your reading matches the course's. It is one interpretation; the solution "
                  "gives the reasons for each statement.")


# --- 06.5 -----------------------------------------------------------------------------------------


DISAGREEMENT_PATTERN = "differ|disagree"


def _wrong_04_5() -> list:
    return [notes_mentioning(DISAGREEMENT_PATTERN, case=True), notes_mentioning("differ"),
            notes_mentioning("disagree")]


@exercise("06.5", "How often do the sources disagree?", wrong=_wrong_04_5)
def _ex04_5(answer):
    expected = notes_mentioning(DISAGREEMENT_PATTERN)
    total = len(data.load_events())
    return expect_number(
        answer, expected,
        why=f"{expected} of {total} events record in their notes that sources differ or "
            "disagree: a lower bound, since notes word disagreements in other ways too.",
        hints=[
            (lambda v: v == notes_mentioning(DISAGREEMENT_PATTERN, case=True),
             "too few: the search is case-sensitive, and a note may start with a capital "
             "('Disagreements: ...'). Pass `case=False`."),
            (lambda v: v == notes_mentioning("differ"),
             "you searched for only one of the two words: a regular expression 'a|b' matches "
             "either."),
            (lambda v: v == notes_mentioning("disagree"),
             "you searched for only one of the two words: a regular expression 'a|b' matches "
             "either."),
        ],
    )
