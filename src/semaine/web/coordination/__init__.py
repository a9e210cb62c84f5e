"""Coordination: the moderation queue, organisation approval, reopening submissions."""
