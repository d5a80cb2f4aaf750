"""Results as JSON (everything) and Markdown (the table people read), under ``bench/results/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

COLUMNS = ["scenario", "target", "requests", "errors", "req/s", "p50 ms", "p95 ms", "p99 ms",
           "API/baseline", "app CPU ms/req", "DB CPU ms/req", "DB conns opened", "driver CPU"]


def _fmt(v: Any, digits: int = 2) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    if isinstance(v, list):
        return " / ".join(_fmt(x) for x in v)
    return str(v)


def _int(v: float | None) -> int | None:
    return None if v is None else round(v)


def rows(results: dict[str, Any]) -> list[list[str]]:
    out = []
    for sc in results["scenarios"]:
        for name in ("api", "baseline"):
            t = sc["targets"][name]
            out.append([
                sc["name"], name, str(t["requests"]), str(t["errors"]), _fmt(t["rps"], 1), _fmt(t["p50_ms"]),
                _fmt(t["p95_ms"]), _fmt(t["p99_ms"]), _fmt(sc["ratio"]) if name == "api" else "",
                _fmt(t.get("app_cpu_ms_per_req")), _fmt(t.get("db_cpu_ms_per_req")),
                _fmt(_int(t.get("counters", {}).get("db_connections_opened"))),
                "—" if t.get("driver_cpu_share") is None else f"{t['driver_cpu_share']:.0%}",
            ])
    return out


def table(results: dict[str, Any]) -> str:
    body = rows(results)
    widths = [max(len(c), *(len(r[i]) for r in body)) if body else len(c) for i, c in enumerate(COLUMNS)]
    right = set(range(2, len(COLUMNS)))

    def line(cells: list[str]) -> str:
        return "| " + " | ".join(c.rjust(w) if i in right else c.ljust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if i in right else ("-" * (w + 2))
                          for i, w in enumerate(widths)) + "|"
    return "\n".join([line(COLUMNS), rule, *(line(r) for r in body)])


def notes(results: dict[str, Any]) -> list[str]:
    out = []
    for sc in results["scenarios"]:
        if not sc["check"]["responses_match"]:
            out.append(f"`{sc['name']}`: the API and the baseline answered differently — {sc['check']['difference']}")
        for name, t in sc["targets"].items():
            if t["errors"]:
                first = f" — first: {t['failures'][0]}" if t.get("failures") else ""
                out.append(f"`{sc['name']}` on {name}: {t['errors']} errors {t['statuses']}{first}")
            share = t.get("driver_cpu_share")
            if share is not None and share >= 0.9:
                out.append(f"`{sc['name']}` on {name}: the load driver used {share:.0%} of a CPU — it may have "
                           "been the bottleneck; compare CPU per request rather than req/s")
    return out


def markdown(results: dict[str, Any]) -> str:
    s, m = results["settings"], results["machine"]
    origin = ("a kept database, reused" if s.get("reused_database")
              else f"seeded in {s.get('customer_seed_seconds', 0)} s")
    lines = [
        f"# Benchmark {results['started_at']} — {results['label']}",
        "",
        f"Commit `{results['git']['commit']}`{' (with uncommitted changes)' if results['git']['dirty'] else ''}; "
        f"{m['cpus']} CPUs (load average {_fmt(m.get('load_average_before'))} before, "
        f"{_fmt(m.get('load_average_after'))} after), Python {m['python']}, {m['postgres']} ({m['database']}), "
        f"Redis {m['redis']}.",
        f"{s['users']} users, {s.get('customers', 0)} customers ({origin}), "
        f"{s['concurrency']} concurrent connections, {s['duration']} s measured per scenario "
        f"and target in {s['rounds']} alternating rounds (after {s['warmup']} s warm-up each), "
        f"{s['workers']} uvicorn workers for each target.",
        "",
        table(results),
        "",
        "req/s counts 2xx answers; latencies include every answer. API/baseline is the throughput ratio. "
        "CPU per request is measured on the target's processes and on the PostgreSQL backends serving it "
        "(connections closed during a slice are missed: see DB conns opened, the new database connections "
        "during the measured time, which should be 0 once the pools are warm). Driver CPU is the load driver's own "
        "share of one core while measuring; near 100 % the driver, not the target, was the limit.",
    ]
    extra = notes(results)
    if extra:
        lines += ["", "Notes:", "", *(f"- {n}" for n in extra)]
    return "\n".join(lines) + "\n"


def write(results: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    stem = f"{results['started_at'][:10]}-{results['label']}"
    # The scale asked for: a reused database holds it plus earlier runs' writes.
    customers = results["settings"].get("scale") or results["settings"].get("customers") or 0
    if customers:  # runs at different scales are different results: keep both
        stem += f"-{customers // 1_000_000}m" if customers % 1_000_000 == 0 else f"-{customers // 1000}k"
    json_path, md_path = directory / f"{stem}.json", directory / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    md_path.write_text(markdown(results), encoding="utf-8")
    return json_path, md_path
