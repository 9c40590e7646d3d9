"""Administrators manage teams, areas and users here. No named person's record is
registered in the admin: administrators never see case content (SPEC section 0)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Area, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        ("Role in Golden Thread", {"fields": ("role", "team", "job_title")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        ("Role in Golden Thread", {"fields": ("first_name", "last_name", "role", "team")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "area")
    search_fields = ("name",)


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    search_fields = ("name",)
