"""What other apps may react to, without accounts depending on them."""

from django.dispatch import Signal

#: Sent inside the transaction that verifies an account's address (``sender`` is the User class;
#: ``user``): requests to join an organisation made at sign-up are told to its admins then.
email_verified = Signal()
