"""Exercises of lesson 07 (Capstone).

Learners choose their own actor (or pair of actors), so the checks cannot know the expected answer
in advance. Instead they recognise it: an answer is right when it is exactly the set of rows that
name *some* actor (or some pair of actors) in the right columns, and the message says which actor
that is. Answers that match a typical mistake for some actor get a hint: a substring search that
also catches ``irgc-qf`` when looking for ``irgc``, or only one of the columns searched.

The check cells pass the learner's ``ACTOR`` (and ``PARTNER``) along with the answer, through
:func:`attempt`, so a check also knows *whose* portrait it is: the events of another actor, or a
summary that cites another actor's rows, do not pass.

Exercise 07.3 checks the learner's written summary: its length, whether it speaks about evidence and
whether the rows it cites are the chosen actor's. Exercise 07.4 inspects the learner's own map and
timeline, drawn from the raw CSV files without the course helpers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

from caspian import data
from caspian.checks import FIGURE, describe_axes, describe_type, exercise, expect_parts

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


# --- Whose portrait: the learner's choice travels with the answer ----------------------------


@dataclass
class Attempt:
    """An answer together with the actor (and partner) it is meant to be about."""

    answer: object
    actor: str
    partner: str | None = None

    def __repr__(self) -> str:  # never show the content in a message
        return f"Attempt(actor={self.actor!r}, partner={self.partner!r})"


def attempt(answer: object, actor: str, partner: str | None = None) -> object:
    """Bundle an answer with ``ACTOR``/``PARTNER`` for a check; an unfinished ``...`` stays ``...``.

    Parameters
    ----------
    answer : object
        The learner's answer (rows, ids, a summary or a Figure), or ``...`` if not done yet.
    actor, partner : str
        The ids the learner chose at the top of the capstone.
    """
    if answer is ... or answer is None:
        return answer
    return Attempt(answer, actor, partner)


def _unwrap(answer: object) -> tuple[object, str | None, str | None]:
    if isinstance(answer, Attempt):
        return answer.answer, answer.actor, answer.partner
    return answer, None, None


def _names(who: tuple[str, ...]) -> str:
    names = data.load_actors().set_index("actor_id")["name"]
    return " and ".join(f"{names.get(a, a)} ({a})" for a in who)


def _chosen(actor: str, partner: str | None) -> tuple[str, ...]:
    return (actor,) if not partner else tuple(sorted((actor, partner)))


def _match(kind: str, got: set[str]) -> tuple[str, ...] | None:
    for who, ids in _catalogue(kind).items():
        if ids == got:
            return who
    return None


def _known_actor(actor: str) -> bool:
    return actor in set(data.load_actors()["actor_id"])


# --- 07.1 -----------------------------------------------------------------------------------------


def _wrong_07_1() -> list:
    events = data.load_events()
    return [attempt(sorted(substring_events("irgc")), "irgc"),
            attempt(sorted(rows_naming(events, "event_id", "irn", ["perpetrator_alleged"])),
                    "irn"),
            attempt(sorted(rows_naming(events, "event_id", "aze-mns", ["claimed_by"]))[:-1],
                    "aze-mns"),
            attempt(sorted(events_of("irgc")), "irn")]


@exercise("07.1", "The events of your actor", wrong=_wrong_07_1,
          expects="a DataFrame of events or a list of event ids",
          accepts=(Attempt, pd.DataFrame, list, tuple, set, pd.Series, pd.Index))
def _ex07_1(answer):
    answer, actor, partner = _unwrap(answer)
    if not isinstance(answer, (pd.DataFrame, list, tuple, set, pd.Series, pd.Index)):
        return False, (f"expected a DataFrame of events or a list of event ids, got "
                       f"{describe_type(answer)}.")
    got = set(_ids(answer, "event_id"))
    if not got:
        return False, "your selection is empty: check the actor id (it is case-sensitive)."
    who = _match("events", got)
    if actor is not None:
        if not _known_actor(actor):
            return False, f"ACTOR = {actor!r} is not an actor_id of data/actors.csv."
        if got == events_of(actor, partner):
            who = _chosen(actor, partner)
            return True, (f"these are the {len(got)} event(s) that name {_names(who)} as alleged "
                          "perpetrator, claimant or denier.")
        if who is not None:
            return False, (f"these are the events of {_names(who)}, but ACTOR (and PARTNER) say "
                           "you study someone else: select the rows of your own choice.")
        events = data.load_events()
        if got == substring_events(actor) != events_of(actor):
            return False, (f"searching the text for {actor!r} also finds longer ids that contain "
                           "it: split the ids on ';' and compare whole ids.")
        for col in ROLES:
            if got == rows_naming(events, "event_id", actor, [col]) != events_of(actor):
                return False, (f"you searched only `{col}`: an actor can also claim or deny an "
                               f"event. Search all of {', '.join(ROLES)}.")
        return False, ("not the events of your ACTOR: search the three columns "
                       f"{', '.join(ROLES)} for whole ids, and keep a row if any of them names it.")
    if who:
        return True, (f"these are the {len(got)} event(s) that name {_names(who)} as alleged "
                      "perpetrator, claimant or denier.")
    return False, ("not the events of any one actor or pair: search the three columns "
                   f"{', '.join(ROLES)} for whole ids, and keep a row if any of them names your "
                   "actor.")


# --- 07.2 -----------------------------------------------------------------------------------------


def _wrong_07_2() -> list:
    relations = data.load_relations()
    return [attempt(sorted(rows_naming(relations, "relation_id", "aze", ["actor_a"])), "aze"),
            attempt(sorted(rows_naming(relations, "relation_id", "irn", ["actor_b"])), "irn"),
            attempt(sorted(ties_of("irgc")), "irn")]


@exercise("07.2", "The ties of your actor", wrong=_wrong_07_2,
          expects="a DataFrame of relations or a list of relation ids",
          accepts=(Attempt, pd.DataFrame, list, tuple, set, pd.Series, pd.Index))
def _ex07_2(answer):
    answer, actor, partner = _unwrap(answer)
    if not isinstance(answer, (pd.DataFrame, list, tuple, set, pd.Series, pd.Index)):
        return False, (f"expected a DataFrame of relations or a list of relation ids, got "
                       f"{describe_type(answer)}.")
    got = set(_ids(answer, "relation_id"))
    if not got:
        return False, ("your selection is empty: check the actor id (it is case-sensitive), or "
                       "your actor may have no ties in the relations table.")
    who = _match("ties", got)
    if actor is not None and got == ties_of(actor, partner):
        who = _chosen(actor, partner)
    elif actor is not None:
        if who is not None:
            return False, (f"these are the ties of {_names(who)}, but ACTOR (and PARTNER) say "
                           "you study someone else: select the rows of your own choice.")
        relations = data.load_relations()
        for col in SIDES:
            if got == rows_naming(relations, "relation_id", actor, [col]) != ties_of(actor):
                return False, (f"you searched only `{col}`: a tie can list your actor on either "
                               "side. Search both actor_a and actor_b.")
        return False, "not the ties of your ACTOR: keep a relation when actor_a or actor_b is it."
    if who:
        return True, (f"these are the {len(got)} relation(s) with {_names(who)} on one side: "
                      "read their `status` before calling any of them an alliance.")
    return False, ("not the ties of any one actor or pair: keep a relation when actor_a or "
                   "actor_b is your actor.")


# --- 07.3 -----------------------------------------------------------------------------------------

CITED = re.compile(r"(?<![\w-])([ER]\d{3})(?![\w-])")


def _judge_summary(text: object, actor: str | None = None,
                   partner: str | None = None) -> tuple[bool, str]:
    if not isinstance(text, str):
        return False, (f"expected your summary as a string, got {describe_type(text)}: put it "
                       "between triple quotes \"\"\" … \"\"\".")
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
    cited = set(CITED.findall(text))
    if not cited and not re.search(r"\b[a-z0-9]+-\d{4,8}-[a-z0-9-]+\b", text):
        return False, (f"{n} words, but no evidence is cited: name the events or relations you "
                       "rely on (their ids, such as E0.. or R0..) or their source ids, so a reader "
                       "can check them.")
    if actor is not None:
        own = events_of(actor, partner) | ties_of(actor, partner)
        foreign = sorted(cited - own)
        if foreign:
            return False, (f"{n} words, but {', '.join(foreign)} do(es) not name your ACTOR "
                           f"({actor}{' and ' + partner if partner else ''}): cite the rows of "
                           "your own portrait.")
        if not cited & own:
            return False, (f"{n} words, but none of your own events or ties is cited: name their "
                           "ids so a reader can check them.")
    return True, (f"{n} words, with status words and cited rows. The rubric asks more than this "
                  "check can: attribution, disagreements, limits.")


def _wrong_07_3() -> list:
    filler = "Iran and Azerbaijan have a difficult relationship with many events over time. "
    other = " ".join(f"{e} was alleged." for e in sorted(events_of("irgc") - events_of("irn")))
    return ["Too short.", "word " * 400, filler * 18, (filler * 17) + "Some claims are alleged.",
            attempt((filler * 16) + "Claims are alleged: " + other, "irn")]


@exercise("07.3", "An evidence-aware summary", wrong=_wrong_07_3,
          expects="your summary as a string", accepts=(Attempt, str))
def _ex07_3(answer):
    text, actor, partner = _unwrap(answer)
    return _judge_summary(text, actor, partner)


def check_summary(text: str) -> None:
    """Print the word count of a summary (a string); an unfinished ``...`` gets a reminder."""
    if text is ... or text is None:
        print("No summary yet: paste your text between the triple quotes.")
        return
    n = count_words(text)
    low, high = SUMMARY_WORDS
    verdict = "within" if low <= n <= high else ("below" if n < low else "above")
    print(f"{n} words ({verdict} the {low}–{high} range)")


# --- 07.4 -----------------------------------------------------------------------------------------


def placed_events(actor: str, partner: str | None = None) -> pd.DataFrame:
    """The events of ``actor`` (and ``partner``) with their place's coordinates."""
    events = data.load_events()
    mine = events[events["event_id"].isin(events_of(actor, partner))]
    places = data.load_places()[["place_id", "lon", "lat"]]
    return mine.merge(places, on="place_id", how="left")


def _names_of(actor: str) -> set[str]:
    actors = data.load_actors().set_index("actor_id")
    if actor not in actors.index:
        return {actor.casefold()}
    row = actors.loc[actor]
    return {str(v).casefold() for v in (actor, row["name"], row.get("short_name")) if pd.notna(v)}


def _judge_figure(fig: object, actor: str, partner: str | None) -> tuple[bool, str]:
    axes = [ax for ax in getattr(fig, "axes", [])] if not hasattr(fig, "get_xlim") else [fig]
    if len(axes) < 2:
        return False, ("one figure with two Axes, a map and a timeline: "
                       "`fig, (map_ax, time_ax) = plt.subplots(1, 2, ...)`.")
    mine = placed_events(actor, partner)
    n_events = len(mine)
    with_place = mine.dropna(subset=["lon", "lat"])
    n_places = with_place["place_id"].nunique()
    map_ax, time_ax = axes[0], axes[1]
    seen_map, seen_time = describe_axes(map_ax), describe_axes(time_ax)
    parts: dict[str, tuple[bool, str]] = {}
    if seen_map["n_shapes"] + seen_map["n_patches"] == 0:
        parts["base map"] = (False, "draw the countries under the events: `gpd.read_file(...)` of "
                                    "a layer in data/geo, then `.plot(ax=map_ax, ...)`.")
    else:
        parts["base map"] = (True, "countries drawn under the events.")
    n_map = seen_map["n_points"]
    if n_map in (len(with_place), n_places) and n_map > 0:
        parts["map points"] = (True, f"{n_map} markers: your events at their places.")
    elif n_map == 0:
        parts["map points"] = (False, "no event markers on the map: `map_ax.scatter(lon, lat)` "
                                      "after merging the events with places.csv.")
    else:
        parts["map points"] = (False, f"{n_map} markers on the map, not one per event (or per "
                                      "place) of your actor: select whole ids in "
                                      "event_actors.csv, then merge with places.csv.")
    if seen_time["n_points"] == n_events:
        parts["timeline points"] = (True, f"one marker for each of your {n_events} events.")
    else:
        parts["timeline points"] = (False, f"{seen_time['n_points']} markers on the timeline, not "
                                           "one per event of your actor: check the selection "
                                           "(whole ids, every role).")
    labelled = all(s["xlabel"].strip() and s["ylabel"].strip() for s in (seen_map, seen_time))
    parts["axis labels"] = ((True, "every axis is labelled.") if labelled else
                            (False, "label the axes of both panels, with units (°E, °N, year)."))
    titles = " ".join([seen_map["title"], seen_time["title"], seen_map["suptitle"]]).casefold()
    wanted = set().union(*(_names_of(a) for a in _chosen(actor, partner)))
    if not titles.strip():
        parts["titles"] = (False, "give the map and the timeline titles that state a finding.")
    elif not any(w in titles for w in wanted):
        parts["titles"] = (False, "the titles do not name your ACTOR: say whose events these are.")
    else:
        parts["titles"] = (True, "the titles name your actor.")
    texts = " ".join(seen_map["texts"] + seen_time["texts"]).casefold()
    if "source" in texts or "data:" in texts:
        parts["sources"] = (True, "a source line says where the data comes from.")
    else:
        parts["sources"] = (False, "add a source line with `fig.text(...)` naming the tables and "
                                   "how many sources your events cite.")
    return expect_parts(parts)


def _wrong_07_4() -> list:
    import matplotlib.pyplot as plt

    wrong = []
    for table, actor in ((placed_events("irgc"), "irgc"), (placed_events("irgc"), "irn")):
        fig, (a, b) = plt.subplots(1, 2)
        a.scatter(table["lon"], table["lat"])
        b.scatter(table["date"], [0] * len(table))
        a.set_title("IRGC events")
        plt.close(fig)
        wrong.append(attempt(fig, actor))
    return wrong


@exercise("07.4", "From the raw CSVs to a sourced map and timeline", wrong=_wrong_07_4,
          expects="a matplotlib Figure with a map and a timeline", accepts=(Attempt,) + FIGURE)
def _ex07_4(answer):
    fig, actor, partner = _unwrap(answer)
    if not isinstance(fig, FIGURE):
        return False, (f"expected a matplotlib Figure with a map and a timeline, got "
                       f"{describe_type(fig)}.")
    if actor is None:
        return False, "check the figure with `check(\"07.4\", ex07.attempt(fig, ACTOR, PARTNER))`."
    return _judge_figure(fig, actor, partner)
