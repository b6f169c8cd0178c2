#!/usr/bin/env bash
# The built wheel as a user gets it: run by tests/test_dist.py and by .github/workflows/release.yml.
#   tests/dist/smoke.sh BIN SRC   BIN: the bin/ of a virtualenv with the wheel installed ('[aws]' extra);
#                                 SRC: a topowire checkout, for its topology.yaml only
# Everything runs from a fresh temporary directory with nothing of the checkout on sys.path.
set -euo pipefail
bin="$(cd "$1" && pwd)"
src="$(cd "$2" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
export PYTHONPATH= PYTHONSAFEPATH=1
topowire="$bin/topowire"
where="$("$bin/python" -c 'import generator, os; print(os.path.dirname(generator.__file__))')"
case "$where" in "$src"*) echo "generator imported from the checkout ($where), not the wheel" >&2; exit 1 ;; esac
echo "-- generator from $where"
cp "$src/topology.yaml" topology.yaml
"$topowire" --version
"$topowire" validate topology.yaml
"$topowire" schema > schema.json
"$topowire" docs topology.yaml -o docs/architecture.md
grep -q '```mermaid' docs/architecture.md
"$topowire" asyncapi topology.yaml -o asyncapi
"$topowire" plan topology.yaml --cloud aws > plan.txt
grep -q 'resources to create' plan.txt
"$topowire" init starter --cloud aws
cd starter
for f in topology.yaml Pulumi.yaml requirements.txt .pre-commit-config.yaml .github/workflows/topology.yml \
         .github/workflows/topology-comment.yml schema/topology.schema.json docs/architecture.md asyncapi/index.md; do
  [ -s "$f" ] || { echo "init did not write $f" >&2; exit 1; }
done
"$topowire" validate --strict
"$topowire" docs --check
"$topowire" asyncapi -o asyncapi --check
"$topowire" plan --cloud aws > plan.txt
grep -q 'starter-dev-orders' plan.txt
grep -q 'pulumi:pulumi:Stack  starter-dev' plan.txt
echo "wheel smoke: ok"
