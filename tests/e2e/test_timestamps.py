"""The fast path in a fresh interpreter: reading the common forms never imports dateparser."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.slow


def test_fast_path_does_not_import_dateparser() -> None:
    import subprocess
    import sys

    code = (
        "import sys; from datetime import datetime, timezone;"
        "from newsarchive.parsers.timestamps import parse_timestamp as p;"
        "now = datetime(2025, 12, 12, 13, tzinfo=timezone.utc);"
        "assert p('Сегодня, 17:13', now=now) and p('5 минут назад', now=now);"
        "print('dateparser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
