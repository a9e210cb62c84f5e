"""The organiser space: events, venues, members, attendees, welcome desk, messages, questions,
API tokens, OpenAgenda import."""
