"""Exercise of lesson 00 (Start here): a first run of a self-check."""

from caspian.checks import NUMBER, exercise, expect_number


@exercise("00.1", "Run a cell and check the answer", wrong=lambda: [2012, 13, "14 years"],
          expects="a single number", accepts=NUMBER)
def _ex00_1(answer):
    return expect_number(
        answer, 2026 - 2012,
        why="the seed article was published in 2012, 14 years before this course was written.",
        hints=[(lambda v: v == 2012, "that is the publication year: subtract it from 2026.")],
    )
