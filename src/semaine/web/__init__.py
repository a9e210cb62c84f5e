"""Pages by audience: the public site, the organiser space, coordination and the account.

Pages read through the domains' queries and write through their services; no domain app imports
this package.
"""
