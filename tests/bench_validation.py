"""Benchmark: pyshacl against the compiled fast path on a synthetic organisation graph.

Run with ``python -m pytest tests/bench_validation.py -m bench -s -o addopts=''``;
``AIMS_BENCH_TRIPLES`` sets the size. Both engines must report the same findings; the ratio is
printed. The timed table at 10k, 100k and 1M triples is ``bench/validation.py`` (``make bench``);
the organisation is the one in ``bench/synthetic_validation.py``.

pyshacl runs each SPARQL rule once per focus node: about 40 s for 300 org triples and 270 s for
2,000 here, so the default size is 300.
"""

from __future__ import annotations

import os
import time

import pytest
from bench.synthetic_validation import AS_OF, synthetic_org, synthetic_org_nt

from aims_graph.validation import ValidationContext, validate


@pytest.mark.bench
def test_fast_path_against_pyshacl() -> None:
    size = int(os.environ.get("AIMS_BENCH_TRIPLES", "300"))
    ctx = ValidationContext.from_files()
    org = synthetic_org(size)
    t = time.perf_counter()
    fast = validate(synthetic_org_nt(size), as_of=AS_OF, catalogs=ctx, engine="fast")
    t_fast = time.perf_counter() - t
    t = time.perf_counter()
    ref = validate(org, as_of=AS_OF, catalogs=ctx, engine="pyshacl")
    t_ref = time.perf_counter() - t
    print(
        f"\n{len(org)} org triples, {len(fast.raw)} results: fast {t_fast:.2f}s, "
        f"pyshacl {t_ref:.2f}s, ratio {t_ref / t_fast:.0f}x"
    )
    assert set(fast.raw) == set(ref.raw)
    assert [f.as_dict() for f in fast.findings] == [f.as_dict() for f in ref.findings]
