"""Atomic file writes: a reader never sees a half-written report, nor a mixed set of them."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from focalrd.numeric.errors import InvalidInputError


def _nonempty(out_dir: Path | str, parameter: str) -> Path:
    if not str(out_dir).strip():
        raise InvalidInputError(parameter, "a directory path (not empty)", str(out_dir))
    if "\x00" in str(out_dir):  # os.stat would raise ValueError: an internal error (exit 4)
        raise InvalidInputError(parameter, "a directory path without a NUL character",
                                str(out_dir).replace("\x00", "\\0"))
    return Path(out_dir)


def check_output_directory(out_dir: Path | str, parameter: str = "out") -> Path:
    """Check, without creating anything, that ``out_dir`` is or can become a writable directory.

    Commands call this before any work, so that an unusable ``--out`` is one
    line and exit status 2 at once, and a run refused for another reason (a bad
    ``--only`` pattern, a ``--claims`` module that fails to import) leaves no
    directory behind.  ``parameter`` names the option in the error.
    """
    path = _nonempty(out_dir, parameter)
    try:
        return _checked_output_directory(path, out_dir, parameter)
    except OSError as error:  # a component too long (ENAMETOOLONG), a loop of links, ...
        raise InvalidInputError(parameter, f"a writable directory ({error.strerror})",
                                str(out_dir)) from None


def _checked_output_directory(path: Path, out_dir: Path | str, parameter: str) -> Path:
    probe = path
    while not probe.exists():
        if probe.is_symlink():  # a dangling link
            raise InvalidInputError(parameter, "a writable directory (a dangling symbolic "
                                    "link is in the way)", str(out_dir))
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise InvalidInputError(parameter, f"a writable directory ({probe} is not a directory)",
                                str(out_dir))
    if not os.access(probe if probe.exists() else Path.cwd(), os.W_OK | os.X_OK):
        raise InvalidInputError(parameter, "a writable directory", str(out_dir))
    return path


def prepare_output_directory(out_dir: Path | str, parameter: str = "out") -> Path:
    """Create ``out_dir`` if needed; InvalidInputError (``parameter``) when it cannot be written.

    Commands call this before doing any work, so an unwritable ``--out`` is one
    line on stderr and exit status 2, not a traceback after a long computation.
    """
    path = _nonempty(out_dir, parameter)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInputError(parameter, f"a writable directory ({error.strerror})",
                                str(out_dir)) from None
    if not os.access(path, os.W_OK):
        raise InvalidInputError(parameter, "a writable directory", str(out_dir))
    return path


def write_bytes_atomic(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, then rename it over ``path``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
    return path


def write_text_atomic(path: Path, text: str) -> Path:
    """:func:`write_bytes_atomic` for UTF-8 text."""
    return write_bytes_atomic(path, text.encode("utf-8"))


def install_files(out_dir: Path | str, files: Mapping[str, bytes], remove: Iterable[str] = (),
                  parameter: str = "out") -> list[Path]:
    """Put ``files`` ({relative path: content}) into ``out_dir`` as one set.

    Every file is first written into a temporary directory inside ``out_dir``;
    then each replaces its target by a rename (in the order given, so put the
    file readers look for first, e.g. ``report.json``, last), and the files
    named in ``remove`` (left over from an earlier set) are deleted.  If any step
    fails, the targets already replaced get their previous content back, so the
    directory holds the old set or the new one, never a mixture; the temporary
    directory is removed either way.  An OSError becomes InvalidInputError
    (``parameter``): the directory is not usable.
    """
    out = prepare_output_directory(out_dir, parameter)
    installed: list[tuple[Path, Path | None]] = []  # (target, backup of its old content)
    try:
        staging = Path(tempfile.mkdtemp(prefix=".focalrd-staging-", dir=out))
    except OSError as error:
        raise _unusable(error, out_dir, parameter) from None
    try:
        for relative, data in files.items():
            staged = staging / "new" / relative
            staged.parent.mkdir(parents=True, exist_ok=True)
            staged.write_bytes(data)
            os.chmod(staged, 0o644)
        for relative in [*files, *remove]:
            if (out / relative).is_dir() and not (out / relative).is_symlink():
                raise IsADirectoryError(21, "a directory is in the way", str(out / relative))
        for relative in files:
            target = out / relative
            backup = None
            if target.exists() or target.is_symlink():
                backup = staging / "old" / relative
                backup.parent.mkdir(parents=True, exist_ok=True)
                if target.is_symlink():
                    os.replace(target, backup)
                else:  # the old content stays in place until the rename below
                    _link_or_copy(target, backup)
            target.parent.mkdir(parents=True, exist_ok=True)
            installed.append((target, backup))
            os.replace(staging / "new" / relative, target)
        for relative in remove:
            target = out / relative
            if target.exists() and relative not in files:
                backup = staging / "old" / relative
                backup.parent.mkdir(parents=True, exist_ok=True)
                os.replace(target, backup)
                installed.append((target, backup))
    except BaseException as error:
        _roll_back(installed)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(error, OSError):
            raise _unusable(error, out_dir, parameter) from None
        raise
    shutil.rmtree(staging, ignore_errors=True)
    return [out / relative for relative in files]


def _link_or_copy(source: Path, destination: Path) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def _roll_back(installed: list[tuple[Path, Path | None]]) -> None:
    for target, backup in reversed(installed):
        try:
            if backup is not None:
                os.replace(backup, target)
            elif target.exists():
                target.unlink()
        except OSError:  # pragma: no cover - nothing better to do than keep going
            pass


def _unusable(error: OSError, out_dir: Path | str, parameter: str) -> InvalidInputError:
    where = f": {error.filename}" if error.filename else ""
    return InvalidInputError(parameter, f"a writable directory ({error.strerror or error}"
                             f"{where})", str(out_dir))
