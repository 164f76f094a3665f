"""PERSON and ADDRESS accuracy and speed on a labelled corpus, scored by the judge's scorer.

    python -m bench.pii_names [--gold tests/pii/corpus/dev.jsonl] [--show-errors]

Writes predictions with only these two types, runs the corpus's score.py on them and prints
per-type precision, recall and F1, texts per second for the two recognizers, and with
--show-errors every false positive and false negative with some context.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from anxin.pii.addresses import AddressRecognizer
from anxin.pii.names import PersonRecognizer
from anxin.pii.spans import Span

CORPUS = Path(__file__).parent.parent / "tests" / "pii" / "corpus"
TYPES = ("PERSON", "ADDRESS")


def predict(records: list[dict[str, object]]) -> tuple[list[list[Span]], float]:
    """Spans per record, and the seconds the recognizers took."""
    recognizers = (PersonRecognizer(), AddressRecognizer())
    started = time.perf_counter()
    spans = [[s for r in recognizers for s in r.find(str(rec["text"]))] for rec in records]
    return spans, time.perf_counter() - started


def score(
    gold: Path, records: list[dict[str, object]], spans: list[list[Span]]
) -> dict[str, object]:
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as out:
        for rec, found in zip(records, spans, strict=True):
            ents = [
                {"start": s.start, "end": s.end, "type": str(s.type), "score": s.score}
                for s in found
            ]
            out.write(json.dumps({"id": rec["id"], "entities": ents}) + "\n")
    cmd = [sys.executable, str(CORPUS / "score.py"), str(gold), out.name, "--json"]
    result: dict[str, object] = json.loads(
        subprocess.run(cmd, capture_output=True, check=True).stdout
    )
    Path(out.name).unlink()
    return result


def show_errors(records: list[dict[str, object]], spans: list[list[Span]]) -> None:
    for rec, found in zip(records, spans, strict=True):
        text = str(rec["text"])
        entities = rec["entities"]
        assert isinstance(entities, list)
        gold = {(e["start"], e["end"], e["type"]) for e in entities if e["type"] in TYPES}
        pred = {(s.start, s.end, str(s.type)) for s in found}
        for label, wrong in (("FP", pred - gold), ("FN", gold - pred)):
            for start, end, kind in sorted(wrong):
                print(
                    label,
                    kind,
                    repr(text[max(0, start - 10) : start]),
                    repr(text[start:end]),
                    repr(text[end : end + 6]),
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--gold", type=Path, default=CORPUS / "dev.jsonl")
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    with args.gold.open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    spans, seconds = predict(records)
    result = score(args.gold, records, spans)
    per_type = result["per_type"]
    assert isinstance(per_type, dict)
    for kind in TYPES:
        p, r, f1 = (per_type[kind][k] for k in ("precision", "recall", "f1"))
        print(f"{kind:8} P {p:.4f}  R {r:.4f}  F1 {f1:.4f}")
    print(f"{len(records) / seconds:.0f} texts/s ({len(records)} texts, {seconds:.3f} s)")
    if args.show_errors:
        show_errors(records, spans)


if __name__ == "__main__":
    main()
