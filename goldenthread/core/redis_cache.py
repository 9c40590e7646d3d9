"""Django's Redis cache with one redis-py client per connection pool, made once (#19).

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` for every cache call;
redis-py 5+ fills a case-insensitive table of about 170 response callbacks in each one.
A signed-in page makes four cache calls (session, user, second-factor device, throttling),
so that table was rebuilt four times a request: measurable CPU on every page, for nothing.
Here each pool's client is made once and kept; redis-py clients are safe to share between
threads (each command takes a connection from the pool), and the pool itself still
notices a fork and opens new connections in the child, as before."""

from __future__ import annotations

import threading

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}
        self._clients_lock = threading.Lock()

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            with self._clients_lock:
                client = self._clients.get(index)
                if client is None:
                    pool = self._get_connection_pool(write)
                    client = self._clients[index] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, keeping its clients (above)."""

    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
