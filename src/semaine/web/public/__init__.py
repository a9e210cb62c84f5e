"""The public site: editions, agenda, calendar, map, event pages, feeds, open data, statistics,
registration for visitors, « mes données », home, legal pages, health check, error pages."""
