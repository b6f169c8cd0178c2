"""Work the rules and the docs share is computed once per topology, and forgotten with it."""

from __future__ import annotations

import gc

from conftest import ROOT
from generator import clouds
from generator.check import check_file


def test_derived_names_and_stores_are_computed_once_per_topology_and_dropped_with_it():
    topo = check_file(ROOT / "topology.yaml").topology
    names = clouds.derived_names(topo, "aws")
    assert names is clouds.derived_names(topo, "aws")
    assert names == clouds.spec("aws").derived_names(topo)
    assert clouds.stores(topo) is clouds.stores(topo)
    labels = [label for label, _s, _p in clouds.stores(topo)]
    assert "queue 'inference-requests'" in labels
    other = check_file(ROOT / "topology.yaml").topology  # an equal topology is another object: its own entry
    assert clouds.derived_names(other, "aws") is not names
    key = id(topo)
    del topo, other, names
    gc.collect()
    assert key not in clouds._MEMO
