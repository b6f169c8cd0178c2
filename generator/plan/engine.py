"""Run the Pulumi program under the mock engine and collect what it registers."""

from __future__ import annotations

import threading

from ..check import fewer_collections
from ..errors import InputError
from . import DEFAULT_REGION, REGION_KEY, Plan, PlannedResource, sdk_shortcuts
from . import project as project_mod


def _plain(value):
    """Deserialized Pulumi values as JSON-friendly data.

    The engine's wire format has only doubles; whole numbers are shown as integers.
    """
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _plain_inputs_outputs(inputs: dict, state: dict) -> dict:
    """``inputs`` and ``outputs`` (the state) as JSON-friendly data; the state's values that are the inputs'
    own objects (the mocks echo them) share one converted copy."""
    converted: dict = {}  # id(value) -> (value, its plain form)

    def plain(value):
        if isinstance(value, (dict, list, tuple)):
            hit = converted.get(id(value))
            if hit is not None and hit[0] is value:
                return hit[1]
            out = _plain(value)
            converted[id(value)] = (value, out)
            return out
        return _plain(value)

    return {"inputs": {str(k): plain(v) for k, v in sorted(inputs.items())},
            "outputs": {str(k): plain(v) for k, v in sorted(state.items())}}


def _alias(alias) -> str:
    """An alias as the engine receives it: a URN, or the name of a spec (``name`` plus what it overrides)."""
    if alias.urn:
        return alias.urn
    spec = alias.spec
    return spec.name + (f" (type {spec.type})" if spec.type else "")


def _explicit_dependencies(request) -> list:
    """The URNs a resource waits for beyond its inputs: its ``depends_on`` option, sorted.

    The SDK sends ``dependencies`` as the union of ``depends_on`` and every
    input's dependencies (``propertyDependencies``); the difference is what
    only an explicit ``depends_on`` orders.
    """
    implied = {urn for deps in request.propertyDependencies.values() for urn in deps.urns}
    return sorted(set(request.dependencies) - implied)


def run(path: str, cloud: str, region: str | None = None, endpoint: str | None = None,
        config: dict | None = None, stack: str = "dev", root: str | None = None, progress=None) -> Plan:
    """Plan ``path`` for ``cloud`` as Pulumi stack ``stack`` (which selects the environment); ``config`` adds stack
    config (``resourceGroup`` means ``<project>:resourceGroup``, the project of the Pulumi.yaml beside ``path``). ``progress``, if given, is called once per
    registered resource (``plan.progress.Counter``)."""
    # Importing the provider SDKs and running the program make millions of objects that live to the
    # end; the cyclic GC's default pace was a quarter of `plan`'s time (bench/RESULTS.md).
    with fewer_collections():
        return _run(path, cloud, region, endpoint, config, stack, root, progress)


def _run(path, cloud, region, endpoint, config, stack, root, progress) -> Plan:
    try:
        import pulumi
        from pulumi.runtime import mocks as pulumi_mocks
        from pulumi.runtime import settings as pulumi_settings
    except ImportError:
        raise InputError(f"topowire plan needs the Pulumi SDK and the {cloud} provider: "
                         f"pip install 'topowire[{cloud}]'") from None
    from ..clouds.aws import mock as aws_mock
    from ..clouds.azure import mock as azure_mock
    from ..clouds.gcp import mock as gcp_mock

    region = region or DEFAULT_REGION.get(cloud, "")
    cloud_mock = {"aws": aws_mock, "azure": azure_mock, "gcp": gcp_mock}[cloud]

    class Mocks(pulumi_mocks.Mocks):
        # The inputs of the resource being registered, as the mock monitor deserialized them: per thread, since
        # the SDK calls the monitor from a pool of threads.
        registering = threading.local()

        def new_resource(self, args):
            self.registering.inputs = args.inputs
            if not args.custom:
                return "", {}
            if cloud_mock is None:
                return f"{args.name}-id", dict(args.inputs)
            return cloud_mock.new_resource(args.typ, args.name, args.inputs, region)

        def call(self, args):
            return cloud_mock.call(args.token, args.args, region)

    class Monitor(pulumi_mocks.MockMonitor):
        def __init__(self, mocks):
            super().__init__(mocks)
            self.records = {}
            self.duplicates = []

        def RegisterResource(self, request):
            mocks.registering.inputs = None
            response = super().RegisterResource(request)
            # The inputs the mock monitor deserialized for the mocks (the stack's are not: deserialized here).
            inputs = mocks.registering.inputs
            if inputs is None:
                inputs = pulumi.runtime.rpc.deserialize_properties(request.object)
            registration = self.resources.get(response.urn)
            if response.urn in self.records:
                self.duplicates.append(response.urn)
            self.records[response.urn] = PlannedResource(
                urn=response.urn, type=request.type, name=request.name, parent=request.parent or None,
                custom=bool(request.custom), protect=bool(request.protect), id=response.id or None,
                **_plain_inputs_outputs(inputs, registration.state if registration else {}),
                aliases=sorted(_alias(a) for a in request.aliases), depends_on=sorted(set(request.dependencies)),
                replace_on_changes=sorted(request.replaceOnChanges),
                delete_before_replace=bool(request.deleteBeforeReplace),
                explicit_depends_on=_explicit_dependencies(request),
                import_id=request.importId or None, ignore_changes=sorted(request.ignoreChanges))
            if progress:
                progress(request.type)
            return response

    mocks = Mocks()
    monitor = Monitor(mocks)
    pulumi_settings.ROOT.set(None)
    project = project_mod.name_for(path)   # the Pulumi.yaml beside the topology names the project, as for pulumi up
    pulumi_mocks.set_mocks(mocks, project=project, stack=stack, preview=False, monitor=monitor)
    settings = {f"{project}:cloud": cloud, f"{project}:topology": str(path)}
    if region:
        settings[REGION_KEY[cloud]] = region
    if cloud == "gcp":
        settings["gcp:project"] = gcp_mock.PROJECT
    if endpoint:
        settings[f"{project}:endpoint"] = endpoint
    if root:
        settings[f"{project}:root"] = str(root)
    settings.update({k if ":" in k else f"{project}:{k}": str(v) for k, v in (config or {}).items()})
    pulumi.runtime.set_all_config(settings)
    pulumi_settings.SETTINGS.rpc_manager.clear()
    pulumi_settings.SETTINGS.outputs.clear()

    with sdk_shortcuts.shortcuts():
        return _program(path, cloud, stack, monitor)


def _program(path, cloud, stack, monitor) -> Plan:
    """Run the program under the mocks already set, and gather the plan."""
    import pulumi
    from pulumi.runtime import settings as pulumi_settings
    from pulumi.runtime.stack import run_pulumi_func
    from pulumi.runtime.sync_await import _sync_await

    from .. import program

    try:
        _sync_await(run_pulumi_func(program.main))
    except pulumi.RunError as exc:
        raise InputError(str(exc), getattr(exc, "diagnostics", ())) from None
    if monitor.duplicates:
        # Validation (TOP112, TOP118) refuses what makes names meet; should a case slip through, the plan says so
        # instead of keeping one of the two resources.
        raise InputError(f"{path}: {len(monitor.duplicates)} resource(s) would share a Pulumi name with another and "
                         f"be lost: {', '.join(sorted(set(u.rsplit('::', 1)[-1] for u in monitor.duplicates)))}; "
                         "rename the channels or services involved")
    root_resource = pulumi_settings.get_root_resource()
    outputs = _sync_await(pulumi.Output.from_input(dict(root_resource.outputs)).future()) if root_resource else {}
    resources = sorted(monitor.records.values(), key=lambda r: r.urn)
    return Plan(cloud, str(path), resources, _plain(outputs or {}), stack=stack,
                registrations=len(monitor.records) + len(monitor.duplicates))
