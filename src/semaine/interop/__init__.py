"""Interchange with other agenda platforms, calling the domain services to write."""
