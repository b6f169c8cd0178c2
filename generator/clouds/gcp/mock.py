"""What Google Cloud would answer: ids and outputs for Pulumi's mock engine."""

from __future__ import annotations

import hashlib

PROJECT = "topowire-plan"
PROJECT_NUMBER = "482905166730"


def _num(*parts: str, n: int = 19) -> str:
    return str(int(hashlib.sha256(":".join(parts).encode()).hexdigest(), 16))[:n]


def new_resource(typ: str, name: str, inputs: dict, region: str) -> tuple:
    state = dict(inputs)
    project = inputs.get("project") or PROJECT
    if typ == "gcp:pubsub/topic:Topic":
        rid = f"projects/{project}/topics/{inputs['name']}"
        state.update(id=rid, project=project, effectiveLabels=inputs.get("labels", {}))
        return rid, state
    if typ == "gcp:pubsub/subscription:Subscription":
        rid = f"projects/{project}/subscriptions/{inputs['name']}"
        state.update(id=rid, project=project, effectiveLabels=inputs.get("labels", {}))
        return rid, state
    if typ == "gcp:serviceaccount/account:Account":
        email = f"{inputs['accountId']}@{project}.iam.gserviceaccount.com"
        rid = f"projects/{project}/serviceAccounts/{email}"
        state.update(id=rid, email=email, member=f"serviceAccount:{email}", name=rid, project=project,
                     uniqueId=_num("sa", email, n=21))
        return rid, state
    if typ in ("gcp:pubsub/topicIAMMember:TopicIAMMember", "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember"):
        target = inputs.get("topic") or inputs.get("subscription")
        rid = f"{target}/{inputs['role']}/{inputs['member']}"
        state.update(id=rid, etag="BwY" + _num("etag", rid, n=8), project=project)
        return rid, state
    if typ == "gcp:storage/bucket:Bucket":  # the provider's id is the bucket's name
        bname = inputs["name"]
        state.update(id=bname, project=project, url=f"gs://{bname}", selfLink=f"https://www.googleapis.com/storage/v1/b/{bname}",
                     effectiveLabels=inputs.get("labels", {}))
        return bname, state
    if typ == "gcp:storage/bucketIAMMember:BucketIAMMember":
        rid = f"b/{inputs['bucket']}/{inputs['role']}/{inputs['member']}/{(inputs.get('condition') or {}).get('title', '')}"
        state.update(id=rid, etag="CAE=")
        return rid, state
    if typ == "gcp:projects/serviceIdentity:ServiceIdentity":
        rid = f"projects/{project}/services/{inputs['service']}"
        email = f"service-{PROJECT_NUMBER}@gcp-sa-{inputs['service'].split('.')[0]}.iam.gserviceaccount.com"
        state.update(id=rid, project=project, email=email, member=f"serviceAccount:{email}")
        return rid, state
    if typ == "gcp:monitoring/alertPolicy:AlertPolicy":
        rid = f"projects/{project}/alertPolicies/{_num('alert', inputs['displayName'])}"
        state.update(id=rid, name=rid, project=project)
        return rid, state
    return f"{name}-{_num(typ, name, n=8)}", state


def call(token: str, args: dict, region: str) -> dict:
    if token == "gcp:organizations/getProject:getProject":
        pid = args.get("projectId") or PROJECT
        return {"projectId": pid, "number": PROJECT_NUMBER, "name": pid, "id": f"projects/{pid}",
                "orgId": "", "labels": {}}
    raise NotImplementedError(f"the GCP mocks do not answer {token}")
