"""`topowire import aws` and `topowire drift` at scale on moto's server, against the floor (bench/adopt_floor.py).

    python bench/adopt.py [--queues 1000] [--subscriptions 300] [--runs 3] [--out bench/ADOPT.md]

The account: N queues of a team (every fifth with a DLQ), 30 topics with the subscriptions spread over them (their
own queues, every other one filtered) and 50 queues of another team. Goal (issue 28): import and drift each within
1.5x the floor's wall-clock time, each a fresh process, medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOAL = 1.5


def populate(made: dict, queues: int, subscriptions: int) -> None:
    sqs, sns = made["sqs"], made["sns"]

    def queue(i):
        name = f"team-q{i:04d}"
        if i % 5 == 0:
            dlq = sqs.create_queue(QueueName=name + "-dlq")["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": arn, "maxReceiveCount": 5})}, tags={"team": "t"})
        else:
            sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "60"}, tags={"team": "t"})

    topics = [sns.create_topic(Name=f"team-t{j:02d}")["TopicArn"] for j in range(30)]

    def sub(k):
        t = topics[k % len(topics)]
        url = sqs.create_queue(QueueName=f"team-t{k % len(topics):02d}-s{k:03d}")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        attrs = {"FilterPolicy": json.dumps({"kind": ["a", "b"]})} if k % 2 else {}
        sns.subscribe(TopicArn=t, Protocol="sqs", Endpoint=arn, Attributes=attrs)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(queue, range(queues - subscriptions - queues // 5)))
        # moto's SNS subscribe is not thread-safe (it iterates its subscriptions while another call adds one)
        for k in range(subscriptions):
            sub(k)
        list(pool.map(lambda i: sqs.create_queue(QueueName=f"other-q{i:03d}"), range(50)))


def timed(cmd: list, runs: int) -> float:
    walls = []
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True)
        walls.append(time.perf_counter() - start)
        if proc.returncode not in (0, 1):
            raise SystemExit(f"{cmd} failed: {proc.stderr.decode()[-2000:]}")
    return statistics.median(walls)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--queues", type=int, default=1000)
    ap.add_argument("--subscriptions", type=int, default=300)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--out", default=str(ROOT / "bench" / "ADOPT.md"))
    args = ap.parse_args(argv)
    from generator.local import emulator

    py = sys.executable
    with emulator.embedded() as ep, tempfile.TemporaryDirectory() as work:
        populate(emulator.clients(ep), args.queues, args.subscriptions)
        path = Path(work) / "topology.yaml"
        imp = [py, "-m", "generator", "import", "aws", "--endpoint-url", ep, "--prefix", "team-", "--name", "team",
               "-o", str(path), "--force"]
        floor = timed([py, str(ROOT / "bench" / "adopt_floor.py"), ep], args.runs)
        t_import = timed(imp, args.runs)
        t_drift = timed([py, "-m", "generator", "drift", str(path), "--cloud", "aws", "--endpoint-url", ep], args.runs)
    rows = [("bare boto3 floor (same reads, 16 threads)", floor, ""),
            ("`topowire import aws`", t_import, f"{t_import / floor:.2f}x"),
            ("`topowire drift --cloud aws`", t_drift, f"{t_drift / floor:.2f}x")]
    ok = t_import <= GOAL * floor and t_drift <= GOAL * floor
    text = "\n".join([
        f"# import and drift at scale ({args.queues} queues, {args.subscriptions} subscriptions, moto server)", "",
        f"Medians of {args.runs} fresh processes, wall-clock seconds; goal: within {GOAL}x the floor "
        f"(`python bench/adopt.py`). {os.cpu_count()} cores.", "",
        "| command | wall s | vs floor |", "| --- | --- | --- |",
        *[f"| {n} | {t:.2f} | {r} |" for n, t, r in rows], "",
        f"Goal met: {'yes' if ok else 'NO'}", ""])
    Path(args.out).write_text(text)
    print(text)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
