"""Atomic file writes: a reader never sees a half-written report."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from focalrd.numeric.errors import InvalidInputError


def prepare_output_directory(out_dir: Path | str) -> Path:
    """Create ``out_dir`` if needed; InvalidInputError (``out``) when it cannot be written.

    Commands call this before doing any work, so an unwritable ``--out`` is one
    line on stderr and exit status 2, not a traceback after a long computation.
    """
    path = Path(out_dir)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInputError("out", f"a writable directory ({error.strerror})",
                                str(out_dir)) from None
    if not os.access(path, os.W_OK):
        raise InvalidInputError("out", "a writable directory", str(out_dir))
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
