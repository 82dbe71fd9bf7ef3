"""How sure planctl is of a pair: a candidate's features → the probability that it is right →
the calibrated confidence of a pair made → a label.

Two steps, both fitted on the dev part of the gold by ``scripts/calibrate.py`` (written to
``calibration.json``, read into a :class:`Calibration` value that the matcher is given):

1. a logistic model per group (headings; measures and 专栏) turns a candidate's features
   (:data:`planctl.compare.features.FEATURES`) into the probability that it is right among all
   candidates — what the assignments maximise;
2. Platt scaling of that probability's logit, fitted on the pairs the matcher actually makes,
   gives the confidence shown: the estimated probability that a pair *made* is right. Pairs
   below the calibration's threshold are not made; the label bars split the rest.

Example::

    >>> cal = Calibration(heading={"bias": -1.0, "title": 1.0}, threshold=0.4)
    >>> round(cal.probability({"title": 1.0}, heading=True), 3)
    0.5
    >>> cal.label(0.95), cal.label(0.75), cal.label(0.5)
    (<Label.STRONG: 'strong'>, <Label.LIKELY: 'likely'>, <Label.WEAK: 'weak'>)
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from planctl.compare.features import FEATURES
from planctl.compare.kinds import Label
from planctl.settings import MatchSettings

CALIBRATION = Path(str(resources.files("planctl.compare").joinpath("calibration.json")))
"""The calibration shipped with planctl (fitted on the dev gold by ``make calibrate``)."""


def logistic(values: Sequence[float], coef: Mapping[str, float], names: Sequence[str] = FEATURES) -> float:
    """The logistic model ``coef`` (a ``bias`` and a weight per name) of ``values``.

        >>> round(logistic([1.0, 2.0], {"bias": -1.0, "x": 1.0}, ("x", "y")), 3)
        0.5
    """
    z = coef.get("bias", 0.0) + sum(coef.get(n, 0.0) * v for n, v in zip(names, values, strict=False))
    return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class Calibration:
    """The fitted confidence model. An empty one (no file) makes confidence = score."""

    heading: Mapping[str, float] = field(default_factory=dict)
    """Logistic coefficients of heading candidates (``bias`` and one per feature)."""
    measure: Mapping[str, float] = field(default_factory=dict)
    """Logistic coefficients of measure and 专栏 candidates."""
    platt: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    """Per group, ``a`` and ``b`` of the Platt scaling of a made pair's logit."""
    threshold: float | None = None
    """Pairs less likely than this to be right are not made (None: the settings' default)."""
    labels: Mapping[str, float] = field(default_factory=dict)
    """Confidence bars of ``strong`` and ``likely`` (empty: the settings' defaults)."""
    settings: MatchSettings = field(default_factory=MatchSettings)
    """Defaults for what the file does not state."""
    user_pairs: int = 0
    """How many of a user's own judged pairs refined it (``planctl calibrate``; 0: as shipped)."""

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], settings: MatchSettings | None = None) -> Calibration:
        threshold = data.get("threshold")
        return cls(dict(data.get("heading") or {}), dict(data.get("measure") or {}), dict(data.get("platt") or {}),
                   None if threshold is None else float(threshold), dict(data.get("labels") or {}),
                   settings or MatchSettings(), int(data.get("user_pairs") or 0))

    @classmethod
    def load(cls, path: Path, settings: MatchSettings | None = None) -> Calibration:
        """The calibration in ``path``; an unreadable or missing file gives the empty one."""
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
        return cls.from_dict(data if isinstance(data, dict) else {}, settings)

    def to_dict(self) -> dict[str, Any]:
        """What the calibration states (the form of ``calibration.json``, less its notes)."""
        return {"heading": dict(self.heading), "measure": dict(self.measure),
                "platt": {k: dict(v) for k, v in self.platt.items()}, "threshold": self.threshold,
                "labels": dict(self.labels), "user_pairs": self.user_pairs}

    @property
    def fingerprint(self) -> str:
        """Changes whenever the calibration does (keys cached alignments)."""
        import hashlib

        data = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False).encode()
        return hashlib.blake2b(data, digest_size=12).hexdigest()

    def coefficients(self, heading: bool) -> Mapping[str, float]:
        return self.heading if heading else self.measure

    def probability(self, features: Mapping[str, float], heading: bool, score: float = 0.0) -> float:
        """The probability that a candidate with these features is right (``score`` when the
        calibration has no model for its group)."""
        model = self.coefficients(heading)
        if not model:
            return score
        return logistic([features.get(n, 0.0) for n in FEATURES], model)

    def calibrated(self, p: float, heading: bool) -> float:
        """The probability that a pair the matcher *made* is right, from its candidate probability
        ``p`` (Platt scaling of logit p)."""
        platt = self.platt.get("heading" if heading else "measure")
        if not platt:
            return p
        p = min(max(p, 1e-6), 1 - 1e-6)
        z = platt["a"] * math.log(p / (1 - p)) + platt["b"]
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    @property
    def floor(self) -> float:
        """Pairs less likely than this to be right are not made."""
        return self.settings.default_threshold if self.threshold is None else self.threshold

    def label(self, confidence: float) -> Label:
        if confidence >= self.labels.get("strong", self.settings.strong):
            return Label.STRONG
        return Label.LIKELY if confidence >= self.labels.get("likely", self.settings.likely) else Label.WEAK


@lru_cache(maxsize=1)
def shipped_calibration() -> Calibration:
    """The calibration shipped with planctl (read once; ``shipped_calibration.cache_clear()``
    after rewriting the file)."""
    return Calibration.load(CALIBRATION)


def _logit(p: float) -> float:
    p = min(max(p, 1e-6), 1 - 1e-6)
    return math.log(p / (1 - p))


def refine(calibration: Calibration, samples: Sequence[tuple[bool, float, bool]], prior: float) -> Calibration:
    """The calibration with its Platt scaling refitted on a user's judged pairs: ``samples`` are
    (heading?, candidate probability, right?) of pairs the matcher made. Each group's (a, b) is
    fitted by penalised logistic regression pulled towards the shipped values with the weight of
    ``prior`` pairs, so ten judgements nudge the confidence and a thousand decide it. The logistic
    model of the features and the threshold stay as shipped.

        >>> cal = Calibration(platt={"measure": {"a": 1.0, "b": 0.0}})
        >>> wrong = [(False, 0.9, False)] * 200   # pairs the matcher was sure of, all judged wrong
        >>> refine(cal, wrong, prior=20).calibrated(0.9, heading=False) < 0.5
        True
    """
    platt = {group: dict(values) for group, values in calibration.platt.items()}
    for group, heading in (("heading", True), ("measure", False)):
        rows = [(_logit(p), float(right)) for h, p, right in samples if h == heading]
        if not rows:
            continue
        a0, b0 = (platt.get(group) or {"a": 1.0, "b": 0.0})["a"], (platt.get(group) or {"a": 1.0, "b": 0.0})["b"]
        a, b = a0, b0
        lam = prior / 4  # a prior of n pairs ≈ n observations at p = ½, each of curvature ¼
        for _ in range(50):  # Newton's method on (a, b)
            ga, gb, haa, hab, hbb = lam * (a - a0), lam * (b - b0), lam, 0.0, lam
            for z, y in rows:
                q = 1 / (1 + math.exp(-max(-30.0, min(30.0, a * z + b))))
                ga, gb = ga + (q - y) * z, gb + (q - y)
                w = q * (1 - q)
                haa, hab, hbb = haa + w * z * z, hab + w * z, hbb + w
            det = haa * hbb - hab * hab
            if det <= 1e-12:
                break
            da, db = (hbb * ga - hab * gb) / det, (haa * gb - hab * ga) / det
            a, b = a - da, b - db
            if max(abs(da), abs(db)) < 1e-9:
                break
        platt[group] = {"a": round(a, 4), "b": round(b, 4)}
    return Calibration(calibration.heading, calibration.measure, platt, calibration.threshold, calibration.labels,
                       calibration.settings, len(samples))
