from django.contrib import admin
from django.core.exceptions import ValidationError

from semaine.core.forms import AdminForm

from .identifiers import clean_insee_code, clean_siret
from .models import Invitation, JoinRequest, Membership, Organisation


class OrganisationAdminForm(AdminForm):
    """The SIRET and the INSEE code checked as on the declaration form."""

    def clean_siret(self):
        return clean_siret(self.cleaned_data.get("siret", ""))

    def clean(self):
        data = super().clean()
        if data.get("insee_code") and data.get("kind"):
            try:
                data["insee_code"] = clean_insee_code(data["insee_code"], data["kind"],
                                                      data.get("departement"))
            except ValidationError as error:
                self.add_error("insee_code", error)
        return data


class MembershipInline(admin.TabularInline):
    form = AdminForm
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "kind", "departement", "siret", "insee_code", "status"]
    list_filter = ["status", "kind", "region"]
    search_fields = ["name", "siret", "insee_code"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["requester", "organisation", "state", "created_at", "decided_at"]
    list_filter = ["state"]
    search_fields = ["organisation__name", "requester__email"]
    raw_id_fields = ["organisation", "requester", "decided_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["user", "organisation", "role", "state", "created_at", "answered_at"]
    list_filter = ["state"]
    search_fields = ["organisation__name", "user__email"]
    raw_id_fields = ["organisation", "user", "invited_by"]
