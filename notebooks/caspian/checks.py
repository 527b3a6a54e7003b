"""Self-checks for the exercises.

After an exercise, a learner runs ``check("03.3", answer)``. The check compares the answer with one
computed *from the course data* (so it stays right when a row is added), and prints either

* ✓ and one sentence on why the answer is right, or
* ✗ and a hint that points toward the mistake, never the answer itself.

An exercise that is not done yet (``...`` or ``None``) and an unknown exercise id get a friendly
message, not a traceback.

Each lesson's exercises live in ``caspian/exercises/exNN.py`` and register themselves with the
:func:`exercise` decorator; :func:`check` imports them on first use.

Building blocks for judges: :func:`expect_type` ("expected X, got Y" for a wrong kind of answer),
:func:`expect_number`, :func:`expect_set`, :func:`expect_ids` (whole ids, never substrings),
:func:`expect_value`, :func:`expect_parts` (one ✓/✗ line per part of a task) and
:func:`describe_axes` (what a learner's figure shows: title, labels, points, lines, legend...).
:func:`has_id` tests ``;``-joined id fields for a whole id.

Rules every judge follows: a wrong kind of answer gets "expected X, got Y"; a message never
mentions content (a year, an id, a name) that the answer does not contain; and nothing a learner
has not written is shown before the exercise is solved.

Examples
--------
>>> from caspian.checks import check
>>> check("00.1", 2 + 2)    # doctest: +SKIP
✓ Exercise 00.1: ...
"""

from __future__ import annotations

import importlib
import math
import numbers
import os
import pkgutil
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

MARKS = {True: "✓", False: "✗", None: "…"}
"""The mark of a verdict: right, wrong, not attempted (or not checkable)."""


@dataclass
class Result:
    """The outcome of one check: ``ok`` and the message shown to the learner.

    ``ok`` is True (✓), False (✗) or None (… not attempted, unknown exercise id).
    """

    exercise_id: str
    ok: bool | None
    message: str

    def __str__(self) -> str:
        return f"{MARKS[self.ok]} Exercise {self.exercise_id}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return bool(self.ok)

    def _ipython_display_(self) -> None:
        """Show nothing when a notebook cell ends with ``check(...)``: it already printed."""


@dataclass
class Exercise:
    """A registered exercise: its id, a one-line title and the function that judges an answer.

    ``expects`` says in a few words what kind of answer the exercise wants ("a list of actor
    ids"); ``accepts`` lists the types of answer the judge handles (see :data:`NUMBER`,
    :data:`NAMES`, :data:`FIGURE`, :data:`TABLE`, :data:`TEXT`). An answer of another type gets
    "expected <expects>, got <its type>" without reaching the judge.
    """

    exercise_id: str
    title: str
    judge: Callable[[object], tuple[bool, str]]
    wrong: Callable[[], list[object]] | None = None
    expects: str | None = None
    accepts: tuple[type, ...] | None = None


STRICT_ENV = "CASPIAN_STRICT_CHECKS"
"""When this environment variable is "1", a wrong answer raises :class:`WrongAnswer` instead of
printing ✗. The test suite sets it, so a solution whose check fails breaks the build."""


class WrongAnswer(AssertionError):
    """Raised for a wrong answer in strict mode (see :data:`STRICT_ENV`)."""


_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def exercise(exercise_id: str, title: str,
             wrong: Callable[[], list[object]] | None = None,
             expects: str | None = None,
             accepts: type | tuple[type, ...] | None = None) -> Callable:
    """Register the decorated function as the judge of exercise ``exercise_id``.

    The function takes the learner's answer and returns ``(ok, message)``; the message says why a
    right answer is right, or gives a hint for a wrong one. Helpers such as :func:`expect_number`
    and :func:`expect_set` build that pair.

    ``wrong`` returns plausible wrong answers (computed from the data, like the right one); the
    tests check that the judge rejects each of them. ``expects`` names the kind of answer wanted
    ("a list of actor ids", "a matplotlib Figure") and ``accepts`` the types the judge handles::

        @exercise("05.1", "Tied to both Israel and Iran", wrong=...,
                  expects="a list of actor ids", accepts=NAMES)

    An answer of any other type then gets "expected a list of actor ids, got a dict of 2
    entries" from :func:`check`, before the judge sees it.
    """
    if accepts is not None and not isinstance(accepts, tuple):
        accepts = (accepts,)
    if accepts is not None and not expects:
        raise ValueError(f"exercise {exercise_id!r}: `accepts` needs `expects` (the words for it)")

    def register(judge: Callable[[object], tuple[bool, str]]) -> Callable:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, judge, wrong, expects, accepts)
        return judge

    return register


def _load_all() -> None:
    global _LOADED
    if _LOADED:
        return
    from caspian import exercises

    for info in sorted(pkgutil.iter_modules(exercises.__path__), key=lambda m: m.name):
        importlib.import_module(f"caspian.exercises.{info.name}")
    _LOADED = True


def _load_for(exercise_id: str) -> None:
    """Import only the module of this exercise's lesson (``"03.3"`` → ``exercises/ex03.py``),
    so a check in lesson 03 does not pay for lesson 05's imports."""
    lesson = str(exercise_id).split(".")[0]
    if not re.fullmatch(r"\d\d", lesson):
        return
    try:
        importlib.import_module(f"caspian.exercises.ex{lesson}")
    except ModuleNotFoundError:
        _load_all()


def registered() -> dict[str, Exercise]:
    """Return every registered exercise, keyed by id (used by the tests)."""
    _load_all()
    return dict(_REGISTRY)


def _empty_figure(answer: object) -> bool:
    """A Figure or Axes with nothing drawn in it (an untouched figure starter)."""
    axes = _axes_of(answer)
    if axes is None:
        return False
    return all(not (ax.lines or ax.collections or ax.patches or ax.images or ax.texts
                    or ax.get_title()) for ax in axes)


def _unfinished(answer: object) -> bool:
    if answer is ... or answer is None or _empty_figure(answer):
        return True
    if isinstance(answer, tuple) and answer and all(a is ... for a in answer):
        return True  # `answer = ..., ...`
    return False


NOT_ATTEMPTED = ("no answer yet. Replace the `...` with your code, run that cell, then run this "
                 "one again.")


def check(exercise_id: str, answer: object, *, quiet: bool = False) -> Result:
    """Check an answer to an exercise and print the verdict.

    Parameters
    ----------
    exercise_id : str
        The exercise number as in its heading, e.g. ``"03.3"``.
    answer : object
        Your answer: a number, a string, a list of names (any order), a Series or DataFrame, or
        the Figure you drew.
    quiet : bool, default False
        Return the result without printing it.

    Returns
    -------
    Result
        Truthy when the answer is right.
    """
    _load_for(exercise_id)
    ex = _REGISTRY.get(str(exercise_id))
    if ex is None:
        _load_all()
        known = ", ".join(sorted(_REGISTRY)) or "none yet"
        result = Result(str(exercise_id), None,
                        f"there is no exercise with this id. Check the number in the exercise "
                        f"heading (known ids: {known}).")
    elif _unfinished(answer):
        result = Result(ex.exercise_id, None, NOT_ATTEMPTED)
    elif ex.accepts is not None and (wrong := expect_type(answer, ex.accepts, ex.expects)):
        result = Result(ex.exercise_id, False, wrong[1])
    else:
        try:
            ok, message = ex.judge(answer)
        except Exception as exc:  # a learner's odd answer must never end in a traceback
            wanted = ex.expects or "the kind of value the exercise asks for"
            ok, message = False, (f"expected {wanted}, got {describe_type(answer)}; this answer "
                                   f"could not be checked ({type(exc).__name__}).")
        result = Result(ex.exercise_id, bool(ok), str(message))
    if not quiet:
        print(result)
    if result.ok is False and os.environ.get(STRICT_ENV) == "1":
        raise WrongAnswer(str(result))
    return result


# --- Building blocks for judges ---------------------------------------------------------------

NUMBER: tuple[type, ...] = (numbers.Real,)
"""``accepts=NUMBER``: ints, floats and NumPy numbers (``True``/``False`` are refused)."""
TEXT: tuple[type, ...] = (str,)
"""``accepts=TEXT``: a string."""
NAMES: tuple[type, ...] = (list, tuple, set, frozenset, pd.Series, pd.Index, np.ndarray, str)
"""``accepts=NAMES``: a collection of names or ids (or one name as a string)."""
TABLE: tuple[type, ...] = (pd.DataFrame,)
"""``accepts=TABLE``: a DataFrame (or GeoDataFrame)."""


def _figure_types() -> tuple[type, ...]:
    from matplotlib.axes import Axes
    from matplotlib.figure import FigureBase

    return (FigureBase, Axes)


FIGURE: tuple[type, ...] = _figure_types()
"""``accepts=FIGURE``: a matplotlib Figure or Axes (geopandas plots too)."""


def describe_type(answer: object) -> str:
    """Say what kind of value ``answer`` is, without showing its content.

    Examples
    --------
    >>> describe_type([1, 2, 3])
    'a list of 3 ints'
    >>> describe_type(pd.DataFrame())
    'an empty DataFrame'
    """
    if answer is None:
        return "None"
    if answer is ...:
        return "`...` (nothing yet)"
    if isinstance(answer, bool):
        return "a bool (True/False)"
    if isinstance(answer, numbers.Integral):
        return "an int"
    if isinstance(answer, numbers.Real):
        return "a float"
    if isinstance(answer, str):
        return "an empty string" if not answer else "a str (text)"
    if isinstance(answer, pd.DataFrame):
        name = type(answer).__name__
        if answer.empty:
            return f"an empty {name}"
        return f"a {name} ({len(answer)} rows × {answer.shape[1]} columns)"
    if isinstance(answer, pd.Series):
        return "an empty Series" if answer.empty else f"a Series of {len(answer)} values"
    if isinstance(answer, pd.Index):
        return f"an Index of {len(answer)} values"
    if _axes_of(answer) is not None:
        from matplotlib.axes import Axes

        return "a matplotlib Axes" if isinstance(answer, Axes) else "a matplotlib Figure"
    if isinstance(answer, (list, tuple, set, frozenset)):
        kind = type(answer).__name__
        if not answer:
            return f"an empty {kind}"
        inner = {type(x).__name__ for x in answer}
        of = f"{inner.pop()}s" if len(inner) == 1 else "mixed values"
        return f"a {kind} of {len(answer)} {of}"
    if isinstance(answer, dict):
        return "an empty dict" if not answer else f"a dict of {len(answer)} entries"
    name = type(answer).__name__
    return f"an {name}" if name[:1].lower() in "aeiou" else f"a {name}"


def expect_type(answer: object, types: type | tuple[type, ...], what: str
                ) -> tuple[bool, str] | None:
    """Return ``None`` if ``answer`` is one of ``types``, else ``(False, "expected X, got Y")``.

    Use it first in a judge::

        wrong = expect_type(answer, (list, pd.Series), "a list of actor ids")
        if wrong:
            return wrong

    ``numbers.Real`` accepts ints, floats and NumPy numbers (never ``True``/``False``).
    """
    types = types if isinstance(types, tuple) else (types,)
    if isinstance(answer, bool) and bool not in types:
        return False, f"expected {what}, got {describe_type(answer)}."
    if isinstance(answer, types):
        return None
    return False, f"expected {what}, got {describe_type(answer)}."


def _as_number(answer: object) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (pd.Series, pd.DataFrame)) and answer.size == 1:
        answer = answer.to_numpy().ravel()[0]
    if isinstance(answer, str):
        return None  # "14" is text, not a number: say so rather than guess
    try:
        value = float(answer)  # numpy scalars, ints, floats
    except (TypeError, ValueError):
        return None
    return None if math.isnan(value) else value


def expect_number(answer: object, expected: float, *, why: str, rel_tol: float = 0.0,
                  abs_tol: float = 1e-9,
                  hints: Iterable[tuple[Callable[[float], bool], str]] = ()) -> tuple[bool, str]:
    """Judge a numeric answer.

    Parameters
    ----------
    answer : object
        The learner's answer; an int, a float, a NumPy number or a one-element Series/DataFrame.
    expected : float
        The right value, computed from the data.
    why : str
        One sentence shown when the answer is right.
    rel_tol, abs_tol : float
        How close counts as right (see :func:`math.isclose`).
    hints : iterable of (predicate, message)
        The first predicate that is true of the learner's number picks the hint shown.
    """
    value = _as_number(answer)
    if value is None:
        extra = (" If you have a Series, pick one value, e.g. with `.iloc[0]` or `len()`."
                 if isinstance(answer, (pd.Series, pd.DataFrame)) else "")
        return False, f"expected a single number, got {describe_type(answer)}.{extra}"
    if math.isclose(value, float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        return True, why
    for predicate, message in hints:
        try:
            hit = predicate(value)
        except Exception:
            hit = False
        if hit:
            return False, message
    direction = "high" if value > expected else "low"
    return False, f"not quite: your number is too {direction}. Re-read the question's conditions."


def _as_names(answer: object) -> list[str] | None:
    if isinstance(answer, str):
        return [answer] if answer.strip() else None
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] != 1:
            return None
        answer = answer.iloc[:, 0]
    if isinstance(answer, pd.Index):
        answer = list(answer)
    if isinstance(answer, pd.Series):
        answer = answer.tolist()
    if isinstance(answer, (dict, bytes)) or not isinstance(answer, Iterable):
        return None
    try:
        items = list(answer)  # lists, tuples, sets, arrays
    except TypeError:
        return None
    if not all(isinstance(x, str) for x in items):
        return None
    return items


def _norm(name: str) -> str:
    return " ".join(str(name).casefold().split())


def expect_set(answer: object, expected: Iterable[str], *, why: str,
               what: str = "names") -> tuple[bool, str]:
    """Judge a collection of names or ids, in any order and any letter case.

    Each item must match a whole name (no substrings). The hint says how many are missing and how
    many are extra, and names the extra ones (they are the learner's own), but never the missing
    ones.
    """
    names = _as_names(answer)
    if names is None:
        return False, (f"expected a list of {what} as text (a list, a Series or an index of "
                       f"strings), got {describe_type(answer)}.")
    got = {_norm(n) for n in names}
    want = {_norm(n) for n in expected}
    if got == want:
        return True, why
    missing, extra = want - got, got - want
    parts = []
    if missing:
        parts.append(f"{len(missing)} {what} missing")
    if extra:
        parts.append(f"{len(extra)} that should not be there ({', '.join(sorted(extra))})")
    return False, "not quite: " + " and ".join(parts) + "."


def expect_ids(answer: object, expected: Iterable[str], *, why: str,
               what: str = "ids") -> tuple[bool, str]:
    """Judge a collection of ids: whole ids only, any order, any letter case.

    Like :func:`expect_set`, plus a hint when an item is a ``;``-joined field or holds several
    ids (``"irn;irgc"`` is not the id ``irn``): ids are matched whole, never as substrings.
    """
    names = _as_names(answer)
    if names is not None and any(";" in n or "," in n for n in names):
        return False, (f"some items hold several {what} joined by `;` or `,`: split them first "
                       "(`str.split(\";\")` then `explode`), and compare whole ids.")
    return expect_set(answer, expected, why=why, what=what)


def has_id(values: object, wanted: str, sep: str = ";") -> pd.Series | bool:
    """Whether each ``sep``-joined field holds the whole id ``wanted`` (never a substring).

    ``"irgc-qf"`` holds ``irgc-qf`` but not ``irgc``; a plain ``str.contains("irgc")`` would say
    it does.

    Parameters
    ----------
    values : str or pandas.Series
        One field, or a column of fields such as ``events["denied_by"]``.
    wanted : str
        The id to look for.
    sep : str, default ";"
        The separator between ids.

    Returns
    -------
    bool or pandas.Series of bool
    """
    def holds(field: object) -> bool:
        if not isinstance(field, str):
            return False
        return wanted in {part.strip() for part in field.split(sep)}

    if isinstance(values, pd.Series):
        return values.map(holds).astype(bool)
    return holds(values)


def expect_value(answer: object, expected: object, *, why: str,
                 hints: Iterable[tuple[Callable[[object], bool], str]] = ()) -> tuple[bool, str]:
    """Judge a single value (a year, a name, an id); strings compare case-insensitively."""
    if isinstance(answer, (pd.Series, pd.Index)) and len(answer) == 1:
        answer = answer[0] if isinstance(answer, pd.Index) else answer.iloc[0]
    if isinstance(expected, str) and not isinstance(answer, str):
        return False, f"expected one value as text, got {describe_type(answer)}."
    if (isinstance(expected, numbers.Real) and not isinstance(expected, bool)
            and _as_number(answer) is None):
        return False, f"expected a single number, got {describe_type(answer)}."
    both_text = isinstance(answer, str) and isinstance(expected, str)
    try:
        same = _norm(answer) == _norm(expected) if both_text else bool(answer == expected)
    except (TypeError, ValueError):
        same = False
    if same:
        return True, why
    for predicate, message in hints:
        try:
            hit = predicate(answer)
        except Exception:
            hit = False
        if hit:
            return False, message
    return False, "not quite. Re-read the question's conditions and try again."


def expect_parts(parts: Mapping[str, tuple[bool, str]]) -> tuple[bool, str]:
    """Combine the verdicts on several parts of one task into one, with a line per part.

    Parameters
    ----------
    parts : mapping of part name → (ok, message)
        In the order the task lists them, e.g.
        ``{"title": (True, "states a finding"), "points": (False, "one marker per event")}``.
        Each message says why the part is right, or hints at what is missing, never the answer.

    Returns
    -------
    (bool, str)
        True only if every part is right; the message has one ✓/✗ line per part.

    Examples
    --------
    >>> ok, msg = expect_parts({"title": (True, "has one"), "labels": (False, "add units")})
    >>> ok
    False
    >>> print(msg)
    1 of 2 parts right:
      ✓ title: has one
      ✗ labels: add units
    """
    if not parts:
        raise ValueError("expect_parts needs at least one part")
    lines, n_ok = [], 0
    for name, verdict in parts.items():
        ok, message = verdict
        n_ok += bool(ok)
        lines.append(f"  {MARKS[bool(ok)]} {name}: {message}")
    every = n_ok == len(parts)
    head = ("every part right:" if every else f"{n_ok} of {len(parts)} parts right:")
    return every, "\n".join([head, *lines])


# --- Inspecting a learner's figure -------------------------------------------------------------


def _axes_of(fig_or_ax: object) -> list | None:
    """The Axes of a Figure (colorbars left out), ``[ax]`` for an Axes, else None."""
    try:
        from matplotlib.axes import Axes
        from matplotlib.figure import FigureBase
    except ImportError:  # pragma: no cover - matplotlib is a course dependency
        return None
    if isinstance(fig_or_ax, Axes):
        return [fig_or_ax]
    if isinstance(fig_or_ax, FigureBase):
        return [ax for ax in fig_or_ax.axes if not _is_colorbar(ax)]
    return None


def _is_colorbar(ax: object) -> bool:
    return getattr(ax, "_colorbar", None) is not None or ax.get_label() == "<colorbar>"


def _markers(line: object) -> int:
    marker = line.get_marker()
    if marker in (None, "", " ", "None", "none"):
        return 0
    return len(line.get_xdata())


def describe_axes(fig_or_ax: object) -> dict:
    """Describe what a learner's figure shows, so a judge can inspect it.

    Works for plain matplotlib and for geopandas plots (points are PathCollections, polygons
    PatchCollections, lines LineCollections).

    Parameters
    ----------
    fig_or_ax : matplotlib Figure or Axes
        For a Figure, the first Axes that is not a colorbar is described; ``n_axes`` counts them.

    Returns
    -------
    dict
        ``title``, ``xlabel``, ``ylabel`` (str); ``n_points`` (markers drawn: scatter and
        geopandas points, plus markers on lines); ``n_lines`` (Line2D objects, e.g. one per
        ``ax.plot`` series); ``n_line_segments`` (paths in LineCollections, e.g. geopandas lines);
        ``n_shapes`` (polygons: paths in PatchCollections, e.g. a geopandas polygon layer);
        ``n_patches`` (bars, rectangles, other patches); ``legend_labels`` (list of str);
        ``xticklabels``, ``yticklabels`` (list of non-empty str); ``has_colorbar`` (bool);
        ``texts`` (list of str: annotations on the Axes and text on the Figure); ``n_axes``;
        ``suptitle``; ``aspect``.

    Raises
    ------
    TypeError
        If ``fig_or_ax`` is neither a Figure nor an Axes.
    """
    axes = _axes_of(fig_or_ax)
    if axes is None:
        raise TypeError(f"expected a matplotlib Figure or Axes, got {describe_type(fig_or_ax)}")
    if not axes:
        raise ValueError("the figure has no Axes: draw into one, e.g. `fig, ax = plt.subplots()`")
    from matplotlib.collections import LineCollection, PatchCollection, PathCollection

    ax = axes[0]
    fig = ax.figure
    n_points = n_segments = n_shapes = 0
    for coll in ax.collections:
        if isinstance(coll, PathCollection):
            n_points += len(coll.get_offsets())
        elif isinstance(coll, LineCollection):
            n_segments += len(coll.get_paths())
        elif isinstance(coll, PatchCollection):
            n_shapes += len(coll.get_paths())
    n_points += sum(_markers(line) for line in ax.lines)
    legend = ax.get_legend() or (fig.legends[0] if getattr(fig, "legends", None) else None)
    legend_labels = [t.get_text() for t in legend.get_texts()] if legend else []
    suptitle = getattr(fig, "_suptitle", None)
    texts = [t.get_text() for t in ax.texts] + [t.get_text() for t in fig.texts]
    return {
        "title": ax.get_title() or ax.get_title("left") or ax.get_title("right"),
        "xlabel": ax.get_xlabel(),
        "ylabel": ax.get_ylabel(),
        "n_points": n_points,
        "n_lines": len(ax.lines),
        "n_line_segments": n_segments,
        "n_shapes": n_shapes,
        "n_patches": len(ax.patches),
        "legend_labels": legend_labels,
        "xticklabels": [t.get_text() for t in ax.get_xticklabels() if t.get_text()],
        "yticklabels": [t.get_text() for t in ax.get_yticklabels() if t.get_text()],
        "has_colorbar": any(_is_colorbar(a) for a in fig.axes),
        "texts": [t for t in texts if t],
        "n_axes": len(axes),
        "suptitle": suptitle.get_text() if suptitle is not None else "",
        "aspect": ax.get_aspect(),
    }
