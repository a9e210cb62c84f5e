from django.contrib import admin

from semaine.core.forms import AdminForm

from .models import Departement, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["code", "name", "overseas"]
    search_fields = ["name", "code"]


@admin.register(Departement)
class DepartementAdmin(admin.ModelAdmin):
    form = AdminForm
    list_display = ["code", "name", "region", "prefecture"]
    list_filter = ["region"]
    search_fields = ["name", "code"]
