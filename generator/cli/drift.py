"""`topowire drift [FILE] --cloud aws|azure|gcp [--stack S]`: the live resources against what the topology declares."""

from __future__ import annotations

import json
import sys

from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK, InputError
from .stack import add_stack_argument
from .options import add_root


def add_parser(sub):
    p = sub.add_parser("drift", help=COMMANDS["drift"],
                       description="Read the stack's queues, topics and subscriptions (read-only calls only) and "
                                   "print every attribute whose live value differs from the file's. Exit 0 in sync, "
                                   "1 on drift or error.")
    p.add_argument("file", nargs="?", default="topology.yaml", metavar="FILE",
                   help="topology file (default: topology.yaml)")
    p.add_argument("--cloud", required=True, choices=("aws", "azure", "gcp"), help="the cloud to compare with")
    p.add_argument("--format", choices=("text", "json", "markdown"), default="text",
                   help="text for people, json for tools, markdown for a CI summary (default: text)")
    p.add_argument("--region", help="the AWS region (default: accounts.aws.region of the stack, else us-east-1)")
    p.add_argument("--endpoint-url", dest="endpoint", help="an emulator's or a recording's endpoint (moto server, "
                   "LocalStack, a Pub/Sub emulator); never taken from the file, and given no credentials of yours")
    p.add_argument("--profile", help="the AWS profile to read with")
    p.add_argument("--subscription", help="azure: the subscription id (default: accounts.azure of the stack)")
    p.add_argument("--resource-group", dest="resource_group", help="azure: the resource group (default: accounts.azure)")
    p.add_argument("--namespace", help="azure: the Service Bus namespace (default: accounts.azure)")
    p.add_argument("--project", help="gcp: the project id (default: accounts.gcp.project of the stack)")
    add_stack_argument(p)
    add_root(p)
    p.set_defaults(run=run)
    return p


# A CI summary takes at most 1 MiB (GitHub's step summary), and a cloud's values can be 256 KB each (a filter policy):
# the Markdown lists this many rows, each value cut at this many characters; --format json keeps everything.
MAX_MARKDOWN_ROWS = 500
MAX_MARKDOWN_VALUE = 500


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_MARKDOWN_VALUE else \
        text[:MAX_MARKDOWN_VALUE] + f"... ({len(text) - MAX_MARKDOWN_VALUE} more characters)"


def _cell(text: str) -> str:
    from ..escape import terminal

    return terminal(text)


def render(rows: list, fmt: str, stack: str) -> str:
    if fmt == "json":
        return json.dumps({"stack": stack, "in_sync": not any(r.drift for r in rows), "drift": [r.as_dict() for r in rows]},
                          indent=2, sort_keys=True) + "\n"
    if fmt == "markdown":
        from ..escape import md_cell_code as markdown_cell

        if not rows:
            return f"No drift: stack `{stack}` matches the topology.\n"
        lines = [f"Drift of stack `{stack}`: {len(rows)} attribute(s)", "",
                 "| resource | attribute | declared | live |", "| --- | --- | --- | --- |"]
        lines += ["| " + " | ".join(markdown_cell(_short(x)) for x in (r.resource, r.attribute, r.declared, r.live))
                  + " |" for r in rows[:MAX_MARKDOWN_ROWS]]
        if len(rows) > MAX_MARKDOWN_ROWS:
            lines += ["", f"... and {len(rows) - MAX_MARKDOWN_ROWS} more: `topowire drift --format json` lists them all"]
        return "\n".join(lines) + "\n"
    if not rows:
        return f"in sync: stack {stack} matches the topology\n"
    table = [("RESOURCE", "ATTRIBUTE", "DECLARED", "LIVE")] + \
        [tuple(_cell(x)[:200] for x in (r.resource, r.attribute, r.declared, r.live)) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in table]
    n = sum(1 for r in rows if r.drift)
    return "\n".join(lines) + (f"\n{n} attribute(s) drifted\n" if n else "\nin sync (what is listed is still to be created)\n")


def _aws(args, topo):
    from ..clouds.aws import drift, reader, spec

    loc = spec.location(topo)
    region = args.region or (loc[1] if loc else "us-east-1")
    made = reader.clients(region, args.endpoint, args.profile)
    queue_names, topic_names = drift.names(topo)
    if not queue_names and not topic_names:
        raise InputError(f"{args.file} declares no queue or topic for stack {args.stack}: nothing to compare")
    import os.path

    # listing only the names that start like the stack's (SQS filters by prefix server-side)
    account = reader.read(made, region, args.endpoint, os.path.commonprefix(sorted(queue_names)) or None,
                          names=queue_names, topic_names=topic_names,
                          progress=reader.progress_line(sys.stderr))
    return drift.compare(topo, account)


def _azure(args, topo):
    from ..clouds.adoption import progress_line
    from ..clouds.azure import drift, imports, reader

    loc = imports.location(topo) or (None, None, None)
    subscription, group, namespace = (args.subscription or loc[0], args.resource_group or loc[1],
                                      args.namespace or loc[2])
    if not (subscription and group and namespace):
        raise InputError(f"{args.file} has no accounts.azure for stack {args.stack}: pass --subscription, "
                         "--resource-group and --namespace")
    reader.check_location(subscription, group, namespace)
    queue_names, topic_names = drift.names(topo)
    if not queue_names and not topic_names:
        raise InputError(f"{args.file} declares no queue or topic for stack {args.stack}: nothing to compare")
    ns = reader.read(reader.client(subscription, args.endpoint), subscription, group, namespace, args.endpoint,
                     names=queue_names, topic_names=topic_names, progress=progress_line(sys.stderr, "topics"))
    return drift.compare(topo, ns)


def _gcp(args, topo):
    from ..clouds.adoption import progress_line
    from ..clouds.gcp import drift, imports, reader

    project = args.project or imports.project(topo)
    if not project:
        raise InputError(f"{args.file} has no accounts.gcp for stack {args.stack}: pass --project")
    reader.check_project(project)
    topic_ids, sub_ids = drift.names(topo)
    if not topic_ids:
        raise InputError(f"{args.file} declares no queue or topic for stack {args.stack}: nothing to compare")
    live = reader.read(reader.clients(args.endpoint), project, args.endpoint, names=topic_ids,
                       progress=progress_line(sys.stderr, "topics"))
    return drift.compare(topo, live)


def run(args) -> int:
    from ..check import load_topology

    topo, _warnings = load_topology(args.file, clouds=(args.cloud,), stack=args.stack, root=args.root)
    rows = {"aws": _aws, "azure": _azure, "gcp": _gcp}[args.cloud](args, topo)
    sys.stdout.write(render(rows, args.format, args.stack))
    return EXIT_INVALID if any(r.drift for r in rows) else EXIT_OK
