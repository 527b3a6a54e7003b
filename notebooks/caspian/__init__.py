"""Helper package for the Caspian Crossroads lessons.

The lessons show the code that *is* the lesson (a pandas filter, a spatial join, a plot) and
call this package for the plumbing: where files live (:mod:`caspian.paths`), the shared figure style
(:mod:`caspian.style`), loading and validating the data tables (:mod:`caspian.data`), base maps
(:mod:`caspian.maps`), figures reused across lessons (:mod:`caspian.plots`), the alliance network
(:mod:`caspian.network`), class bounds for choropleths (:mod:`caspian.classify`), the interactive
explorers (:mod:`caspian.explore`) and the exercise self-checks (:mod:`caspian.checks`).

Import the modules you need, e.g. ``from caspian import data, style``.
"""

__version__ = "0.1.0"
