"""The Pulumi program of topowire: `pulumi up` builds topology.yaml on the cloud in stack config."""

from generator.program import main

main()
