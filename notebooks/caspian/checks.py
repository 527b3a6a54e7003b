"""Self-checks for the exercises.

After an exercise, a learner runs ``check("03.3", answer)``. The check compares the answer with one
computed *from the course data* (so it stays right when a row is added), and prints either

* ✓ and one sentence on why the answer is right, or
* ✗ and a hint that points toward the mistake, never the answer itself.

An exercise that is not done yet (``...`` or ``None``) and an unknown exercise id get a friendly
message, not a traceback.

Each lesson's exercises live in ``caspian/exercises/exNN.py`` and register themselves with the
:func:`exercise` decorator; :func:`check` imports them on first use.

Examples
--------
>>> from caspian.checks import check
>>> check("00.1", 2 + 2)    # doctest: +SKIP
✓ Exercise 00.1: ...
"""

from __future__ import annotations

import importlib
import math
import os
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd


@dataclass
class Result:
    """The outcome of one check: ``ok`` and the message shown to the learner."""

    exercise_id: str
    ok: bool | None
    message: str

    def __str__(self) -> str:
        mark = {True: "✓", False: "✗", None: "…"}[self.ok]
        return f"{mark} Exercise {self.exercise_id}: {self.message}"

    def __repr__(self) -> str:
        return str(self)

    def __bool__(self) -> bool:
        return bool(self.ok)

    def _ipython_display_(self) -> None:
        """Show nothing when a notebook cell ends with ``check(...)``: it already printed."""


@dataclass
class Exercise:
    """A registered exercise: its id, a one-line title and the function that judges an answer."""

    exercise_id: str
    title: str
    judge: Callable[[object], tuple[bool, str]]
    wrong: Callable[[], list[object]] | None = None


STRICT_ENV = "CASPIAN_STRICT_CHECKS"
"""When this environment variable is "1", a wrong answer raises :class:`WrongAnswer` instead of
printing ✗. The test suite sets it, so a solution cell whose check fails breaks the build."""


class WrongAnswer(AssertionError):
    """Raised for a wrong answer in strict mode (see :data:`STRICT_ENV`)."""


_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def exercise(exercise_id: str, title: str,
             wrong: Callable[[], list[object]] | None = None) -> Callable:
    """Register the decorated function as the judge of exercise ``exercise_id``.

    The function takes the learner's answer and returns ``(ok, message)``; the message says why a
    right answer is right, or gives a hint for a wrong one. Helpers such as :func:`expect_number`
    and :func:`expect_set` build that pair.

    ``wrong`` returns plausible wrong answers (computed from the data, like the right one); the
    tests check that the judge rejects each of them.
    """

    def register(judge: Callable[[object], tuple[bool, str]]) -> Callable:
        if exercise_id in _REGISTRY:
            raise ValueError(f"exercise {exercise_id!r} is registered twice")
        _REGISTRY[exercise_id] = Exercise(exercise_id, title, judge, wrong)
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
    try:
        importlib.import_module(f"caspian.exercises.ex{str(exercise_id).split('.')[0]}")
    except ModuleNotFoundError:
        _load_all()


def registered() -> dict[str, Exercise]:
    """Return every registered exercise, keyed by id (used by the tests)."""
    _load_all()
    return dict(_REGISTRY)


def _unfinished(answer: object) -> bool:
    return answer is ... or answer is None


def check(exercise_id: str, answer: object, *, quiet: bool = False) -> Result:
    """Check an answer to an exercise and print the verdict.

    Parameters
    ----------
    exercise_id : str
        The exercise number as in its heading, e.g. ``"03.3"``.
    answer : object
        Your answer: a number, a string, a list of names (any order), a Series or DataFrame.
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
        result = Result(ex.exercise_id, None,
                        "no answer yet. Replace the `...` with your code, run the cell, "
                        "then run this check again.")
    else:
        try:
            ok, message = ex.judge(answer)
        except Exception as exc:  # a learner's odd answer must never end in a traceback
            ok, message = False, (f"this answer could not be checked ({type(exc).__name__}: "
                                   f"{exc}). Is it the kind of value the exercise asks for?")
        result = Result(ex.exercise_id, bool(ok), message)
    if not quiet:
        print(result)
    if result.ok is False and os.environ.get(STRICT_ENV) == "1":
        raise WrongAnswer(str(result))
    return result


# --- Building blocks for judges ---------------------------------------------------------------


def _as_number(answer: object) -> float | None:
    if isinstance(answer, bool):
        return None
    if isinstance(answer, (pd.Series, pd.DataFrame)) and answer.size == 1:
        answer = answer.to_numpy().ravel()[0]
    try:
        value = float(answer)  # numpy scalars, ints, floats, numeric strings
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
        The learner's answer; anything ``float()`` accepts, or a one-element Series/DataFrame.
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
        return False, (f"expected a single number, got {type(answer).__name__}. "
                       "If you have a Series, pick one value, e.g. with `.iloc[0]` or `len()`.")
    if math.isclose(value, float(expected), rel_tol=rel_tol, abs_tol=abs_tol):
        return True, why
    for predicate, message in hints:
        if predicate(value):
            return False, message
    direction = "high" if value > expected else "low"
    return False, f"not quite: your number is too {direction}. Re-read the question's conditions."


def _as_names(answer: object) -> list[str] | None:
    if isinstance(answer, str):
        return [answer]
    if isinstance(answer, pd.DataFrame):
        if answer.shape[1] != 1:
            return None
        answer = answer.iloc[:, 0]
    if isinstance(answer, pd.Index):
        answer = list(answer)
    if isinstance(answer, pd.Series):
        answer = answer.tolist()
    try:
        return [str(x) for x in answer]  # lists, tuples, sets, arrays
    except TypeError:
        return None


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())


def expect_set(answer: object, expected: Iterable[str], *, why: str,
               what: str = "names") -> tuple[bool, str]:
    """Judge a collection of names or ids, in any order and any letter case.

    The hint says how many are missing and how many are extra, and names the extra ones (they
    are the learner's own), but never the missing ones.
    """
    names = _as_names(answer)
    if names is None:
        return False, (f"expected a list of {what} (a list, a Series or an index), got "
                       f"{type(answer).__name__}.")
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


def expect_value(answer: object, expected: object, *, why: str,
                 hints: Iterable[tuple[Callable[[object], bool], str]] = ()) -> tuple[bool, str]:
    """Judge a single value (a year, a name, an id); strings compare case-insensitively."""
    if isinstance(answer, (pd.Series, pd.Index)) and len(answer) == 1:
        answer = answer[0] if isinstance(answer, pd.Index) else answer.iloc[0]
    both_text = isinstance(answer, str) and isinstance(expected, str)
    same = _norm(answer) == _norm(expected) if both_text else answer == expected
    if bool(same):
        return True, why
    for predicate, message in hints:
        try:
            hit = predicate(answer)
        except Exception:
            hit = False
        if hit:
            return False, message
    return False, "not quite. Re-read the question's conditions and try again."
