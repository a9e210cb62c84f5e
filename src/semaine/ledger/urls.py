from django.urls import path, re_path

from . import views

app_name = "ledger"

urlpatterns = [
    # C2SP tlog-tiles / tlog-checkpoint: static, cacheable, mirrorable
    path("ledger/checkpoint", views.checkpoint, name="checkpoint"),
    path("ledger/key", views.key, name="key"),
    re_path(r"^ledger/tile/(?P<path>.+)$", views.tile, name="tile"),
    path("ledger/checkpoints.json", views.checkpoints, name="checkpoints"),
    path("ledger/entry/<int:index>.json", views.entry_json, name="entry-json"),
    path("ledger/records/<int:number>.json", views.records_json, name="records-json"),
    path("ledger/consistency/<int:old>/<int:new>.json", views.consistency_json, name="consistency-json"),
    re_path(r"^ledger/mirrors/(?P<name>[^/]+)/(?P<path>.+)$", views.mirror_file, name="mirror"),
    re_path(r"^ledger/archives/(?P<name>[^/]+)/(?P<path>.+)$", views.archive_file, name="archive"),
    # pages
    path("registre/", views.register, name="register"),
    path("registre/bloc/<int:number>/", views.block_page, name="block"),
    path("registre/entree/<int:index>/", views.entry_page, name="entry"),
]
