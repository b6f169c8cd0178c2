"""topowire: one topology.yaml for queues, topics and dead letters on AWS, Azure and GCP."""

__version__ = "0.1.0"
