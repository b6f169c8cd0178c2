"""`topowire plan [FILE] --cloud aws|azure|gcp [--format text|json]`: what `pulumi up` would create, offline."""

from __future__ import annotations

import json
import sys
from collections import Counter

from .. import output
from .commands import COMMANDS
from ..errors import InputError
from ..errors import EXIT_OK
from ..model import CLOUDS
from .stack import add_stack_argument
from .options import add_root


def add_parser(sub):
    p = sub.add_parser("plan", help=COMMANDS["plan"],
                       description="Run the Pulumi program under Pulumi's mock engine: no CLI, no credentials, no "
                                   "cloud calls. Prints every resource it registers.")
    p.add_argument("file", nargs="?", default="topology.yaml", metavar="FILE",
                   help="topology file (default: topology.yaml)")
    p.add_argument("--cloud", required=True, choices=CLOUDS, help="the cloud to plan for")
    p.add_argument("--format", choices=("text", "json"), default="text", help="output format (default: text)")
    p.add_argument("--region", help="region to show in ARNs and URLs (default: us-east-1 on AWS)")
    p.add_argument("--endpoint-url", dest="endpoint",
                   help="aws: plan for an emulator (moto server, LocalStack), as stack config 'endpoint' does; a "
                        "file whose accounts.aws names an endpoint is planned only for that one")
    add_stack_argument(p)
    add_root(p)
    p.set_defaults(run=run)
    return p


# The input that names the resource itself, most specific first: an Azure resource also names its parents
# (a rule its subscription, topic, namespace and resource group), so a container's name comes last.
PHYSICAL_NAME_KEYS = ("name", "ruleName", "roleAssignmentName", "subscriptionName", "queueName", "topicName",
                      "resourceName", "namespaceName", "accountId", "displayName", "resourceGroupName")


def tree(plan, notes: dict | None = None) -> str:
    by_parent: dict = {}
    for r in plan.resources:
        by_parent.setdefault(r.parent, []).append(r)
    lines = [f"Plan of {plan.file} on {plan.cloud}, stack {plan.stack} (Pulumi mock engine: no cloud calls, "
             "no credentials)", ""]

    names = {r.urn: r.name for r in plan.resources}

    def walk(parent, depth):
        for r in by_parent.get(parent, []):
            physical = next((r.inputs[k] for k in PHYSICAL_NAME_KEYS if isinstance(r.inputs.get(k), str)), None)
            extra = f"  {physical}" if physical and physical != r.name and r.custom else ""
            flag = "  [protected]" if r.protect else ""
            if r.replace_on_changes:
                flag += f"  [replaced if {', '.join(r.replace_on_changes)} change]"
            if r.explicit_depends_on:
                flag += "  [after " + ", ".join(names.get(u, u) for u in r.explicit_depends_on) + "]"
            if r.import_id:
                flag += f"  [import {r.import_id}]"
            lines.append(f"{'  ' * depth}{'=' if r.import_id else '+'} {r.type}  {r.name}{extra}{flag}")
            walk(r.urn, depth + 1)

    roots = [r for r in plan.resources if r.parent is None or r.parent not in {x.urn for x in plan.resources}]
    for r in roots:
        by_parent.setdefault("__root__", []).append(r)
    walk("__root__", 0)
    counts = Counter(r.type for r in plan.resources if r.custom)
    components = sum(1 for r in plan.resources if not r.custom and r.type != "pulumi:pulumi:Stack")
    imported = sum(1 for r in plan.resources if r.import_id)
    what = f"({sum(counts.values()) - imported} to create, {imported} to import: =)" if imported else "to create"
    lines += ["", f"{sum(counts.values())} resources {what} ({components} components):"]
    width = max((len(str(n)) for n in counts.values()), default=1)
    lines += [f"  {n:>{width}}  {t}" for t, n in sorted(counts.items())]
    protected = sum(1 for r in plan.resources if r.protect)
    lines.append(f"  {protected} protected: 'pulumi destroy' refuses to delete them until 'protect: false'")
    from ..plan import adoption
    lines += adoption.text(adoption.first_up(plan, notes))
    return "\n".join(lines) + "\n"


def run(args) -> int:
    from ..plan import progress
    from ..plan.engine import run as run_plan

    counter = progress.Counter(f"planning {args.file} on {args.cloud}") \
        if progress.wanted(sys.stderr, args.format) else None
    try:
        # The program validates first; an invalid file raises InputError with `topowire validate`'s diagnostics.
        if args.endpoint and args.cloud != "aws":
            raise InputError("--endpoint-url is for --cloud aws (an AWS emulator)")
        if args.endpoint:
            from ..clouds.adoption import check_endpoint

            check_endpoint(args.endpoint)
        plan = run_plan(args.file, args.cloud, region=args.region, endpoint=args.endpoint, stack=args.stack,
                        root=args.root, progress=counter)
    finally:
        if counter:
            counter.close()
    if args.format == "json":
        encoder = json.JSONEncoder(indent=2, sort_keys=True)
        from ..plan import adoption
        doc = plan.as_dict()
        changes = adoption.first_up(plan, adoption.resource_notes(plan, args.root))
        if changes:
            doc["firstUp"] = [c.as_dict() for c in changes]
        for piece in output.pieces(encoder.iterencode(doc), "the plan"):
            sys.stdout.write(piece)
        sys.stdout.write("\n")
    else:
        from ..plan import adoption
        sys.stdout.write(output.check(tree(plan, adoption.resource_notes(plan, args.root)), "the plan"))
    return EXIT_OK
