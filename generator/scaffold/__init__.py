"""What `topowire init` writes into a new repository, rendered from this package's data.

``templates/`` holds the Jinja2 templates of the starter files; ``workflows/`` holds the PR
workflows, copies of this repository's ``.github/workflows`` with the install step pinned to
this version (``make scaffold-sync`` refreshes them; a test checks they are fresh).
"""

from __future__ import annotations

import json
import re
from importlib import resources

from .. import __version__

# `init --topowire-from`: a git URL (git+https://host/org/topowire@v1), an https URL of a wheel, or a path
# (made absolute). Written into requirements.txt, a shell line of the workflow and YAML: no quote, space, '$',
# backtick or control character can come through.
SOURCE = re.compile(r"[A-Za-z0-9+._~:/@#%=&?,-]{1,500}")
# `init --hooks-from URL@REV`: a pre-commit repository and the tag or commit to use.
HOOKS_FROM = re.compile(r"(?P<url>[A-Za-z0-9+._~:/%-][A-Za-z0-9+._~:/@%-]{0,499})@(?P<rev>[A-Za-z0-9._/+-]{1,200})")

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


def requirement(version: str = __version__, source: str | None = None, extra: str | None = None) -> str:
    """The pip requirement of topowire a new repository installs: this version, or ``source`` (a URL)."""
    name = f"topowire[{extra}]" if extra else "topowire"
    if source is None:
        return f"{name}=={version}"
    if not SOURCE.fullmatch(source):
        raise ValueError(f"--topowire-from {source!r}: a git URL (git+https://...), an https URL or a path, "
                         "without spaces or quotes")
    return f"{name} @ {source}"


def hooks_from(value: str) -> tuple[str, str]:
    """``URL@REV`` of --hooks-from as (url, rev); ValueError saying the form when it is not one."""
    m = HOOKS_FROM.fullmatch(value)
    if not m:
        raise ValueError(f"--hooks-from {value!r}: give URL@REV, e.g. https://github.com/acme/topowire@v{__version__}")
    return m["url"], m["rev"]


def required_keys(cloud: str) -> list[tuple[str, str]]:
    """The stack config a deployment on ``cloud`` cannot do without: (key, example)."""
    return [(k, v) for k, v, note in STACK_KEYS[cloud] if note.startswith("required")]


def files(name: str, cloud: str, stack: str, version: str = __version__, source: str | None = None,
          hooks: tuple[str, str] | None = None) -> dict[str, str]:
    """Every file `init` writes, path (POSIX, relative) -> content, in a stable order.

    ``source``: where requirements.txt and the workflows install topowire from (default: ``topowire==version``
    from the package index); ``hooks``: (url, rev) of a pre-commit hooks repository (default: ``repo: local``
    hooks that run the installed ``topowire``, offline).
    """
    if not STACK_NAME.fullmatch(stack):
        raise ValueError(f"invalid stack name {stack!r}")
    env = _env()
    keys = [(k if ":" in k else f"{name}:{k}", v, note) for k, v, note in STACK_KEYS[cloud]]
    context = {"name": name, "cloud": cloud, "stack": stack, "version": version,
               "requirement": requirement(version, source, cloud),
               "hooks_url": json.dumps(hooks[0]) if hooks else None, "hooks_rev": json.dumps(hooks[1]) if hooks else None,
               "keys": keys, "width": max(len(f"{k}: {v}") for k, v, _ in keys)}
    out = {path.format(stack=stack): env.get_template(tpl).render(context) for path, tpl in TEMPLATES.items()}
    for fname, text in workflows().items():
        out[f"{WORKFLOWS_DIR}/{fname}"] = text if source is None else installing(text, requirement(version, source))
    return out


PINNED_LINE = re.compile(r'^(?P<indent>\s*(?:- )?run: python -m pip install --quiet )"topowire==[^"]+"$', re.M)


def installing(text: str, req: str) -> str:
    """A packaged workflow installing ``req`` instead of the pinned release."""
    out, n = PINNED_LINE.subn(lambda m: m["indent"] + f'"{req}"', text)
    if "pip install" in text and n == 0:
        raise ValueError("a packaged workflow has no pinned install line; update generator/scaffold/__init__.py")
    return out


def workflows() -> dict[str, str]:
    """The PR workflows a new repository gets: file name -> content (this package's copies)."""
    folder = resources.files("generator.scaffold").joinpath("workflows")
    return {f.name: f.read_text("utf-8") for f in sorted(folder.iterdir(), key=lambda f: f.name)
            if f.is_file() and f.name.endswith((".yml", ".yaml"))}


# topowire's own workflows that are not for users (its release): `make scaffold-sync` leaves them out.
NOT_SCAFFOLDED = frozenset({"release.yml"})

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


PINNED_LINE = re.compile(r'^(?P<indent>\s*(?:- )?run: python -m pip install --quiet )"topowire==[^"]+"$', re.M)


def installing(text: str, req: str) -> str:
    """A packaged workflow installing ``req`` instead of the pinned release."""
    out, n = PINNED_LINE.subn(lambda m: m["indent"] + f'"{req}"', text)
    if "pip install" in text and n == 0:
        raise ValueError("a packaged workflow has no pinned install line; update generator/scaffold/__init__.py")
    return out
