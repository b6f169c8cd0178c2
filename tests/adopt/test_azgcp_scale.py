"""A namespace and a project of a thousand queues: import reads them in pages (the lists' nextLink /
nextPageToken), writes a valid file, and drift over it is clean (seconds, over a loopback recording)."""

from __future__ import annotations

from generator.check import check_file
from generator.cli import main
from tests.adopt import azure_recorded as az, gcp_recorded as g
from tests.adopt.recorded import serve

N = 1000


def test_azure_thousand_queues_and_a_hundred_topics(tmp_path):
    st = az.state()
    st["queues"].update({f"shop-q{i:04d}": az._queue() for i in range(N)})
    st["topics"].update({f"shop-t{i:03d}": {"props": {}, "subscriptions": {
        f"s{j}": (az._subscription(), {"$Default": az._sql("1=1")}) for j in range(3)}} for i in range(100)})
    out = tmp_path / "t.yaml"
    with serve(az.routes(st, page_size=100)) as (ep, rec):
        assert main(["import", "azure", "--endpoint-url", ep, "--subscription", az.SUB, "--resource-group", az.RG,
                     "--namespace", az.NS, "--prefix", "shop-", "-o", str(out)]) == 0
        assert main(["drift", str(out), "--cloud", "azure", "--endpoint-url", ep, "--format", "json"]) == 0
    assert sum(1 for _m, p, _q in rec.calls if p.endswith("/queues")) == 2 * ((N + 4) // 100 + 1)  # paged, twice
    assert check_file(str(out)).ok


def test_gcp_thousand_queues(tmp_path):
    st = g.state()
    for i in range(N):
        st["topics"][f"shop-q{i:04d}"] = {"name": f"{g.P}/topics/shop-q{i:04d}"}
        st["subscriptions"][f"shop-q{i:04d}"] = g._sub(f"shop-q{i:04d}", f"shop-q{i:04d}")
    out = tmp_path / "t.yaml"
    with serve(g.routes(st, page_size=400)) as (ep, rec):
        assert main(["import", "gcp", "--endpoint-url", ep, "--project", g.PROJECT, "--prefix", "shop-",
                     "-o", str(out)]) == 0
        assert main(["drift", str(out), "--cloud", "gcp", "--endpoint-url", ep, "--format", "json"]) == 0
    lists = [p for _m, p, _q in rec.calls if not p.endswith(":getIamPolicy")]
    assert len(lists) == 2 * (2 * ((N + 8) // 400 + 1))  # two paged lists, for import and for drift
    # and one IAM policy for each selected topic and subscription (import only; concurrent, WORKERS at a time)
    selected = sum(1 for k in ("topics", "subscriptions") for i in st[k] if i.startswith("shop-"))
    assert len(rec.calls) - len(lists) == selected == 2 * N + 12
    assert check_file(str(out)).ok
