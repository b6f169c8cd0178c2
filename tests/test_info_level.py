"""The info level (issue 29): what a reader should know, at its line, that never fails validate.

TOP221 says, for each service that runs as no role the file names, what it gets on AWS: its IAM policy,
attached to nothing. Like every info it is printed and counted, but exit codes ignore it, --strict too.
"""

from __future__ import annotations

import json

from conftest import run_cli
from generator.check import check_file

FILE = ("targets: [aws]\nqueues: {jobs: {}, more: {}}\ntopics: {events: {}}\nclouds: {aws: {alarm_topic: none}}\n"
        "services:\n  api: {publishes: [jobs, more, events]}\n  worker: {consumes: [jobs, more, events], identity: {aws_role: w}}\n"
        "  idle: {}\n")


def test_a_service_without_a_role_is_told_what_it_gets_on_aws(write):
    [d] = [d for d in check_file(write(FILE)).diagnostics if d.code == "TOP221"]
    assert (d.level, d.line, d.col) == ("info", 8, 3)
    assert d.message == ("on AWS, service 'api' runs as no role the file names (identity.aws_role): topowire creates "
                         "its IAM policy (publish to topic 'events', send to queue 'jobs', send to queue 'more') and "
                         "attaches it to no role, so the service can do none of it until the policy is attached to "
                         "the role it runs as")
    assert d.hint == ("set identity.aws_role (per stack: environments.<stack>.services.api.identity.aws_role), or "
                      "attach the stack output services.api.policy_arn to the service's role yourself")


def test_a_role_set_in_an_environment_only_is_named_for_the_stacks_without_it(write):
    path = write(FILE + "environments:\n  prod: {services: {api: {identity: {aws_role: api-prod}}}}\n")
    [d] = [d for d in check_file(path).diagnostics if d.code == "TOP221"]
    assert not d.message.startswith("in environment")   # the file as written (stack dev) has no role for it


def test_info_never_fails_validate_not_even_strict_and_each_reporter_shows_it(write):
    path = write(FILE)
    code, out, _ = run_cli("validate", "--strict", path)
    assert code == 0 and out.endswith("1 file(s) checked, 1 valid: 0 error(s), 0 warning(s), 1 info\n")
    assert ": info TOP221 on AWS, service 'api'" in out
    code, out, _ = run_cli("validate", "--format", "github", path)
    assert code == 0 and "::notice file=" in out and "title=TOP221::on AWS, service 'api'" in out
    code, out, _ = run_cli("validate", "--format", "json", path)
    [d] = json.loads(out)["files"][0]["diagnostics"]
    assert code == 0 and d["level"] == "info" and d["code"] == "TOP221"


def test_no_info_where_the_cloud_is_not_checked(write):
    assert not [d for d in check_file(write(FILE.replace("[aws]", "[gcp]"))).diagnostics if d.code == "TOP221"]


def test_a_platform_of_many_services_reads_a_dozen_lines_not_one_per_service(write):
    """Ten services are told one by one; one more info counts the rest and names ten of them (issue 27's scale)."""
    services = "".join(f"  svc{i:02d}: {{publishes: [jobs]}}\n" for i in range(25))
    path = write("targets: [aws]\nqueues: {jobs: {}}\nclouds: {aws: {alarm_topic: none}}\nservices:\n" + services)
    found = [d for d in check_file(path).diagnostics if d.code == "TOP221"]
    assert len(found) == 11
    assert [d.message.split("'")[1] for d in found[:10]] == [f"svc{i:02d}" for i in range(10)]
    last = found[-1]
    assert last.message.startswith("on AWS, 15 more service(s) get the same as the 10 above")
    assert "'svc10'" in last.message and "'svc19'" in last.message and last.message.endswith("and 5 more")
    assert "svc00" not in last.hint and "<service>" in last.hint
    assert last.path == ("services", "svc10")               # at the first service it counts
