"""Writing files atomically: a temporary name in the target's folder, renamed into place.

A reader (or a crash) never sees half a file. Shared by the event-log writer and the
planner's outputs, which must not import each other's private modules. The
``writable_*`` checks let a command refuse an output path before hours of work rather
than after, without creating anything; every failure to write is one
:class:`ccbench.OutputError` naming the path.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ._errors import OutputError

__all__ = ["replace_atomically", "writable_file", "writable_folder"]


def _reason(exc: OSError) -> str:
    return exc.strerror or type(exc).__name__


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        ancestors = (folder, *folder.parents)
        blocker = next((p for p in ancestors if p.exists() and not p.is_dir()), folder)
        raise OutputError(
            f"{folder}: cannot create the folder: {blocker} is a file; expected a folder there"
        ) from None
    except OSError as exc:
        raise OutputError(f"{folder}: cannot create the folder ({_reason(exc)})") from exc


def writable_folder(folder: str | os.PathLike[str]) -> Path:
    """Check that files can be created in ``folder`` (it exists, or can be created), and
    leave nothing behind: a probe file is created and removed in the folder or in its
    nearest existing ancestor, which is where the folder would be made.

    Raises OutputError naming the folder and the reason (a file in the way, no
    permission, a file system such as /proc that takes no new files).
    """
    path = Path(folder)
    existing = next(p for p in (path, *path.parents) if p.exists() or p == Path(p.anchor))
    if not existing.is_dir():
        if existing == path:
            raise OutputError(f"{path}: is a file; expected a folder")
        raise OutputError(
            f"{path}: cannot create the folder: {existing} is a file; expected a folder there"
        )
    try:
        fd, probe = tempfile.mkstemp(dir=existing, prefix=".ccbench-probe.")
    except OSError as exc:
        what = "in this folder" if existing == path else f"in {existing}"
        raise OutputError(
            f"{path}: cannot create a file {what} ({_reason(exc)}); expected a writable folder"
        ) from exc
    os.close(fd)
    os.unlink(probe)
    return path


def writable_file(path: str | os.PathLike[str]) -> Path:
    """Check that ``path`` can be written by :func:`replace_atomically` (not a folder; its
    folder writable or creatable); OutputError otherwise. Nothing is left behind."""
    target = Path(path)
    if target.is_dir():
        raise OutputError(f"{target}: is a folder; expected a file path")
    writable_folder(target.parent)
    return target


def replace_atomically(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then rename it to ``path``.

    The folder is created; the file gets the permissions a plain ``open()`` would give;
    on any failure the temporary file is removed and ``path`` is left as it was. A path
    that cannot be written raises OutputError (``write``'s own errors pass through).
    """
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; expected a file path")
    _make_folder(path.parent)
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise OutputError(
            f"{path.parent}: cannot create a file in this folder ({_reason(exc)}); "
            "expected a writable folder"
        ) from exc
    os.close(fd)
    try:
        write(Path(tmp))
        # mkstemp creates 0600 files; give the file the permissions a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"{path}: cannot replace the file ({_reason(exc)})") from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
