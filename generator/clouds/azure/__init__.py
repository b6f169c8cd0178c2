"""Azure: ``spec`` (names, limits, quirks; pure Python, used by the validator and the docs),
``program`` (the Pulumi ComponentResources), ``mock`` (what the cloud would answer, for Pulumi's mock engine).

Nothing is imported here: ``import generator.clouds.azure.spec`` must not load the Pulumi SDK.
"""
