"""Run Microsoft Presidio over a corpus file; runs inside the Presidio venv, not the project's.

    VENV/bin/python bench/presidio_worker.py MODEL CORPUS.jsonl PRED.jsonl

Started by bench/presidio_compare.py. It imports only the standard library and the Presidio
venv's packages (never anxin). AnalyzerEngine with its default recognizers and an English
spaCy pipeline (MODEL, the pip-installed package name) analyzes every text with language "en";
Presidio's entity types are mapped to the corpus labels (MAPPING below, documented in
docs/benchmarks.md), unmappable types are dropped, and overlapping mapped spans are resolved
greedily (higher score, then longer span, wins). Prints one JSON line with the timings.
"""

from __future__ import annotations

import json
import re
import sys
import time
from importlib.metadata import version
from typing import Any

from presidio_analyzer import AnalyzerEngine
from presidio_analyzer.nlp_engine import NlpEngineProvider

# Presidio type -> corpus label; None means "decided by the span's shape" (see corpus_type).
MAPPING: dict[str, str | None] = {
    "PERSON": "PERSON",
    "EMAIL_ADDRESS": "EMAIL",
    "IP_ADDRESS": "IP_ADDRESS",
    "US_SSN": "US_SSN",
    "LOCATION": "ADDRESS",
    "US_PASSPORT": "PASSPORT",
    "CREDIT_CARD": None,  # BANK_CARD when it starts 62 (UnionPay), else CREDIT_CARD
    "PHONE_NUMBER": None,  # CN_MOBILE / CN_LANDLINE / US_PHONE by shape
}


def corpus_type(kind: str, value: str) -> str | None:
    if kind not in MAPPING:
        return None  # DATE_TIME, NRP, URL, US_BANK_NUMBER, US_DRIVER_LICENSE, ...: dropped
    fixed = MAPPING[kind]
    if fixed is not None:
        return fixed
    digits = re.sub(r"\D", "", value)
    if kind == "CREDIT_CARD":
        return "BANK_CARD" if digits.startswith("62") else "CREDIT_CARD"
    if value.lstrip().startswith("+86") or (len(digits) == 13 and digits.startswith("86")):
        digits = digits[2:]
    if len(digits) == 11 and re.match(r"1[3-9]", digits):
        return "CN_MOBILE"
    if digits.startswith("0") and 10 <= len(digits) <= 12:
        return "CN_LANDLINE"
    return "US_PHONE"


def resolve(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: (-s["score"], s["start"] - s["end"], s["start"])):
        if all(span["end"] <= k["start"] or k["end"] <= span["start"] for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s["start"])


def main() -> None:
    model, corpus, out = sys.argv[1:4]
    t0 = time.perf_counter()
    provider = NlpEngineProvider(
        nlp_configuration={
            "nlp_engine_name": "spacy",
            "models": [{"lang_code": "en", "model_name": model}],
        }
    )
    engine = AnalyzerEngine(nlp_engine=provider.create_engine(), supported_languages=["en"])
    engine.analyze(text="warm-up: call John Smith at 212-555-0100", language="en")
    load_s = time.perf_counter() - t0

    with open(corpus, encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    dropped: dict[str, int] = {}
    rows = []
    start = time.perf_counter()
    for rec in records:
        text = rec["text"]
        spans = []
        for res in engine.analyze(text=text, language="en"):
            label = corpus_type(res.entity_type, text[res.start : res.end])
            if label is None:
                dropped[res.entity_type] = dropped.get(res.entity_type, 0) + 1
                continue
            spans.append({"start": res.start, "end": res.end, "type": label, "score": res.score})
        rows.append({"id": rec["id"], "entities": resolve(spans)})
    elapsed = time.perf_counter() - start

    with open(out, "w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "load_seconds": load_s,
                "dropped_types": dict(sorted(dropped.items())),
                "presidio_analyzer": version("presidio-analyzer"),
                "spacy": version("spacy"),
                "model": version(model),
            }
        )
    )


if __name__ == "__main__":
    main()
