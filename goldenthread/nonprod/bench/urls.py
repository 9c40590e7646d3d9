"""The site's URLs plus a private admin changelist of people, for the list benchmark only.

`goldenthread bench` points ROOT_URLCONF here for its own process while it times the lists,
so the admin changelist is requested through the same middleware stack as our pages (the
session, user and second-factor lookups, CSP, the read-only and budget checks). No settings
module names this file: no deployed site serves it (administrators never see named records
in the real admin)."""

from typing import cast

from django.contrib import admin
from django.urls import include, path

from goldenthread.accounts.models import User
from goldenthread.people.models import Person

ADMIN_PREFIX = "bench-admin/"


class BenchPersonAdmin(admin.ModelAdmin):
    """The admin's changelist of the people a worker may see: the same scoping query our
    lists compile (`Person.objects.visible_to`), 25 a page, the admin's default paginator."""

    list_display = ("family_name", "given_name", "date_of_birth", "chi_number", "area")
    list_select_related = ("area",)
    list_per_page = 25
    change_list_template = "bench/change_list.html"
    ordering = ("family_name", "given_name", "id")
    scope_user: User | None = None  # whose rows are listed; set by the bench before timing

    def get_queryset(self, request):
        return Person.objects.visible_to(self.scope_user).select_related("area")

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser


site = admin.AdminSite(name="bench")
site.register(Person, BenchPersonAdmin)
person_admin = cast(BenchPersonAdmin, site._registry[Person])

urlpatterns = [
    path(ADMIN_PREFIX, site.urls),
    path("", include("goldenthread.config.urls")),
]
