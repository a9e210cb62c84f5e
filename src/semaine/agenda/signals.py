"""What other apps may react to, without the programme depending on them."""

from django.dispatch import Signal

#: Sent inside the transaction that cancels an event (``sender`` is the Event class; ``event``).
event_cancelled = Signal()

#: Sent inside the transaction that cancels one slot (``slot``, ``reason``).
slot_cancelled = Signal()
