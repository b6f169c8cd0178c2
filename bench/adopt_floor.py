"""The floor of `topowire import aws` and `drift`: a bare boto3 script reading the same attributes, on the same
16 threads (what a careful hand-written script does), and nothing else.

    python bench/adopt_floor.py ENDPOINT
"""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config


def main(endpoint: str) -> None:
    s = boto3.session.Session(aws_access_key_id="test", aws_secret_access_key="test", region_name="us-east-1")
    cfg = Config(max_pool_connections=16)
    sqs, sns = s.client("sqs", endpoint_url=endpoint, config=cfg), s.client("sns", endpoint_url=endpoint, config=cfg)
    urls = [u for p in sqs.get_paginator("list_queues").paginate(PaginationConfig={"PageSize": 1000})
            for u in p.get("QueueUrls", [])]
    topics = [t["TopicArn"] for p in sns.get_paginator("list_topics").paginate() for t in p["Topics"]]

    def queue(url):
        return sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"]), sqs.list_queue_tags(QueueUrl=url)

    def topic(arn):
        subs = [x for p in sns.get_paginator("list_subscriptions_by_topic").paginate(TopicArn=arn)
                for x in p["Subscriptions"]]
        return (sns.get_topic_attributes(TopicArn=arn), sns.list_tags_for_resource(ResourceArn=arn),
                [sns.get_subscription_attributes(SubscriptionArn=x["SubscriptionArn"]) for x in subs])

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(queue, urls))
        list(pool.map(topic, topics))


if __name__ == "__main__":
    main(sys.argv[1])
