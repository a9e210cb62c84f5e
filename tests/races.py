"""Concurrency for the race tests (PostgreSQL): callers released together, one connection each."""

import threading

from django.db import connections


def race(target, arguments):
    """Run ``target(*args)`` for each of ``arguments`` in real threads, one database connection
    each, released together; the exceptions they raised."""
    barrier = threading.Barrier(len(arguments))
    errors = []

    def run(args):
        try:
            barrier.wait()
            target(*args)
        except Exception as error:  # noqa: BLE001 - collected and asserted by the caller
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(args,)) for args in arguments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
