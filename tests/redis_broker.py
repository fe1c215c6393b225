"""Which Redis the real-worker tests use: CELERY_BROKER_URL when it names one (CI sets
it); tests/settings.py defaults it to a Redis answering on the local default port."""

import functools
import os

LOCAL = "redis://127.0.0.1:6379/13"


def reachable(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        return False
    return True


@functools.cache
def broker_url():
    url = os.environ.get("CELERY_BROKER_URL", "")
    if url.startswith(("redis://", "rediss://")) and reachable(url):
        return url
    return None
