"""The course is readable without colour vision, without sight of the figures and from the back of
the room. Static checks only: nothing is executed.

* every code cell that draws a figure sits next to (directly before or after) a markdown cell with
  a "Figure description";
* the claim-status colours stay distinct under simulated protan, deutan and tritan colour vision;
* no font in the course style is smaller than 12 pt;
* every image in markdown (``![alt](src)``, ``![alt][ref]``, ``<img>``) has alt text.
"""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path

import matplotlib as mpl
import matplotlib.font_manager
import nbformat
import numpy as np
import pytest

from caspian import style

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
LESSONS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

# ---- figure descriptions ---------------------------------------------------------------------

# Calls that create or draw a figure: matplotlib (pyplot and Axes methods), pandas/geopandas
# `.plot`, networkx drawing. Helpers from the caspian package are added below.
FIGURE_CALLS = {
    "subplots", "subplot", "subplot_mosaic", "figure", "show",
    "plot", "hist", "hist2d", "scatter", "bar", "barh", "imshow", "pie", "boxplot", "violinplot",
    "hexbin", "contour", "contourf", "pcolormesh", "errorbar", "fill_between", "stackplot",
    "draw", "draw_networkx", "draw_networkx_nodes", "draw_networkx_edges", "draw_networkx_labels",
}


def caspian_drawing_helpers() -> set[str]:
    """Public functions of the caspian helper package that draw: they take an ``ax`` argument or
    return a matplotlib Figure/Axes (e.g. maps.base_map, plots.timeline, network.draw_network)."""
    found = set()
    for module in (ROOT / "notebooks" / "caspian").glob("*.py"):
        for node in ast.parse(module.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef) or node.name.startswith("_"):
                continue
            params = [a.arg for a in node.args.args + node.args.kwonlyargs]
            returns = ast.unparse(node.returns) if node.returns else ""
            if "ax" in params or re.search(r"\b(Figure|Axes)\b", returns):
                found.add(node.name)
    return found


DRAWING_CALLS = FIGURE_CALLS | caspian_drawing_helpers()


def _strip_magics(source: str) -> str:
    return "\n".join("" if line.lstrip().startswith(("%", "!")) else line
                     for line in source.splitlines())


def _called(node: ast.AST) -> str | None:
    """The name a call is made by: ``f(`` -> f, ``obj.f(`` -> f."""
    func = node.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _walk_outside_defs(tree: ast.AST):
    """Like ast.walk, without descending into function or class bodies (code that runs now)."""
    todo = list(ast.iter_child_nodes(tree))
    while todo:
        node = todo.pop()
        yield node
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            todo.extend(ast.iter_child_nodes(node))


def draws_a_figure(source: str, defined: set[str] | None = None) -> bool:
    """Does running this cell draw a figure?

    True when the cell ends in ``fig`` / ``ax.figure`` (showing a figure drawn earlier), or when
    code that runs in the cell (not merely a function definition) calls a drawing
    function (``plt.subplots(``, ``ax.barh(``, ``gdf.plot(``, ``df.plot.bar(``, ``maps.base_map(``),
    or calls or passes on (``interact(explore)``) a function defined earlier in the notebook that
    draws. ``defined`` collects those notebook functions as cells are read in order.
    """
    defined = set() if defined is None else defined
    try:
        tree = ast.parse(_strip_magics(source))
    except SyntaxError:  # not Python: fall back to "any drawing call appears"
        return bool(set(re.findall(r"\b(\w+)\s*\(", source)) & DRAWING_CALLS)
    functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    changed = True
    while changed:  # functions that draw, including through other notebook functions
        changed = False
        for fn in functions:
            if fn.name not in defined and any(
                    isinstance(n, ast.Call) and _called(n) in DRAWING_CALLS | defined
                    or isinstance(n, ast.Attribute) and n.attr == "plot"
                    for n in ast.walk(fn)):
                defined.add(fn.name)
                changed = True
    last = tree.body[-1] if tree.body else None
    if isinstance(last, ast.Expr) and (  # a cell ending in `fig` or `ax.figure` shows the figure
            isinstance(last.value, ast.Name) and last.value.id in ("fig", "figure")
            or isinstance(last.value, ast.Attribute) and last.value.attr in ("figure", "fig")):
        return True
    for node in _walk_outside_defs(tree):
        if isinstance(node, ast.Call) and _called(node) in DRAWING_CALLS | defined:
            return True
        if isinstance(node, ast.Attribute) and node.attr == "plot":  # df.plot.bar(...)
            return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in defined:
            return True
    return False


def cells_missing_description(nb) -> list[int]:
    """Indices of figure-drawing code cells with no "Figure description" markdown next to them."""
    cells, defined = nb.cells, set()

    def described(j: int) -> bool:
        return (0 <= j < len(cells) and cells[j].cell_type == "markdown"
                and "figure description" in cells[j].source.lower())

    return [i for i, cell in enumerate(cells)
            if cell.cell_type == "code" and draws_a_figure(cell.source, defined)
            and not (described(i - 1) or described(i + 1))]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.name)
def test_every_figure_has_a_description(path):
    nb = nbformat.read(path, as_version=4)
    missing = cells_missing_description(nb)
    assert not missing, (
        f"{path.name}: code cell(s) {missing} draw a figure but no markdown cell right before or "
        "after it has a '*Figure description:*' (a text alternative for readers who cannot see it)")


def test_figure_detector():
    assert {"base_map", "timeline", "draw_arcs"} <= DRAWING_CALLS
    assert draws_a_figure("fig, ax = plt.subplots()\nax.barh(y, x)")
    assert draws_a_figure("ax = maps.base_map(extent=maps.CASPIAN_EXTENT)")
    assert draws_a_figure("events['year'].value_counts().plot.bar()")
    assert draws_a_figure("gdf.plot(column='kind')")
    assert draws_a_figure("def explore(years):\n    plots.timeline(events)\ninteract(explore)")
    assert not draws_a_figure("events.groupby('year').size()  # then .plot() it")
    assert not draws_a_figure("print('use plt.subplots() to draw')\n%matplotlib inline")
    assert not draws_a_figure("def plot(x):\n    return x")
    assert draws_a_figure("ax.axvline(SEED, linestyle='--')\nfig")
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("fig, ax = plt.subplots()"),                  # 0: no description
        nbformat.v4.new_markdown_cell("What to notice: the bars."),
        nbformat.v4.new_markdown_cell("*Figure description:* three bars."),
        nbformat.v4.new_code_cell("ax = maps.base_map()"),                      # 3: described
        nbformat.v4.new_code_cell("def show_map(t):\n    return maps.base_map(title=t)"),
        nbformat.v4.new_code_cell("def twice():\n    show_map('a')\n    show_map('b')"),
        nbformat.v4.new_markdown_cell("## Next"),
        nbformat.v4.new_code_cell("twice()"),                                   # 7: no description
    ])
    assert cells_missing_description(nb) == [0, 7]


# ---- colour-vision deficiency ----------------------------------------------------------------

# Machado, Oliveira & Fernandes (2009), "A physiologically-based model for simulation of color
# vision deficiency", IEEE TVCG 15(6); severity 1.0 (dichromacy); applied to linear sRGB.
CVD = {
    "protan": np.array([[0.152286, 1.052583, -0.204868],
                        [0.114503, 0.786281, 0.099216],
                        [-0.003882, -0.048116, 1.051998]]),
    "deutan": np.array([[0.367322, 0.860646, -0.227968],
                        [0.280085, 0.672501, 0.047413],
                        [-0.011820, 0.042940, 0.968881]]),
    "tritan": np.array([[1.255528, -0.076749, -0.178779],
                        [-0.078411, 0.930809, 0.147602],
                        [0.004733, 0.691367, 0.303900]]),
    "normal": np.eye(3),
}
SRGB_TO_XYZ = np.array([[0.4124564, 0.3575761, 0.1804375],
                        [0.2126729, 0.7151522, 0.0721750],
                        [0.0193339, 0.1191920, 0.9503041]])
WHITE_D65 = SRGB_TO_XYZ.sum(axis=1)

# CIEDE2000 ≈ 1 is a just-noticeable difference between two large patches side by side. Status
# colours are small markers on a busy figure, seen from the back of a classroom, and small marks
# need a much larger difference to be told apart (Stone, Szafir & Setlur 2014, "An engineering
# model for color difference as a function of size"). We ask for 10: an order of magnitude above
# a JND, the margin commonly asked of categorical palettes. Okabe–Ito's status colours clear it
# under every simulation (closest: alleged/disputed under tritan, ≈ 10.9); a red/green pair fails
# it under deutan (≈ 5). Marker shapes (style.STATUS_MARKERS) carry the status as well.
MIN_DELTA_E00 = 10.0


def srgb_to_linear(hex_color: str) -> np.ndarray:
    rgb = np.array(mpl.colors.to_rgb(hex_color))
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def linear_to_lab(rgb: np.ndarray) -> np.ndarray:
    t = (SRGB_TO_XYZ @ rgb) / WHITE_D65
    delta = 6 / 29
    f = np.where(t > delta**3, np.cbrt(t), t / (3 * delta**2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def seen_as(hex_color: str, deficiency: str) -> np.ndarray:
    """CIELAB of a colour as simulated for a viewer with ``deficiency``."""
    return linear_to_lab(np.clip(CVD[deficiency] @ srgb_to_linear(hex_color), 0, 1))


def delta_e00(lab1, lab2) -> float:
    """CIEDE2000 colour difference (Sharma, Wu & Dalal 2005)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (np.hypot(a1, b1) + np.hypot(a2, b2)) / 2
    g = 0.5 * (1 - np.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = np.hypot(a1p, b1), np.hypot(a2p, b2)
    h1p = np.degrees(np.arctan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = np.degrees(np.arctan2(b2, a2p)) % 360 if c2p else 0.0
    dlp, dcp = l2 - l1, c2p - c1p
    dhp = 0.0
    if c1p * c2p:
        dhp = h2p - h1p
        dhp = dhp - 360 if dhp > 180 else dhp + 360 if dhp < -180 else dhp
    d_hp = 2 * np.sqrt(c1p * c2p) * np.sin(np.radians(dhp) / 2)
    lbp, cbp = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        hbp = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hbp = (h1p + h2p) / 2
    else:
        hbp = (h1p + h2p + 360) / 2 if h1p + h2p < 360 else (h1p + h2p - 360) / 2
    t = (1 - 0.17 * np.cos(np.radians(hbp - 30)) + 0.24 * np.cos(np.radians(2 * hbp))
         + 0.32 * np.cos(np.radians(3 * hbp + 6)) - 0.20 * np.cos(np.radians(4 * hbp - 63)))
    d_theta = 30 * np.exp(-(((hbp - 275) / 25) ** 2))
    r_c = 2 * np.sqrt(cbp**7 / (cbp**7 + 25**7))
    s_l = 1 + 0.015 * (lbp - 50) ** 2 / np.sqrt(20 + (lbp - 50) ** 2)
    s_c, s_h = 1 + 0.045 * cbp, 1 + 0.015 * cbp * t
    r_t = -np.sin(np.radians(2 * d_theta)) * r_c
    return float(np.sqrt((dlp / s_l) ** 2 + (dcp / s_c) ** 2 + (d_hp / s_h) ** 2
                         + r_t * (dcp / s_c) * (d_hp / s_h)))


def closest_pair(colors: dict[str, str], deficiency: str) -> tuple[float, str, str]:
    return min((delta_e00(seen_as(colors[a], deficiency), seen_as(colors[b], deficiency)), a, b)
               for a, b in itertools.combinations(colors, 2))


def test_delta_e00_matches_published_test_data():
    # Sharma, Wu & Dalal (2005), Table 1, pairs 1, 7 and 17.
    assert delta_e00((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert delta_e00((50, 2.5, 0), (50, 0, -2.5)) == pytest.approx(4.3065, abs=1e-4)
    assert delta_e00((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


def test_simulation_confuses_what_it_should():
    """The simulation is real: red and green collapse for deuteranopes, not for normal vision."""
    pair = {"red": "#FF0000", "green": "#00A000"}
    assert closest_pair(pair, "deutan")[0] < MIN_DELTA_E00 < closest_pair(pair, "normal")[0]


@pytest.mark.parametrize("deficiency", ["normal", "protan", "deutan", "tritan"])
def test_status_colors_stay_distinct(deficiency):
    distance, a, b = closest_pair(style.STATUS_COLORS, deficiency)
    assert distance >= MIN_DELTA_E00, (
        f"under simulated {deficiency} vision, the '{a}' and '{b}' status colours are only "
        f"ΔE00 = {distance:.1f} apart (need ≥ {MIN_DELTA_E00:g}); pick Okabe–Ito colours that "
        "stay apart")


def test_status_colors_and_markers_cover_the_same_statuses():
    assert set(style.STATUS_COLORS) == set(style.STATUS_MARKERS)
    assert len(set(style.STATUS_MARKERS.values())) == len(style.STATUS_MARKERS)


# ---- font sizes ------------------------------------------------------------------------------

MIN_POINTS = 12.0


def font_sizes(rc: dict) -> dict[str, float]:
    """Every font-size setting matplotlib resolves under ``rc``, in points."""
    with mpl.rc_context(rc):
        base = mpl.rcParams["font.size"]
        sizes = {}
        for key, value in mpl.rcParams.items():
            if not (key == "font.size" or re.search(r"(fontsize|labelsize|titlesize)$", key)):
                continue
            if value is None:
                continue  # inherits another setting, checked under its own key
            if isinstance(value, str):
                if value not in mpl.font_manager.font_scalings:
                    continue  # e.g. 'inherit' for axes.titlesize-derived settings
                value = mpl.font_manager.font_scalings[value] * base
            sizes[key] = float(value)
    return sizes


def test_no_font_smaller_than_12_points():
    assert style.MIN_FONT_SIZE >= MIN_POINTS
    small = {k: v for k, v in font_sizes(style.RC_PARAMS).items() if v < MIN_POINTS}
    assert not small, f"style.RC_PARAMS leaves fonts under {MIN_POINTS:g} pt: {small}"


def test_font_check_fires():
    assert "xtick.labelsize" in font_sizes({"xtick.labelsize": "x-small", "font.size": 14})
    assert font_sizes({"xtick.labelsize": "x-small", "font.size": 14})["xtick.labelsize"] < 12


# ---- alt text --------------------------------------------------------------------------------

MD_IMAGE = re.compile(r"!\[([^\]]*)\]\s*[(\[]")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
HTML_ALT = re.compile(r"""\balt\s*=\s*(["'])(.*?)\1""", re.IGNORECASE | re.DOTALL)


def images_without_alt(markdown: str) -> list[str]:
    bad = [m[0] for m in MD_IMAGE.finditer(markdown) if not m[1].strip()]
    for tag in HTML_IMG.finditer(markdown):
        alt = HTML_ALT.search(tag[0])
        if not alt or not alt[2].strip():
            bad.append(tag[0])
    return bad


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_image_has_alt_text(path):
    for i, cell in enumerate(nbformat.read(path, as_version=4).cells):
        if cell.cell_type == "markdown":
            bad = images_without_alt(cell.source)
            assert not bad, f"{path.name} cell {i}: image(s) without alt text: {bad}"


def test_alt_text_detector():
    assert images_without_alt("![](map.png) ![ ][fig] <img src='a.png'> <img alt=\"\" src=x>") \
        == ["![](", "![ ][", "<img src='a.png'>", '<img alt="" src=x>']
    assert not images_without_alt("![Map of the Caspian](map.png) <img src=a alt='A map'>")
