"""planctl: structure, compare, search and export Chinese government plans (规划)."""

from __future__ import annotations

__version__ = "0.1.0"
