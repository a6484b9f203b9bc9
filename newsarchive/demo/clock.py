"""Site time: the clock a fixture site reads and the shift from fixture time to true time.

This module holds the clock type, the real and the virtual (``running_clock``) clocks, the
whole-minute rounding of the shift and the reading of a fixture time in the site's zone; the
pages (:mod:`newsarchive.demo.pages`) render every stamp from these true times.

The site's pages are committed templates (``pages/``, written by the fixture's ``build.py``)
whose time stamps are placeholders holding a *fixture time* (Tashkent wall time, minute
precision), e.g. ``{{stamp:2025-12-11T17:13}}``. The fixture's clock reads ``reference_now``
(``site.json``). At start the server picks a whole-minute shift::

    shift = floor_to_minute(real_now_utc - site_now)      # site_now defaults to reference_now

so that every item's *true* time is ``fixture time + shift``, and renders each stamp the way
DataLife Engine does, from the true time against the server's real clock, at each request:
same local day -> ``Сегодня, HH:MM``, the previous local day -> ``Вчера, HH:MM``, otherwise
``DD-MM-YYYY, HH:MM``. A crawler that takes its real fetch time as "now" therefore recovers
every true time exactly; ``shift_time`` maps an expected (fixture) time to the true one.

The shift is whole minutes, not whole days, so on the real clock the wall times on the pages
are the fixture's moved by the shift (the 17:13 story may read ``Сегодня, 23:01``), and where
local midnight falls relative to the stories depends on the real time of day. To see the
fixture's own stamps (``Сегодня, 17:13``; or just after midnight with ``site_now`` 00:03),
run on a *virtual clock* (``virtual_clock=True``, CLI ``--virtual-clock``): the server's clock
starts at ``site_now`` and runs at real speed, the shift is zero, and a crawler must read "now"
from the same clock to resolve ``Сегодня``/``Вчера``: the ``Date`` response header carries it
(on either clock), as a real server's does, and
:meth:`~newsarchive.demo.pages.FixtureSite.now` reads it in-process.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo

__all__ = ["Clock", "floor_to_minute", "running_clock"]

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def running_clock(start: datetime) -> Clock:
    """A clock that reads ``start`` now and advances at real speed (``start`` must be aware)."""
    if start.tzinfo is None:
        raise ValueError("running_clock needs an aware datetime")
    origin = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - origin)


def floor_to_minute(delta: timedelta) -> timedelta:
    """Round a time difference down to a whole number of minutes.

    >>> floor_to_minute(timedelta(minutes=5, seconds=59))
    datetime.timedelta(seconds=300)
    >>> floor_to_minute(timedelta(seconds=-1))
    datetime.timedelta(days=-1, seconds=86340)
    """
    return timedelta(minutes=delta // timedelta(minutes=1))


def _aware(value: datetime | str, tz: tzinfo) -> datetime:
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=tz)
    return moment.astimezone(tz)
