"""The results store of ``focalrd sweep``: one SQLite file, one row per evaluated point.

A row is keyed by the quantity, the canonical JSON of its inputs (exact strings), the
dps and the focalrd version, so a value computed by another version or at another
precision is never taken for this one.  The database runs in WAL mode and every
finished point is its own transaction: killing the client (even ``kill -9``) loses
only the points still being evaluated.  Columns: ``quantity``, ``inputs``, ``dps``,
``version``, one column per option of the SPEC, ``value``, ``unit``, one column per
further result field (``result_NAME`` where a name is already taken), ``status``,
``message``, ``seconds``, ``worker``, ``run`` (the ``runs`` row that wrote it),
``finished`` (UTC) and ``document`` (the whole ``focalrd eval --json`` object).
"""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterable
from typing import Any

from focalrd.numeric.errors import InvalidInputError
from focalrd.verify.sweeps import Point, SweepSpec

__all__ = ["EXPORT_FORMATS", "ResultStore", "export_rows"]

EXPORT_FORMATS = ("csv", "json", "parquet")

_FIXED_COLUMNS = ("quantity", "inputs", "dps", "version", "value", "unit", "status",
                  "message", "seconds", "worker", "run", "finished", "document")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS points (
    quantity TEXT NOT NULL,
    inputs   TEXT NOT NULL,
    dps      INTEGER NOT NULL,
    version  TEXT NOT NULL,
    value    TEXT,
    unit     TEXT,
    status   TEXT NOT NULL CHECK (status IN ('ok', 'bad-input', 'precision', 'error')),
    message  TEXT NOT NULL DEFAULT '',
    seconds  REAL,
    worker   TEXT,
    run      INTEGER,
    finished TEXT,
    document TEXT,
    PRIMARY KEY (quantity, inputs, dps, version)
);
CREATE TABLE IF NOT EXISTS runs (
    id          INTEGER PRIMARY KEY,
    started     TEXT NOT NULL,
    finished    TEXT,
    spec        TEXT NOT NULL,
    points      INTEGER NOT NULL,
    to_evaluate INTEGER NOT NULL,
    evaluated   INTEGER NOT NULL DEFAULT 0,
    engine      TEXT
);
"""

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds")


def _cell(value: Any) -> Any:
    """A result field as an SQLite value: strings and numbers as they are, else JSON.

    SQLite integers are 64-bit: a larger exact integer (a codebook size M = ⌊e^{nR}⌋,
    say) is stored as its decimal string, so no digit is lost.
    """
    if isinstance(value, int) and not isinstance(value, bool) and not -2**63 <= value < 2**63:
        return str(value)
    if value is None or isinstance(value, str | int | float) and not isinstance(value, bool):
        return value
    return json.dumps(value)


class ResultStore:
    """``DIR/results.sqlite``, opened (and created) for one SPEC."""

    def __init__(self, directory: str, spec: SweepSpec,
                 filename: str = "results.sqlite") -> None:
        self.directory = directory
        self.path = os.path.join(directory, filename)
        self.spec = spec
        try:
            os.makedirs(directory, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")  # WAL: durable across a killed process
            self.db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise InvalidInputError("out", f"a directory where {self.path} can be written "
                                    f"({error})") from None
        self._columns = {row[1].lower(): row[1] for row in
                         self.db.execute("PRAGMA table_info(points)")}
        for option in spec.option_order:
            self._column(option, reserved=False)

    # -- schema ------------------------------------------------------------------------
    def _column(self, name: str, reserved: bool = True) -> str | None:
        """The column of an option (``reserved=False``) or a result field, added if new."""
        if not _IDENTIFIER.match(name):
            return None
        column = name
        if reserved and (name.lower() in _FIXED_COLUMNS or name in self.spec.option_order):
            column = f"result_{name}"
        existing = self._columns.get(column.lower())
        if existing is not None:
            return existing
        try:
            self.db.execute(f'ALTER TABLE points ADD COLUMN "{column}"')
        except sqlite3.OperationalError:
            # another store on the same file (another SPEC of one run, another process)
            # added it since this one read the schema: read the schema again
            self._columns = {row[1].lower(): row[1] for row in
                             self.db.execute("PRAGMA table_info(points)")}
            if column.lower() not in self._columns:
                raise
            return self._columns[column.lower()]
        self._columns[column.lower()] = column
        return column

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    # -- runs --------------------------------------------------------------------------
    def start_run(self, spec_path: str, points: int, to_evaluate: int, engine: str) -> int:
        with self.db:
            cursor = self.db.execute(
                "INSERT INTO runs (started, spec, points, to_evaluate, engine) "
                "VALUES (?, ?, ?, ?, ?)", (_now(), spec_path, points, to_evaluate, engine))
        return int(cursor.lastrowid or 0)

    def finish_run(self, run: int, evaluated: int) -> None:
        with self.db:
            self.db.execute("UPDATE runs SET finished = ?, evaluated = ? WHERE id = ?",
                            (_now(), evaluated, run))

    # -- points ------------------------------------------------------------------------
    def _key(self, point: Point) -> tuple[str, str, int, str]:
        return (self.spec.quantity, point.inputs_json(), self.spec.dps, self.spec.version)

    def statuses(self) -> dict[str, str]:
        """Stored status per canonical inputs, for this SPEC's quantity, dps and version."""
        rows = self.db.execute(
            "SELECT inputs, status FROM points WHERE quantity = ? AND dps = ? AND version = ?",
            (self.spec.quantity, self.spec.dps, self.spec.version))
        return dict(rows.fetchall())

    def record(self, point: Point, outcome: dict[str, Any], run: int) -> None:
        """Store one finished point, in its own transaction (replacing an earlier row)."""
        document = outcome.get("document")
        values: dict[str, Any] = dict(zip(("quantity", "inputs", "dps", "version"),
                                          self._key(point), strict=True))
        for option, value in point.options.items():
            values[self._column(option, reserved=False) or option] = _cell(value)
        values.update(status=outcome["status"], message=outcome.get("message", ""),
                      seconds=outcome.get("seconds"), worker=outcome.get("worker"),
                      run=run, finished=_now(),
                      document=None if document is None else json.dumps(document))
        if document is not None:
            values["value"] = _cell(document.get("value"))
            values["unit"] = document.get("unit")
            for name, value in document.items():
                if name in ("quantity", "value", "unit", "dps", "inputs"):
                    continue
                column = self._column(name)
                if column is not None:
                    values[column] = _cell(value)
        else:
            values["value"] = values["unit"] = None
        names = list(values)
        quoted = ", ".join(f'"{n}"' for n in names)
        updates = ", ".join(f'"{n}" = excluded."{n}"' for n in names[4:])
        # Columns of an earlier outcome that this one does not have are cleared.
        stale = [c for c in self._columns.values() if c not in names and c not in _FIXED_COLUMNS]
        updates += "".join(f', "{c}" = NULL' for c in stale)
        with self.db:
            self.db.execute(
                f"INSERT INTO points ({quoted}) VALUES ({', '.join('?' * len(names))}) "
                f"ON CONFLICT (quantity, inputs, dps, version) DO UPDATE SET {updates}",
                [values[n] for n in names])

    def rows(self, points: Iterable[Point]) -> list[dict[str, Any]]:
        """The stored rows of ``points``, in their order (points not stored are skipped)."""
        self.db.row_factory = sqlite3.Row
        try:
            out = []
            for point in points:
                row = self.db.execute(
                    "SELECT * FROM points WHERE quantity = ? AND inputs = ? AND dps = ? "
                    "AND version = ?", self._key(point)).fetchone()
                if row is not None:
                    out.append(_export_row(point, dict(row), self.spec))
            return out
        finally:
            self.db.row_factory = None


def _export_row(point: Point, row: dict[str, Any], spec: SweepSpec) -> dict[str, Any]:
    """One exported row: the options, then the value and the other result fields, then
    status, message, dps, seconds, worker."""
    out: dict[str, Any] = dict(point.options)
    document = json.loads(row["document"]) if row["document"] else {}
    out["value"] = document.get("value")
    out["unit"] = document.get("unit")
    for name, value in document.items():
        if name not in ("quantity", "value", "unit", "dps", "inputs"):
            out[name if name not in out else f"result_{name}"] = value
    out.update(status=row["status"], message=row["message"], dps=row["dps"],
               seconds=row["seconds"], worker=row["worker"])
    return out


def _columns_of(rows: list[dict[str, Any]]) -> list[str]:
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    return list(columns)


def _atomic_write(path: str, data: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=".results.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def pyarrow_available() -> bool:
    try:
        import pyarrow  # noqa: F401
        import pyarrow.parquet  # noqa: F401
    except ImportError:
        return False
    return True


def export_rows(rows: list[dict[str, Any]], directory: str, fmt: str) -> str:
    """Write ``DIR/results.FORMAT`` atomically; returns its path."""
    path = os.path.join(directory, f"results.{fmt}")
    columns = _columns_of(rows)
    if fmt == "json":
        data = (json.dumps(rows, indent=1) + "\n").encode()
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.DictWriter(text, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: json.dumps(v) if isinstance(v, list | dict) else v
                             for k, v in row.items()})
        data = text.getvalue().encode()
    elif fmt == "parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        # Every column as text (lists as JSON): exact decimal strings stay exact.
        table = pa.table({c: [None if r.get(c) is None else
                              (json.dumps(r[c]) if isinstance(r[c], list | dict) else str(r[c]))
                              for r in rows] for c in columns})
        sink = pa.BufferOutputStream()
        pq.write_table(table, sink)
        data = sink.getvalue().to_pybytes()
    else:  # pragma: no cover - the CLI restricts the choices
        raise InvalidInputError("export", "csv, json or parquet", fmt)
    _atomic_write(path, data)
    return path
