"""Recorded Azure RBAC answers for the namespace of tests/adopt/azure_recorded.py, shaped as the Authorization REST
API 2022-04-01 (azure-rest-api-specs, specification/authorization/resource-manager/Microsoft.Authorization/stable/
2022-04-01/authorization-RoleAssignmentsCalls.json: RoleAssignmentListResult {"value": [RoleAssignment], "nextLink"},
RoleAssignment {"id", "name", "type", "properties": {"scope", "roleDefinitionId", "principalId", "principalType",
"condition", ...}}; authorization-RoleDefinitionsCalls.json: RoleDefinition {"id", "name", "type", "properties":
{"roleName", "type", "permissions": [{"actions", "notActions", "dataActions", "notDataActions"}],
"assignableScopes"}}).

The principals: an app that sends to topic shop-orders and queue shop-jobs (Data Sender on each), the identity of
subscription shop-orders/ledger (Data Receiver on it), a worker receiving from queue shop-jobs (Data Receiver), a
Data Owner of the whole namespace (a tool's grant: a note), a user sending to shop-payments (a person: a note), an
app with a custom role that may send to shop-payments, a Data Owner of queue shop-legacy (send and receive, not
topowire's roles), an assignment with an ABAC condition (a note), and a subscription-wide Owner (no data actions).
"""

from __future__ import annotations

from tests.adopt import azure_recorded as az

SENDER, RECEIVER, OWNER = ("69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
                           "090c5cfd-751d-490a-894a-3ce6f1109419")
ARM_OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"  # Owner: actions "*", no data actions
CUSTOM = "5d3e1a2b-0000-4000-8000-00000000c057"
APP, LEDGER, WORKER, TOOL, USER, WRITER, LEGACY, CONDITIONAL = (
    f"{n * 8}-0000-4000-8000-{n * 12}" for n in "abcdef12")
SUB_SCOPE = f"/subscriptions/{az.SUB}"
ORDERS, JOBS, PAYMENTS, LEGACY_Q = (f"{az.BASE}/topics/shop-orders", f"{az.BASE}/queues/shop-jobs",
                                    f"{az.BASE}/queues/shop-payments", f"{az.BASE}/queues/shop-legacy")
LEDGER_SUB = f"{ORDERS}/subscriptions/ledger"


def role_id(guid: str) -> str:
    return f"{SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/{guid}"


def assignment(n: int, scope: str, principal: str, role: str, ptype: str = "ServicePrincipal", **props) -> dict:
    name = f"{n:08x}-1111-4111-8111-{n:012x}"
    return {"id": f"{scope}/providers/Microsoft.Authorization/roleAssignments/{name}", "name": name,
            "type": "Microsoft.Authorization/roleAssignments",
            "properties": {"scope": scope, "roleDefinitionId": role_id(role), "principalId": principal,
                           "principalType": ptype, "condition": None, "conditionVersion": None,
                           "createdOn": "2024-05-01T10:00:00.0000000Z", "updatedOn": "2024-05-01T10:00:00.0000000Z",
                           "createdBy": None, "updatedBy": None, "delegatedManagedIdentityResourceId": None,
                           "description": None, **props}}


def assignments() -> list:
    return [
        assignment(1, ORDERS, APP, SENDER),
        assignment(2, JOBS, APP, SENDER),
        assignment(3, LEDGER_SUB, LEDGER, RECEIVER),
        assignment(4, JOBS, WORKER, RECEIVER),
        assignment(5, az.BASE, TOOL, OWNER),
        assignment(6, PAYMENTS, USER, SENDER, "User"),
        assignment(7, PAYMENTS, WRITER, CUSTOM),
        assignment(8, LEGACY_Q, LEGACY, OWNER),
        assignment(9, JOBS, CONDITIONAL, RECEIVER,
                   condition="@Resource[Microsoft.ServiceBus/namespaces/queues:name] StringEquals 'shop-jobs'",
                   conditionVersion="2.0"),
        assignment(10, SUB_SCOPE, USER, ARM_OWNER, "User"),
        assignment(11, f"{az.BASE}/queues/billing-invoices", APP, SENDER),  # another team's entity: not selected
    ]


def definition(guid: str, name: str, data_actions: list, kind: str = "CustomRole", not_data: list | None = None,
               actions: list | None = None) -> dict:
    return {"id": role_id(guid), "name": guid, "type": "Microsoft.Authorization/roleDefinitions",
            "properties": {"roleName": name, "type": kind, "description": name,
                           "assignableScopes": [SUB_SCOPE],
                           "permissions": [{"actions": actions or [], "notActions": [], "dataActions": data_actions,
                                            "notDataActions": not_data or []}]}}


def definitions() -> dict:
    send = "Microsoft.ServiceBus/namespaces/messages/send/action"
    return {CUSTOM: definition(CUSTOM, "Shop Payments Writer", [send]),
            ARM_OWNER: definition(ARM_OWNER, "Owner", [], "BuiltInRole", actions=["*"])}


def routes(items: list | None = None, defs: dict | None = None, page_size: int = 4, st: dict | None = None) -> dict:
    """The Service Bus namespace's routes (azure_recorded.routes) and the role assignments of its scope, paged."""
    out = az.routes(st)
    items = assignments() if items is None else items
    path = f"{az.BASE}/providers/Microsoft.Authorization/roleAssignments"
    pages = [items[i:i + page_size] for i in range(0, len(items), page_size)] or [[]]
    for n, page in enumerate(pages):
        body = {"value": page}
        if n + 1 < len(pages):
            body["nextLink"] = f"{{endpoint}}{path}?api-version=2022-04-01&$skiptoken={n + 1}"
        out[path + (f"?page={n}" if n else "")] = body
    for guid, body in (definitions() if defs is None else defs).items():
        out[role_id(guid)] = body
    return out
