from django.contrib import admin

from semaine.core.forms import AdminForm

from .models import OpenAgendaImport, OpenAgendaLink


@admin.register(OpenAgendaImport)
class OpenAgendaImportAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ("programme", "organisation", "status", "processed", "total", "created_at")
    list_filter = ("status",)
    readonly_fields = ("report", "error", "started_at", "finished_at")
    exclude = ("document",)


@admin.register(OpenAgendaLink)
class OpenAgendaLinkAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ("source_agenda", "source_uid", "event", "organisation", "imported_at")
    search_fields = ("source_uid", "event__title")
    raw_id_fields = ("event",)
