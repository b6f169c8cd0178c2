"""What `topowire import` and `topowire drift` share across clouds (pure Python, no SDK).

The readers (clouds/<cloud>/reader.py) turn what a cloud answers into plain data, bounded and validated; the
adopt modules turn that into a topology document; the drift modules compare it with what a file declares. What a
cloud answers is untrusted: every text shown goes through ``clean`` (and the reporters' escaping).
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from fnmatch import fnmatchcase

NAME_MAX = 63
MAX_PAGES = 10_000  # list pages of one read, every listing together (an ordinary read of the largest selection: ~5,000)
MISSING = "(missing)"
PENDING = "(not created yet: the first `pulumi up` creates it)"


class Calls:
    """A context manager around one cloud's SDK calls: each cloud's ``__exit__`` turns that SDK's errors into
    InputError (exit 1) with what to do; ``where`` names the account, namespace or project in the message."""

    def __init__(self, where: str):
        self.where = where

    def __enter__(self):
        return self


class Pages:
    """The pages of every listing of one read, counted as one total, and the next-page tokens each listing gave.

    The SDKs follow a next-page token for as long as the endpoint gives one (botocore stops only when a token repeats
    at once, the Azure and Google pagers never): a hostile or broken endpoint answering empty pages forever, or a
    token it gave before (A, B, A, ...), would never end a read, and counts of items do not grow on empty pages.
    ``each(pages, what, token)`` yields the pages of one listing (``what`` names it, e.g. "subscriptions of topic
    orders"), stopping with InputError (exit 1) past ``limit`` pages in all, or on a token that listing gave before.
    Thread-safe: the readers list concurrently."""

    def __init__(self, where: str, limit: int | None = None):
        self.where, self.limit, self.count = where, limit or MAX_PAGES, 0
        self.seen: set = set()
        self.lock = threading.Lock()

    def each(self, pages, what: str, token=lambda page: None):
        from ..errors import InputError

        for page in pages:
            next_token = token(page)
            with self.lock:
                self.count += 1
                if self.count > self.limit:
                    raise InputError(f"{self.where} answered more than {self.limit} pages of lists ({clean(what, 80)}): "
                                     "narrow the selection with --prefix or --pattern")
                if next_token:
                    key = (what, str(next_token)[:4096])
                    if key in self.seen:
                        raise InputError(f"{self.where} answered a next-page token it had given before while listing "
                                         f"{clean(what, 80)}: that list never ends; check --endpoint-url")
                    self.seen.add(key)
            yield page


def aws_token(page) -> str | None:
    """The next-page token of a botocore page (SQS and SNS: NextToken; IAM: Marker)."""
    return (page.get("NextToken") or page.get("Marker")) if isinstance(page, dict) else None


def clean(text, limit: int = 300) -> str:
    """A cloud's text for a message: printable, one line, bounded."""
    text = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    return text[:limit] + ("..." if len(text) > limit else "")


def selected(name: str, prefix: str | None, pattern: str | None) -> bool:
    return (not prefix or name.startswith(prefix)) and (not pattern or fnmatchcase(name, pattern))


def logical(physical: str, prefix: str | None, taken: set) -> str:
    """A topowire name for a physical name: the selection's prefix and '.fifo' dropped, lowercase, '-' only."""
    base = physical[:-5] if physical.endswith(".fifo") else physical
    if prefix and base.startswith(prefix) and len(base) > len(prefix):
        base = base[len(prefix):]
    base = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    if not base or not base[0].isalpha():
        base = "q-" + base if base else "channel"
    base = base[:NAME_MAX].rstrip("-")
    name, n = base, 2
    while name in taken:
        suffix = f"-{n}"
        name, n = base[:NAME_MAX - len(suffix)].rstrip("-") + suffix, n + 1
    taken.add(name)
    return name


def common_tags(all_tags: list, report: list, reserved: tuple = ()) -> dict:
    """The tags every resource has alike (the format tags every resource alike); the rest is reported."""
    common = dict(set.intersection(*(set(t.items()) for t in all_tags))) if all_tags else {}
    for k in sorted(common):
        if not re.match(r"^[A-Za-z][A-Za-z0-9_.:/=+@-]{0,62}\Z", k) or k.startswith(reserved) or \
                not isinstance(common[k], str) or len(common[k]) > 256:
            report.append(f"tag {clean(k, 64)!r}: not a tag key topowire writes (or the cloud's own); left out")
            del common[k]
    if any(set(t.items()) != set(common.items()) for t in all_tags):
        report.append("tags that only some resources have are not written: the format tags every resource alike "
                      "(an adopted resource keeps its own tags: they are not changed)")
    return dict(sorted(common.items()))


def progress_line(stream=sys.stderr, what: str = "queues and topics"):
    """A progress callback writing ``read N/M`` on a terminal, or None when ``stream`` is not one."""
    if not getattr(stream, "isatty", lambda: False)():
        return None

    def show(done, total):
        if done == total or done % 25 == 0:
            stream.write(f"\rread {done}/{total} {what}" + ("\n" if done == total else ""))
            stream.flush()
    return show


@dataclass(frozen=True)
class Row:
    """One attribute a file declares that the live resource does not have (`topowire drift`)."""

    resource: str  # "SQS queue shop-prod-jobs"
    attribute: str
    declared: str
    live: str

    def as_dict(self) -> dict:
        return {"resource": self.resource, "attribute": self.attribute, "declared": self.declared, "live": self.live,
                "drift": self.drift}

    @property
    def drift(self) -> bool:
        return self.live != PENDING


def exists_row(kind: str, name: str, adopted: bool, anything_adopted: bool) -> Row:
    """A declared resource that is not live: drift when it is adopted (or nothing is), else still to be created."""
    return Row(f"{kind} {name}", "exists", "yes", MISSING if adopted or not anything_adopted else PENDING)


def compare_attributes(rows: list, resource: str, declared: dict, live: dict) -> None:
    for attr, value in sorted(declared.items()):
        have = live.get(attr, "")
        if have != value:
            rows.append(Row(resource, attr, value, have or MISSING))


def check_endpoint(endpoint: str) -> str:
    """An emulator's or a recorded endpoint: an http(s) URL with a host and nothing else (InputError otherwise).
    It only ever gets a static token that is no one's, never the caller's credentials."""
    import urllib.parse

    from ..errors import InputError

    try:
        url = urllib.parse.urlsplit(endpoint)
        url.port  # noqa: B018 -- raises ValueError on a port that is not a number in range
    except ValueError:
        raise InputError(f"--endpoint-url {clean(endpoint, 100)!r} is not a URL; give e.g. http://localhost:8085") \
            from None
    if url.scheme.lower() not in ("http", "https") or not url.hostname or url.username is not None or \
            url.password is not None or url.query or url.fragment or any(ord(ch) < 33 or ord(ch) == 127
                                                                         for ch in endpoint):
        raise InputError(f"--endpoint-url {clean(endpoint, 100)!r}: give http(s)://host[:port] with no user, "
                         "password, query, fragment or whitespace, e.g. http://localhost:8085")
    return endpoint


def close_topic(data: tuple, cloud: str, tname: str, entry: dict, physical: str, subs: dict, consumed: bool,
                subscriber: str) -> None:
    """File one imported topic: its ``adopt.<cloud>`` (name and the subscriptions it keeps) into ``topics``, and a
    TODO consumer when nothing in the selection consumes it. ``data`` is (topics, services, comments, the service
    names taken)."""
    topics, services, comments, taken = data
    adopt = {"name": physical}
    if subs:
        adopt["subscriptions"] = subs
    entry["adopt"] = {cloud: adopt}
    topics[tname] = entry
    if not consumed:
        svc = logical(f"{tname}-consumer", None, taken)
        services[svc] = {"consumes": [tname]}
        comments[("services", svc)] = [f"TODO: topic {physical} has no {subscriber} in the selection; name its "
                                       "consumer or remove this service"]


def todo_consumer(data: tuple, cname: str, physical: str, broker: str) -> None:
    """A ``# TODO`` service consuming queue ``cname``: the broker does not say who reads a queue. ``data`` is
    (topics, services, comments, the service names taken); clouds/identities.py replaces it when the cloud says who reads the queue."""
    _topics, services, comments, taken = data
    svc = logical(f"{cname}-consumer", None, taken)
    services[svc] = {"consumes": [cname]}
    comments[("services", svc)] = [f"TODO: the service that consumes queue {physical} ({broker} does not say); "
                                   "rename it, add what it publishes and its identity"]


def sections(data: dict, queues: dict, topics: dict, services: dict) -> dict:
    """The imported document's queues, topics and services, each sorted by name (the empty ones left out)."""
    for key, section in (("queues", queues), ("topics", topics), ("services", services)):
        if section:
            data[key] = dict(sorted(section.items()))
    return data
