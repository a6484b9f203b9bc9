"""Date formats of the pages: how a fixture site writes a true time, in Russian.

This module holds the pure formatters behind the page placeholders: the DataLife Engine stamp
(``Сегодня, 17:13``), the RSS date, the relative "time ago" stamp with its Russian plurals, and
a feed's day header. Each takes the moment, the site's zone and, where the text depends on it,
the server's "now".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from email.utils import format_datetime

__all__ = ["format_ago", "format_day_header", "format_dle_stamp", "format_rfc822", "ru_plural"]

_MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)  # fmt: skip
_WEEKDAYS = ("Понедельник", "Вторник", "Среда", "Четверг", "Пятница", "Суббота", "Воскресенье")


def format_dle_stamp(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """Render ``moment`` as DataLife Engine does, relative to ``now``, in the site's zone ``tz``.

    >>> from datetime import UTC
    >>> from zoneinfo import ZoneInfo
    >>> tz = ZoneInfo("Asia/Tashkent")
    >>> now = datetime(2025, 12, 11, 18, 0, tzinfo=tz)
    >>> format_dle_stamp(datetime(2025, 12, 11, 17, 13, tzinfo=tz), now, tz)
    'Сегодня, 17:13'
    >>> format_dle_stamp(datetime(2025, 12, 10, 23, 50, tzinfo=tz), now, tz)
    'Вчера, 23:50'
    >>> format_dle_stamp(datetime(2018, 3, 17, 4, 11, tzinfo=tz), now, tz)
    '17-03-2018, 04:11'
    >>> format_dle_stamp(datetime(2025, 12, 11, 12, 0, tzinfo=UTC), now, tz)  # 17:00 in Tashkent
    'Сегодня, 17:00'
    """
    local = moment.astimezone(tz)
    today: date = now.astimezone(tz).date()
    if local.date() == today:
        return f"Сегодня, {local:%H:%M}"
    if local.date() == today - timedelta(days=1):
        return f"Вчера, {local:%H:%M}"
    return f"{local:%d-%m-%Y, %H:%M}"


def format_rfc822(moment: datetime, tz: tzinfo) -> str:
    """RFC 822 date for RSS, in the site's zone.

    >>> from datetime import UTC
    >>> from zoneinfo import ZoneInfo
    >>> format_rfc822(datetime(2025, 12, 11, 12, 13, tzinfo=UTC), ZoneInfo("Asia/Tashkent"))
    'Thu, 11 Dec 2025 17:13:00 +0500'
    """
    return format_datetime(moment.astimezone(tz))


def ru_plural(number: int, one: str, few: str, many: str) -> str:
    """The Russian plural form for ``number``: 1 минуту, 2 минуты, 5 минут, 11 минут, 21 минуту.

    >>> [f"{n} " + ru_plural(n, "час", "часа", "часов") for n in (1, 2, 5, 11, 12, 21, 22, 25)]
    ['1 час', '2 часа', '5 часов', '11 часов', '12 часов', '21 час', '22 часа', '25 часов']
    """
    n = abs(number)
    if n % 10 == 1 and n % 100 != 11:
        return one
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return few
    return many


def format_ago(moment: datetime, now: datetime, tz: tzinfo) -> str:
    """Render ``moment`` relative to ``now`` as "time ago" sites do, in the site's zone ``tz``.

    Under a minute (or in the future: a skewed clock): ``только что``; under an hour:
    ``N минут назад``; on the same local day: ``N часов назад`` (whole hours, rounded down);
    on the previous local day: ``вчера в HH:MM``; otherwise the date, ``9 декабря 2025``.

    >>> from zoneinfo import ZoneInfo
    >>> tz = ZoneInfo("Asia/Bishkek")
    >>> now = datetime(2025, 12, 11, 17, 34, 40, tzinfo=tz)
    >>> def ago(day, hour, minute):
    ...     return format_ago(datetime(2025, 12, day, hour, minute, tzinfo=tz), now, tz)
    >>> [ago(11, 17, 34), ago(11, 17, 33), ago(11, 17, 32), ago(11, 17, 29)]
    ['только что', '1 минуту назад', '2 минуты назад', '5 минут назад']
    >>> [ago(11, 17, 13), ago(11, 17, 12), ago(11, 17, 23), ago(11, 16, 34)]
    ['21 минуту назад', '22 минуты назад', '11 минут назад', '1 час назад']
    >>> [ago(11, 15, 30), ago(11, 12, 31), ago(11, 0, 20), ago(10, 9, 30), ago(9, 23, 59)]
    ['2 часа назад', '5 часов назад', '17 часов назад', 'вчера в 09:30', '9 декабря 2025']
    """
    local = moment.astimezone(tz)
    current = now.astimezone(tz)
    minutes = (current - local) // timedelta(minutes=1)
    if minutes < 1:
        return "только что"
    if minutes < 60:
        return f"{minutes} {ru_plural(minutes, 'минуту', 'минуты', 'минут')} назад"
    if local.date() == current.date():
        hours = minutes // 60
        return f"{hours} {ru_plural(hours, 'час', 'часа', 'часов')} назад"
    if local.date() == current.date() - timedelta(days=1):
        return f"вчера в {local:%H:%M}"
    return f"{local.day} {_MONTHS_GENITIVE[local.month - 1]} {local.year}"


def format_day_header(moment: datetime, tz: tzinfo) -> str:
    """A feed's day header for the local day of ``moment``.

    >>> from datetime import UTC
    >>> from zoneinfo import ZoneInfo
    >>> format_day_header(datetime(2018, 3, 19, 19, 18), ZoneInfo("Asia/Tashkent"))
    'Понедельник, 19.03.2018'
    >>> format_day_header(datetime(2025, 12, 11, 20, 30, tzinfo=UTC), ZoneInfo("Asia/Tashkent"))
    'Пятница, 12.12.2025'
    """
    local = moment.astimezone(tz) if moment.tzinfo is not None else moment
    return f"{_WEEKDAYS[local.weekday()]}, {local:%d.%m.%Y}"
