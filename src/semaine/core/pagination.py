"""Pages of long lists: numbered pages whose count stops at a cap, and a page past the last (or
not a number) answered with a 404."""

from math import ceil

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

PAGE_SIZE = 20


class CappedPaginator(Paginator):
    """Counts at most `cap` rows: an exact count over 100,000 events costs more than the page.

    With `load`, a page first reads the keys of its rows from the (filtered, ordered) queryset,
    then `load(keys)` fetches what the page shows: the joins then cover twenty rows, not every
    match before the sort."""

    cap = 10_000

    def __init__(self, object_list, per_page, *, load=None, reorder=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.load = load
        self.reorder = reorder
        #: how many of the matches the pages go through, when not all (a ranked pool)
        self.browsable = None

    def page(self, number):
        """With `reorder(queryset, count) -> (queryset, browsable)`, the rows are read the way
        that suits their count."""
        if self.reorder is not None:
            self.object_list, self.browsable = self.reorder(self.object_list, self.count)
        return super().page(self.validate_number(number))

    @cached_property
    def num_pages(self):
        shown = self.count if self.browsable is None else min(self.count, self.browsable)
        if shown == 0 and not self.allow_empty_first_page:
            return 0
        return ceil(max(1, shown - self.orphans) / self.per_page)

    @property
    def partly_browsable(self) -> bool:
        return self.browsable is not None and self.count > self.browsable

    @cached_property
    def count(self):
        # Unordered and keys only: any `cap + 1` rows count the same, and no rank, sort or other
        # annotation is computed for them.
        return self.object_list.order_by().values("pk")[: self.cap + 1].count()

    @property
    def capped(self) -> bool:
        return self.count > self.cap

    def _get_page(self, object_list, number, paginator):
        if self.load is not None:
            keys = list(object_list.values_list("pk", flat=True))
            rows = self.load(keys)
            object_list = [rows[key] for key in keys if key in rows]
        return super()._get_page(object_list, number, paginator)


def paginate(request, queryset, per_page=PAGE_SIZE, *, load=None, reorder=None):
    """A page of the list; a page number past the last (or not a number) is a 404."""
    paginator = CappedPaginator(queryset, per_page, load=load, reorder=reorder)
    try:
        return paginator.page(request.GET.get("page") or 1)
    except (EmptyPage, PageNotAnInteger) as exc:
        raise Http404 from exc
