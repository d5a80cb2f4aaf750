"""Results as JSON (everything), Markdown (the table people read, with the bars each scenario is held to)
and an SVG chart of the API against the baseline, under ``bench/results/``."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path
from typing import Any

# The bars of the customers issue: throughput as a share of the baseline's (reads and writes), and p99.
# A search (what the search box sends as people type) is held to the search bar; the list it opens on
# Enter, 50 rows filtered by the search, to the bar of a 50-row list page.
RATIO_BARS = {"customers_first_page": 0.75, "customers_deep_page": 0.75, "customers_filtered": 0.75,
              "customers_search_name": 0.75, "customers_search_phone": 0.75, "customers_search_page": 0.75,
              "customers_get": 0.75, "customers_create": 0.70, "customers_patch": 0.70}
P99_BARS_MS = {"customers_get": 30.0, "customers_search_name": 50.0, "customers_search_phone": 50.0,
               "customers_first_page": 75.0, "customers_deep_page": 75.0, "customers_filtered": 75.0,
               "customers_search_page": 75.0}

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


def bars(results: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """Each bar a scenario is held to: (scenario, what, measured against the bar, met)."""
    out = []
    for sc in results["scenarios"]:
        name, api = sc["name"], sc["targets"]["api"]
        if name in RATIO_BARS and sc.get("ratio") is not None:
            out.append((name, "throughput / baseline", f"{sc['ratio']:.2f} (bar ≥ {RATIO_BARS[name]:.2f})",
                        sc["ratio"] >= RATIO_BARS[name]))
        if name in P99_BARS_MS:
            base = sc["targets"]["baseline"]
            context = f"the baseline's {base['p99_ms']:.1f} ms"
            if (floor := mean_latency_floor_ms(results, base)) is not None:
                context += f"; its CPU per request allows a mean of no less than {floor:.1f} ms"
            out.append((name, "p99", f"{api['p99_ms']:.1f} ms (bar ≤ {P99_BARS_MS[name]:.0f} ms; {context})",
                        api["p99_ms"] <= P99_BARS_MS[name]))
    return out


def mean_latency_floor_ms(results: dict[str, Any], target: dict[str, Any]) -> float | None:
    """The least mean latency ``target`` could have had at the run's concurrency on the run's CPUs, from
    the CPU it spent per request (server, database and load driver together): with every CPU busy it answers
    at most CPUs / CPU-per-request requests a second, and each of the concurrent connections waits its turn
    (Little's law: mean latency = connections / throughput). A p99 bar below it cannot be met on this
    machine by any stack running the same SQL; None when the figures are missing."""
    concurrency = results.get("settings", {}).get("concurrency")
    cpus = results.get("machine", {}).get("cpus")
    parts = (target.get("app_cpu_ms_per_req"), target.get("db_cpu_ms_per_req"),
             None if target.get("driver_cpu_us_per_req") is None else target["driver_cpu_us_per_req"] / 1000)
    if not concurrency or not cpus or any(p is None for p in parts):
        return None
    return float(concurrency * sum(parts) / cpus)  # type: ignore[arg-type]


def svg(results: dict[str, Any]) -> str:
    """Two panels, a row per scenario: requests per second and p99, the API's bar over the baseline's; a
    tick marks each bar the scenario is held to (the baseline's throughput times the share; the p99)."""
    scenarios = results["scenarios"]
    label_w, panel_w, row_h, top = 190, 330, 34, 46
    width, height = label_w + 2 * panel_w + 40, top + row_h * len(scenarios) + 40
    api_colour, base_colour, bar_colour = "#2b6cb0", "#a0aec0", "#c53030"
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{width}" height="{height}" fill="white"/>',
           f'<text x="10" y="18" font-size="14" font-weight="bold">{escape(results["started_at"])} — commit '
           f'{escape(results["git"]["commit"])}: API (blue) and bare baseline (grey); red ticks: the bars</text>']
    panels = [("requests per second (more is better)", "rps", lambda sc: (
        sc["targets"]["baseline"]["rps"] * RATIO_BARS[sc["name"]]) if sc["name"] in RATIO_BARS else None),
        ("p99 ms (less is better)", "p99_ms", lambda sc: P99_BARS_MS.get(sc["name"]))]
    for p, (title, key, bar_of) in enumerate(panels):
        x0 = label_w + p * (panel_w + 20)
        scale = max(max(sc["targets"][t][key] for t in ("api", "baseline")) for sc in scenarios) or 1.0
        scale = max([scale, *(b for b in (bar_of(sc) for sc in scenarios) if b is not None)]) * 1.12
        out.append(f'<text x="{x0}" y="{top - 10}" font-weight="bold">{escape(title)}</text>')
        for i, sc in enumerate(scenarios):
            y = top + i * row_h
            if p == 0:
                out.append(f'<text x="{label_w - 8}" y="{y + 18}" text-anchor="end">{escape(sc["name"])}</text>')
            for j, (target, colour) in enumerate((("api", api_colour), ("baseline", base_colour))):
                value = sc["targets"][target][key]
                w = value / scale * panel_w
                out.append(f'<rect x="{x0}" y="{y + 3 + j * 13}" width="{w:.1f}" height="12" fill="{colour}"/>')
                out.append(f'<text x="{x0 + w + 4:.1f}" y="{y + 13 + j * 13}" font-size="10">{value:,.1f}</text>')
            if (bar := bar_of(sc)) is not None:
                bx = bar / scale * panel_w
                out.append(f'<line x1="{x0 + bx:.1f}" x2="{x0 + bx:.1f}" y1="{y + 1}" y2="{y + 29}" '
                           f'stroke="{bar_colour}" stroke-width="2"/>')
    out.append("</svg>")
    return "\n".join(out) + "\n"


def _autogroup_note(enabled: bool | None) -> str:
    return "" if enabled is None else f", kernel sched_autogroup {'on' if enabled else 'off'}"


def markdown(results: dict[str, Any], chart: str | None = None) -> str:
    s, m = results["settings"], results["machine"]
    origin = ("a kept database, reused" if s.get("reused_database")
              else f"seeded in {s.get('customer_seed_seconds', 0)} s")
    lines = [
        f"# Benchmark {results['started_at']} — {results['label']}",
        "",
        f"Commit `{results['git']['commit']}`{' (with uncommitted changes)' if results['git']['dirty'] else ''}; "
        f"{m['cpus']} CPUs (load average {_fmt(m.get('load_average_before'))} before, "
        f"{_fmt(m.get('load_average_after'))} after), Python {m['python']}, {m['postgres']} ({m['database']}), "
        f"Redis {m['redis']}{_autogroup_note(m.get('sched_autogroup'))}.",
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
    held = bars(results)
    if held:
        lines += ["", "Bars (the customers issue's):", "",
                  *(f"- {'met' if ok else '**not met**'}: `{name}` {what} {value}" for name, what, value, ok in held)]
    if chart:
        lines += ["", f"![API and baseline: requests per second and p99, with the bars]({chart})"]
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
    json_path, md_path, svg_path = (directory / f"{stem}.{ext}" for ext in ("json", "md", "svg"))
    json_path.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    svg_path.write_text(svg(results), encoding="utf-8")
    md_path.write_text(markdown(results, svg_path.name), encoding="utf-8")
    return json_path, md_path
