"""`topowire local up|smoke`: the topology on a local AWS emulator, messages flowing."""

from __future__ import annotations

import json
import sys
import threading
from collections import Counter

from .commands import COMMANDS
from ..errors import EXIT_INVALID, EXIT_OK
from .stack import add_stack_argument
from .options import add_root
from ..words import plural


def add_parser(sub):
    p = sub.add_parser("local", help=COMMANDS["local"],
                       description="Deploy the AWS program into an AWS emulator and drive messages through it.")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True

    up = verbs.add_parser("up", help="deploy into an emulator and print each service's environment",
                          description="Without --endpoint: start an embedded emulator (moto's server, on a free "
                                      "loopback port), deploy, print what services need, and serve until Ctrl-C. "
                                      "With --endpoint: deploy into that emulator and exit. Idempotent.")
    up.add_argument("file", nargs="?", default="topology.yaml", metavar="FILE",
                    help="topology file (default: topology.yaml)")
    where = up.add_mutually_exclusive_group()
    where.add_argument("--endpoint", help="an emulator already running (moto server, LocalStack), e.g. "
                                          "http://localhost:4566")
    where.add_argument("--port", type=_port, help="the embedded emulator's port on 127.0.0.1, so that services "
                                                   "find it at the same URL every time (default: a free port)")
    up.add_argument("--format", choices=("text", "json"), default="text",
                    help="text for people, json for tools (default: text)")
    add_stack_argument(up)
    add_root(up)
    up.set_defaults(run=run_up)

    smoke = verbs.add_parser("smoke", help="start an emulator, deploy, and drive messages through every route",
                             description="Self-contained: starts the embedded emulator, deploys, sends real "
                                         "messages through every route and checks routing, filtering, dead-lettering "
                                         "and FIFO order. Exit 1 on any failure.")
    smoke.add_argument("file", nargs="?", default="topology.yaml", metavar="FILE",
                       help="topology file (default: topology.yaml)")
    smoke.add_argument("--format", choices=("text", "json"), default="text",
                       help="text: each route as it is checked; json: every route at the end (default: text)")
    add_stack_argument(smoke)
    add_root(smoke)
    smoke.set_defaults(run=run_smoke)
    return p


def _port(text: str) -> int:
    import argparse

    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port (1..65535)")
    return int(text)


def _summary(local) -> str:
    names = {"aws:sqs/queue:Queue": "queue", "aws:sns/topic:Topic": "topic",
             "aws:sns/topicSubscription:TopicSubscription": "subscription", "aws:iam/policy:Policy": "IAM policy",
             "aws:cloudwatch/metricAlarm:MetricAlarm": "alarm"}
    counts = Counter(t for t, _ in local.deployed.created)
    parts = [plural(counts[t], label) for t, label in names.items() if counts[t]]
    return (f"Deployed {local.topology.name} (stack {local.topology.stack}, prefix {local.topology.prefix}) into "
            f"{local.endpoint}: {', '.join(parts)}")


def _print_env(local, fmt: str) -> None:
    services = {name: s["env"] for name, s in local.outputs["services"].items()}
    if fmt == "json":
        print(json.dumps({"endpoint": local.endpoint, "services": services, "outputs": local.outputs,
                          "not_checked": local.unchecked}, indent=2, sort_keys=True))
        return
    print(_summary(local))
    for name, env in services.items():
        print(f"\n{name}:")
        for key, value in env.items():
            print(f"  {key}={value}")
    if local.unchecked:
        print("\nnot checked by the emulator:")
        for line in local.unchecked:
            print(f"  - {line}")
    sys.stdout.flush()


def run_up(args) -> int:
    from ..local import deploy, emulator

    if args.endpoint:
        local = deploy.up(args.file, args.endpoint, stack=args.stack, root=args.root)
        _print_env(local, args.format)
        return EXIT_OK
    with emulator.embedded(args.port) as endpoint:
        local = deploy.up(args.file, endpoint, stack=args.stack, root=args.root, embedded=True)
        _print_env(local, args.format)
        if args.format == "text":
            print(f"\nServing on {endpoint}; Ctrl-C to stop (everything above is lost with it).", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
    return EXIT_OK


def run_smoke(args) -> int:
    from ..local import deploy, emulator
    from ..local.smoke import Smoke

    text = args.format == "text"

    def progress(route):  # each route once, as it is checked
        if text:
            print(f"  {'ok  ' if route.ok else 'FAIL'} {route.kind:<11} {route.name}: {route.detail}", flush=True)

    with emulator.embedded() as endpoint:
        if text:
            print(f"emulator on {endpoint}; deploying {args.file}", flush=True)
        local = deploy.up(args.file, endpoint, stack=args.stack, root=args.root, embedded=True)
        if text:
            print(_summary(local), flush=True)
            print("driving messages through every route:", flush=True)
        smoke = Smoke(local.topology, local.outputs, local.clients, progress, unchecked=local.unchecked)
        routes = smoke.run()
    failed = [r for r in routes if not r.ok]
    if args.format == "json":
        print(json.dumps({"file": args.file, "passed": not failed, "not_checked": smoke.unchecked,
                          "routes": [r.__dict__ for r in routes]}, indent=2, sort_keys=True))
    else:
        if smoke.unchecked:
            print("\nnot checked by the emulator:")
            for line in smoke.unchecked:
                print(f"  - {line}")
        verdict = "all passed" if not failed else f"{len(routes) - len(failed)} passed, {len(failed)} failed"
        print(f"\n{plural(len(routes), 'route')} checked: {verdict}")
    return EXIT_INVALID if failed else EXIT_OK
