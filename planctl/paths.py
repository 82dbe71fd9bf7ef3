"""Where planctl finds its data: the shipped corpus, dictionaries and the cache.

``PLANCTL_HOME`` points at a checkout (corpora/ and dictionaries/ beside each other);
``PLANCTL_CORPUS`` and ``PLANCTL_CACHE`` override the two directories separately.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """The directory holding corpora/ and dictionaries/."""
    env = os.environ.get("PLANCTL_HOME")
    return Path(env) if env else Path(__file__).resolve().parent.parent


def corpus_dir() -> Path:
    """The shipped corpus (``$PLANCTL_CORPUS`` or ``corpora/``)."""
    env = os.environ.get("PLANCTL_CORPUS")
    return Path(env) if env else project_root() / "corpora"


def dictionaries_dir() -> Path:
    """The dictionaries directory."""
    return project_root() / "dictionaries"


def cache_dir() -> Path:
    """``$PLANCTL_CACHE``, else the platform's user cache directory."""
    env = os.environ.get("PLANCTL_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "planctl"


def data_dir() -> Path:
    """Where planctl keeps what a user made and must not lose with the cache (calibrations fitted
    on their own gold): ``$PLANCTL_DATA``, else ``$XDG_DATA_HOME/planctl`` or ``~/.local/share/planctl``."""
    env = os.environ.get("PLANCTL_DATA")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "planctl"
