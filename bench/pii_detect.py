"""Detector throughput over the dev corpus in one process: texts/s and MB/s (UTF-8).

    python -m bench.pii_detect [--seconds 5]

The whole corpus is detected repeatedly until about `--seconds` have passed; the detector and
its compiled patterns are built once, outside the timing, as a long-running service would.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from anxin.pii.detector import default_detector
from bench.common import record

CORPUS = Path(__file__).parent.parent / "tests" / "pii" / "corpus" / "dev.jsonl"


def load_texts() -> list[str]:
    with CORPUS.open(encoding="utf-8") as lines:
        return [json.loads(line)["text"] for line in lines if line.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    texts = load_texts()
    corpus_bytes = sum(len(t.encode()) for t in texts)
    detector = default_detector()
    passes, spans, start = 0, 0, time.perf_counter()
    while (elapsed := time.perf_counter() - start) < args.seconds:
        spans += sum(len(detector.detect(text)) for text in texts)
        passes += 1
    elapsed = time.perf_counter() - start
    record(
        "pii_detect",
        {
            "texts": len(texts) * passes,
            "spans": spans,
            "seconds": round(elapsed, 2),
            "texts_per_s": round(len(texts) * passes / elapsed),
            "mb_per_s": round(corpus_bytes * passes / elapsed / 1e6, 2),
            "mean_text_chars": round(sum(map(len, texts)) / len(texts)),
        },
    )


if __name__ == "__main__":
    main()
