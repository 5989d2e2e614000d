"""Where the archive lives: ``--home``, else $PRESSARCHIVE_HOME, else a checkout's own folder, else a user folder.

A fresh user folder is seeded from the bundled sample archive, so that a search works right after install.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

ENV_VAR = "PRESSARCHIVE_HOME"
_PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from (editable install), if any."""
    root = _PACKAGE_DIR.parent
    if (root / "setup.cfg").is_file() and (root / "corpus").is_dir():
        return root
    return None


def bundled_corpus() -> Path | None:
    """The bundled sample archive's corpus folder: in the checkout, or installed under share/."""
    root = checkout_root()
    if root is not None:
        return root / "corpus"
    for prefix in (sys.prefix, sys.base_prefix, os.path.expanduser("~/.local")):
        candidate = Path(prefix) / "share" / "pressarchive" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


def user_home() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or os.path.expanduser("~/.local/share")
    return Path(base) / "pressarchive"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The archive home folder (not created here)."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    root = checkout_root()
    if root is not None:
        return root
    return user_home()
