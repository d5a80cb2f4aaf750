"""Every benchmark scenario, by name. A domain adds a module with its ``SCENARIOS`` and one line here."""

from __future__ import annotations

from bench.driver import Scenario
from bench.scenarios import customers, users

ALL: dict[str, Scenario] = {s.name: s for s in (*users.SCENARIOS, *customers.SCENARIOS)}
