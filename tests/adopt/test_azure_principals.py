"""Issue 28 on Azure: services named from role assignments, with the real azure-mgmt-authorization and
azure-mgmt-servicebus clients over recorded ARM answers (tests/adopt/azure_rbac_recorded.py): import -> validate ->
plan, which imports every live entity and every live assignment of the role topowire assigns (Azure refuses a
second assignment of one principal, role and scope: 409 RoleAssignmentExists) and says what it creates beside a
live assignment of another role. Then hostile answers: none is an error, each is a note and TODO services."""

from __future__ import annotations

import pytest
import yaml

from generator.check import check_file
from generator.cli import main
from tests.adopt import azure_rbac_recorded as rb
from tests.adopt import azure_recorded as az
from tests.adopt.recorded import serve

LOCATION = ["--subscription", az.SUB, "--resource-group", az.RG, "--namespace", az.NS, "--prefix", "shop-",
            "--name", "shop"]
ASSIGNMENTS = f"{az.BASE}/providers/Microsoft.Authorization/roleAssignments"


def _import(tmp_path, routes, *extra):
    path = tmp_path / "topology.yaml"
    with serve(routes) as (ep, rec):
        assert main(["import", "azure", "--endpoint-url", ep, *LOCATION, "-o", str(path), "--force", *extra]) == 0
    assert {m for m, _p, _q in rec.calls} == {"GET"}  # read-only
    return path, rec


def _name(n: int) -> str:
    return f"{n:08x}-1111-4111-8111-{n:012x}"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    import contextlib
    import io

    err = io.StringIO()
    with contextlib.redirect_stderr(err):
        path, rec = _import(tmp_path_factory.mktemp("adopt-azure-rbac"), rb.routes())
    return path, rec, err.getvalue()


@pytest.fixture(scope="module")
def plan(imported):
    from generator.plan.engine import run

    return run(str(imported[0]), "azure")


def test_the_assignments_are_listed_once_paged_and_custom_roles_read(imported):
    _path, rec, _err = imported
    calls = [(p, q) for _m, p, q in rec.calls if "Microsoft.Authorization" in p]
    assert all(q["api-version"] == ["2022-04-01"] for _p, q in calls)
    listed = [q for p, q in calls if p == ASSIGNMENTS]
    assert len(listed) == 3 and "$filter" not in listed[0]  # no atScope(): the entities' own assignments too
    assert any("$skiptoken" in q for q in listed)
    # the three Service Bus built-ins are known by GUID; the custom role and the ARM Owner are read by id
    assert sorted(p.rsplit("/", 1)[-1] for p, _q in calls if "roleDefinitions" in p) == sorted([rb.CUSTOM,
                                                                                               rb.ARM_OWNER])


def test_services_come_from_service_principals_on_one_entity(imported):
    data = yaml.safe_load(imported[0].read_text())
    services = data["services"]
    app = services[f"principal-{rb.APP[:8]}"]
    assert app == {"publishes": ["jobs", "orders"], "identity": {"azure_principal_id": rb.APP}}
    assert services["ledger"]["identity"] == {"azure_principal_id": rb.LEDGER}  # the subscription's own service
    worker = services[f"principal-{rb.WORKER[:8]}"]
    assert worker == {"consumes": ["jobs"], "identity": {"azure_principal_id": rb.WORKER}}
    assert "jobs-consumer" not in services  # the queue's consumer is known: no TODO placeholder
    assert services[f"principal-{rb.WRITER[:8]}"]["publishes"] == ["payments"]  # a custom role's data action
    assert "payments-consumer" in services  # nothing receives from payments: the placeholder stays
    legacy = services[f"principal-{rb.LEGACY[:8]}"]
    assert legacy["publishes"] == ["legacy"] and legacy["consumes"] == ["legacy"]  # Data Owner of one queue
    assert "legacy-consumer" not in services
    named = {(s.get("identity") or {}).get("azure_principal_id") for s in services.values()}
    for not_a_service in (rb.TOOL, rb.USER, rb.CONDITIONAL):
        assert not_a_service not in named
    assert "billing" not in imported[0].read_text()  # another team's entity and its assignment are not read


def test_the_file_names_the_principal_to_rename_and_keeps_the_live_assignments(imported):
    text = imported[0].read_text()
    assert f"TODO: rename: service principal (object id) {rb.APP}" in text
    data = yaml.safe_load(text)
    q = data["queues"]
    assert q["jobs"]["adopt"]["azure"]["role_assignments"] == {
        f"principal-{rb.APP[:8]}": {"send": {"name": _name(2), "role": rb.SENDER}},
        f"principal-{rb.WORKER[:8]}": {"receive": {"name": _name(4), "role": rb.RECEIVER}}}
    assert q["legacy"]["adopt"]["azure"]["role_assignments"][f"principal-{rb.LEGACY[:8]}"] == {
        "send": {"name": _name(8), "role": rb.OWNER}, "receive": {"name": _name(8), "role": rb.OWNER}}
    orders = data["topics"]["orders"]["adopt"]["azure"]
    assert orders["subscriptions"]["ledger"]["role_assignment"] == {"name": _name(3), "role": rb.RECEIVER}
    assert orders["role_assignments"] == {f"principal-{rb.APP[:8]}": {"send": {"name": _name(1),
                                                                               "role": rb.SENDER}}}
    assert "role_assignment" not in orders["subscriptions"]["mailer"]


def test_what_is_not_a_service_is_a_note(imported):
    err = imported[2]
    assert f"service principal {rb.TOOL} may receive/send on every entity (Azure Service Bus Data Owner on the " \
           "namespace)" in err
    assert f"user {rb.USER} may send on queue shop-payments (Azure Service Bus Data Sender): not a service " \
           "principal" in err
    assert f"role assignment {_name(9)} (Azure Service Bus Data Receiver for {rb.CONDITIONAL}) has a condition" in err
    assert f"service 'principal-{rb.WRITER[:8]}' may send on shop-payments through Shop Payments Writer" in err
    assert "Owner" not in err.replace("Data Owner", "")  # the ARM Owner grants no data action: not mentioned


def test_the_import_is_valid(imported):
    result = check_file(str(imported[0]))
    assert result.ok, [(d.code, d.message) for d in result.diagnostics if d.level == "error"]


def test_plan_imports_the_live_assignments_of_topowires_roles(plan):
    by_name = {r.name: r for r in plan.by_type("azure-native:authorization:RoleAssignment")}
    want = {f"principal-{rb.APP[:8]}-send-queue-jobs": (rb.JOBS, 2),
            f"principal-{rb.APP[:8]}-send-topic-orders": (rb.ORDERS, 1),
            f"principal-{rb.WORKER[:8]}-receive-queue-jobs": (rb.JOBS, 4),
            "ledger-receive-subscription-orders": (rb.LEDGER_SUB, 3)}
    for name, (scope, n) in want.items():
        r = by_name[name]
        assert r.import_id == f"{scope}/providers/Microsoft.Authorization/roleAssignments/{_name(n)}", name
        assert r.inputs["roleAssignmentName"] == _name(n), name  # the live name, not topowire's GUID: no replace
        assert r.inputs["principalId"] in (rb.APP, rb.WORKER, rb.LEDGER)
        assert "description" in r.ignore_changes
    role = by_name[f"principal-{rb.APP[:8]}-send-queue-jobs"].inputs["roleDefinitionId"]
    assert role.endswith(f"/providers/Microsoft.Authorization/roleDefinitions/{rb.SENDER}")
    created = {n for n, r in by_name.items() if not r.import_id}
    legacy = f"principal-{rb.LEGACY[:8]}"
    assert created == {f"{legacy}-send-queue-legacy", f"{legacy}-receive-queue-legacy",
                       f"principal-{rb.WRITER[:8]}-send-queue-payments", "payments-consumer-receive-queue-payments",
                       "audit-receive-subscription-orders", "fraud-receive-subscription-orders",
                       "mailer-receive-subscription-orders", "events-consumer-receive-subscription-events"}
    assert f"{az.BASE}/queues/shop-jobs" in {r.import_id for r in plan.resources}  # entities too


def test_plan_says_what_it_creates_beside_a_live_assignment_of_another_role(imported, capsys):
    assert main(["plan", str(imported[0]), "--cloud", "azure"]) == 0
    out = capsys.readouterr().out
    assert "REVIEW" not in out
    line = next(ln for ln in out.splitlines() if f"+ principal-{rb.LEGACY[:8]}-send-queue-legacy (" in ln)
    assert "[harmless]" in line and f"beside its live assignment {_name(8)} (Azure Service Bus Data Owner)" in line
    line = next(ln for ln in out.splitlines() if f"+ principal-{rb.WRITER[:8]}-send-queue-payments (" in ln)
    assert f"(custom role {rb.CUSTOM})" in line


def test_plan_flags_a_principal_on_an_adopted_entity_with_no_adopted_assignment(imported, tmp_path, capsys):
    data = yaml.safe_load(imported[0].read_text())
    del data["queues"]["jobs"]["adopt"]["azure"]["role_assignments"]
    path = tmp_path / "topology.yaml"
    path.write_text(yaml.safe_dump(data))
    assert main(["plan", str(path), "--cloud", "azure"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if f"+ principal-{rb.WORKER[:8]}-receive-queue-jobs (" in ln)
    assert "[REVIEW]" in line and "409 RoleAssignmentExists" in line


def test_drift_is_clean_with_adopted_assignments(imported, capsys):
    with serve(rb.routes()) as (ep, _rec):
        assert main(["drift", str(imported[0]), "--cloud", "azure", "--endpoint-url", ep]) == 0
    assert "in sync" in capsys.readouterr().out


def test_no_iam_reads_no_role_assignment(tmp_path):
    path, rec = _import(tmp_path, rb.routes(), "--no-iam")
    assert not [p for _m, p, _q in rec.calls if "Microsoft.Authorization" in p]
    assert "azure_principal_id" not in path.read_text() and "jobs-consumer" in path.read_text()


# --- hostile answers -------------------------------------------------------------------------------------------


def _hostile(tmp_path, capsys, routes):
    path, rec = _import(tmp_path, routes)
    return yaml.safe_load(path.read_text()), capsys.readouterr().err, rec


def test_a_denied_listing_is_a_note_and_the_services_stay_todo(tmp_path, capsys):
    routes = rb.routes()
    routes[ASSIGNMENTS] = (403, {"error": {"code": "AuthorizationFailed", "message": "The client does not have "
                                           "authorization to perform action 'Microsoft.Authorization/"
                                           "roleAssignments/read'"}})
    data, err, _rec = _hostile(tmp_path, capsys, routes)
    assert "role assignments not read (403 AuthorizationFailed)" in err
    assert "Microsoft.Authorization/roleAssignments/read and Microsoft.Authorization/roleDefinitions/read" in err
    assert "jobs-consumer" in data["services"] and "identity" not in data["services"]["ledger"]


def test_a_principal_that_is_not_a_guid_is_left_out(tmp_path, capsys):
    bad = rb.assignment(20, rb.JOBS, "aaaaaaaa-0000-4000-8000-aaaaaaaaaaaa\nX", rb.SENDER)
    injected = rb.assignment(21, rb.JOBS, "'; rm -rf / #", rb.RECEIVER)
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes([bad, injected]))
    assert "is not an object id (a GUID); left out" in err
    assert "rm -rf" not in yaml.safe_dump(data) and "jobs-consumer" in data["services"]


def test_a_scope_outside_the_namespace_or_not_its_id_is_ignored(tmp_path, capsys):
    other = rb.assignment(22, "/subscriptions/00000000-0000-0000-0000-0000000000bb/resourceGroups/x/providers/"
                              "Microsoft.ServiceBus/namespaces/other-bus/queues/shop-jobs", rb.APP, rb.SENDER)
    lying = rb.assignment(23, f"{az.BASE}/queues/shop-payments", rb.APP, rb.SENDER)
    lying["properties"]["scope"] = rb.JOBS  # its id says shop-payments
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes([other, lying]))
    assert "is not its id's; left out" in err
    assert not any("identity" in s for s in data["services"].values())


def test_a_management_group_grant_is_every_entity(tmp_path, capsys):
    mg = rb.assignment(24, "/providers/Microsoft.Management/managementGroups/platform", rb.APP, rb.SENDER)
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes([mg]))
    assert f"service principal {rb.APP} may send on every entity (Azure Service Bus Data Sender on management " \
           "group platform)" in err
    assert f"principal-{rb.APP[:8]}" not in data["services"]


def test_a_hundred_thousand_assignments_stop_the_read_not_the_import(tmp_path, capsys):
    from generator.clouds.azure import principals

    many = [rb.assignment(i, rb.JOBS, rb.APP, rb.SENDER) for i in range(100_000)]
    data, err, rec = _hostile(tmp_path, capsys, rb.routes(many, page_size=1000))
    assert f"more than {principals.MAX_ASSIGNMENTS} role assignments" in err
    pages = [1 for _m, p, _q in rec.calls if p == ASSIGNMENTS]
    assert len(pages) == principals.MAX_ASSIGNMENTS // 1000 + 1  # it stopped reading at the bound
    assert "jobs-consumer" in data["services"]


def test_a_listing_that_never_ends_is_a_note(tmp_path, capsys):
    routes = rb.routes()
    routes[ASSIGNMENTS + "?page=1"]["nextLink"] = f"{{endpoint}}{ASSIGNMENTS}?api-version=2022-04-01&$skiptoken=1"
    data, err, _rec = _hostile(tmp_path, capsys, routes)
    assert "role assignments not read" in err and "never ends" in err
    assert "jobs-consumer" in data["services"]


def test_a_garbage_role_definition_takes_none_of_its_assignments(tmp_path, capsys):
    defs = rb.definitions()
    defs[rb.CUSTOM] = {"id": rb.role_id(rb.CUSTOM), "properties": {"roleName": "x", "permissions": "garbage"}}
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes(defs=defs))
    assert f"role definition {rb.CUSTOM}: not a role definition topowire can read" in err
    assert f"principal-{rb.WRITER[:8]}" not in data["services"]
    assert f"principal-{rb.APP[:8]}" in data["services"]  # the other assignments are still read


def test_not_data_actions_and_wildcards(tmp_path, capsys):
    star, excluded = "5d3e1a2b-0000-4000-8000-00000000c0aa", "5d3e1a2b-0000-4000-8000-00000000c0bb"
    defs = {star: rb.definition(star, "Bus Everything", ["Microsoft.ServiceBus/*"]),
            excluded: rb.definition(excluded, "Bus But Not Receive", ["Microsoft.ServiceBus/namespaces/messages/*"],
                                    not_data=["Microsoft.ServiceBus/namespaces/messages/receive/action"])}
    items = [rb.assignment(30, rb.JOBS, rb.APP, star), rb.assignment(31, rb.PAYMENTS, rb.WRITER, excluded)]
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes(items, defs))
    app = data["services"][f"principal-{rb.APP[:8]}"]
    assert app["publishes"] == ["jobs"] and app["consumes"] == ["jobs"]
    assert "role Bus But Not Receive" in err and "notDataActions: not evaluated" in err
    assert f"principal-{rb.WRITER[:8]}" not in data["services"]


def test_huge_role_definitions_are_bounded(tmp_path, capsys):
    from generator.clouds.azure import principals

    guid = "5d3e1a2b-0000-4000-8000-00000000c0cc"
    defs = {guid: rb.definition(guid, "Huge", ["Microsoft.Storage/x/action"] * (principals.MAX_ACTIONS + 1))}
    data, err, _rec = _hostile(tmp_path, capsys, rb.routes([rb.assignment(40, rb.JOBS, rb.APP, guid)], defs))
    assert f"more than {principals.MAX_ACTIONS} data actions" in err and "jobs-consumer" in data["services"]


# --- the file's side (TOP224) ----------------------------------------------------------------------------------


def _errors(tmp_path, data) -> list:
    path = tmp_path / "t.yaml"
    path.write_text(yaml.safe_dump(data))
    return [(d.code, d.message) for d in check_file(str(path)).diagnostics if d.level == "error"]


def test_an_adopted_assignment_needs_the_services_principal_and_use(imported, tmp_path):
    data = yaml.safe_load(imported[0].read_text())
    worker = f"principal-{rb.WORKER[:8]}"
    del data["services"][worker]["identity"]
    errors = _errors(tmp_path, data)
    assert any(c == "TOP224" and f"service '{worker}', which names no principal" in m for c, m in errors)
    data = yaml.safe_load(imported[0].read_text())
    data["services"][worker]["consumes"] = ["legacy"]
    assert any(c == "TOP224" and "does not consume it" in m for c, m in _errors(tmp_path, data))
    data = yaml.safe_load(imported[0].read_text())
    jobs = data["queues"]["jobs"]["adopt"]["azure"]["role_assignments"]
    data["queues"]["legacy"]["adopt"]["azure"]["role_assignments"] = {
        f"principal-{rb.LEGACY[:8]}": {"send": jobs[f"principal-{rb.APP[:8]}"]["send"]}}
    assert any(c == "TOP224" and "is adopted twice" in m for c, m in _errors(tmp_path, data))
    data["queues"]["jobs"]["adopt"]["azure"]["role_assignments"] = {"x": {"send": {"name": "not-a-guid",
                                                                                    "role": rb.SENDER}}}
    assert any("not-a-guid" in m or "GUID" in m for _c, m in _errors(tmp_path, data))
