"""What other apps may react to, without the programme depending on them."""

from django.dispatch import Signal

#: Sent inside the transaction that cancels an event (``sender`` is the Event class; ``event``).
event_cancelled = Signal()

#: Sent inside the transaction that cancels one slot (``slot``, ``reason``).
slot_cancelled = Signal()

#: Sent inside the transaction that moves an event into or out of the public programme, by the
#: services' log of every state change (``event``, ``from_state``, ``to_state``).
event_publication_changed = Signal()
