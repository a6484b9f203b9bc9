"""Read an archive back: article records, rate rows and run records, plain or gzipped.

Every loader takes files, folders (an archive root, a site's folder or a kind's folder) and
globs, and yields the records of one kind as dicts. Whatever paths are given, they are read as
one archive: several archive folders (machines that each write their own, or a copy) give one
site once, in the order the runs happened (see ``archive_records``), and a record found in two
of them once. Files a run is still writing (``*.part``) are never read. ``to_dataframe`` turns
records into a pandas DataFrame with one proper dtype per column.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from newsarchive.archive.files import ARCHIVE_SUFFIXES, archive_files, read_lines
from newsarchive.schema import fields, schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ArchiveReadError",
    "Kind",
    "PathArg",
    "archive_records",
    "find_archive_files",
    "load_articles",
    "load_rates",
    "load_runs",
    "record_key",
    "to_dataframe",
]

Kind = Literal["article", "rates", "run"]
PathArg = str | os.PathLike[str]

# The kind every file in a folder of the archive layout holds: reading rate rows then skips
# the article files (most of the bytes) without parsing them.
_FOLDER_KINDS = {"articles": "article", "rates": "rates", "quarantine": "quarantined"}
_RUNS_FILE = "runs.jsonl"
_RUNS_FILES = (_RUNS_FILE, _RUNS_FILE + ".gz")

# A column's dtype, read from the shipped JSON Schema of its kind (the one list of fields):
# see _dtype. Which strings are names (a few values, repeated: "category") is the loader's
# choice, not the schema's. A name here holds only for a string field: an article's
# ``source`` is an object (where its page is kept), a rate row's the name of who set the rate.
_CATEGORIES = {
    "kind", "site", "section", "currency", "source", "published_precision", "lang",
    "finish_reason", "health", "parser_version",
}  # fmt: skip
# Dates and instants are strings in JSON: their schema patterns tell them apart.
_DAY_PATTERN = "^\\d{4}-\\d{2}-\\d{2}$"
_INSTANT_PREFIX = "^\\d{4}-\\d{2}-\\d{2}T"


def _dtype(name: str, field: Mapping[str, Any], defs: Mapping[str, Any]) -> str:
    """The loader's dtype for one schema property: "instant", "day", "category", "float",
    "boolean", "integer", "object" or "text".

    >>> _dtype("as_of", {"type": "string", "pattern": _DAY_PATTERN}, {})
    'day'
    >>> _dtype("requests", {"$ref": "#/$defs/count"}, {"count": {"type": "integer"}})
    'integer'
    >>> _dtype("schema_version", {"enum": [1, 2]}, {})
    'integer'
    >>> _dtype("source", {"oneOf": [{"type": "null"}, {"type": "object"}]}, {})
    'object'
    """
    field = _resolved(field, defs)
    types = _types(field)
    if types & {"object", "array", "dict", "list"}:
        return "object"  # dicts and lists as parsed, None where null
    if name in _CATEGORIES:
        return "category"
    pattern = field.get("pattern", "")
    if pattern == _DAY_PATTERN:
        return "day"
    if pattern.startswith(_INSTANT_PREFIX):
        return "instant"
    for names, dtype in (
        ({"number", "float"}, "float"),
        ({"boolean", "bool"}, "boolean"),
        ({"integer", "int"}, "integer"),
    ):
        if types & names:
            return dtype
    return "text"


def _types(field: Mapping[str, Any]) -> set[str]:
    """The JSON types of a property, or the Python type names of its ``const`` or ``enum``
    values (``schema_version`` is an enum of integers), null left out."""
    declared = field.get("type")
    if declared is not None:
        return {declared} if isinstance(declared, str) else set(declared)
    values = field["enum"] if "enum" in field else [field.get("const")]
    return {type(value).__name__ for value in values if value is not None}


def _resolved(field: Mapping[str, Any], defs: Mapping[str, Any]) -> Mapping[str, Any]:
    """``field`` with its ``$ref`` followed and, of ``oneOf``/``anyOf``, the non-null choice."""
    for key in ("oneOf", "anyOf"):
        if key in field:
            choices = [c for c in field[key] if c.get("type") != "null"]
            field = choices[0] if choices else field
    ref = field.get("$ref")
    return defs[ref.rpartition("/")[2]] if isinstance(ref, str) else field


def _columns(kind: str) -> dict[str, str]:
    """A kind's columns in the schema's order, each with its dtype: every field of the latest
    schema_version, so a record of an older one (without the fields added since) has nulls."""
    found = schema(kind)
    defs = found.get("$defs", {})
    return {name: _dtype(name, found["properties"][name], defs) for name in fields(kind)}


_COLUMNS: dict[str, dict[str, str]] = {kind: _columns(kind) for kind in ("article", "rates", "run")}


class ArchiveReadError(ValueError):
    """An archive file that cannot be read: not gzip, not UTF-8, or a line that is not JSON."""


def load_articles(path_or_glob: PathArg, *more: PathArg) -> Iterator[dict[str, Any]]:
    """The article records (``kind == "article"``) under the given files, folders or globs,
    every version, run by run; an article version (``id``, ``version``, ``content_hash``) found
    in two folders of one site once."""
    return _load("article", (path_or_glob, *more))


def load_rates(path_or_glob: PathArg, *more: PathArg) -> Iterator[dict[str, Any]]:
    """The rate rows (``kind == "rates"``) under the given files, folders or globs, run by run;
    a row found in two folders of one site once."""
    return _load("rates", (path_or_glob, *more))


def load_runs(path_or_glob: PathArg, *more: PathArg) -> Iterator[dict[str, Any]]:
    """The run records (``kind == "run"``, from ``runs.jsonl``) under the given paths, each
    site's by ``started_at``, those of every folder of the site merged; one found in two
    folders once."""
    return _load("run", (path_or_glob, *more))


def find_archive_files(paths: Iterable[PathArg]) -> list[Path]:
    """The published archive files under ``paths``, each once (by its resolved path, so a file
    named twice, or by a link, is read once), in the order given."""
    found: list[Path] = []
    seen: set[Path] = set()
    for path in archive_files(os.fspath(item) for item in paths):
        # A glob such as ``articles/*`` also matches .part files, the store and the lock.
        if not path.name.endswith(ARCHIVE_SUFFIXES):
            continue
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            found.append(path)
    return found


def archive_records(
    files: Iterable[Path], kinds: Iterable[str] | None = None
) -> Iterator[dict[str, Any]]:
    """Every record of the given files (only those of ``kinds``, when given), read as one
    archive, in the order the runs happened whatever the order of ``files``.

    The files of the archive layout come site by site (by the site folder's name) and, within a
    site, articles, quarantine, rates, then runs; the files of one kind run by run (by run id,
    which begins with the run's start time, then by file number), whichever folder holds them.
    A site's run records, from the ``runs.jsonl`` of each of its folders, come merged by
    ``started_at``. Files outside the layout come last, in the order given.

    When one site's files lie in several folders (machines that each write their own, or a
    copy), a record read from one of them is not read again from another: an article version of
    the same ``id``, ``version`` and ``content_hash``, a rate row or run record equal to one
    read. One version with other content in two folders is two writers disagreeing: both are
    read, and ``newsarchive validate`` names them. Within one folder every line is read as it
    is. Telling repeats apart costs some 100 bytes a record, and only for the sites read from
    several folders.
    """
    wanted = None if kinds is None else set(kinds)
    ordered = [path for _, path in sorted(enumerate(files), key=_archive_order)]
    folders = [_site_folder(path) for path in ordered]
    shared = _shared_sites(folders)
    # Only a site read from several folders can hold a record twice: the others' are not checked.
    checked = [folder if folder.name in shared else None for folder in folders]
    seen: dict[bytes, Path] = {}  # a record's key and content -> the folder read first
    for (site, _), group in itertools.groupby(
        zip(ordered, checked, strict=True), key=lambda item: _run_group(item[0])
    ):
        records: Iterable[tuple[dict[str, Any], Path | None]] = (
            (record, folder) for path, folder in group for record in _records_of(path, wanted)
        )
        if site is not None:
            # One site's run logs, from each of its folders: one log, by start time.
            records = sorted(records, key=lambda pair: str(pair[0].get("started_at") or ""))
        for record, folder in records:
            if folder is not None and _read_before(record, folder, seen):
                continue
            yield record


def record_key(record: Mapping[str, Any]) -> tuple[str, str] | None:
    """What an archive holds once, and its content: ``(key, content)``, or None for a record of
    another kind.

    An article version is its ``id`` and ``version``, its content its ``content_hash``; a run is
    its site and ``run_id``, its content the whole record; a rate row is the whole row. The same
    key with other content is a conflict: two writers disagree.

    >>> record_key({"kind": "article", "id": "e:7", "version": 2, "content_hash": "sha256:ab"})
    ('article e:7 2', 'sha256:ab')
    >>> record_key({"kind": "run", "site": "e", "run_id": "20251211T130000Z-a-1f2e"})[0]
    'run e 20251211T130000Z-a-1f2e'
    """
    kind = record.get("kind")
    if kind == "article":
        key = f"article {record.get('id')} {record.get('version')}"
        return key, str(record.get("content_hash") or _canonical(record))
    if kind == "run":
        return f"run {record.get('site')} {record.get('run_id')}", _canonical(record)
    if kind == "rates":
        row = _canonical(record)
        return f"rates {row}", row
    return None


def to_dataframe(
    records_or_path: Iterable[Mapping[str, Any]] | PathArg, kind: Kind = "article"
) -> pd.DataFrame:
    """Records of one ``kind`` (or those under a path) as a DataFrame with proper dtypes.

    Instants become ``datetime64[ns, UTC]`` (``published_at`` is converted from the site's
    offset; ``published_raw`` keeps what the page showed), ``as_of`` a naive day
    ``datetime64[ns]``, names ``category``, counts ``Int64``, rates ``float64``, flags
    ``boolean``, texts ``string``; objects and lists (an article's ``source`` and
    ``changed_fields``, a run's ``errors``) stay the dicts and lists of the JSON, ``object``.
    Columns follow the shipped JSON Schema of the kind (the order of docs/records.md), also
    when there are no records; a field a record lacks (one its older ``schema_version`` did
    not have) is null: ``None``, ``<NA>`` or ``NaT``. Several folders as one archive:
    ``to_dataframe(load_articles(a, b))``.

    >>> row = {"kind": "rates", "site": "everyday", "source": "ЦБ", "as_of": "2025-12-11",
    ...        "currency": "USD", "rate": 12020.9, "observed_at": "2025-12-11T13:00:01Z"}
    >>> frame = to_dataframe([row], kind="rates")
    >>> frame[["as_of", "currency", "rate", "observed_at"]].dtypes.astype(str).to_dict()
    {'as_of': 'datetime64[ns]', 'currency': 'category', 'rate': 'float64', \
'observed_at': 'datetime64[ns, UTC]'}
    """
    pandas = _pandas()
    if kind not in _COLUMNS:
        raise ValueError(f"kind must be one of {', '.join(_COLUMNS)}, not {kind!r}")
    if isinstance(records_or_path, str | os.PathLike):
        records: list[Mapping[str, Any]] = list(_load(kind, (records_or_path,)))
    else:
        records = list(records_or_path)
        for record in records:
            if isinstance(record, str | os.PathLike):
                loader = {"article": "load_articles", "rates": "load_rates", "run": "load_runs"}
                raise TypeError(
                    "to_dataframe() takes records or one path; for several paths, "
                    f"to_dataframe({loader[kind]}(path, ...), kind={kind!r})"
                )
            if record.get("kind") != kind:
                raise ValueError(
                    f"to_dataframe(kind={kind!r}) got a {record.get('kind')!r} record; "
                    "load one kind at a time"
                )
    frame = pandas.DataFrame.from_records(records) if records else pandas.DataFrame()
    known = _COLUMNS[kind]
    frame = frame.reindex(columns=[*known, *(c for c in frame.columns if c not in known)])
    typed: pd.DataFrame = pandas.DataFrame(
        {name: _typed_column(pandas, known.get(name), frame[name]) for name in frame.columns},
        index=frame.index,
    )
    return typed


def _typed_column(pandas: Any, dtype: str | None, column: pd.Series) -> pd.Series:
    if dtype == "instant":
        # pandas 3 parses strings to microseconds and pandas 2 to nanoseconds: pin one unit.
        parsed: pd.Series = pandas.to_datetime(column.astype(object), utc=True, format="ISO8601")
        return parsed.astype("datetime64[ns, UTC]")
    if dtype == "day":
        parsed = pandas.to_datetime(column.astype(object), format="%Y-%m-%d")
        return parsed.astype("datetime64[ns]")
    if dtype == "category":
        return column.astype(object).astype("category")
    if dtype == "float":
        return column.astype("float64")
    if dtype == "boolean":
        return column.astype(object).astype("boolean")
    if dtype == "text":
        return column.astype(object).astype("string")
    if dtype == "object":
        # None, not NaN, where a record holds null or lacks the field (an older
        # schema_version): what ``is None`` tests and DuckDB reads as NULL.
        values = column.astype(object)
        return values.where(values.notna(), None)
    if dtype == "integer" or _holds_integers(column):
        # Counts, including fields newer than this module's schemas: NA-safe integers.
        return column.astype(object).astype("Int64")
    return column


def _holds_integers(column: pd.Series) -> bool:
    values = [value for value in column.astype(object) if value is not None and value == value]
    return bool(values) and all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise ImportError(
            "to_dataframe() needs pandas: pip install 'newsarchive[pandas]'"
        ) from None
    return pandas


def _load(kind: Kind, paths: Iterable[PathArg]) -> Iterator[dict[str, Any]]:
    yield from archive_records(find_archive_files(paths), kinds=(kind,))


def _layout_kind(path: Path) -> str | None:
    """The kind the archive layout puts in ``path``, or None for a file outside it."""
    if path.name in _RUNS_FILES:
        return "run"
    return _FOLDER_KINDS.get(path.parent.name)


def _archive_order(given: tuple[int, Path]) -> tuple[bool, str, str, str, str, int]:
    """Where a file (and its place among those given) comes when an archive is read: outside
    the layout last, in the order given; else by site, kind (its folder, or ``runs.jsonl``),
    run id and file number.

    Run ids are taken from the file name as all but its last ``-`` part, whatever their shape
    (``20251211T130000Z-3f9a``, or with the machine's name, ``20261207T010000Z-crawler-1-3f9a``).

    >>> _archive_order((5, Path("a/everyday/articles/20261207T010000Z-crawler-1-3f9a-0002.jsonl")))
    (False, 'everyday', 'articles', '20261207T010000Z-crawler-1-3f9a', '0002', 5)
    >>> _archive_order((0, Path("b/everyday/runs.jsonl"))), _archive_order((3, Path("x.jsonl")))
    ((False, 'everyday', 'runs.jsonl', '', '', 0), (True, '', '', '', '', 3))
    """
    index, path = given
    layout = _layout_kind(path)
    if layout is None:
        return (True, "", "", "", "", index)
    if layout == "run":
        return (False, path.parent.name, _RUNS_FILE, "", "", index)
    stem = path.name.removesuffix(".gz").removesuffix(".jsonl")
    run_id, _, number = stem.rpartition("-") if "-" in stem else (stem, "", "")
    return (False, path.parent.parent.name, path.parent.name, run_id, number, index)


def _run_group(path: Path) -> tuple[str | None, str]:
    """The files read together: a site's ``runs.jsonl`` files (``(site, "")``), else each file
    alone (``(None, path)``)."""
    if path.name in _RUNS_FILES:
        return path.parent.name, ""
    return None, str(path)


def _site_folder(path: Path) -> Path:
    """The folder of the site ``path`` belongs to (its own folder, outside the layout)."""
    folder = path.parent.parent if path.parent.name in _FOLDER_KINDS else path.parent
    return folder.resolve()


def _shared_sites(folders: Iterable[Path]) -> set[str]:
    """The names of the site folders found more than once: one site in several folders."""
    counts = Counter(folder.name for folder in set(folders))
    return {name for name, count in counts.items() if count > 1}


def _read_before(record: Mapping[str, Any], folder: Path, seen: dict[bytes, Path]) -> bool:
    """Whether ``record`` was read already from another folder than ``folder``; remembers it."""
    identity = record_key(record)
    if identity is None:
        return False
    digest = hashlib.blake2b("\x1f".join(identity).encode(), digest_size=16).digest()
    first = seen.setdefault(digest, folder)
    return first != folder


def _canonical(record: Mapping[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _records_of(path: Path, wanted: set[str] | None) -> Iterator[dict[str, Any]]:
    """The records of ``path`` of the ``wanted`` kinds; none without reading it when the
    layout says it holds another kind."""
    layout_kind = _layout_kind(path)
    if wanted is not None and layout_kind is not None and layout_kind not in wanted:
        return
    for record in _read(path):
        if wanted is None or record.get("kind") in wanted:
            yield record


def _read(path: Path) -> Iterator[dict[str, Any]]:
    """The records of one file; a torn last line (one being appended right now) is left out."""
    number = 0
    try:
        for number, line in enumerate(read_lines(path), 1):
            if not line.endswith("\n"):
                break  # runs.jsonl grows in place: its last line may still be half-written
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ArchiveReadError(f"{path}:{number}: not a JSON object")
            yield record
    except ArchiveReadError:
        raise
    except json.JSONDecodeError as error:
        raise ArchiveReadError(f"{path}:{number}: not a JSON record ({error})") from None
    except (OSError, EOFError, UnicodeDecodeError) as error:
        raise ArchiveReadError(f"{path}: cannot read ({error})") from None
