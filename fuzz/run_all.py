"""Run every fuzz target for a bounded time and summarise: ``make fuzz`` (``FUZZ_SECONDS=60`` each).

Crashing inputs land in ``fuzz/artifacts/<target>-crash-…``; the summary
(runs, findings per target) is printed and written to ``fuzz/.last-run.json``
for docs/robustness.md. Exit status 1 if any target found something.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ["docx", "pdf", "html", "text", "zip"]


def run(target: str, seconds: int, rss_mb: int, timeout: int) -> dict:
    corpus = HERE / ".corpus" / target
    artifacts = HERE / "artifacts"
    artifacts.mkdir(exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    cmd = [
        sys.executable, str(HERE / f"fuzz_{target}.py"),
        f"-max_total_time={seconds}", f"-rss_limit_mb={rss_mb}", f"-timeout={timeout}",
        f"-artifact_prefix={artifacts}/{target}-", "-print_final_stats=1", str(corpus),
    ]
    started = time.monotonic()
    done = subprocess.run(cmd, cwd=HERE, capture_output=True, text=True, timeout=seconds * 3 + 120)
    log = done.stdout + done.stderr
    runs = re.findall(r"Done (\d+) runs", log)
    found = re.findall(r"(Test unit written to \S+)", log)
    return {
        "target": target,
        "seconds": round(time.monotonic() - started),
        "runs": int(runs[-1]) if runs else None,
        "exit": done.returncode,
        "findings": found,
        "tail": log.strip().splitlines()[-12:] if done.returncode else [],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=60, help="per target")
    parser.add_argument("--rss-mb", type=int, default=3072)
    parser.add_argument("--timeout", type=int, default=30, help="seconds one input may take")
    parser.add_argument("targets", nargs="*", default=TARGETS)
    args = parser.parse_args()
    subprocess.run([sys.executable, str(HERE / "seed.py")], check=True)
    results = []
    for target in args.targets:
        result = run(target, args.seconds, args.rss_mb, args.timeout)
        results.append(result)
        status = "ok" if result["exit"] == 0 else f"FOUND (exit {result['exit']})"
        print(f"{target:6} {result['runs'] or 0:>8} runs in {result['seconds']:>4} s  {status}", flush=True)
        for line in result["tail"]:
            print("   ", line)
    (HERE / ".last-run.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0 if all(r["exit"] == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
