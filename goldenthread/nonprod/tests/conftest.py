"""Fixtures for the demo-data tests: the Support Sequence's own (one version of each)."""

from goldenthread.support.tests.conftest import community_resource, make_outcome

__all__ = ["community_resource", "make_outcome"]
