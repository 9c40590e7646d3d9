from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from goldenthread.record.urls import golden_thread_urlpatterns, support_plan_urlpatterns
from goldenthread.reviews import urls as reviews_urls
from goldenthread.support import urls as support_urls

# The 500 page carries the request's reference id (OPS-8); the 403 page tells a person or
# proxy to contact their worker and staff to ask their team leader; 404 uses the default
# handler with templates/404.html.
handler403 = "goldenthread.core.views.permission_denied"
handler500 = "goldenthread.core.views.server_error"

admin.site.site_header = "Golden Thread administration"
admin.site.site_title = "Golden Thread administration"

urlpatterns = [
    path("", include("goldenthread.core.urls")),
    path("account/", include("goldenthread.accounts.urls")),
    path("account/api-tokens/", include("goldenthread.api.account_urls")),
    path("people/", include("goldenthread.people.urls")),
    path("people/", include("goldenthread.conversations.urls")),
    path("people/", include("goldenthread.outcomes.urls")),
    # The Support Sequence and the support plan's pages, one "support" namespace: the plan
    # reads every domain app, so its views are in the record app (docs/adr/0009-layers.md).
    path(
        "people/",
        include((support_urls.urlpatterns + support_plan_urlpatterns, support_urls.app_name)),
    ),
    path("people/", include("goldenthread.sds.urls")),
    path("people/", include("goldenthread.risk.urls")),
    # Reviews, and the golden thread's page (record/views.py), one "reviews" namespace.
    path(
        "people/",
        include((reviews_urls.urlpatterns + golden_thread_urlpatterns, reviews_urls.app_name)),
    ),
    path("people/", include("goldenthread.accountability.urls")),
    path("people/", include("goldenthread.history.urls")),
    path("people/", include("goldenthread.portal.staff_urls")),
    # The person's own record (P-1..P-3): goldenthread/portal, docs/adr/0013.
    path("my-record/", include("goldenthread.portal.urls")),
    path("reports/", include("goldenthread.reports.urls")),
    path("directory/", include("goldenthread.directory.urls")),
    # Background jobs (OPS-5): goldenthread/jobs, docs/adr/0018.
    path("jobs/", include("goldenthread.jobs.urls")),
    # The JSON API and FHIR export (IO-1, IO-2): goldenthread/api, docs/adr/0011.
    path("api/v1/", include("goldenthread.api.urls")),
    # Administrators sign in through the same two-step sign-in as everyone else.
    path("admin/login/", RedirectView.as_view(pattern_name="accounts:login", query_string=True)),
    path("admin/", admin.site.urls),
]
