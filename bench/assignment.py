"""Automatic reviewer assignment at scale: the balancing alone, on generated
committees (no database), since it is the part whose work grows with the size.

300 applications (60 at the quick size), 20 committee members (8), 3 reviewers
per application, one member in ten excluded from each application (a member of
the organisation or a declared conflict), and a third of the members already
carrying 0–5 reviews. Figures:

    assign_ms_300x20      time to balance the whole cycle (quick: assign_ms_60x8)
    assign_spread_300x20  the busiest member's reviews minus the least busy one's
    assign_moves_ratio    time with the moves that even the spread out / time to
                          fill the places alone (most constrained first), one run
"""

import random
import time
from collections import Counter

from bench import scaled

APPLICATIONS = scaled(300, quick=60)
MEMBERS = scaled(20, quick=8)
PER_APPLICATION = 3


def _problem(seed=7):
    rng = random.Random(seed)
    members = list(range(MEMBERS))
    needs = {a: PER_APPLICATION for a in range(APPLICATIONS)}
    allowed = {a: [m for m in members if rng.random() > 0.1] for a in needs}
    load = {m: (rng.randint(0, 5) if m % 3 == 0 else 0) for m in members}
    return needs, allowed, load


def _timed(function, *args):
    started = time.perf_counter()
    result = function(*args)
    return result, (time.perf_counter() - started) * 1000


def run(report):
    from applications.services import balancing

    needs, allowed, load = _problem()
    pairs, with_moves = _timed(balancing.balanced, needs, allowed, load)
    counts = Counter(load)
    counts.update(member for _application, member in pairs)
    original = balancing._move_one
    balancing._move_one = lambda *args: False
    try:
        _pairs, fill_only = _timed(balancing.balanced, needs, allowed, load)
    finally:
        balancing._move_one = original
    size = f"{APPLICATIONS}x{MEMBERS}"
    report(f"assign_ms_{size}", round(with_moves, 1))
    report(f"assign_spread_{size}", max(counts.values()) - min(counts.values()))
    report("assign_moves_ratio", round(with_moves / max(fill_only, 0.001), 2))
