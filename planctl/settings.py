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
    repeat_new_chars: int = 40
    """A later part of a file under a title the file already gave a document is a copy of it (a
    page's share snippet, a related link, a print block) when its prose adds fewer than this many
    Han characters that document does not hold."""
    label_max_chars: int = 8
    """``- **标题**：…``, ``发布机构：…``: a header's label is at most this long."""
    table_cell_max_chars: int = 40
    """A table cell printed on a line of its own — a table flattened one cell per line, a group
    row (``经济发展``) between a table's rows — is at most this long."""

    def __post_init__(self) -> None:
        for name in ("heading_max_chars", "lead_max_chars", "colon_lead_max_chars", "title_max_chars",
                     "org_line_max_chars", "repeat_new_chars", "label_max_chars", "table_cell_max_chars"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"ParseSettings.{name} must be a positive integer, got {value!r}")
        if self.colon_lead_max_chars > self.lead_max_chars:
            raise ValueError("colon_lead_max_chars cannot exceed lead_max_chars")


@dataclass(frozen=True)
class IndicatorSettings:
    """How indicator tables are read (:mod:`planctl.indicators`).

    Example::

        >>> IndicatorSettings().merged_weight("category") > IndicatorSettings().merged_weight("name")
        True
    """

    caption_max_chars: int = 60
    """A paragraph right above a table is its caption (``表1 …主要指标``) up to this long."""
    unit_max_chars: int = 8
    """A unit (``万人次``, ``微克/立方米``) is at most this long."""
    max_joined_cells: int = 3
    """A column of a flattened table takes at most this many lines of words joined (a name
    wrapped onto two or three lines)."""
    join_penalty: float = 1.0
    """What joining one more line into a cell costs, against how well cells fit their columns."""
    merged_columns: tuple[tuple[str, float], ...] = (("category", 1.0), ("attribute", 0.5), ("unit", 0.0))
    """How likely a column is to be covered by a merged cell of the rows above (a short row
    lacks it), against how well its cells fit the other columns; columns not listed: -0.5."""

    def __post_init__(self) -> None:
        for name in ("caption_max_chars", "unit_max_chars", "max_joined_cells"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"IndicatorSettings.{name} must be a positive integer, got {value!r}")
        if self.join_penalty < 0:
            raise ValueError(f"IndicatorSettings.join_penalty must not be negative, got {self.join_penalty!r}")

    def merged_weight(self, role: str) -> float:
        """The weight of a short row lacking a column of ``role``."""
        return dict(self.merged_columns).get(role, -0.5)


@dataclass(frozen=True)
class ScoreWeights:
    """Weights of the ranking *score* of one group of candidates (headings, or measures and 专栏):
    a fixed weighted sum of features in [0, 1] that orders candidates and measures each one's
    margin over its rivals. (The *confidence* is the calibrated model of the same features.)

    Example::

        >>> ScoreWeights((("title", 0.5), ("content", 0.5))).terms[0]
        ('title', 0.5)
    """

    terms: tuple[tuple[str, float], ...]
    """(feature, weight), summed in this order."""
    context: float = 0.0
    """Weight of the enclosing headings' similarity; spread over the rest when a node is top-level."""

    def __post_init__(self) -> None:
        for name, value in (*self.terms, ("context", self.context)):
            if not 0 <= value <= 1:
                raise ValueError(f"ScoreWeights: the weight of {name} must be within [0, 1], got {value!r}")
        if self.context >= 1:
            raise ValueError("ScoreWeights.context must be below 1")


@dataclass(frozen=True)
class MatchSettings:
    """Every threshold and weight of the matcher, in one place, passed in explicitly. The
    confidence model's coefficients are not settings: they are fitted on the dev gold
    (:class:`planctl.compare.confidence.Calibration`, ``calibration.json``).

    Example::

        >>> MatchSettings().prefilter
        0.04
        >>> MatchSettings(prefilter=2.0)
        Traceback (most recent call last):
        ...
        ValueError: MatchSettings.prefilter must be within [0, 1], got 2.0
    """

    # ---- candidates and the assignment
    prefilter: float = 0.04
    """Two measures whose TF-IDF cosine is below this (and whose leads differ) are no candidate."""
    rank_floor: float = 0.01
    """Candidates less likely than this to be right are left out of the assignment."""
    partner_latent: float = 0.8
    """Weight of the latent cosine (against the TF-IDF cosine) when finding each measure's best
    partner on the other side (the *kids* feature of headings)."""
    heading_score: ScoreWeights = ScoreWeights(
        (("title", 0.30), ("content", 0.25), ("latent", 0.10), ("kids", 0.20)), context=0.15)
    """Ranking score of heading candidates."""
    measure_score: ScoreWeights = ScoreWeights(
        (("content", 0.35), ("latent", 0.15), ("title", 0.20), ("shingles", 0.10)), context=0.20)
    """Ranking score of measure and 专栏 candidates."""
    region_weight: float = 0.08
    """Added to the score of two items under headings paired with each other."""
    parents_weight: float = 0.08
    """Added to the score of two headings whose parents were paired with each other."""
    depth_gap_factor: float = 0.85
    """Multiplier of the score of a chapter ↔ section candidate."""
    default_threshold: float = 0.3
    """Pairs less likely than this are not made, when no calibration states its own threshold."""
    strong: float = 0.9
    """Confidence from which a pair is ``strong``, when the calibration states no bars."""
    likely: float = 0.7
    """Confidence from which a pair is ``likely`` (below: ``weak``), when the calibration states no bars."""
    merge_length: float = 1.5
    """Many to one: a lone measure may join a measure already paired that is at least this many
    times as long (Han characters) and is its best candidate."""
    merge_confidence: float = 0.7
    """… and is at least this sure (a second partner needs more evidence than a first)."""
    shingle: int = 8
    """Han characters in a shingle (the *shingles* feature: reused text)."""
    # ---- 附件 task lists and groups
    restates: float = 0.35
    """A 附件 task-list item restates the body measure of its own plan it is this similar to."""
    group_min_landed: int = 3
    """A heading without a partner corresponds to a group when at least this many of its
    measures found partners …"""
    group_min_share: float = 0.6
    """… this share of them under headings that send theirs back to it …"""
    group_reciprocal: float = 0.5
    """… a member heading sending at least this share of its matched measures back."""
    # ---- what two texts share
    min_run: int = 8
    """Han characters a shared passage must hold."""
    same_share: float = 0.6
    """Share of the shorter text in shared passages from which a pair is ``same``."""
    adapted_share: float = 0.15
    """Share from which a pair is ``adapted`` (below: ``related``)."""
    # ---- indicators and editions
    indicator_threshold: float = 0.6
    """Indicator pairs (name similarity, unit and period checked) below stay unmatched."""
    unit_mismatch_factor: float = 0.5
    """Multiplier when both units are given and differ."""
    period_mismatch_factor: float = 0.8
    """Multiplier when the tables' periods differ (“十三五” results vs “十四五” targets)."""
    editions_lead_overlap: float = 0.6
    """Share of identical measure leads above which two plans count as editions of one plan."""
    # ---- many plans
    cluster_confidence: float = 0.7
    """Measure pairs at least this sure (``likely``) join ``planctl compare``'s clusters."""
    indicator_cluster: float = 0.8
    """Indicator pairs at least this alike join one row of ``planctl compare``'s indicator table."""
    user_prior: float = 20.0
    """``planctl calibrate``: how many of a user's judged pairs the shipped calibration counts as
    (its Platt scaling moves towards theirs as their pairs outnumber this)."""
    all_pairs_up_to: int = 12
    """``planctl compare`` aligns every two plans that share candidate measures when there are at
    most this many …"""
    neighbours: int = 6
    """… otherwise each plan with the plans (this many) it shares the most candidates with."""

    def __post_init__(self) -> None:
        for name in ("prefilter", "rank_floor", "partner_latent", "region_weight", "parents_weight",
                     "depth_gap_factor", "default_threshold", "strong", "likely", "restates", "merge_confidence",
                     "group_min_share",
                     "group_reciprocal", "same_share", "adapted_share", "indicator_threshold", "unit_mismatch_factor",
                     "period_mismatch_factor", "editions_lead_overlap", "cluster_confidence", "indicator_cluster"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 <= value <= 1:
                raise ValueError(f"MatchSettings.{name} must be within [0, 1], got {value!r}")
        for name in ("shingle", "group_min_landed", "min_run", "all_pairs_up_to", "neighbours"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"MatchSettings.{name} must be a positive integer, got {value!r}")
        if self.merge_length < 1:
            raise ValueError(f"MatchSettings.merge_length must be at least 1, got {self.merge_length!r}")
        if not self.user_prior > 0:
            raise ValueError(f"MatchSettings.user_prior must be positive, got {self.user_prior!r}")
        if self.likely > self.strong:
            raise ValueError("MatchSettings.likely cannot exceed strong")
        if self.adapted_share > self.same_share:
            raise ValueError("MatchSettings.adapted_share cannot exceed same_share")


@dataclass(frozen=True)
class CandidateSettings:
    """Which measures across a corpus may correspond, found without comparing every pair
    (:mod:`planctl.compare.candidates`): MinHash LSH over character shingles for reused text,
    nearest neighbours over measure vectors for the same thing in other words.

    Example::

        >>> CandidateSettings().shingle_chars
        5
        >>> CandidateSettings(lsh_threshold=0.0)
        Traceback (most recent call last):
        ...
        ValueError: CandidateSettings.lsh_threshold must be within (0, 1], got 0.0
    """

    shingle_chars: int = 5
    """Han characters in a shingle of the MinHash signature (shorter than the matcher's 8: an
    edited copy keeps most of its 5-character runs)."""
    permutations: int = 64
    """MinHash permutations per measure (the LSH splits them into bands)."""
    lsh_threshold: float = 0.3
    """Estimated Jaccard similarity of two measures' shingles from which LSH reports them."""
    vector_floor: float = 0.8
    """Cosine of two measures' vectors (the domain word vectors) from which they are candidates."""
    vector_neighbours: int = 60
    """At most this many nearest measures (of other documents) per measure by vector."""
    min_han: int = 12
    """Measures shorter than this many Han characters are no candidates (a bare lead says too
    little to tell reuse from a common phrase)."""
    block_cells: int = 16_000_000
    """Similarities computed at a time (query measures × measures of the block: 64 MB of float32),
    so that memory stays bounded however large the block."""
    plan_pairs_from: int = 1
    """``planctl compare`` aligns two plans when they share at least this many candidate pairs."""

    def __post_init__(self) -> None:
        for name in ("lsh_threshold", "vector_floor"):
            value = getattr(self, name)
            if not isinstance(value, (int, float)) or not 0 < value <= 1:
                raise ValueError(f"CandidateSettings.{name} must be within (0, 1], got {value!r}")
        for name in ("shingle_chars", "permutations", "vector_neighbours", "min_han", "block_cells",
                     "plan_pairs_from"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"CandidateSettings.{name} must be a positive integer, got {value!r}")


AlignSettings = MatchSettings
"""The name of earlier releases (indicator pairing and edition detection), kept for callers."""


@dataclass(frozen=True)
class ReadLimits:
    """What reading one file may cost. A file beyond a limit is refused in one line (in a folder:
    skipped with the warning that names every unreadable file), so that a hostile or broken file
    can neither hang planctl nor exhaust its memory.

    Example::

        >>> ReadLimits().text_bytes // 2**20, ReadLimits().list_number
        (32, 32767)
    """

    text_bytes: int = 32 * 2**20
    """A text file or saved web page is at most this large (32 MB: the longest real plans are a
    few MB; a 200 MB one-line file took 5 GB to read)."""
    docx_part_bytes: int = 64 * 2**20
    """Each part of a .docx (its text, numbering, an image) unpacks to at most this (64 MB: a
    700 KB zip bomb unpacks to 200 MB and took 3 GB to read)."""
    list_number: int = 32767
    """Word list numbers above this (Word's largest start value) are written in digits: a list
    starting at 100000000000 in roman numerals or letters took minutes and gigabytes."""
    parse_seconds: float = 120.0
    """In a folder, a file that takes longer than this to read and parse is skipped like an
    unreadable file, so one file cannot block the rest (measured where the system offers an
    interval timer to the main thread: Unix)."""

    def __post_init__(self) -> None:
        for name in ("text_bytes", "docx_part_bytes", "list_number"):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ValueError(f"ReadLimits.{name} must be a positive integer, got {value!r}")
        if not self.parse_seconds > 0:
            raise ValueError(f"ReadLimits.parse_seconds must be positive, got {self.parse_seconds!r}")


@dataclass(frozen=True)
class EngineSettings:
    """Where many pieces of work (alignments of many pairs of plans) run: in this process, or on a
    Dask cluster — a local one started for the command, or an existing one (``--scheduler``).

    Example::

        >>> EngineSettings().local_from, EngineSettings().max_workers
        (24, 8)
        >>> EngineSettings(local_from=0)
        Traceback (most recent call last):
        ...
        ValueError: EngineSettings.local_from must be a positive integer, got 0
    """

    local_from: int = 24
    """A local cluster is started only for this many pieces of work or more; fewer run in this
    process. Starting two worker processes took 4-5 s (about 10 s of CPU for their imports) on 2
    busy cores, an alignment 0.9 s of CPU: on free cores two workers win the start back after
    about 10 alignments, on busy ones (where they gained 8-12 %) only after a few dozen
    (``make bench-engine``). An existing cluster (``--scheduler``) costs no start and is used
    from 2 on."""
    max_workers: int = 8
    """A local cluster has one worker process per core, at most this many."""
    connect_seconds: float = 10.0
    """How long to wait for an existing cluster's scheduler to answer, and for it to have a worker."""

    def __post_init__(self) -> None:
        for name in ("local_from", "max_workers"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"EngineSettings.{name} must be a positive integer, got {value!r}")
        if not self.connect_seconds > 0:
            raise ValueError(f"EngineSettings.connect_seconds must be positive, got {self.connect_seconds!r}")
