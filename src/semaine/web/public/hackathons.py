"""Hackathon pages for everyone, participants and jurors."""

from django.http import Http404


def _todo(request, **kwargs):
    raise Http404


hackathon = results = challenge = team = submission = juror_accept = jury = score = _todo
