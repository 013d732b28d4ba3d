"""Files the app keeps on the server so that nothing a user did is lost on a reload or the next day: pools
uploaded in the browser (a stored run refers to its pool by path and fingerprint) and each browser workspace
(the scenario being edited and the user's choices).

Everything lives under one data folder: ``$BAICUN_DATA``, else ``$XDG_DATA_HOME/baicun`` (the run database's
default folder too). Writes are atomic (a temporary file renamed into place), so a crash leaves the previous
version, never half a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import uuid
from pathlib import Path

WORKSPACE_ID = re.compile(r"^[0-9a-f]{32}$")


def data_dir() -> Path:
    base = os.environ.get("BAICUN_DATA") or Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "baicun"
    path = Path(base).expanduser()
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def keep_upload(name: str, data: bytes) -> Path:
    """Keep an uploaded file under ``uploads/<sha256>/`` with the user's file name (only its last part, so a name
    can never reach outside the folder); the same bytes are kept once."""
    digest = hashlib.sha256(data).hexdigest()
    safe = Path(str(name).replace("\\", "/")).name or "upload"
    path = data_dir() / "uploads" / digest / safe
    if not path.exists():
        _write_atomically(path, data)
    return path


def new_workspace_id() -> str:
    return uuid.uuid4().hex


def load_workspace(workspace_id: str) -> dict | None:
    """A saved workspace, or None for an id that is malformed, unknown or unreadable."""
    if not WORKSPACE_ID.match(str(workspace_id)):
        return None
    path = data_dir() / "workspaces" / f"{workspace_id}.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def save_workspace(workspace_id: str, data: dict) -> None:
    if not WORKSPACE_ID.match(str(workspace_id)):
        raise ValueError("workspace id")
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    _write_atomically(data_dir() / "workspaces" / f"{workspace_id}.json", text.encode("utf-8"))
