"""Named thresholds, validated on creation: no magic numbers inside the rules."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ParseSettings:
    """Thresholds the parser uses to tell headings, lead phrases and titles apart.

    Example::

        >>> ParseSettings(lead_max_chars=24).lead_max_chars
        24
    """

    heading_max_chars: int = 32
    """A numbered line alone on its line is a heading only up to this many characters;
    longer ones are numbered measures (task lists: ``36.用好东西部协作…``)."""
    lead_max_chars: int = 30
    """A plain first sentence up to this long, without a comma, is a measure's lead phrase."""
    colon_lead_max_chars: int = 10
    """``一核：构建…``: a label before a colon up to this long is a lead phrase."""
    title_max_chars: int = 60
    """Plan and notice titles are at most this long."""
    org_line_max_chars: int = 40
    """A signature / issuer line (``甘肃省人民政府办公厅``) is at most this long."""

    def __post_init__(self) -> None:
        for name in ("heading_max_chars", "lead_max_chars", "colon_lead_max_chars", "title_max_chars",
                     "org_line_max_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"ParseSettings.{name} must be a positive integer, got {value!r}")
        if self.colon_lead_max_chars > self.lead_max_chars:
            raise ValueError("colon_lead_max_chars cannot exceed lead_max_chars")


@dataclass(frozen=True)
class AlignSettings:
    """Thresholds of the indicator pairing and of edition detection. (The matcher's weights are
    features fitted on the gold: planctl/compare/scoring.py and calibration.json.)

    Example::

        >>> AlignSettings().indicator_threshold
        0.6
    """

    indicator_threshold: float = 0.6
    """Indicator pairs (name similarity, unit and period checked) below stay unmatched."""
    unit_mismatch_factor: float = 0.5
    """Multiplier when both units are given and differ."""
    period_mismatch_factor: float = 0.8
    """Multiplier when the tables' periods differ (“十三五” results vs “十四五” targets)."""
    editions_lead_overlap: float = 0.6
    """Share of identical measure leads above which two plans count as editions of one plan."""

    def __post_init__(self) -> None:
        for name in ("indicator_threshold", "unit_mismatch_factor", "period_mismatch_factor", "editions_lead_overlap"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"AlignSettings.{name} must be within [0, 1], got {value!r}")
