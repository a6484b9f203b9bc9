"""The machine's real PostgreSQL treated roughly: a run's connections cut, the server restarted.

A crawl's connections are found by their client ports, read from ``/proc`` for the crawl's
process, so that no other connection to the server (another test's, another engineer's) is
cut. A restart stops every session on the server: ``scratch_schema`` gives a test a schema of
its own whose clean-up does not depend on a connection held across the restart, and
``server_up_afterwards`` leaves the server accepting connections whatever the test did.
"""

from __future__ import annotations

import contextlib
import secrets
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from newsarchive.archive import lock
from tests.support.postgres import SERVER

PORT = 5432


def client_ports(pid: int) -> set[int]:
    """The local ports of the process's TCP connections to the server's port."""
    inodes = set()
    for entry in Path(f"/proc/{pid}/fd").iterdir():
        with contextlib.suppress(FileNotFoundError):  # closed while we looked
            target = str(entry.readlink())
            if target.startswith("socket:["):
                inodes.add(target[len("socket:[") : -1])
    ports = set()
    for line in Path(f"/proc/{pid}/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local, remote, inode = fields[1], fields[2], fields[9]
        if inode in inodes and int(remote.split(":")[1], 16) == PORT:
            ports.add(int(local.split(":")[1], 16))
    return ports


def cut_connections(pid: int) -> list[str]:
    """Terminate, on the server, every session of the process; the application names of the
    sessions cut, sorted."""
    ports = sorted(client_ports(pid))
    with psycopg.connect(SERVER, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT application_name, pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE client_addr = '127.0.0.1'::inet AND client_port = ANY(%s)",
            (ports,),
        ).fetchall()
    return sorted(name for name, cut in rows if cut)


def site_lock_held(store: str, site: str) -> bool:
    """Whether a session holds the site's advisory lock in the store (any machine's run)."""
    with psycopg.connect(store, autocommit=True) as db:
        row = db.execute(f"SELECT {lock._LOCK_KEY}", (site,)).fetchone()
        assert row is not None
        key = row[0]
        held = db.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
            "AND objsubid = 1 AND classid::bigint = %s AND objid::bigint = %s",
            ((key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF),
        ).fetchone()
    return held is not None and held[0] == 1


def _cluster(action: str) -> None:
    """``pg_ctlcluster`` on the machine's one cluster (the version is its folder's name)."""
    (version,) = Path("/etc/postgresql").iterdir()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version.name, "main", action],
        check=True,
        capture_output=True,
        timeout=60,
    )


def restart_server() -> None:
    """Restart the server (fast mode: every session is ended, then it starts again)."""
    _cluster("restart")


def is_up() -> bool:
    result = subprocess.run(
        ["pg_isready", "-q", "-h", "127.0.0.1", "-p", str(PORT)], check=False, timeout=10
    )
    return result.returncode == 0


def wait_until_up(seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not is_up():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def ensure_up() -> None:
    """Wait for the server to accept connections; start it if it does not come back."""
    if not wait_until_up(30):
        _cluster("start")
        assert wait_until_up(30), "PostgreSQL did not come back after the test"


@contextlib.contextmanager
def server_up_afterwards() -> Iterator[None]:
    """Whatever happens inside, the server accepts connections again when this ends."""
    try:
        yield
    finally:
        ensure_up()


@contextlib.contextmanager
def scratch_schema() -> Iterator[str]:
    """A store URL working in a fresh schema, dropped afterwards over a new connection (the
    ``postgres_url`` fixture holds its connection for the whole test, which a restart cuts)."""
    schema = f"test_{secrets.token_hex(4)}"
    with psycopg.connect(SERVER, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        yield f"{SERVER}?options=-csearch_path%3D{schema}"
    finally:
        ensure_up()
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")
