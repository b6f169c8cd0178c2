"""What `topowire init` writes into a new repository, rendered from this package's data.

``templates/`` holds the Jinja2 templates of the starter files; ``workflows/`` holds the PR
workflows, copies of this repository's ``.github/workflows`` with the install step pinned to
this version (``make scaffold-sync`` refreshes them; a test checks they are fresh).
"""

from __future__ import annotations

import re
from importlib import resources

from .. import __version__

# Where the pre-commit hooks are fetched from (README: "Pre-commit"); the user edits it if they host a fork.
HOOKS_REPO = "https://github.com/<your-org>/topowire"

# target path -> template; "{stack}" is the stack name.
TEMPLATES = {
    "topology.yaml": "topology.yaml.j2",
    "Pulumi.yaml": "Pulumi.yaml.j2",
    "Pulumi.{stack}.yaml": "Pulumi.stack.yaml.j2",
    "__main__.py": "__main__.py.j2",
    "requirements.txt": "requirements.txt.j2",
    ".pre-commit-config.yaml": "pre-commit-config.yaml.j2",
}

# The stack config a deployment needs per cloud, commented out in Pulumi.<stack>.yaml: (key, example, note).
# A key without ':' is the project's own (generator/program.py reads it); the others are the provider's.
STACK_KEYS = {
    "aws": (
        ("aws:region", "eu-west-1", "required: the region to deploy to"),
        ("endpoint", "http://localhost:4566", "optional: an emulator (LocalStack, moto) instead of AWS"),
        ("topology", "topology.yaml", "optional: another topology file"),
    ),
    "azure": (
        ("azure-native:location", "westeurope", "required: where the resource group and namespace live"),
        ("resourceGroup", "my-resource-group", "optional: an existing resource group; default <name>-<stack>"),
        ("namespace", "my-namespace", "optional: the Service Bus namespace, a global DNS name"),
        ("localAuth", "false", "optional: true keeps SAS keys enabled"),
        ("actionGroup", "/subscriptions/.../actionGroups/oncall", "optional: where dead-letter alerts go"),
        ("alerts", "true", "optional: false creates no alerts"),
        ("topology", "topology.yaml", "optional: another topology file"),
    ),
    "gcp": (
        ("gcp:project", "my-project", "required: the project to deploy to"),
        ("notificationChannels", "projects/my-project/notificationChannels/123", "optional: comma-separated, "
         "for the dead-letter alert"),
        ("alerts", "true", "optional: false creates no alert policy"),
        ("topology", "topology.yaml", "optional: another topology file"),
    ),
}

STACK_NAME = re.compile(r"[A-Za-z0-9_.-]{1,100}")   # Pulumi's rule, as generator/cli/stack.py checks it
WORKFLOWS_DIR = ".github/workflows"


def _env():
    import jinja2

    return jinja2.Environment(loader=jinja2.PackageLoader("generator.scaffold", "templates"),
                              undefined=jinja2.StrictUndefined, keep_trailing_newline=True, autoescape=False)


def project_name(dirname: str) -> str:
    """A topology and Pulumi project name from a directory name: lower case, a-z 0-9 and '-', at most 30."""
    name = re.sub(r"[^a-z0-9]+", "-", dirname.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name)[:30].rstrip("-")
    return name if len(name) >= 2 else "my-platform"


def files(name: str, cloud: str, stack: str, version: str = __version__) -> dict[str, str]:
    """Every file `init` writes, path (POSIX, relative) -> content, in a stable order."""
    if not STACK_NAME.fullmatch(stack):
        raise ValueError(f"invalid stack name {stack!r}")
    env = _env()
    keys = [(k if ":" in k else f"{name}:{k}", v, note) for k, v, note in STACK_KEYS[cloud]]
    context = {"name": name, "cloud": cloud, "stack": stack, "version": version, "hooks_repo": HOOKS_REPO,
               "keys": keys, "width": max(len(f"{k}: {v}") for k, v, _ in keys)}
    out = {path.format(stack=stack): env.get_template(tpl).render(context) for path, tpl in TEMPLATES.items()}
    for fname, text in workflows().items():
        out[f"{WORKFLOWS_DIR}/{fname}"] = text
    return out


def workflows() -> dict[str, str]:
    """The PR workflows a new repository gets: file name -> content (this package's copies)."""
    folder = resources.files("generator.scaffold").joinpath("workflows")
    return {f.name: f.read_text("utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.is_file() and f.name.endswith((".yml", ".yaml"))}


# The install step of this repository's workflows installs the checkout; a user's repository installs a release.
INSTALL_LINE = re.compile(r"^(?P<indent>\s*(?:- )?run: )python -m pip install --quiet \.(?:\s+#.*)?$", re.M)


def for_user(text: str, version: str = __version__) -> str:
    """A workflow of this repository as a user's repository needs it: install topowire==version, not '.'."""
    pinned = f'python -m pip install --quiet "topowire=={version}"'
    out = INSTALL_LINE.sub(lambda m: m["indent"] + pinned, text)
    if any("pip install" in line and not line.endswith(pinned) for line in out.splitlines()):
        raise ValueError("a workflow installs something other than topowire from '.'; update "
                         "generator/scaffold/__init__.py:INSTALL_LINE")
    return out
