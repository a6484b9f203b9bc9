"""The bundled demo news site: a DLE-style replica of everyday.uz served on 127.0.0.1.

The site's files live in the repository's ``fixtures/demo-site/`` (templates in ``pages/``,
expected archive records in ``expected/``); :mod:`newsarchive.demo.server` serves them with
time stamps rendered against the real clock (:mod:`newsarchive.demo.clock` explains the
timeline shift).

The names below are loaded lazily, so ``python -m newsarchive.demo.server`` runs cleanly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from newsarchive.demo.server import (
        DEFAULT_PORT,
        DemoServer,
        FixtureSite,
        default_fixture_root,
        floor_to_minute,
        format_dle_stamp,
        format_rfc822,
        running_clock,
        serve_forever,
    )

__all__ = [
    "DEFAULT_PORT",
    "DemoServer",
    "FixtureSite",
    "default_fixture_root",
    "floor_to_minute",
    "format_dle_stamp",
    "format_rfc822",
    "running_clock",
    "serve_forever",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
