"""The Django admin stays for platform staff: reference lists, editions and coordinators."""

from django.contrib import admin

from semaine.core.forms import AdminForm

from .models import (
    Audience,
    Coordination,
    Edition,
    Event,
    EventHistory,
    Format,
    Programme,
    Slot,
    Theme,
    Track,
    Venue,
)


@admin.register(Theme, Format, Audience)
class ReferenceItemAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


class CoordinationInline(admin.TabularInline):
    form = AdminForm
    model = Coordination
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["name", "starts_on", "ends_on", "submission_deadline", "is_current"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CoordinationInline]


class TrackInline(admin.TabularInline):
    form = AdminForm
    model = Track
    extra = 0
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["title", "organisation", "edition"]
    list_filter = ["edition"]
    search_fields = ["title", "organisation__name"]
    inlines = [TrackInline]


@admin.register(Venue)
class VenueAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["name", "commune", "departement", "organisation"]
    list_filter = ["departement__region"]
    search_fields = ["name", "commune"]


class SlotInline(admin.TabularInline):
    form = AdminForm
    model = Slot
    extra = 0


class HistoryInline(admin.TabularInline):
    form = AdminForm
    model = EventHistory
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "acting_as", "from_state", "to_state", "comment",
                       "changes", "created_at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """Read-mostly: events change through the organiser and coordinator spaces (services)."""
    form = AdminForm

    list_display = ["title", "organisation", "edition", "state", "status", "first_starts_at"]
    list_filter = ["edition", "state", "status"]
    search_fields = ["title", "organisation__name"]
    list_select_related = ["organisation", "edition"]
    readonly_fields = ["state", "public_id", "submitted_at", "published_at"]
    inlines = [SlotInline, HistoryInline]
