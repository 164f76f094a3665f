"""Detector throughput over the dev corpus in one process, and optionally its errors.

    python -m bench.pii_detect [--seconds 5] [--show-errors]

The whole corpus is detected repeatedly until about `--seconds` have passed; the detector and
its compiled patterns are built once, outside the timing, as a long-running service would. It
is the default detector: all twelve types, PERSON and ADDRESS included. With --show-errors it
also prints every wrong (FP) and missed (FN) span with some context, against the corpus labels
(tests/pii/corpus/score.py gives the official per-type scores).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from anxin.pii.detector import Detector, default_detector
from bench.common import record

CORPUS = Path(__file__).parent.parent / "tests" / "pii" / "corpus" / "dev.jsonl"


def load_records() -> list[dict[str, Any]]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def show_errors(detector: Detector, records: list[dict[str, Any]]) -> None:
    for rec in records:
        text = rec["text"]
        gold = {(e["start"], e["end"], e["type"]) for e in rec["entities"]}
        pred = {(s.start, s.end, str(s.type)) for s in detector.detect(text)}
        for label, wrong in (("FP", pred - gold), ("FN", gold - pred)):
            for start, end, kind in sorted(wrong):
                before, after = text[max(0, start - 10) : start], text[end : end + 6]
                print(label, rec["id"], kind, repr(before), repr(text[start:end]), repr(after))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()
    records = load_records()
    texts = [rec["text"] for rec in records]
    corpus_bytes = sum(len(t.encode()) for t in texts)
    detector = default_detector()
    passes, spans, start = 0, 0, time.perf_counter()
    fastest_cpu = float("inf")
    while (elapsed := time.perf_counter() - start) < args.seconds:
        cpu_started = time.process_time()
        spans += sum(len(detector.detect(text)) for text in texts)
        fastest_cpu = min(fastest_cpu, time.process_time() - cpu_started)
        passes += 1
    elapsed = time.perf_counter() - start
    # The fastest pass in CPU time: what one idle core does, barely moved by other processes.
    cpu_us = fastest_cpu / len(texts) * 1e6
    record(
        "pii_detect",
        {
            "texts": len(texts) * passes,
            "spans": spans,
            "seconds": round(elapsed, 2),
            "texts_per_s": round(len(texts) * passes / elapsed),
            "mb_per_s": round(corpus_bytes * passes / elapsed / 1e6, 2),
            "mean_text_chars": round(sum(map(len, texts)) / len(texts)),
            "cpu_us_per_text": round(cpu_us, 1),
            "cpu_texts_per_s": round(1e6 / cpu_us),
        },
    )
    if args.show_errors:
        show_errors(detector, records)


if __name__ == "__main__":
    main()
