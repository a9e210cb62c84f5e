"""The organiser's hackathon pages."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


set_up = manage = _todo
