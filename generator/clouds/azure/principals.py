"""Which principals send to and receive from the adopted Service Bus entities (issue 28: "services where the cloud
tells"), from Azure RBAC role assignments (azure-mgmt-authorization; read-only calls, ``ACTIONS``).

Service Bus does not say who uses an entity; role assignments do. One listing of the namespace's scope
(``RoleAssignments_ListForScope`` of the Authorization REST API 2022-04-01, with no ``$filter``: the assignments at,
above and below the scope; ``atScope()`` would leave out the entities' own) gives every assignment that applies.
A role grants sending or receiving by its data actions: the built-in Azure Service Bus Data Sender, Data Receiver
and Data Owner roles by their well-known GUIDs (``BUILTIN``), any other role by its definition
(``RoleDefinitions_GetById``: ``dataActions`` matching ``SEND``/``RECEIVE``, ``*`` being the only wildcard).

Only a service principal's (a managed identity's, an application's) unconditional grant on one queue, topic or
subscription becomes a service (``identity.azure_principal_id``); what is not a service's own grant is reported,
never guessed:

- a grant on the namespace, its resource group, subscription or management group (every entity) is an
  administrator's or a tool's, as AWS's ``*``;
- a user's or a group's grant is a person's, not a service's (a role assignment names no group member);
- an assignment with an ABAC ``condition``, a role with ``notDataActions``: not evaluated;
- receive on a topic's scope (every subscription of it) names no one subscription.

Bounded: at most ``MAX_ASSIGNMENTS`` assignments and ``MAX_DEFINITIONS`` role definitions of ``MAX_ACTIONS`` data
actions in all; ids must be GUIDs and ARM ids. Authorization read access is often narrower than Service Bus read
access, so a denied call is a note (the services stay TODO placeholders), not an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import InputError
from .. import identities
from ..adoption import Pages, clean
from . import spec

API_VERSION = "2022-04-01"
ACTIONS = ("Microsoft.Authorization/roleAssignments/read", "Microsoft.Authorization/roleDefinitions/read")
OWNER_ROLE = "090c5cfd-751d-490a-894a-3ce6f1109419"  # Azure Service Bus Data Owner
# learn.microsoft.com/azure/role-based-access-control/built-in-roles/integration (GUIDs identical in every tenant)
BUILTIN = {spec.SENDER_ROLE: ("Azure Service Bus Data Sender", frozenset({"send"})),
           spec.RECEIVER_ROLE: ("Azure Service Bus Data Receiver", frozenset({"receive"})),
           OWNER_ROLE: ("Azure Service Bus Data Owner", frozenset({"send", "receive"}))}
TOPOWIRE_ROLE = {"send": spec.SENDER_ROLE, "receive": spec.RECEIVER_ROLE}  # what the program assigns
SEND = "microsoft.servicebus/namespaces/messages/send/action"
RECEIVE = "microsoft.servicebus/namespaces/messages/receive/action"
MAX_ASSIGNMENTS = 10_000  # a subscription holds at most 4,000 (troubleshoot-limits); management groups add theirs
MAX_DEFINITIONS = 200  # distinct roles other than the three built-ins, each one GET
MAX_ACTIONS = 20_000  # data actions and notDataActions of every definition read, in all
MAX_NOTES = 50
PRINCIPAL_TYPES = ("User", "Group", "ServicePrincipal", "ForeignGroup")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")
_G = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
# an ARM scope: '/' and segments of printable ASCII without '?', '#', '%' or spaces (\Z: not before a final newline)
_SCOPE = re.compile(r"^(/[A-Za-z0-9._()~$@:+=,-]{1,260}){0,20}/?\Z")
_ASSIGNMENT_ID = re.compile(r"^(?P<scope>(/[A-Za-z0-9._()~$@:+=,-]{1,260}){0,20})/providers/Microsoft\.Authorization/"
                            rf"roleAssignments/(?P<name>{_G})\Z", re.IGNORECASE)
_DEFINITION_ID = re.compile(rf"^(/subscriptions/{_G})?/providers/Microsoft\.Authorization/roleDefinitions/"
                            rf"(?P<guid>{_G})\Z", re.IGNORECASE)
_ACTION = re.compile(r"^[A-Za-z0-9.*/_-]{1,256}\Z")


@dataclass
class Assignment:
    """One role assignment that grants sending or receiving on one selected entity."""

    name: str  # the assignment's GUID (its ARM id: {scope}/providers/Microsoft.Authorization/roleAssignments/{name})
    principal: str  # lowercased object id
    role: str  # the role definition's GUID, lowercased
    role_name: str
    scope: str  # the entity's ARM id, lowercased
    does: frozenset  # {"send", "receive"}


@dataclass
class Read:
    grants: list = field(default_factory=list)  # identities.Grants, one per service principal
    assignments: list = field(default_factory=list)  # Assignment
    notes: list = field(default_factory=list)


def entity_scopes(ns) -> dict:
    """lowercased ARM id -> (kind, entity, topic): each selected queue, topic and subscription of ``ns``."""
    base = namespace_scope(ns).lower()
    out = {}
    for q in ns.queues:
        out[f"{base}/queues/{q}".lower()] = ("queue", q, None)
    for t, topic in ns.topics.items():
        out[f"{base}/topics/{t}".lower()] = ("topic", t, None)
        for s in topic.subscriptions:
            out[f"{base}/topics/{t}/subscriptions/{s.name}".lower()] = ("subscription", s.name, t)
    return out


def namespace_scope(ns) -> str:
    return (f"/subscriptions/{ns.subscription}/resourceGroups/{ns.resource_group}/providers/Microsoft.ServiceBus/"
            f"namespaces/{ns.name}")


def _matches(pattern: str, action: str) -> bool:
    """An RBAC action pattern (case-insensitive; ``*`` is its only wildcard) against ``action``."""
    regex = ".*".join(re.escape(part) for part in pattern.lower().split("*"))
    return re.fullmatch(regex, action) is not None


def _strings(value, budget: list) -> list | None:
    """A definition's list of action strings, or None when it is not one; each counts against ``budget``."""
    if value is None:
        return []
    if not isinstance(value, list):
        return None
    budget[0] += len(value)
    if budget[0] > MAX_ACTIONS:
        raise _Stop(f"more than {MAX_ACTIONS} data actions in its role definitions")
    if not all(isinstance(a, str) and _ACTION.match(a) for a in value):
        return None
    return value


def evaluate(definition, role: str, notes: list, budget: list):
    """(role name, {"send", "receive"} it grants) of a role definition model, or None when it is not one."""
    name = getattr(definition, "role_name", None)
    perms = getattr(definition, "permissions", None)
    if not isinstance(name, str) or not 0 < len(name) <= 512 or not isinstance(perms, list) or len(perms) > 100:
        return None
    name = clean(name, 80)
    does = set()
    for p in perms:
        data = _strings(getattr(p, "data_actions", None), budget)
        excluded = _strings(getattr(p, "not_data_actions", None), budget)
        if data is None or excluded is None:
            return None
        grants = {what for what, action in (("send", SEND), ("receive", RECEIVE))
                  if any(_matches(a, action) for a in data)}
        if grants and excluded:
            notes.append(f"role {name} ({role}) has notDataActions: not evaluated; its grants are not taken")
            continue
        does |= grants
    return name, frozenset(does)


def read(auth, ns) -> Read:
    """The role assignments of ``ns``'s scope (``auth``: an AuthorizationManagementClient), as grants and the
    assignments that grant on one selected entity."""
    from azure.core.exceptions import AzureError, HttpResponseError

    where = f"the role assignments of namespace {ns.name}"
    out = Read()
    notes = out.notes
    pages = Pages(where)
    scopes = entity_scopes(ns)
    ns_scope = namespace_scope(ns).lower()
    roles: dict = {}  # lowercased role GUID -> (name, does) or None (not a role definition)
    budget = [0]
    try:
        raw = []
        paged = auth.role_assignments.list_for_scope(namespace_scope(ns)).by_page()
        for page in pages.each(((list(p), paged.continuation_token) for p in paged), "role assignments",
                               lambda page: page[1]):
            raw += page[0]
            if len(raw) > MAX_ASSIGNMENTS:
                raise _Stop(f"more than {MAX_ASSIGNMENTS} role assignments")
        grants: dict = {}  # principal -> identities.Grants
        for a in raw:
            found = _assignment(a, ns_scope, scopes, notes)
            if found is None:
                continue
            name, principal, ptype, role_id, role, scope = found
            if role not in roles:
                if role in BUILTIN:
                    roles[role] = BUILTIN[role]
                else:
                    if sum(1 for r in roles if r not in BUILTIN) >= MAX_DEFINITIONS:
                        raise _Stop(f"more than {MAX_DEFINITIONS} distinct roles")
                    try:
                        roles[role] = evaluate(auth.role_definitions.get_by_id(role_id), role, notes, budget)
                    except (ValueError, TypeError, AttributeError):  # not a RoleDefinition's JSON (the SDK's
                        roles[role] = None  # DeserializationError is a ValueError)
                    if roles[role] is None:
                        notes.append(f"role definition {role}: not a role definition topowire can read; its "
                                     "assignments are not taken")
            if roles[role] is None or not roles[role][1]:
                continue
            role_name, does = roles[role]
            what = "/".join(sorted(does))
            if getattr(a, "condition", None):
                notes.append(f"role assignment {name} ({role_name} for {principal}) has a condition (ABAC): not "
                             "evaluated; not taken as a service's grant")
                continue
            if scope not in scopes:  # the namespace or a scope over it: every entity
                who = f"{_who(ptype)} {principal}"
                notes.append(f"{who} may {what} on every entity ({role_name} on {_scope_words(scope, ns_scope)}): "
                             "an administrator's or a tool's grant, not a service's; not taken as a service")
                continue
            kind, entity, topic = scopes[scope]
            label = f"{kind} {topic + '/' if topic else ''}{entity}"
            if ptype != "ServicePrincipal":
                notes.append(f"{_who(ptype)} {principal} may {what} on {label} ({role_name}): not a service "
                             "principal (a person or a group); not taken as a service")
                continue
            if kind == "topic" and "receive" in does:
                notes.append(f"service principal {principal} may receive from every subscription of topic {entity} "
                             f"({role_name} on the topic): it names no one subscription; not taken as a consumer")
            does = frozenset(d for d in does if not (kind == "topic" and d == "receive") and
                             not (kind == "subscription" and d == "send"))
            if not does:
                continue
            g = grants.get(principal)
            if g is None:
                g = grants[principal] = identities.Grants(
                    principal, f"principal-{principal[:8]}", f"service principal {principal}",
                    rename=f"TODO: rename: service principal (object id) {principal}; a role assignment carries no "
                           f"display name (`az ad sp show --id {principal}` tells it)")
            if "send" in does:
                g.send.add(scope)
            if "receive" in does:
                g.receive.add(scope)
            out.assignments.append(Assignment(name, principal, role, role_name, scope, does))
        out.grants = [grants[p] for p in sorted(grants)]
    except _Stop as stop:
        return Read(notes=[f"{where} have {stop}: services not read from role assignments (they stay TODO "
                           "placeholders)"])
    except HttpResponseError as exc:
        code = clean(getattr(getattr(exc, "error", None), "code", None) or exc.reason or "", 60)
        return Read(notes=[f"role assignments not read ({exc.status_code} {code}): the services stay TODO "
                           f"placeholders; grant {' and '.join(ACTIONS)} to name them from the role assignments "
                           "(docs/azure.md#least-privilege)"])
    except AzureError as exc:
        return Read(notes=[f"role assignments not read ({type(exc).__name__}: {clean(exc, 120)}): the services stay "
                           "TODO placeholders"])
    except InputError as exc:  # a listing that never ends (adoption.Pages)
        return Read(notes=[f"role assignments not read ({exc}): the services stay TODO placeholders"])
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError) as exc:
        return Read(notes=[f"{where} answered what is not the Authorization API ({type(exc).__name__}): services "
                           "not read from role assignments (they stay TODO placeholders)"])
    notes[:] = sorted(set(notes))
    if len(notes) > MAX_NOTES:
        notes[:] = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more notes on role assignments"]
    out.assignments.sort(key=lambda a: (a.scope, a.principal, a.role, a.name))
    return out


def _assignment(a, ns_scope: str, scopes: dict, notes: list):
    """(name, principal, principal type, role definition id, role GUID, lowercased scope) of a valid assignment that
    applies to the namespace (a selected entity's, the namespace's or a scope over it), or None when it is not one
    (reported when it is not valid)."""
    aid, principal = getattr(a, "id", None), getattr(a, "principal_id", None)
    role_id, scope, ptype = getattr(a, "role_definition_id", None), getattr(a, "scope", None), \
        getattr(a, "principal_type", None)
    m = _ASSIGNMENT_ID.match(aid) if isinstance(aid, str) else None
    if m is None:
        notes.append(f"a role assignment whose id is not an assignment's ({clean(aid, 80)!r}); left out")
        return None
    name = m.group("name").lower()
    if not isinstance(principal, str) or not _GUID.match(principal):
        notes.append(f"role assignment {name}: principal {clean(principal, 60)!r} is not an object id (a GUID); "
                     "left out")
        return None
    d = _DEFINITION_ID.match(role_id) if isinstance(role_id, str) else None
    if d is None:
        notes.append(f"role assignment {name}: role {clean(role_id, 80)!r} is not a role definition id; left out")
        return None
    scope = scope if isinstance(scope, str) else m.group("scope")
    if not _SCOPE.match(scope) or scope.lower().rstrip("/") != m.group("scope").lower().rstrip("/"):
        notes.append(f"role assignment {name}: scope {clean(scope, 120)!r} is not its id's; left out")
        return None
    low = scope.lower().rstrip("/")
    if ptype not in PRINCIPAL_TYPES:
        ptype = None
    if low == ns_scope or ns_scope.startswith(low + "/") or low == "" or low in scopes or \
            low.startswith("/providers/microsoft.management/managementgroups/"):
        return name, principal.lower(), ptype, role_id, d.group("guid").lower(), low or "/"
    return None  # another entity (not selected), another resource, or outside the namespace: not this read's


def _who(ptype) -> str:
    return {"User": "user", "Group": "group", "ForeignGroup": "foreign group",
            "ServicePrincipal": "service principal"}.get(ptype, "principal (of no known type)")


def _scope_words(scope: str, ns_scope: str) -> str:
    if scope == ns_scope:
        return "the namespace"
    parts = scope.strip("/").split("/")
    if len(parts) == 2 and parts[0] == "subscriptions":
        return "its Azure subscription"
    if len(parts) == 4 and parts[2] == "resourcegroups":
        return "its resource group"
    if len(parts) == 4 and parts[2] == "managementgroups":
        return f"management group {clean(parts[3], 90)}"
    return f"scope {clean(scope, 120)}"


def name_services(data: dict, comments: dict, ns, found: Read) -> list:
    """Turn the principals' grants into services of ``data`` (the document of ``adopt.document``), in place
    (clouds/identities.py), and write each service's live role assignments under its entities' ``adopt.azure``
    (``role_assignments``, a subscription's ``role_assignment``: the plan imports the one of topowire's role, as
    Azure refuses a second assignment of the same principal, role and scope). Returns notes for the report."""
    base = namespace_scope(ns).lower()
    channel_of, subscription_of, where = {}, {}, {}
    for kind, section in (("queue", "queues"), ("topic", "topics")):
        for cname, entry in (data.get(section) or {}).items():
            adopted = entry.get("adopt", {}).get("azure", {})
            scope = f"{base}/{section}/{adopted.get('name')}".lower()
            channel_of[scope] = (kind, cname)
            where[scope] = adopted
            for svc, sub in (adopted.get("subscriptions") or {}).items():
                sscope = f"{scope}/subscriptions/{sub.get('name')}".lower()
                subscription_of[sscope] = (cname, svc)
                where[sscope] = sub
    notes = identities.name_services(data, comments, found.grants, channel_of, subscription_of,
                                     "azure_principal_id")
    services = data.get("services") or {}
    owner = {}  # principal -> the service it is
    for svc, entry in services.items():
        pid = (entry.get("identity") or {}).get("azure_principal_id")
        if pid:
            owner[pid.lower()] = svc
    by_key: dict = {}  # (principal, scope, what) -> [Assignment], topowire's role first
    for a in found.assignments:
        for what in sorted(a.does):
            by_key.setdefault((a.principal, a.scope, what), []).append(a)
    for key in by_key:
        by_key[key].sort(key=lambda a, what=key[2]: (a.role != TOPOWIRE_ROLE[what], a.name))
    for principal, svc in sorted(owner.items()):
        entry = services[svc]
        uses = []
        consumes = entry.get("consumes") or []
        for cname in entry.get("publishes") or []:
            uses += [(scope, "send") for scope, (_k, c) in channel_of.items() if c == cname]
        for cname in consumes:
            uses += [(scope, "receive") for scope, (k, c) in channel_of.items() if c == cname and k == "queue"]
            uses += [(scope, "receive") for scope, (c, s) in subscription_of.items() if c == cname and s == svc]
        for scope, what in sorted(uses):
            live = by_key.get((principal, scope, what))
            if not live:
                continue
            a = live[0]
            record = {"name": a.name, "role": a.role}
            if scope in subscription_of:
                where[scope]["role_assignment"] = record
            else:
                where[scope].setdefault("role_assignments", {}).setdefault(svc, {})[what] = record
            if a.role != TOPOWIRE_ROLE[what]:
                entity = "/".join(scope.split("/")[-3::2]) if scope in subscription_of else scope.rsplit("/", 1)[-1]
                notes.append(f"service '{svc}' may {what} on {entity} through {a.role_name} (assignment {a.name}); "
                             f"topowire assigns {BUILTIN[TOPOWIRE_ROLE[what]][0]}: the plan creates it beside the "
                             "live one, which stays as it runs")
    return notes


class _Stop(Exception):
    pass
