"""The bench's report: every bar of the customers issue is checked against the measured figures, and the
chart draws each scenario of the run."""

from bench import report


def _target(rps, p99):
    return {"requests": 100, "errors": 0, "rps": rps, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": p99}


def _results():
    scenarios = [
        {"name": "customers_get", "ratio": 0.8, "targets": {"api": _target(800, 31.0), "baseline": _target(1000, 40)},
         "check": {"responses_match": True}},
        {"name": "customers_create", "ratio": 0.69,
         "targets": {"api": _target(69, 90.0), "baseline": _target(100, 80)}, "check": {"responses_match": True}},
        {"name": "me", "ratio": 0.5, "targets": {"api": _target(50, 9.0), "baseline": _target(100, 9)},
         "check": {"responses_match": True}},
    ]
    return {"scenarios": scenarios, "started_at": "2026-12-02T18:00:00Z", "git": {"commit": "abc1234"}}


def test_each_bar_is_judged_on_the_measured_figures():
    assert report.bars(_results()) == [
        ("customers_get", "throughput / baseline", "0.80 (bar ≥ 0.75)", True),
        ("customers_get", "p99", "31.0 ms (bar ≤ 30 ms; the baseline's 40.0 ms)", False),
        ("customers_create", "throughput / baseline", "0.69 (bar ≥ 0.70)", False),
    ]


def test_a_p99_bar_is_shown_beside_the_least_mean_latency_the_baselines_cpu_allows():
    results = _results()
    results["settings"], results["machine"] = {"concurrency": 32}, {"cpus": 2}
    results["scenarios"][0]["targets"]["baseline"].update(
        app_cpu_ms_per_req=0.5, db_cpu_ms_per_req=0.4, driver_cpu_us_per_req=100.0)
    # 1.0 ms of CPU per request on 2 CPUs: at most 2,000 requests/s; 32 connections wait 16 ms on average.
    assert report.mean_latency_floor_ms(results, results["scenarios"][0]["targets"]["baseline"]) == 16.0
    assert report.bars(results)[1] == (
        "customers_get", "p99",
        "31.0 ms (bar ≤ 30 ms; the baseline's 40.0 ms; its CPU per request allows a mean of no less than 16.0 ms)",
        False)
    del results["scenarios"][0]["targets"]["baseline"]["db_cpu_ms_per_req"]  # e.g. a remote database
    assert report.mean_latency_floor_ms(results, results["scenarios"][0]["targets"]["baseline"]) is None


def test_the_chart_has_a_row_per_scenario_and_a_tick_per_bar():
    chart = report.svg(_results())
    assert chart.startswith("<svg") and chart.rstrip().endswith("</svg>")
    for name in ("customers_get", "customers_create", "me"):
        assert f">{name}</text>" in chart
    # get: a throughput and a p99 tick; create: a throughput tick; me: none.
    assert chart.count("<line ") == 3
    assert chart.count("<rect ") == 1 + 2 * 2 * 3  # background, then API and baseline bars in both panels


def test_a_run_of_scenarios_without_bars_is_charted():
    results = _results()
    results["scenarios"] = [sc for sc in results["scenarios"] if sc["name"] == "me"]
    chart = report.svg(results)
    assert ">me</text>" in chart and chart.count("<line ") == 0
