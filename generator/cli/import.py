"""`topowire import aws|azure|gcp [-o FILE]`: read a live account read-only and write a topology.yaml that adopts
it."""

from __future__ import annotations

import re
import sys

from .commands import COMMANDS
from ..errors import EXIT_OK, InputError

CLOUDS = ("aws", "azure", "gcp")


def add_parser(sub):
    p = sub.add_parser("import", help=COMMANDS["import"],
                       description="Read queues, topics and subscriptions of a live account (read-only calls only: "
                                   "docs/aws.md, docs/azure.md, docs/gcp.md #least-privilege) and write a "
                                   "topology.yaml that keeps their names (adopt) and settings, so that `pulumi up` "
                                   "imports them instead of creating new ones. Review the TODO and NOT TRANSLATED "
                                   "comments it writes.")
    p.add_argument("cloud", choices=CLOUDS, help="the cloud to read")
    p.add_argument("-o", "--output", default="topology.yaml", metavar="FILE",
                   help="the file to write (default: topology.yaml; '-' for standard output); never through a "
                        "symbolic link or into .git, as every output of topowire")
    p.add_argument("--force", action="store_true", help="overwrite FILE when it exists")
    p.add_argument("--name", default="adopted", help="the topology's name (default: adopted)")
    p.add_argument("--region", default="us-east-1", help="aws: the region to read (default: us-east-1)")
    p.add_argument("--endpoint-url", dest="endpoint",
                   help="an emulator's or a recording's endpoint (moto server, LocalStack, a Pub/Sub emulator): "
                        "it gets no credentials of yours")
    p.add_argument("--profile", help="aws: the profile to read with (default: the usual credential chain)")
    p.add_argument("--subscription", help="azure: the subscription id (default: AZURE_SUBSCRIPTION_ID)")
    p.add_argument("--resource-group", dest="resource_group", help="azure: the namespace's resource group")
    p.add_argument("--namespace", help="azure: the Service Bus namespace to read")
    p.add_argument("--project", help="gcp: the project id (default: GOOGLE_CLOUD_PROJECT)")
    p.add_argument("--prefix", help="only queues and topics whose names start with this (dropped from the YAML names)")
    p.add_argument("--pattern", help="only names matching this shell pattern, e.g. 'shop-*-events*'")
    p.add_argument("--no-iam", dest="iam", action="store_false",
                   help="do not read who may send and receive (by default, an AWS IAM role whose policies, an Azure "
                        "principal whose role assignments or a GCP service account whose IAM bindings grant sending "
                        "to or receiving from a selected queue, topic or subscription becomes a service with that "
                        "identity)")
    p.set_defaults(run=run)
    return p


def _aws(args):
    from ..clouds.aws import adopt, reader

    if not re.match(r"^[a-z]{2}(-[a-z]+)+-[0-9]\Z", args.region):
        raise InputError(f"--region {args.region!r} is not an AWS region name, e.g. eu-west-1")
    made = reader.clients(args.region, args.endpoint, args.profile)
    account = reader.read(made, args.region, args.endpoint, args.prefix, args.pattern,
                          progress=reader.progress_line(sys.stderr))
    if not account.queues and not account.topics:
        raise InputError(f"no queue or topic of {args.endpoint or 'AWS in ' + args.region} matches the selection "
                         f"(prefix {args.prefix!r}, pattern {args.pattern!r})")
    data, comments, report = adopt.document(account, args.name, args.prefix)
    if args.iam and made.get("iam") is not None:
        from ..clouds.aws import principals

        arns = {q.arn for q in account.queues.values()} | {t.arn for t in account.topics.values()}
        grants, notes = principals.read(made["iam"], arns, args.endpoint or f"AWS in {args.region}")
        report = sorted(set(report) | set(notes) | set(principals.name_services(data, comments, account, grants)))
    where = f"account {account.account} in {account.region}"
    return data, comments, report, where


def _azure(args):
    import os

    from ..clouds.adoption import progress_line
    from ..clouds.azure import adopt, reader

    subscription = args.subscription or os.environ.get("AZURE_SUBSCRIPTION_ID", "")
    if not subscription or not args.resource_group or not args.namespace:
        raise InputError("topowire import azure needs --subscription (or AZURE_SUBSCRIPTION_ID), --resource-group "
                         "and --namespace: the Service Bus namespace to read")
    reader.check_location(subscription, args.resource_group, args.namespace)
    sb = reader.client(subscription, args.endpoint)
    ns = reader.read(sb, subscription, args.resource_group, args.namespace, args.endpoint, args.prefix, args.pattern,
                     progress=progress_line(sys.stderr, "topics"))
    if not ns.queues and not ns.topics:
        raise InputError(f"no queue or topic of namespace {args.namespace} matches the selection "
                         f"(prefix {args.prefix!r}, pattern {args.pattern!r})")
    data, comments, report = adopt.document(ns, args.name, args.prefix)
    if args.iam:
        from ..clouds.azure import principals

        auth = reader.authorization_client(subscription, args.endpoint)
        if auth is None:
            found = principals.Read(notes=["role assignments not read (azure-mgmt-authorization is not installed: "
                                           "pip install 'topowire[import-azure]'): the services stay TODO placeholders"])
        else:
            found = principals.read(auth, ns)
        report = sorted(set(report) | set(found.notes) | set(principals.name_services(data, comments, ns, found)))
    return data, comments, report, f"namespace {ns.name} (resource group {ns.resource_group})"


def _gcp(args):
    import os

    from ..clouds.adoption import progress_line
    from ..clouds.gcp import adopt, reader

    project = args.project or os.environ.get("GOOGLE_CLOUD_PROJECT", "")
    reader.check_project(project)
    made = reader.clients(args.endpoint)
    live = reader.read(made, project, args.endpoint, args.prefix, args.pattern,
                       progress=progress_line(sys.stderr, "topics"))
    if not live.topics:
        raise InputError(f"no topic of project {project} matches the selection (prefix {args.prefix!r}, pattern "
                         f"{args.pattern!r})")
    data, comments, report = adopt.document(live, args.name, args.prefix)
    if args.iam:
        from ..clouds.gcp import principals

        policies = principals.read(made, project, live.topics, live.subscriptions, args.endpoint or f"project {project}")
        report = sorted(set(report) | set(policies.notes) |
                        set(principals.name_services(data, comments, project, policies)))
    return data, comments, report, f"project {project}"


def run(args) -> int:
    from ..model import PREFIX_PATTERN
    from .. import yamlwrite
    from ..confine import Output
    from ..escape import terminal

    if not PREFIX_PATTERN.match(args.name) or len(args.name) > 63:
        raise InputError(f"--name {args.name!r} is not a topology name: lowercase letters, digits and '-'")
    # -o keeps the rules of every output (confine.Output): never through a symbolic link, never into .git, never out
    # of the repository; checked before the cloud is read
    out = None if args.output == "-" else Output(args.output, "import output (-o)")
    if out is not None and out.current() is not None and not args.force:
        raise InputError(f"{terminal(args.output)} exists: pass --force to overwrite it, or -o another file")
    data, comments, report, where = {"aws": _aws, "azure": _azure, "gcp": _gcp}[args.cloud](args)
    header = [f"Adopted by `topowire import {args.cloud}` from {where}.",
              f"Review every TODO and NOT TRANSLATED comment, then `topowire validate` and `topowire plan --cloud "
              f"{args.cloud}" + (f" --endpoint-url {args.endpoint}" if args.cloud == "aws" and args.endpoint else "")
              + "`:",
              "each resource it adopts shows [import ...] and the plan lists what the first `pulumi up` adds."]
    text = yamlwrite.dump(data, comments, header)
    if out is None:
        sys.stdout.write(text)
    else:
        out.write(text)
    n_subs = sum(len((t.get("adopt", {}).get(args.cloud, {}).get("subscriptions") or {}))
                 for t in data.get("topics", {}).values())
    print(f"topowire: adopted {len(data.get('queues', {}))} queues, {len(data.get('topics', {}))} topics, "
          f"{n_subs} subscriptions{'' if out is None else ' into ' + terminal(args.output)}", file=sys.stderr)
    for line in report:
        print(f"  note: {terminal(line)}", file=sys.stderr)
    return EXIT_OK
