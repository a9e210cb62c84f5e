"""Personal data of registrants (RGPD): see, export, erase. To be completed."""

from django.http import Http404


def request_link(request):
    raise Http404


def my_data(request, token):
    raise Http404


def export(request, token):
    raise Http404


def erase(request, token):
    raise Http404
