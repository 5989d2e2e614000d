"""Where the archive lives and where the bundled sample is.

The archive folder is ``--home``, else $PRESSARCHIVE_HOME, else the default home
``$XDG_DATA_HOME/pressarchive`` (``~/.local/share/pressarchive``), however the package was installed
(``Settings.home_path``). Only the default home is filled with the bundled sample, on first use
(``archive.open_archive``).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from pressarchive.settings import Settings

_PACKAGE_DIR = Path(__file__).resolve().parent


def checkout_root() -> Path | None:
    """The source checkout this package runs from (editable install or a path), if any."""
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


def user_home(settings: Settings | None = None) -> Path:
    """The default home."""
    return (settings or Settings.from_env()).default_home


def resolve_home(explicit: str | os.PathLike[str] | None = None, settings: Settings | None = None) -> Path:
    """The archive home folder (not created here)."""
    return (settings or Settings.from_env()).home_path(explicit)
