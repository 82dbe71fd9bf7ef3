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
    """Weights and thresholds of the matcher (planctl/align.py). Weights of one score sum to 1.

    Example::

        >>> AlignSettings().measure_threshold
        0.3
    """

    # measures and 专栏: content + lead phrase + context (titles of enclosing sections)
    measure_content: float = 0.55
    """TF-IDF cosine of lead + body."""
    measure_lead: float = 0.25
    """String similarity of the canonical lead phrases."""
    measure_context: float = 0.20
    """TF-IDF cosine of the enclosing headings' titles."""
    aligned_section_bonus: float = 0.10
    """Added when the two measures sit in sections that were aligned with each other."""
    measure_threshold: float = 0.3
    """Pairs scoring below stay unmatched (unless mutual best above ``mutual_floor``)."""
    mutual_floor: float = 0.2
    """Pairs that are each other's best candidate are kept down to this score."""
    # chapters and sections (any level may match any level)
    heading_title: float = 0.35
    """Similarity of the heading titles (string and tokens)."""
    heading_body: float = 0.45
    """TF-IDF cosine of everything under the heading."""
    heading_context: float = 0.20
    """TF-IDF cosine of the enclosing headings' titles."""
    heading_threshold: float = 0.3
    """Heading pairs scoring below stay unmatched."""
    level_mismatch_factor: float = 0.85
    """Multiplier for a heading pair at different depths (chapter ↔ section)."""
    # indicators
    indicator_threshold: float = 0.6
    """Indicator pairs (name similarity, unit and period checked) below stay unmatched."""
    unit_mismatch_factor: float = 0.5
    """Multiplier when both units are given and differ."""
    period_mismatch_factor: float = 0.8
    """Multiplier when the tables' periods differ (“十三五” results vs “十四五” targets)."""
    editions_lead_overlap: float = 0.6
    """Share of identical measure leads above which two plans count as editions of one plan."""

    @classmethod
    def for_versions(cls) -> AlignSettings:
        """Editions of one plan keep their lead phrases: weigh the lead more."""
        return cls(measure_content=0.4, measure_lead=0.45, measure_context=0.15)

    def __post_init__(self) -> None:
        for name in ("measure_threshold", "mutual_floor", "heading_threshold", "level_mismatch_factor",
                     "indicator_threshold", "unit_mismatch_factor", "period_mismatch_factor", "editions_lead_overlap"):
            value = getattr(self, name)
            if not 0 <= value <= 1:
                raise ValueError(f"AlignSettings.{name} must be within [0, 1], got {value!r}")
        if abs(self.measure_content + self.measure_lead + self.measure_context - 1) > 1e-9:
            raise ValueError("measure_content + measure_lead + measure_context must sum to 1")
        if abs(self.heading_title + self.heading_body + self.heading_context - 1) > 1e-9:
            raise ValueError("heading_title + heading_body + heading_context must sum to 1")
