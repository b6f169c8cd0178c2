"""The Pulumi program of topowire: `pulumi up` builds topology.yaml on the cloud in stack config."""

import gc

from generator.check import YOUNG_THRESHOLD
from generator.program import main

# The process lives as long as the deployment: collect cyclic garbage less often while the SDK
# registers resources (the same setting `topowire plan` runs the program with; bench/RESULTS.md).
gc.set_threshold(YOUNG_THRESHOLD, *gc.get_threshold()[1:])
main()
