from django.contrib import admin

from semaine.core.forms import AdminForm

from .models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    form = AdminForm
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["name", "kind", "departement", "status"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]
