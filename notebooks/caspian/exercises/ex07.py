"""Exercises of lesson 07 (Capstone).

Learners choose their own actor (or pair of actors), so the checks cannot know the expected answer
in advance. Instead they recognise it: an answer is right when it is exactly the set of rows that
name *some* actor (or some pair of actors) in the right columns, and the message says which actor
that is. Answers that match a typical mistake for some actor get a hint: a substring search that
also catches ``irgc-qf`` when looking for ``irgc``, or only one of the columns searched.

Exercise 07.3 checks the learner's written summary: its length and whether it speaks about evidence.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pandas as pd

from caspian import data
from caspian.checks import exercise

ROLES = ("perpetrator_alleged", "claimed_by", "denied_by")
"""Event columns that name actors: who is said to be behind it, who claims it, who denies it."""

SIDES = ("actor_a", "actor_b")
"""Relation columns that name the two parties of a tie."""

STATUS_WORDS = ("alleged", "confirmed", "denied", "disputed", "official", "reported")
SUMMARY_WORDS = (170, 230)
"""Accepted length of the "200-word" summary, in words."""


def _named(table: pd.DataFrame, column: str) -> pd.Series:
    """For each row, the set of ids in a ;-joined column."""
    return table[column].fillna("").map(lambda v: {i.strip() for i in str(v).split(";") if i})


def rows_naming(table: pd.DataFrame, key: str, actor: str, columns) -> set[str]:
    """Ids (column ``key``) of the rows that name ``actor`` in any of ``columns``."""
    hit = pd.Series(False, index=table.index)
    for col in columns:
        hit |= _named(table, col).map(lambda ids: actor in ids)
    return set(table.loc[hit, key])


def events_of(actor: str, partner: str | None = None) -> set[str]:
    """Events naming ``actor`` in any role (and ``partner`` too, if given)."""
    events = data.load_events()
    found = rows_naming(events, "event_id", actor, ROLES)
    if partner:
        found &= rows_naming(events, "event_id", partner, ROLES)
    return found


def ties_of(actor: str, partner: str | None = None) -> set[str]:
    """Relations with ``actor`` on one side (and ``partner`` on the other, if given)."""
    relations = data.load_relations()
    found = rows_naming(relations, "relation_id", actor, SIDES)
    if partner:
        found &= rows_naming(relations, "relation_id", partner, SIDES)
    return found


def substring_events(actor: str) -> set[str]:
    """The usual mistake: searching the text for ``actor`` also finds longer ids containing it."""
    events = data.load_events()
    hit = pd.Series(False, index=events.index)
    for col in ROLES:
        hit |= events[col].str.contains(actor, regex=False, na=False)
    return set(events.loc[hit, "event_id"])


def selected_rows(table: pd.DataFrame, answer: object, key: str) -> pd.DataFrame:
    """The rows of ``table`` an answer selects: a DataFrame as is, or a list of ``key`` ids.

    An unfinished answer (``...`` or ``None``) selects no rows, so the cells after an exercise run
    even before it is done.
    """
    if isinstance(answer, pd.DataFrame):
        return answer
    if answer is ... or answer is None:
        return table.iloc[0:0]
    return table[table[key].isin([str(a) for a in list(answer)])]


def count_words(text: str) -> int:
    """Words in a text, as a word processor counts them (runs of non-space characters)."""
    return len(re.findall(r"\S+", str(text)))


def _ids(answer: object, key: str) -> list[str]:
    if isinstance(answer, pd.DataFrame):
        if key not in answer.columns:
            raise KeyError(f"your table has no {key!r} column")
        answer = answer[key]
    if isinstance(answer, str):
        return [answer]
    return [str(a) for a in list(answer)]


@lru_cache(maxsize=2)
def _catalogue(kind: str) -> dict[tuple[str, ...], frozenset[str]]:
    """Every actor's (and every pair's) right answer, keyed by the actor id(s)."""
    if kind == "events":
        table, key, columns = data.load_events(), "event_id", ROLES
    else:
        table, key, columns = data.load_relations(), "relation_id", SIDES
    rows: dict[str, set[str]] = {}
    for col in columns:
        for row_id, ids in zip(table[key], _named(table, col), strict=True):
            for actor in ids:
                rows.setdefault(actor, set()).add(row_id)
    single = {(a,): frozenset(r) for a, r in rows.items()}
    names = sorted(rows)
    pairs = {(a, b): single[(a,)] & single[(b,)]
             for i, a in enumerate(names) for b in names[i + 1:]}
    return {k: v for k, v in {**single, **pairs}.items() if v}


def _names(who: tuple[str, ...]) -> str:
    names = data.load_actors().set_index("actor_id")["name"]
    return " and ".join(f"{names[a]} ({a})" for a in who)


def _match(kind: str, got: set[str]) -> tuple[str, ...] | None:
    for who, ids in _catalogue(kind).items():
        if ids == got:
            return who
    return None


# --- 07.1 -----------------------------------------------------------------------------------------


def _wrong_05_1() -> list:
    events = data.load_events()
    return [sorted(substring_events("irgc")),
            sorted(rows_naming(events, "event_id", "irn", ["perpetrator_alleged"])),
            sorted(rows_naming(events, "event_id", "aze-mns", ["claimed_by"]))[:-1]]


@exercise("07.1", "The events of your actor", wrong=_wrong_05_1)
def _ex05_1(answer):
    got = set(_ids(answer, "event_id"))
    if not got:
        return False, "your selection is empty: check the actor id (it is case-sensitive)."
    who = _match("events", got)
    if who:
        return True, (f"these are the {len(got)} event(s) that name {_names(who)} as alleged "
                      "perpetrator, claimant or denier.")
    events = data.load_events()
    for actor in data.load_actors()["actor_id"]:
        if got == substring_events(actor) != events_of(actor):
            return False, (f"searching the text for {actor!r} also finds longer ids that contain "
                           "it (such as 'irgc-qf' for 'irgc'): split the ids on ';' and compare "
                           "whole ids.")
        for col in ROLES:
            one = rows_naming(events, "event_id", actor, [col])
            if got == one != events_of(actor):
                return False, (f"you searched only `{col}`: an actor can also claim or deny an "
                               f"event. Search all of {', '.join(ROLES)}.")
    return False, ("not the events of any one actor or pair: search the three columns "
                   f"{', '.join(ROLES)} for whole ids, and keep a row if any of them names your "
                   "actor.")


# --- 07.2 -----------------------------------------------------------------------------------------


def _wrong_05_2() -> list:
    relations = data.load_relations()
    return [sorted(rows_naming(relations, "relation_id", "aze", ["actor_a"])),
            sorted(rows_naming(relations, "relation_id", "irn", ["actor_b"]))]


@exercise("07.2", "The ties of your actor", wrong=_wrong_05_2)
def _ex05_2(answer):
    got = set(_ids(answer, "relation_id"))
    if not got:
        return False, "your selection is empty: check the actor id (it is case-sensitive)."
    who = _match("ties", got)
    if who:
        return True, (f"these are the {len(got)} relation(s) with {_names(who)} on one side: "
                      "read their `status` before calling any of them an alliance.")
    relations = data.load_relations()
    for actor in data.load_actors()["actor_id"]:
        for col in SIDES:
            if got == rows_naming(relations, "relation_id", actor, [col]) != ties_of(actor):
                return False, (f"you searched only `{col}`: a tie can list your actor on either "
                               "side. Search both actor_a and actor_b.")
    return False, ("not the ties of any one actor or pair: keep a relation when actor_a or "
                   "actor_b is your actor.")


# --- 07.3 -----------------------------------------------------------------------------------------


def _judge_summary(text: object) -> tuple[bool, str]:
    if not isinstance(text, str):
        return False, "give your summary as a string: put it between triple quotes \"\"\" … \"\"\"."
    n = count_words(text)
    low, high = SUMMARY_WORDS
    if n < low:
        return False, (f"{n} words: too short for a 200-word summary (aim for {low}–{high}). What "
                       "do the sources disagree about? Who denied what?")
    if n > high:
        return False, (f"{n} words: too long (aim for {low}–{high}). Cut background; keep who "
                       "claims what, and on what evidence.")
    lower = text.casefold()
    if not any(w in lower for w in STATUS_WORDS):
        return False, (f"{n} words, but the summary never says how established its claims are: "
                       "use the status words (alleged, denied, disputed, confirmed…) and say who "
                       "makes each claim.")
    if not re.search(r"\b[ER]\d{3}\b|\b[a-z0-9]+-\d{4,8}-[a-z0-9-]+\b", text):
        return False, (f"{n} words, but no evidence is cited: name the events or relations you "
                       "rely on (E014, R052) or their source ids, so a reader can check them.")
    return True, (f"{n} words, with status words and cited rows. The rubric asks more than this "
                  "check can: attribution, disagreements, limits.")


def _wrong_05_3() -> list:
    filler = "Iran and Azerbaijan have a difficult relationship with many events over time. "
    return ["Too short.", "word " * 400, filler * 18, (filler * 17) + "Some claims are alleged."]


@exercise("07.3", "An evidence-aware summary", wrong=_wrong_05_3)
def _ex05_3(answer):
    return _judge_summary(answer)


def check_summary(text: str) -> None:
    """Print the word count of a summary (a string); an unfinished ``...`` gets a reminder."""
    if text is ... or text is None:
        print("No summary yet: paste your text between the triple quotes.")
        return
    n = count_words(text)
    low, high = SUMMARY_WORDS
    verdict = "within" if low <= n <= high else ("below" if n < low else "above")
    print(f"{n} words ({verdict} the {low}–{high} range)")

