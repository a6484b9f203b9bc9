"""The fixture-site generators' shared helpers (fixtures/sitebuild.py).

The module lives beside the generators, outside the package and pytest's doctest paths, so its
examples run here.
"""

from __future__ import annotations

import doctest

from fixtures import sitebuild


def test_sitebuild_doctests_pass() -> None:
    assert doctest.testmod(sitebuild) == doctest.TestResults(failed=0, attempted=7)
