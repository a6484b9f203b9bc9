"""One writer per site, across processes: a second run is refused while another process holds
the site's lock, and a killed holder leaves no stale lock behind.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from newsarchive.archive import Archive, ArchiveBusyError
from tests.support.locks import lock_is_held

pytestmark = pytest.mark.slow


def test_one_writer_per_site(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(tmp_path / "s")],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        assert lock_is_held(tmp_path / "s")
        with pytest.raises(ArchiveBusyError, match="another run is writing"):
            Archive(tmp_path, "s", "run2").open()
    finally:
        holder.kill()
        holder.wait()
    # The kernel released the dead process's lock: no stale lock file blocks the next run.
    assert not lock_is_held(tmp_path / "s")
    archive = Archive(tmp_path, "s", "run3")
    archive.open()
    archive.close()


HOLD_LOCK = """
import sys, time
from pathlib import Path
from newsarchive.archive import lock
lock.acquire(Path(sys.argv[1]))
print("held", flush=True)
time.sleep(60)
"""
