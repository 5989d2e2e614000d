"""Every setting in one place: the environment variables and options, read once into a ``Settings``.

``Settings.from_env()`` reads the environment once; an ``Archive`` carries the settings it was opened
with, and the modules below it read them from there (``archive.settings``), never from the
environment. A program or a test passes its own: ``pressarchive.open(home, settings=Settings(...))``.
The table of settings is docs/settings.md (tests/test_settings.py keeps it in step with ``ENV``).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Mapping

MERGE_MODES = ("background", "inline", "off")
EVALUATORS = ("auto", "numpy", "whoosh")
DEFAULT_LOCK_TIMEOUT = 120.0

# setting -> the environment variable it is read from
ENV = {
    "home": "PRESSARCHIVE_HOME",
    "data_home": "XDG_DATA_HOME",
    "cache_home": "XDG_CACHE_HOME",
    "seed": "PRESSARCHIVE_NO_SEED",
    "lock_timeout": "PRESSARCHIVE_LOCK_TIMEOUT",
    "build_procs": "PRESSARCHIVE_BUILD_PROCS",
    "merge": "PRESSARCHIVE_MERGE",
    "debug": "PRESSARCHIVE_DEBUG",
    "evaluator": "PRESSARCHIVE_EVALUATOR",
}


def _user_dir(environ: Mapping[str, str], variable: str, fallback: str) -> Path:
    value = environ.get(variable, "").strip()
    return Path(value).expanduser() if value else Path(os.path.expanduser(fallback))


@dataclass(frozen=True)
class Settings:
    """The settings of one archive session. Every field has the default a fresh machine gets."""

    home: Path | None = None  # the archive folder given (--home / $PRESSARCHIVE_HOME); None: default_home
    data_home: Path = field(default_factory=lambda: Path(os.path.expanduser("~/.local/share")))
    cache_home: Path = field(default_factory=lambda: Path(os.path.expanduser("~/.cache")))
    seed: bool = True  # fill the default home with the bundled sample on first use
    lock_timeout: float = DEFAULT_LOCK_TIMEOUT  # seconds a write waits for another writer
    build_procs: int | None = None  # worker processes for a full build or bulk add; None: the machine's cores
    merge: str = "background"  # what an add leaves to `compact`: background, inline or off
    debug: bool = False  # unexpected errors show their traceback
    evaluator: str = "auto"  # relevance searches scored by evaluate.py (numpy), Whoosh's matchers, or by size

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **given) -> "Settings":
        """The settings the environment gives (``os.environ`` unless ``environ``), then ``given``."""
        env = os.environ if environ is None else environ
        home = env.get(ENV["home"], "").strip()
        try:
            timeout = float(env.get(ENV["lock_timeout"], "") or DEFAULT_LOCK_TIMEOUT)
        except ValueError:
            timeout = DEFAULT_LOCK_TIMEOUT
        procs = env.get(ENV["build_procs"], "").strip()
        merge = env.get(ENV["merge"], "").strip().lower()
        evaluator = env.get(ENV["evaluator"], "").strip().lower()
        values = dict(
            home=Path(home).expanduser() if home else None,
            data_home=_user_dir(env, ENV["data_home"], "~/.local/share"),
            cache_home=_user_dir(env, ENV["cache_home"], "~/.cache"),
            seed=not env.get(ENV["seed"]),
            lock_timeout=timeout,
            build_procs=int(procs) if procs.isdigit() and int(procs) > 0 else None,
            merge=merge if merge in MERGE_MODES else "background",
            debug=bool(env.get(ENV["debug"])),
            evaluator=evaluator if evaluator in EVALUATORS else "auto",
        )
        values.update(given)
        return cls(**values)

    @property
    def default_home(self) -> Path:
        """The archive used when none is given: ``$XDG_DATA_HOME/pressarchive``, however the package
        was installed."""
        return self.data_home / "pressarchive"

    def home_path(self, explicit: str | os.PathLike[str] | None = None) -> Path:
        """The archive folder: ``explicit``, else the one the settings name, else the default home."""
        if explicit:
            return Path(explicit).expanduser()
        return self.home if self.home is not None else self.default_home

    def with_(self, **changes) -> "Settings":
        return replace(self, **changes)

    def to_env(self) -> dict[str, str]:
        """The environment variables that give these settings to a child process."""
        env = {
            ENV["data_home"]: str(self.data_home),
            ENV["cache_home"]: str(self.cache_home),
            ENV["lock_timeout"]: repr(self.lock_timeout),
            ENV["merge"]: self.merge,
        }
        if self.home is not None:
            env[ENV["home"]] = str(self.home)
        if not self.seed:
            env[ENV["seed"]] = "1"
        if self.build_procs:
            env[ENV["build_procs"]] = str(self.build_procs)
        if self.debug:
            env[ENV["debug"]] = "1"
        if self.evaluator != "auto":
            env[ENV["evaluator"]] = self.evaluator
        return env
