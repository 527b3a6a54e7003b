"""Exercises of lesson 06 (Weighing the evidence).

Expected answers are computed from the course tables when a check runs, so they stay right when a
row is added. Two exercises are acts of reading, not of counting: 06.3 (what the seed article's
wording does) and 06.4 (fact, claim or inference). Their expected answers are the course's reading
(:data:`FRAMING_READING`, :data:`COURSE_READING`), and their feedback gives the reason for each
item, because a student copy has no solution to compare with.
"""

from __future__ import annotations

import re

import pandas as pd

from caspian import data
from caspian.checks import (
    FIGURE,
    NAMES,
    describe_axes,
    exercise,
    expect_parts,
    expect_set,
    expect_type,
)

GOVERNMENT_KINDS = ("state", "government agency", "person")
"""Actor kinds that speak for a government. The only person who makes claims in the events table is
Azerbaijan's president; a private person would not count."""

STATE_VOICE = re.compile(r"^(?:state-owned|state-aligned|government):([A-Z]{3})$")
"""Affiliations that speak with their state's voice (see data/README.md)."""


# --- Answers computed from the data -------------------------------------------------------------


def claimants() -> pd.DataFrame:
    """One row per (event, claimant): the claimant's kind and country, and the event status."""
    links = data.load_event_actors()
    claims = links[links["role"] == "claimed_by"]
    actors = data.load_actors()[["actor_id", "kind", "country"]]
    events = data.load_events()[["event_id", "status"]]
    return claims.merge(actors, on="actor_id").merge(events, on="event_id")


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


def voice_of(publisher: pd.Series, affiliation: pd.Series) -> pd.Series:
    """Who speaks: ``state:ISO3`` for a state's own outlets and bodies, else the publisher."""
    state = affiliation.astype(str).str.extract(STATE_VOICE)[0]
    return ("state:" + state).fillna(publisher.astype(str))


def cited() -> pd.DataFrame:
    """One row per (event, source) with the source's publisher, affiliation and voice."""
    links = data.load_event_sources()
    sources = data.load_sources()[["source_id", "publisher", "affiliation"]]
    rows = links.merge(sources, on="source_id")
    return rows.assign(voice=voice_of(rows["publisher"], rows["affiliation"]))


def per_event(column: str) -> pd.Series:
    """Distinct values of ``column`` (``source_id``, ``publisher`` or ``voice``) per event."""
    return cited().groupby("event_id")[column].nunique()


def distribution(counts: pd.Series) -> dict[int, int]:
    """How many events have each count: {1: events with one, 2: events with two, ...}."""
    return {int(k): int(v) for k, v in counts.value_counts().sort_index().items()}


# --- 06.1 -----------------------------------------------------------------------------------------


def _wrong_06_1() -> list:
    aze_alleged = one_government_events("AZE", statuses=("alleged",))
    aze_any = one_government_events("AZE")
    alleged_aze_anywhere = set(
        claimants().query("country == 'AZE' and status == 'alleged'")["event_id"])
    return [sorted(aze_any), sorted(alleged_aze_anywhere), sorted(aze_alleged)[:-1]]


@exercise("06.1", "Resting on Azerbaijan's word alone", wrong=_wrong_06_1,
          expects="a list of event ids", accepts=NAMES)
def _ex06_1(answer):
    expected = one_government_events("AZE", statuses=("alleged",))
    if isinstance(answer, str):
        answer = [answer]
    try:
        got = {str(a).strip().upper() for a in answer}
    except TypeError:
        return False, f"expected a list of event ids, got {type(answer).__name__}."
    rows = claimants()
    status = rows.groupby("event_id")["status"].first().astype(str)
    if any(status.get(e) not in (None, "alleged") for e in got):
        return False, ("some of your events are not 'alleged': a denied or disputed claim has "
                       "been answered by someone. Keep only `status == 'alleged'`.")
    foreign = set(rows.loc[rows["country"].fillna("") != "AZE", "event_id"])
    if got & foreign:
        return False, ("some of your events have a claimant from outside Azerbaijan: keep an "
                       "event only when *every* claimant is Azerbaijani (group by event and use "
                       "`.all()`).")
    return expect_set(answer, expected, what="event ids",
                      why=f"{len(expected)} events rest on the word of Azerbaijan's government "
                          "alone, with no confirmation and no public rebuttal found.")


# --- 06.2 -----------------------------------------------------------------------------------------


def _bars(fig) -> tuple[object, dict[int, int], bool] | None:
    """The first Axes with bars, its {position: height} and whether the bars are vertical."""
    for ax in getattr(fig, "axes", []):
        patches = [p for p in ax.patches if hasattr(p, "get_height") and p.get_width() > 0]
        if not patches:
            continue
        vertical = len({round(p.get_y(), 6) for p in patches}) == 1
        bars = {}
        for p in patches:
            if vertical:
                x, h = p.get_x() + p.get_width() / 2, p.get_height()
            else:
                x, h = p.get_y() + p.get_height() / 2, p.get_width()
            bars[round(x)] = int(round(h))
        return ax, bars, vertical
    return None


def _tick_values(ax) -> set[int]:
    values = set()
    for label in list(ax.get_xticklabels()) + list(ax.get_yticklabels()):
        text = label.get_text().replace("−", "-")
        if text.strip().lstrip("-").isdigit():
            values.add(int(text))
    return values


def _matches(bars: dict[int, int], expected: dict[int, int], ax) -> bool:
    if sorted(bars.values()) != sorted(expected.values()):
        return False
    if bars == expected:
        return True
    # bars drawn at positions 0..n-1 with the counts as tick labels
    ordered = [bars[k] for k in sorted(bars)]
    return ordered == [expected[k] for k in sorted(expected)] and \
        set(expected) <= _tick_values(ax)


def _wrong_06_2() -> list:
    import matplotlib.pyplot as plt

    figs = []
    for column in ("publisher", "source_id"):
        fig, ax = plt.subplots()
        counts = per_event(column).value_counts().sort_index()
        ax.bar(counts.index, counts.values)
        ax.set(title="Events by count", xlabel="Count per event", ylabel="Events")
        figs.append(fig)
    fig, ax = plt.subplots()
    counts = per_event("voice").value_counts().sort_index()
    ax.bar(counts.index, counts.values)
    figs.append(fig)  # no title, no labels
    return figs


@exercise("06.2", "How many voices?", wrong=_wrong_06_2,
          expects="a matplotlib Figure", accepts=FIGURE)
def _ex06_2(answer):
    from matplotlib.figure import Figure

    answer = getattr(answer, "figure", answer)
    wrong = expect_type(answer, Figure, "the Figure you drew (`fig`)")
    if wrong:
        return wrong
    found = _bars(answer)
    if found is None:
        return False, "your figure has no bars yet: draw one bar per number of voices."
    ax, bars, vertical = found
    expected = distribution(per_event("voice"))
    if _matches(bars, expected, ax):
        heights = (True, "one bar per number of voices, with the right number of events")
    elif _matches(bars, distribution(per_event("publisher")), ax):
        heights = (False, "your bars count publishers, not voices: two outlets of one state "
                          "(state-owned, state-aligned or a government body) are one voice. Use "
                          "the `voice` column.")
    elif _matches(bars, distribution(per_event("source_id")), ax):
        heights = (False, "your bars count sources, not voices: several sources can come from "
                          "one publisher, and several publishers from one state. Count distinct "
                          "`voice` values per event.")
    elif sum(bars.values()) != sum(expected.values()):
        heights = (False, f"your bars add up to {sum(bars.values())} events, the table has "
                          f"{sum(expected.values())}: count every event once, by its number of "
                          "distinct voices.")
    else:
        heights = (False, "the heights do not match the number of events with 1, 2, 3, ... "
                          "distinct voices: count `voice` with `.nunique()` per event, then "
                          "`.value_counts()`.")
    shown = describe_axes(ax)
    title = " ".join(t for t in (shown["title"], getattr(answer, "_suptitle", None) and
                                 answer._suptitle.get_text()) if t)
    category, count = (shown["xlabel"], shown["ylabel"]) if vertical else \
        (shown["ylabel"], shown["xlabel"])
    ok, message = expect_parts({
        "bars": heights,
        "title": (bool(title.strip()), "states what the figure shows" if title.strip() else
                  "give the figure a title that states what it shows"),
        "axis of the bars' positions": (
            "voice" in category.casefold(),
            "says what it counts" if "voice" in category.casefold() else
            "label it with what it counts (voices per event)"),
        "axis of the bars' lengths": (
            bool(count.strip()), "labelled" if count.strip() else
            "label it (number of events)"),
    })
    if ok:
        message += (f"\n{expected.get(1, 0)} of {sum(expected.values())} events rest on a single "
                    "voice, and voices are fewer than publishers wherever one state's outlets "
                    "repeat each other.")
    return ok, message


# --- 06.3 -----------------------------------------------------------------------------------------


EFFECTS = ("asserts", "loads", "attributes", "hedges")
"""What a wording does: states as fact what rests on one party's word; uses a word that judges;
names who makes the claim; marks the claim as uncertain."""

FRAMING_READING: dict[str, str] = {
    "A": "asserts",
    "B": "loads",
    "C": "attributes",
    "D": "hedges",
    "E": "asserts",
}
"""The course's reading of the five quoted phrases of the seed article in lesson 06."""

FRAMING_REASONS: dict[str, str] = {
    "A": ("'The Iranians allocated $150,000' has no 'said': the sum comes from press reports of "
          "the case (E014), not from the ministry's statement, yet the sentence presents it as "
          "established."),
    "B": ("'the mullahs' names Iran's government by its clergy, a word chosen to belittle; the "
          "events table names the actor (Iran, the IRGC) and says who alleges what."),
    "C": ("'according to Azerbaijani officials' names who makes the claim, as the events table "
          "does with `claimed_by`."),
    "D": ("'alleged' and 'reportedly' mark the plans as unproven, the job the table's `status` "
          "column does."),
    "E": ("'Azerbaijan is on the front lines' states the author's framing as a fact about the "
          "world; the course attributes it to him."),
}

FRAMING_HINTS: dict[str, dict[str, str]] = {
    "A": {"attributes": "A: look for a 'said' or an 'according to' in the phrase: is anyone "
                        "named as the source of the sum?",
          "hedges": "A: is there any word of doubt in the phrase ('alleged', 'reportedly')?",
          "loads": "A: which word would judge or belittle? The issue is who stands behind the "
                   "figure."},
    "B": {"asserts": "B: the phrase does state a judgement, but look at the noun chosen for "
                     "Iran's government: what does 'the mullahs' do that 'Iran' would not?",
          "attributes": "B: is anyone named as the source of this description?",
          "hedges": "B: is there any word of doubt in the phrase?"},
    "C": {"asserts": "C: the phrase names who says so: that is the opposite of stating it as "
                     "fact.",
          "hedges": "C: 'according to' names a source rather than expressing doubt.",
          "loads": "C: which word in 'according to Azerbaijani officials' judges anyone?"},
    "D": {"asserts": "D: 'alleged' and 'reportedly' are the words to look at: do they assert or "
                     "hold back?",
          "attributes": "D: 'reportedly' says somebody reported it, but who? No one is named.",
          "loads": "D: 'terrorists' is the ministry's word, qualified by 'alleged': what do the "
                   "qualifiers do?"},
    "E": {"attributes": "E: is anyone named as holding this view, or is it the author's own "
                        "statement?",
          "hedges": "E: is there a word of doubt, or is the framing stated outright?",
          "loads": "E: 'front lines' is a metaphor, but the point is whose view it is and how "
                   "it is presented."},
}


def _labels(answer: object, valid: tuple[str, ...]) -> dict[str, str | None] | None:
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if not isinstance(answer, dict):
        return None

    def label(v: object) -> str | None:
        word = str(v).strip().casefold()
        return word if word in valid else None

    return {str(k).strip().upper(): label(v) for k, v in answer.items()}


def _wrong_06_3() -> list:
    all_asserts = dict.fromkeys(FRAMING_READING, "asserts")
    swapped = dict(FRAMING_READING, C="hedges", D="attributes")
    return [all_asserts, swapped, dict(FRAMING_READING, A="attributes")]


@exercise("06.3", "What the wording does", wrong=_wrong_06_3,
          expects="a dict from letter to effect", accepts=(dict, pd.Series))
def _ex06_3(answer):
    reading = _labels(answer, EFFECTS)
    if reading is None:
        return False, (f"expected a dict from letter to effect, e.g. {{'A': 'asserts', ...}}, "
                       f"got {type(answer).__name__}.")
    if set(reading) != set(FRAMING_READING):
        return False, (f"label each phrase A to {max(FRAMING_READING)} once "
                       f"(you gave {sorted(reading)}).")
    unknown = sorted(k for k, v in reading.items() if v is None)
    if unknown:
        return False, (f"phrase(s) {', '.join(unknown)}: use one of "
                       f"{', '.join(repr(e) for e in EFFECTS)}.")
    lines = []
    for key in sorted(FRAMING_READING):
        if reading[key] == FRAMING_READING[key]:
            lines.append(f"  ✓ {FRAMING_REASONS[key]}")
        else:
            lines.append("  ✗ " + FRAMING_HINTS[key].get(reading[key], f"{key}: look again."))
    ok = all(reading[k] == FRAMING_READING[k] for k in FRAMING_READING)
    head = ("your reading matches the course's. Why:" if ok else
            "some readings differ from the course's (one reading; a good reason can justify "
            "another):")
    return ok, head + "\n" + "\n".join(lines)


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
"""The course's reading of the eight paraphrased statements in lesson 06 (one interpretation)."""

REASONS: dict[int, str] = {
    1: ("1: that the ministry published a statement that day can be checked, and other outlets "
        "reported it. What the statement says is a claim; that it was made is a fact."),
    2: ("2: the training in Iran is the ministry's assertion, attributed in the article, and "
        "nobody outside the ministry is cited as confirming it (E028)."),
    3: ("3: a broad judgement about Iran's aims and methods, by the author, with no source."),
    4: ("4: the article marks it as reported; the attribution comes from Azerbaijani "
        "authorities via the press, and the trial was closed (E002-E004)."),
    5: ("5: explicitly the statement of Iran's foreign ministry; Azerbaijan called it slander "
        "(E015)."),
    6: ("6: a summons is a public diplomatic act reported by several outlets (E015); the reason "
        "Iran gave for it is a claim."),
    7: ("7: written without 'said', but the ringleader's contacts come from Azerbaijan's "
        "ministry and the sum from press reports (E014): a statement written like a fact can "
        "rest on one party's word."),
    8: ("8: the article's thesis, drawn from the ministry's claim (2) and the US Treasury's "
        "allegation of 2011 (E011); the article does not say who in Iran trained the cell."),
}

QUESTIONS: dict[int, str] = {
    1: "1: separate the statement's content from the fact that it was published. Which one is "
       "this sentence about?",
    2: "2: who says the members trained in Iran, and has anyone else confirmed it?",
    3: "3: is anyone quoted or cited for this judgement, or is it the author's own view?",
    4: "4: the article says 'reportedly': whose report is it?",
    5: "5: who made this statement, and does the article say so?",
    6: "6: could you check in other outlets' reports that the summons happened?",
    7: "7: the sentence has no 'said', but where can a sum like this come from?",
    8: "8: is this reported by anyone, or concluded by the author from other statements?",
}


def _category(text: object) -> str | None:
    word = str(text).strip().casefold()
    return word if word in CATEGORIES else None


def _as_reading(answer: object) -> dict[int, str | None] | None:
    if isinstance(answer, pd.Series):
        answer = answer.to_dict()
    if isinstance(answer, dict):
        try:
            return {int(k): _category(v) for k, v in answer.items()}
        except (TypeError, ValueError):
            return None
    if isinstance(answer, list | tuple):
        return {i: _category(v) for i, v in enumerate(answer, start=1)}
    return None


def _wrong_06_4() -> list:
    swapped = dict(COURSE_READING)
    swapped[1], swapped[2] = COURSE_READING[2], COURSE_READING[1]
    return [dict.fromkeys(COURSE_READING, "fact"), swapped, {**COURSE_READING, 7: "fact"}]


@exercise("06.4", "Fact, claim or inference?", wrong=_wrong_06_4,
          expects="a dict from statement number to label",
          accepts=(dict, pd.Series, list, tuple))
def _ex06_4(answer):
    reading = _as_reading(answer)
    if reading is None:
        return False, (f"expected a dict from statement number to label, e.g. "
                       f"{{1: 'fact', 2: 'claim', ...}}, got {type(answer).__name__}.")
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
    lines = []
    for k in sorted(COURSE_READING):
        if reading[k] == COURSE_READING[k]:
            lines.append(f"  ✓ {REASONS[k]}")
        else:
            lines.append(f"  ✗ {QUESTIONS[k]}")
    ok = all(reading[k] == COURSE_READING[k] for k in COURSE_READING)
    head = ("your reading matches the course's. The reasons:" if ok else
            "your reading differs on the items marked ✗ (one interpretation; a good reason can "
            "justify another). Ask the question given, then try again:")
    return ok, head + "\n" + "\n".join(lines)
