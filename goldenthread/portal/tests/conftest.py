import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """The set-up page counts wrong codes per address in the cache: start each test clean."""
    cache.clear()
    yield
    cache.clear()
