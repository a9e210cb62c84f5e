from django_tasks import task

from .services import seal_and_cosign


@task()
def seal_ledger() -> int:
    """Seal the entries appended since the last block, then ask the witnesses to cosign."""
    return len(seal_and_cosign())
