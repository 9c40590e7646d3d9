"""Administrators set delegated budget limits here (SDS-4, Std 8.2). Nothing about a named
person is registered in the admin: administrators never see case content."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError

from goldenthread.accounts.admin import AdministratorOnly, ServiceWrites
from goldenthread.audit.services import snapshot

from . import services
from .models import DelegatedLimit


@admin.register(DelegatedLimit)
class DelegatedLimitAdmin(AdministratorOnly, ServiceWrites, admin.ModelAdmin):
    list_display = ("__str__", "role", "user", "amount_per_year", "updated_at")
    list_filter = ("role",)
    search_fields = ("user__username", "user__first_name", "user__last_name")
    autocomplete_fields = ("user",)
    fields = ("role", "user", "amount_per_year", "note")

    def save_model(self, request, obj, form, change):
        before = snapshot(DelegatedLimit.objects.get(pk=obj.pk)) if change else None
        try:
            services.delegated_limit_save(actor=request.user, limit=obj, before=before)
        except ValidationError as exc:  # pragma: no cover - the form has validated already
            raise ValidationError(exc.messages) from exc

    def delete_model(self, request, obj):
        services.delegated_limit_delete(actor=request.user, limit=obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)
