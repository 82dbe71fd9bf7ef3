"""Where planctl finds its data: the sample corpus, the dictionaries and the cache.

The sample corpus and the dictionaries are package data (``planctl.corpora``,
``planctl.dictionaries``: the checkout's ``corpora/`` and ``dictionaries/``), found with
:mod:`importlib.resources` wherever planctl is installed. ``PLANCTL_HOME`` points at another
folder holding ``corpora/`` and ``dictionaries/`` side by side; ``PLANCTL_CORPUS`` and
``PLANCTL_CACHE`` override the corpus and the cache separately. A run's choices (``--corpus``)
are carried on its :class:`planctl.env.Environment`.

Example::

    >>> (dictionaries_dir() / "regions.tsv").is_file()
    True
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from planctl.errors import PlanctlError


def _package_dir(package: str) -> Path:
    """The folder of a data package as installed (a wheel is always unpacked: a real folder)."""
    try:
        found = resources.files(package)
    except ModuleNotFoundError:
        raise PlanctlError(f"planctl's data ({package}) is not installed; reinstall planctl") from None
    if not isinstance(found, Path):  # a zipped install: planctl reads its data as files
        raise PlanctlError(f"planctl's data ({package}) is not on disk ({found}); install planctl unzipped")
    return found


def _home() -> Path | None:
    env = os.environ.get("PLANCTL_HOME")
    return Path(env) if env else None


def corpus_dir() -> Path:
    """The default corpus: ``$PLANCTL_CORPUS``, else ``$PLANCTL_HOME/corpora``, else the sample
    corpus installed with planctl."""
    env = os.environ.get("PLANCTL_CORPUS")
    if env:
        return Path(env)
    home = _home()
    return home / "corpora" if home else _package_dir("planctl.corpora")


def dictionaries_dir() -> Path:
    """The dictionaries: ``$PLANCTL_HOME/dictionaries``, else those installed with planctl. Every
    dictionary file (and vectors under it) is read through this one function."""
    home = _home()
    return home / "dictionaries" if home else _package_dir("planctl.dictionaries")


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
