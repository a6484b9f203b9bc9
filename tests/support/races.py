"""Processes that race on one store, for the claim tests: each is started by ``multiprocessing``
with the spawn method (a fresh interpreter, as another machine's run would be), so everything
here is importable and takes plain arguments."""

from __future__ import annotations

import json
import random
from multiprocessing.synchronize import Barrier
from pathlib import Path

from newsarchive.archive import store_opener

SITE = "everyday"


def article_ids(count: int) -> list[str]:
    return [f"{SITE}:{number}" for number in range(count)]


def claim_every_id(spec: str, folder: str, count: int, racer: int, start: Barrier) -> None:
    """Claim ids ``everyday:0`` to ``everyday:<count - 1>`` for run ``racer-<racer>``, in an
    order of its own, all at the same moment as the other racers; write the ids it won, in
    the order it won them, to ``<folder>/won-<racer>.json``."""
    store = store_opener(spec)(Path(folder) / SITE / "state.sqlite3")
    ids = article_ids(count)
    random.Random(racer).shuffle(ids)
    start.wait(timeout=60)  # every store open before the first claim
    won = [article_id for article_id in ids if store.claim(article_id, 1, f"racer-{racer}")]
    store.close()
    (Path(folder) / f"won-{racer}.json").write_text(json.dumps(won), encoding="utf-8")
