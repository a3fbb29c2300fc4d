"""Keeping browser uploads: each file saved under a safe version of its own name in one folder.

Uploads are ingested from where they are kept, so a citation's location stays a real file the
reader can open later (a temporary folder would vanish and leave a dead path in every answer).
The name comes from the browser and is untrusted: it never chooses the folder.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

# Characters no file name here should carry: path separators of any system, NUL and the other
# controls (a newline in a name breaks every listing that shows it).
_UNSAFE = re.compile(r"[\\/\x00-\x1f\x7f:*?\"<>|]")
_MAX_NAME_CHARS = 120


def safe_upload_name(name: str) -> str:
    """``name`` as a plain file name: no folders, no leading dots, no control characters.

        >>> safe_upload_name("../../etc/passwd"), safe_upload_name(".env"), safe_upload_name("a\\nb.txt")
        ('passwd', 'env', 'a_b.txt')
    """
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE.sub("_", name).strip().lstrip(". ").rstrip(". ")
    if len(name) > _MAX_NAME_CHARS:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: _MAX_NAME_CHARS - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 10 else name[:_MAX_NAME_CHARS]
    return name or "upload"


def keep_upload(folder: Path, name: str, data: bytes) -> Path:
    """Save ``data`` in ``folder`` under ``safe_upload_name(name)`` and return where it is.

    The same name with the same bytes is the same file (uploading an article twice keeps one
    copy); a different file with a taken name is kept as ``name (2).txt``, ``name (3).txt``, ...
    """
    folder.mkdir(parents=True, exist_ok=True)
    safe = safe_upload_name(name)
    stem, suffix = Path(safe).stem, Path(safe).suffix
    target, n = folder / safe, 1
    while target.exists():
        if target.is_file() and target.read_bytes() == data:
            return target
        n += 1
        target = folder / f"{stem} ({n}){suffix}"
    target.write_bytes(data)
    return target
