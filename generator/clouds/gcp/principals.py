"""Which service accounts publish to and consume from the adopted topics and subscriptions (issue 28: "services
where the cloud tells"), from their IAM policies.

Pub/Sub does not say who pulls a subscription; its IAM policy does. Each selected topic's and subscription's
policy is read (``projects.topics.getIamPolicy``, ``projects.subscriptions.getIamPolicy``: a GET,
``GET /v1/{resource}:getIamPolicy``, google-cloud-pubsub's REST transport ``_BaseGetIamPolicy``; policy version 3
is requested, so conditional bindings come back with their condition). ``roles/pubsub.publisher`` on a topic is
sending, ``roles/pubsub.subscriber`` on a subscription is receiving; a user-managed service account holding one
becomes a service with ``identity.gcp_service_account`` (clouds/identities.py). What is not a team's own grant is
left out and reported, never guessed:

- ``roles/pubsub.editor``, ``roles/pubsub.admin`` and the basic ``roles/editor``/``roles/owner`` also create,
  delete and (admin, owner) re-grant: an operator's or a tool's grant, not a service's, and topowire would grant
  the service publisher/subscriber next to it, never narrowing it; reported, not taken;
- custom roles (``projects/*/roles/*``, ``organizations/*/roles/*``): what they allow needs ``iam.roles.get``, out
  of scope; reported;
- conditional bindings are not evaluated; reported;
- the Google-managed service agents (``service-<n>@gcp-sa-*.iam.gserviceaccount.com``: Pub/Sub's own, which the
  program grants for dead-lettering, and others) are not a team's services; left out;
- users, groups, domains, workforce/workload identity principals and deleted principals are not services;
  reported; ``allUsers`` and ``allAuthenticatedUsers`` make the resource public: reported LOUDLY.

Bindings on the project (or folder, organization) are not read: they need ``resourcemanager.projects.getIamPolicy``
and grant on every topic, like AWS's ``*`` (docs/gcp.md#least-privilege). The calls are not paged (one policy per
resource) and run on ``WORKERS`` threads; every member read counts towards ``MAX_MEMBERS`` in all and at most
``MAX_POLICY_MEMBERS`` a policy (IAM's own limit of principals in one allow policy). A denied call is a note (the
services stay TODO placeholders), not an error: IAM read access is often narrower than Pub/Sub read access.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from .. import identities
from ..adoption import clean

PERMISSIONS = ("pubsub.topics.getIamPolicy", "pubsub.subscriptions.getIamPolicy")
WORKERS = 8
MAX_MEMBERS = 100_000  # members of every binding of every policy read, in all
MAX_POLICY_MEMBERS = 1_500  # IAM: principals in one allow policy (cloud.google.com/iam/quotas)
MAX_MEMBER_CHARS = 512
MAX_NOTES = 50
PUBLISHER = "roles/pubsub.publisher"
SUBSCRIBER = "roles/pubsub.subscriber"
BROAD = ("roles/pubsub.editor", "roles/pubsub.admin", "roles/editor", "roles/owner")
PUBLIC = ("allUsers", "allAuthenticatedUsers")
# A user-managed service account (account id 6..30: a letter first, lowercase, digits, '-'); \Z, not $
_SA = re.compile(r"^([a-z][a-z0-9-]{4,28}[a-z0-9])@[a-z0-9.-]{1,200}\.iam\.gserviceaccount\.com\Z")
# Google-managed service agents: service-<project number>@gcp-sa-<service>.iam.gserviceaccount.com
_AGENT = re.compile(r"^service-[0-9]{1,20}@gcp-sa-([a-z0-9-]{1,60})\.iam\.gserviceaccount\.com\Z")
_CUSTOM = re.compile(r"^(projects|organizations)/[A-Za-z0-9_.:-]{1,100}/roles/[A-Za-z0-9_.]{1,64}\Z")
_KINDS = {"user:": "a user", "group:": "a group", "domain:": "a whole domain", "principal://": "a federated principal",
          "principalSet://": "a set of federated principals", "deleted:": "a deleted principal"}


@dataclass
class Policies:
    """What the IAM policies of the selected topics and subscriptions say."""

    grants: list = field(default_factory=list)  # identities.Grants keyed by resource path, by service account email
    members: dict = field(default_factory=dict)  # resource path -> {(role, member)} unconditional, user-managed SAs
    notes: list = field(default_factory=list)
    public: dict = field(default_factory=dict)  # resource path -> [what makes it public]


class _Stop(Exception):
    pass


def topic_path(project: str, tid: str) -> str:
    return f"projects/{project}/topics/{tid}"


def subscription_path(project: str, sid: str) -> str:
    return f"projects/{project}/subscriptions/{sid}"


def _policy_json(policy) -> dict:
    from google.protobuf.json_format import MessageToDict

    raw = MessageToDict(policy._pb if hasattr(policy, "_pb") else policy)
    return raw if isinstance(raw, dict) else {}


def classify(path: str, kind: str, policy: dict, notes: list, counter=None) -> tuple:
    """({email: "send" | "receive"}, {(role, member)}) of one policy (``kind``: "topic" or "subscription");
    every member that is not taken is reported in ``notes``. ``counter(n)`` spends ``n`` members of the total."""
    what = f"{kind} {clean(path.rsplit('/', 1)[-1], 120)}"
    bindings = policy.get("bindings")
    bindings = bindings if isinstance(bindings, list) else []
    n = sum(len(b.get("members")) for b in bindings if isinstance(b, dict) and isinstance(b.get("members"), list))
    if counter is not None:
        counter(n)
    if n > MAX_POLICY_MEMBERS:
        notes.append(f"{what}: its IAM policy lists {n} members, more than IAM allows in one policy "
                     f"({MAX_POLICY_MEMBERS}); not read")
        return {}, set()
    found, members = {}, set()
    want = PUBLISHER if kind == "topic" else SUBSCRIBER
    for b in bindings:
        if not isinstance(b, dict) or not isinstance(b.get("role"), str) or not isinstance(b.get("members"), list):
            notes.append(f"{what}: a binding that is not an IAM binding; left out")
            continue
        role = clean(b["role"], 200)
        people = [m for m in b["members"] if isinstance(m, str) and 0 < len(m) <= MAX_MEMBER_CHARS]
        if len(people) != len(b["members"]):
            notes.append(f"{what}: a member of {role} that is not an IAM member; left out")
        public = sorted({m for m in people if m in PUBLIC})
        if public:
            notes.append(f"PUBLIC: {what} grants {role} to {' and '.join(public)}: anyone "
                         f"{'on the internet' if 'allUsers' in public else 'with a Google account'} may use it "
                         "as that role allows; review it now")
        if b.get("condition") is not None:
            cond = b["condition"] if isinstance(b["condition"], dict) else {}
            notes.append(f"{what}: {role} is granted on a condition ({clean(cond.get('title') or cond.get('expression'), 80)!r}) "
                         f"to {len(people)} member(s): conditions are not evaluated; not taken as services")
            continue
        if role in BROAD:
            notes.append(f"{what}: {role} is granted to {len(people)} member(s): it also creates, deletes or re-grants, "
                         "an operator's or a tool's grant, not a service's; not taken as services")
            continue
        if _CUSTOM.match(role):
            notes.append(f"{what}: custom role {role} is granted to {len(people)} member(s): what it allows is not "
                         "read (that needs iam.roles.get); not taken as services")
            continue
        if role != want:
            continue  # viewer, subscriber on a topic (attachSubscription), publisher on a subscription: not traffic
        for m in people:
            if m in PUBLIC:
                continue
            if m.startswith("serviceAccount:"):
                email = m[len("serviceAccount:"):]
                agent = _AGENT.match(email)
                if agent:
                    if agent.group(1) != "pubsub":
                        notes.append(f"{what}: {role} is granted to a Google-managed service agent "
                                     f"({clean(email, 120)}); left out")
                    continue  # Pub/Sub's own agent: the program grants it for dead-lettering
                if not _SA.match(email):
                    notes.append(f"{what}: {role} is granted to {clean(email, 120)!r}, not a user-managed service "
                                 "account email; left out")
                    continue
                found[email] = "send" if kind == "topic" else "receive"
                members.add((role, m))
                continue
            label = next((v for k, v in _KINDS.items() if m.startswith(k)), None)
            if label:
                notes.append(f"{what}: {role} is granted to {label} ({clean(m, 120)}): not a service; not taken")
            else:
                notes.append(f"{what}: {role} is granted to {clean(m, 120)!r}, not an IAM member kind topowire "
                             "knows; left out")
    return found, members


def read(made: dict, project: str, topics, subscriptions, where: str) -> Policies:
    """The grants of the IAM policies of ``topics`` and ``subscriptions`` (ids in ``project``)."""
    from google.api_core import exceptions as gexc
    from google.auth import exceptions as aexc
    from google.protobuf.json_format import ParseError

    out = Policies()
    work = [("topic", topic_path(project, t)) for t in sorted(topics)] + \
        [("subscription", subscription_path(project, s)) for s in sorted(subscriptions)]
    lock, stop = threading.Lock(), threading.Event()
    total = [0]

    def spend(n: int) -> None:
        with lock:
            total[0] += n
            if total[0] > MAX_MEMBERS:
                stop.set()
                raise _Stop(f"more than {MAX_MEMBERS} members in the IAM policies of the selection")

    def one(item):
        kind, path = item
        if stop.is_set():
            return None
        client = made["publisher" if kind == "topic" else "subscriber"]
        notes: list = []
        try:
            policy = client.get_iam_policy(request={"resource": path, "options": {"requested_policy_version": 3}},
                                           timeout=30)
        except gexc.NotFound:
            return kind, path, {}, set(), [f"{kind} {clean(path.rsplit('/', 1)[-1], 120)}: gone before its IAM "
                                           "policy was read; its services stay TODO placeholders"]
        except BaseException:
            stop.set()
            raise
        found, members = classify(path, kind, _policy_json(policy), notes, spend)
        return kind, path, found, members, notes

    not_read = "the services stay TODO placeholders"
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = [r for r in pool.map(one, work) if r is not None]
    except _Stop as exc:
        return Policies(notes=[f"IAM of {where}: {exc}; services not read from IAM ({not_read})"])
    except (gexc.PermissionDenied, gexc.Forbidden) as exc:
        return Policies(notes=[f"Pub/Sub IAM policies not read (PERMISSION_DENIED: {clean(exc.message, 120)}): "
                               f"{not_read}; grant {' and '.join(PERMISSIONS)} to name them from the service "
                               "accounts (docs/gcp.md#least-privilege), or pass --no-iam"])
    except (gexc.GoogleAPICallError, gexc.RetryError, aexc.GoogleAuthError) as exc:
        return Policies(notes=[f"Pub/Sub IAM policies not read ({clean(type(exc).__name__, 60)}: "
                               f"{clean(getattr(exc, 'message', exc), 120)}): {not_read}"])
    except (ParseError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
        return Policies(notes=[f"{where} answered IAM policies that are not IAM's API ({type(exc).__name__}): "
                               f"{not_read}"])
    except OSError as exc:  # requests' connection errors are OSErrors
        return Policies(notes=[f"Pub/Sub IAM policies not read ({clean(type(exc).__name__, 60)}): {not_read}"])
    by_email: dict = {}
    notes = []
    for kind, path, found, members, more in results:
        notes += more
        loud = [n for n in more if n.startswith("PUBLIC")]
        if loud:
            out.public[path] = loud
        if members:
            out.members[path] = members
        for email, verb in found.items():
            g = by_email.setdefault(email, identities.Grants(email, email.split("@", 1)[0],
                                                             f"service account {email}"))
            (g.send if verb == "send" else g.receive).add(path)
    out.grants = [by_email[e] for e in sorted(by_email)]
    notes = sorted(set(notes), key=lambda n: (not n.startswith("PUBLIC"), n))
    if len(notes) > MAX_NOTES:
        notes = notes[:MAX_NOTES] + [f"... and {len(notes) - MAX_NOTES} more notes on IAM policies"]
    out.notes = notes
    return out


def _gcp(entry: dict) -> dict:
    return ((entry.get("adopt") or {}).get("gcp")) or {}


def name_services(data: dict, comments: dict, project: str, policies: Policies) -> list:
    """Turn the service accounts' grants into services of ``data`` (the document of ``adopt.document``), in place
    (clouds/identities.py), then record on each adopted channel the IAM members that exist already
    (``adopt.gcp.publishers``, ``subscribers``, ``subscriptions.<service>.subscribers``) so that the program imports
    them instead of creating them (clouds/gcp/imports.py). Returns notes for the report."""
    channel_of, subscription_of = {}, {}
    for cname, entry in (data.get("queues") or {}).items():
        a = _gcp(entry)
        if a.get("name"):
            channel_of[topic_path(project, a["name"])] = ("queue", cname)
        if a.get("subscription"):
            channel_of[subscription_path(project, a["subscription"])] = ("queue", cname)
    for tname, entry in (data.get("topics") or {}).items():
        a = _gcp(entry)
        if a.get("name"):
            channel_of[topic_path(project, a["name"])] = ("topic", tname)
        for svc, sub in (a.get("subscriptions") or {}).items():
            if sub.get("name"):
                subscription_of[subscription_path(project, sub["name"])] = (tname, svc)
    notes = identities.name_services(data, comments, policies.grants, channel_of, subscription_of,
                                     "gcp_service_account")
    for path, loud in sorted(policies.public.items()):  # in the file too, on the channel, not only on stderr
        owner = channel_of.get(path) or (("topic", subscription_of[path][0]) if path in subscription_of else None)
        if owner:
            key = ("queues" if owner[0] == "queue" else "topics", owner[1])
            comments[key] = comments.get(key, []) + loud
    _record_members(data, project, policies.members)
    return notes


def _record_members(data: dict, project: str, members: dict) -> None:
    queues, topics = data.get("queues") or {}, data.get("topics") or {}
    for svc, entry in (data.get("services") or {}).items():
        email = (entry.get("identity") or {}).get("gcp_service_account")
        if not email:
            continue
        member = f"serviceAccount:{email}"
        for cname in entry.get("publishes") or []:
            a = _gcp(queues.get(cname) or topics.get(cname) or {})
            if a.get("name") and (PUBLISHER, member) in members.get(topic_path(project, a["name"]), ()):
                a["publishers"] = sorted(set(a.get("publishers", [])) | {email})
        for cname in entry.get("consumes") or []:
            if cname in queues:
                a = _gcp(queues[cname])
                if a.get("subscription") and \
                        (SUBSCRIBER, member) in members.get(subscription_path(project, a["subscription"]), ()):
                    a["subscribers"] = sorted(set(a.get("subscribers", [])) | {email})
            elif cname in topics:
                sub = (_gcp(topics[cname]).get("subscriptions") or {}).get(svc)
                if sub and sub.get("name") and \
                        (SUBSCRIBER, member) in members.get(subscription_path(project, sub["name"]), ()):
                    sub["subscribers"] = sorted(set(sub.get("subscribers", [])) | {email})
