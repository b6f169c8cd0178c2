"""The embedded default: the AWS program materialised into a local AWS emulator.

``topowire local up`` runs the very Pulumi program that ``pulumi up`` runs
(under the mock engine, like ``plan``), then creates each registered resource
from its engine inputs through boto3 against an emulator: moto's server,
started in-process on a free loopback port, or any endpoint given (moto,
LocalStack). ``topowire local smoke`` then drives real messages through every
route. There is no second mapping of the topology: only a mapping of Pulumi
AWS resource inputs to the AWS API, one function per resource type.
"""
