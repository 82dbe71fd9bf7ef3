"""Turning files into :class:`~planctl.ingest.text.Source` line lists."""

from __future__ import annotations

from planctl.ingest.text import Line, Source, decode_bytes, read_source

__all__ = ["Line", "Source", "decode_bytes", "read_source"]
