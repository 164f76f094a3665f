"""The detector over the hand-written held-out-style probe set, scored by the judge's scorer.

`corpus/heldout_probe.jsonl` (507 texts, written by `corpus/make_heldout_probe.py`) follows the
README's labelling rules with surface forms dev.jsonl lacks: other separators and spoken-digit
styles, rarer and compound surnames, forms of address, English names with initials or hyphens,
autonomous regions, towns, villages, lanes, spaced and leading-word street addresses,
IPv4-mapped IPv6, masked values, and hard negatives dev does not use. It was written in five
batches, each scored before the detector was changed for it (exact micro F1, unchanged detector
→ detector as it was when the batch was written): 282 texts 0.942 → 0.942, 71 texts 0.918 →
0.934, 58 texts 0.898 → 0.920, 52 texts 0.903 → 0.936, 44 texts 0.955 → 0.971. So the figures
below are what the detector does on texts it was tuned with, and the real held-out corpus will
score lower. Floors sit a little below the measured figures (every type 1.00 but PERSON 0.997,
overall 0.999, 0 of 199 hard negatives flagged when written) so a regression fails.
"""

from __future__ import annotations

from pathlib import Path

from tests.pii.test_corpus import TYPES, score

F1_FLOOR = 0.97
OVERALL_F1_FLOOR = 0.98
NEGATIVES_FLAGGED_CEILING = 1  # of 199 hard negatives; 0 measured


def test_every_type_meets_its_floor_on_the_heldout_probe(tmp_path: Path):
    report = score(tmp_path, "heldout_probe.jsonl")
    per_type = report["per_type"]
    below = {t: per_type[t]["f1"] for t in TYPES if per_type[t]["f1"] < F1_FLOOR}
    assert not below, below
    assert report["overall"]["f1"] >= OVERALL_F1_FLOOR, report["overall"]
    assert report["negatives_flagged"] <= NEGATIVES_FLAGGED_CEILING
