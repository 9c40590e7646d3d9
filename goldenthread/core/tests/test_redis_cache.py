"""The Redis cache keeps one redis-py client per pool (#19): the same client object for
every call, still reading and writing the shared Redis, from several threads at once.
Uses the Redis on this machine (127.0.0.1:6379, database 15, a key prefix of its own),
as the shared-state tests do."""

from __future__ import annotations

import threading
import uuid

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from goldenthread.config.settings.base import cache_from_url
from goldenthread.core.redis_cache import RedisCache


def _cache() -> RedisCache:
    entry = cache_from_url("redis://127.0.0.1:6379/15", f"gt-test-{uuid.uuid4().hex[:8]}")
    assert entry["BACKEND"] == "goldenthread.core.redis_cache.RedisCache"
    return RedisCache(entry["LOCATION"], {k: v for k, v in entry.items() if k != "LOCATION"})


def test_one_client_per_pool_and_the_cache_still_works():
    cache = _cache()
    assert isinstance(cache, DjangoRedisCache)
    first = cache._cache.get_client(write=True)
    assert cache._cache.get_client() is first
    assert cache._cache.get_client(write=True) is first
    cache.set("k", {"a": 1}, 30)
    assert cache.get("k") == {"a": 1}
    assert cache.incr("n", delta=1) if cache.add("n", 0, 30) else True
    cache.delete_many(["k", "n"])
    assert cache.get("k") is None


def test_threads_share_the_client_safely():
    cache = _cache()
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for j in range(50):
                cache.set(f"t{i}-{j}", j, 30)
                assert cache.get(f"t{i}-{j}") == j
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({id(cache._cache.get_client()) for _ in range(5)}) == 1
    cache.delete_many([f"t{i}-{j}" for i in range(8) for j in range(50)])
