"""Read one Google Cloud project's Pub/Sub topics and subscriptions, read-only (google-cloud-pubsub's GAPIC
Publisher and Subscriber clients over REST; the only module that imports them, for `import` and `drift`).

Two paginated list calls (projects.topics.list, projects.subscriptions.list of the Pub/Sub v1 REST API,
cloud.google.com/pubsub/docs/reference/rest/v1; googleapis google/pubsub/v1/pubsub.proto Topic and Subscription),
kept as their REST JSON (protobuf's JSON mapping: camelCase, durations "600s"). What the project answers is
untrusted: ids must be Pub/Sub ids of this project, values of the proto's type, counts are totals (``MAX_*``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...errors import InputError
from ..adoption import Calls, Pages, check_endpoint, clean, selected

MAX_TOPICS = 5000
MAX_SUBSCRIPTIONS = 10000
MAX_LABELS = 64
MAX_TEXT = 1024
# \Z, not $: '$' also matches before a final newline (docs/reliability.md, round 4)
_ID = re.compile(r"^(?!goog)[A-Za-z][A-Za-z0-9._~%+-]{2,254}\Z")
_PROJECT = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]\Z")
_LABEL_KEY = re.compile(r"^[a-z][a-z0-9_-]{0,62}\Z")
_LABEL_VALUE = re.compile(r"^[a-z0-9_-]{0,63}\Z")
_SUB_KEYS = {"ackDeadlineSeconds": int, "messageRetentionDuration": str, "retainAckedMessages": bool,
             "enableMessageOrdering": bool, "filter": str, "enableExactlyOnceDelivery": bool, "state": (str, int),
             "detached": bool}
_NESTED = ("deadLetterPolicy", "retryPolicy", "expirationPolicy", "pushConfig", "bigqueryConfig",
           "cloudStorageConfig")
# The read-only IAM permissions import and drift need (docs/gcp.md#least-privilege; roles/pubsub.viewer has them).
PERMISSIONS = ("pubsub.topics.list", "pubsub.subscriptions.list")


@dataclass
class Topic:
    id: str
    labels: dict
    raw: dict


@dataclass
class Subscription:
    id: str
    topic: str | None  # the topic id in this project, or None (deleted, another project)
    labels: dict
    raw: dict


@dataclass
class Project:
    project: str
    endpoint: str | None
    topics: dict  # id -> Topic
    subscriptions: dict  # id -> Subscription
    skipped: list = field(default_factory=list)


def check_project(project: str) -> None:
    if not _PROJECT.match(project or ""):
        raise InputError(f"--project {clean(project, 60)!r} is not a Google Cloud project id (6 to 30 lowercase "
                         "letters, digits and '-'); pass --project or set GOOGLE_CLOUD_PROJECT")


def clients(endpoint: str | None = None) -> dict:
    """GAPIC Publisher and Subscriber clients over REST: the caller's Application Default Credentials, or for an
    emulator or a recording ``endpoint``, anonymous ones."""
    try:
        from google import pubsub_v1
        from google.auth.credentials import AnonymousCredentials
    except ImportError:
        raise InputError("topowire import and drift on GCP need google-cloud-pubsub: "
                         "pip install 'topowire[import-gcp]'") from None
    if endpoint:
        check_endpoint(endpoint)
        creds, options = AnonymousCredentials(), {"api_endpoint": endpoint.rstrip("/")}
    else:
        import google.auth
        from google.auth.exceptions import DefaultCredentialsError

        try:
            creds, _ = google.auth.default(scopes=["https://www.googleapis.com/auth/pubsub"])
        except DefaultCredentialsError:
            raise InputError("no Google Cloud credentials found: run `gcloud auth application-default login`, or set "
                             "GOOGLE_APPLICATION_CREDENTIALS to a service account key file, or run where a service "
                             "account is attached") from None
        options = None
    return {"publisher": pubsub_v1.PublisherClient(credentials=creds, transport="rest", client_options=options),
            "subscriber": pubsub_v1.SubscriberClient(credentials=creds, transport="rest", client_options=options)}


class _Calls(Calls):
    """Turn google-api-core's and google-auth's errors into exit-1 messages that say what to do."""

    def __exit__(self, typ, exc, tb):
        if exc is None or isinstance(exc, InputError):
            return False
        from google.api_core import exceptions as gexc
        from google.auth import exceptions as aexc

        if isinstance(exc, (gexc.PermissionDenied, gexc.Forbidden)):
            raise InputError(f"{self.where} denied a read ({clean(exc.message, 120)}): grant roles/pubsub.viewer "
                             "(docs/gcp.md#least-privilege)") from None
        if isinstance(exc, (gexc.Unauthenticated, gexc.Unauthorized, aexc.RefreshError)):
            raise InputError(f"{self.where} refused the credentials: run `gcloud auth application-default login` "
                             "again") from None
        if isinstance(exc, aexc.DefaultCredentialsError):
            raise InputError("no Google Cloud credentials found: run `gcloud auth application-default login`") \
                from None
        if isinstance(exc, gexc.NotFound):
            raise InputError(f"{self.where}: project not found ({clean(exc.message, 120)}): check --project") from None
        if isinstance(exc, (gexc.ServiceUnavailable, gexc.RetryError, gexc.DeadlineExceeded, aexc.TransportError)):
            raise InputError(f"cannot reach {self.where}: {clean(exc, 200)}. Check --endpoint-url and the network") \
                from None
        if isinstance(exc, gexc.GoogleAPICallError):
            raise InputError(f"{self.where} answered {clean(exc.code, 10)} {clean(exc.message, 200)}") from None
        try:
            import requests
        except ImportError:  # pragma: no cover - google-auth's REST transport depends on it
            requests = None
        if requests is not None and isinstance(exc, requests.exceptions.RequestException):
            raise InputError(f"cannot reach {self.where}: {clean(exc, 200)}. Check --endpoint-url and the network") \
                from None
        from google.protobuf.json_format import ParseError

        if isinstance(exc, (ValueError, TypeError, KeyError, ParseError)):
            raise InputError(f"{self.where} answered what is not Pub/Sub's REST API: {clean(exc, 200)}") from None
        return False


def _json(message) -> dict:
    from google.protobuf.json_format import MessageToDict

    return MessageToDict(message._pb if hasattr(message, "_pb") else message)


def _labels(raw: dict, skipped: list, what: str) -> dict:
    labels = raw.get("labels")
    out = {}
    for k, v in sorted((labels if isinstance(labels, dict) else {}).items()):
        if isinstance(k, str) and isinstance(v, str) and _LABEL_KEY.match(k) and _LABEL_VALUE.match(v):
            out[k] = v
        else:
            skipped.append(f"{what}: a label that is not a GCP label; left out")
    if len(out) > MAX_LABELS:
        skipped.append(f"{what}: more than {MAX_LABELS} labels; the first {MAX_LABELS} are kept")
        out = dict(list(out.items())[:MAX_LABELS])
    return out


def _subscription_raw(raw: dict) -> dict:
    out = {}
    for k, typ in _SUB_KEYS.items():
        v = raw.get(k)
        if isinstance(v, typ) and not (typ is int and isinstance(v, bool)) and len(str(v)) <= MAX_TEXT:
            out[k] = v
    for k in _NESTED:
        v = raw.get(k)
        if isinstance(v, dict):
            out[k] = {kk: vv for kk, vv in v.items() if isinstance(kk, str) and len(kk) <= 64 and
                      isinstance(vv, (str, int, bool, dict)) and len(str(vv)) <= MAX_TEXT}
    return out


def _items(pages: Pages, pager, what: str):
    """The items of a GAPIC list pager, its pages bounded and its next-page tokens checked (``Pages``)."""
    for page in pages.each(pager.pages, what, lambda page: getattr(page, "next_page_token", None)):
        yield from getattr(page, what)


def resource_id(name, project: str, kind: str):
    """The id of ``projects/<project>/<kind>/<id>``, or None when it is not one of this project."""
    prefix = f"projects/{project}/{kind}/"
    if isinstance(name, str) and name.startswith(prefix) and _ID.match(name[len(prefix):]):
        return name[len(prefix):]
    return None


def read(made: dict, project: str, endpoint: str | None = None, prefix: str | None = None,
         pattern: str | None = None, progress=None, names: set | None = None) -> Project:
    """The selected topics, the dead-letter topics their subscriptions name, and the subscriptions of all of them
    (``names``: exactly these topics, for drift)."""
    check_project(project)
    where = endpoint or f"Pub/Sub in project {project}"
    skipped: list = []
    topics, subs = {}, {}
    pages = Pages(where)
    with _Calls(where):
        listed = 0  # every item listed counts, also those left out and those listed twice
        for t in _items(pages, made["publisher"].list_topics(request={"project": f"projects/{project}",
                                                                     "page_size": 1000}, timeout=30), "topics"):
            listed += 1
            if listed > MAX_TOPICS:
                raise InputError(f"{where} lists more than {MAX_TOPICS} topics: narrow the selection with --prefix "
                                 "or --pattern")
            raw = _json(t)
            tid = resource_id(raw.get("name"), project, "topics")
            if tid is None:
                skipped.append(f"topic {clean(raw.get('name'), 120)!r}: not a Pub/Sub topic of project {project}; "
                               "left out")
                continue
            topics[tid] = Topic(tid, _labels(raw, skipped, f"topic {tid}"),
                                {k: raw[k] for k in ("messageRetentionDuration", "kmsKeyName") if
                                 isinstance(raw.get(k), str) and len(raw[k]) <= MAX_TEXT})
        listed = 0
        for s in _items(pages, made["subscriber"].list_subscriptions(
                request={"project": f"projects/{project}", "page_size": 1000}, timeout=30), "subscriptions"):
            listed += 1
            if listed > MAX_SUBSCRIPTIONS:
                raise InputError(f"{where} lists more than {MAX_SUBSCRIPTIONS} subscriptions: narrow the selection")
            raw = _json(s)
            sid = resource_id(raw.get("name"), project, "subscriptions")
            if sid is None:
                skipped.append(f"subscription {clean(raw.get('name'), 120)!r}: not a Pub/Sub subscription of "
                               f"project {project}; left out")
                continue
            subs[sid] = Subscription(sid, resource_id(raw.get("topic"), project, "topics"),
                                     _labels(raw, skipped, f"subscription {sid}"), _subscription_raw(raw))
    wanted = {t for t in topics if (t in names if names is not None else selected(t, prefix, pattern))}
    for s in list(subs.values()):  # the dead-letter topics of the selected subscriptions come with them
        if s.topic in wanted:
            dlq = resource_id((s.raw.get("deadLetterPolicy") or {}).get("deadLetterTopic"), project, "topics")
            if dlq in topics:
                wanted.add(dlq)
    kept_subs = {sid: s for sid, s in sorted(subs.items()) if s.topic in wanted}
    if progress:
        progress(len(wanted), len(wanted))
    return Project(project, endpoint, {t: topics[t] for t in sorted(wanted)}, kept_subs, sorted(set(skipped)))


def seconds(duration) -> int | None:
    """Seconds of a protobuf JSON duration ("600s", "3.5s"), or None."""
    m = re.match(r"^(\d{1,12})(?:\.\d{1,9})?s\Z", duration) if isinstance(duration, str) else None
    return int(m.group(1)) if m else None
