"""An e-mail backend for tests that fails as a real SMTP server does: it refuses the addresses
listed in ``settings.TEST_REFUSED_ADDRESSES`` (550, as for an unknown mailbox) and, while
``settings.TEST_SMTP_DOWN`` is true, drops the connection; everything else goes to
``django.core.mail.outbox`` as with the locmem backend."""

import smtplib

from django.conf import settings
from django.core.mail.backends import locmem


class FailingEmailBackend(locmem.EmailBackend):
    def send_messages(self, messages):
        if getattr(settings, "TEST_SMTP_DOWN", False):
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        refused = set(getattr(settings, "TEST_REFUSED_ADDRESSES", ()))
        for message in messages:
            unknown = {to: (550, b"5.1.1 <%s>: Recipient address rejected: User unknown" % to.encode())
                       for to in message.to if to in refused}
            if unknown:
                raise smtplib.SMTPRecipientsRefused(unknown)
            message.message()  # builds the headers: a subject on two lines raises here, as in SMTP
        return super().send_messages(messages)
