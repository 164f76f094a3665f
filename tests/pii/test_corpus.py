"""The detector over the labelled dev corpus, scored by the judge's own scorer.

Floors sit a little below the measured figures (1.00 exact F1 for every type and 0 of 4,802
hard negatives flagged when written) so a regression fails; the held-out corpus the detector is
judged on will score lower, and the issue's target is 0.97 overall and 0.93 per type.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from anxin.pii.detector import default_detector

CORPUS = Path(__file__).parent / "corpus"
TYPES = (
    "CN_MOBILE", "CN_LANDLINE", "CN_ID", "BANK_CARD", "CREDIT_CARD", "EMAIL", "PASSPORT",
    "IP_ADDRESS", "US_PHONE", "US_SSN", "PERSON", "ADDRESS",
)  # fmt: skip
F1_FLOOR = 0.97
OVERALL_F1_FLOOR = 0.98
NEGATIVES_FLAGGED_CEILING = 10  # of 4,802 hard negatives; 0 measured


def score(tmp_path: Path, corpus: str = "dev.jsonl") -> dict[str, Any]:
    detector = default_detector()
    predictions = tmp_path / "predictions.jsonl"
    with (CORPUS / corpus).open(encoding="utf-8") as gold, predictions.open("w") as out:
        for line in gold:
            record = json.loads(line)
            entities = [
                {"start": s.start, "end": s.end, "type": s.type.value, "score": s.score}
                for s in detector.detect(record["text"])
            ]
            out.write(json.dumps({"id": record["id"], "entities": entities}) + "\n")
    scorer = [sys.executable, str(CORPUS / "score.py"), str(CORPUS / corpus)]
    result = subprocess.run(
        [*scorer, str(predictions), "--json"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_every_type_meets_its_floor_on_the_dev_corpus(tmp_path: Path):
    report = score(tmp_path)
    per_type = report["per_type"]
    below = {t: per_type[t]["f1"] for t in TYPES if per_type[t]["f1"] < F1_FLOOR}
    assert not below, below
    assert report["overall"]["f1"] >= OVERALL_F1_FLOOR, report["overall"]
    assert report["negatives_flagged"] <= NEGATIVES_FLAGGED_CEILING
