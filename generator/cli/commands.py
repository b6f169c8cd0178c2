"""The subcommands, in the order `topowire --help` lists them: name, one-line help, module.

Kept apart from the modules so that `topowire COMMAND` imports only COMMAND's module (and what it needs)
while `topowire --help` still lists every subcommand with its help. Each module's ``add_parser`` takes its
help from here.
"""

from __future__ import annotations

COMMANDS = {
    "init": "start a repository: topology.yaml, the Pulumi program, pre-commit hooks, CI",
    "validate": "check topology files against the schema and the rules",
    "docs": "render the architecture docs (Markdown + Mermaid)",
    "asyncapi": "write one AsyncAPI 3.0 document per service",
    "plan": "show every resource the Pulumi program would create (mock engine, offline)",
    "diff": "what a change to the topology does on each cloud; destructive changes first",
    "local": "run the topology on a local AWS emulator (moto), no account needed",
    "schema": "print the JSON Schema of topology.yaml",
    "import": "read a live AWS account, Azure Service Bus namespace or GCP project (read-only) and write a "
              "topology.yaml that adopts what runs",
    "drift": "compare the live resources with what the topology declares; exit 1 on drift",
}
