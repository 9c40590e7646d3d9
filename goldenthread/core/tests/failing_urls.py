"""The service's URLs plus one page that fails, to see the 500 page (test_site_headers)."""

from django.urls import path

from goldenthread.config.urls import handler403, handler500
from goldenthread.config.urls import urlpatterns as service_urlpatterns


def fail(request):
    raise RuntimeError("failing_urls: this page always fails")


urlpatterns = [*service_urlpatterns, path("fail/", fail)]

__all__ = ["handler403", "handler500", "urlpatterns"]
