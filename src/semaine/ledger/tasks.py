from django_tasks import task


@task()
def seal_ledger() -> int:
    """Seal the entries appended since the last block, then ask the witnesses to cosign."""
    from .services import seal_and_cosign

    return len(seal_and_cosign())
