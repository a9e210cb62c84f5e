"""The public ledger's storage: entries waiting or sequenced, tiles, blocks, cosignatures.

Entries are appended by ``services.record`` inside the transaction of the decision they record
(``index`` empty); the sealer gives them their place in the tree (``index``), extends the tiles
and signs a checkpoint, all in one transaction: a sealer killed half-way leaves no trace.
"""

import base64

from django.db import models
from django.utils.translation import gettext_lazy as _


class Entry(models.Model):
    """One fact of the log: canonical JSON (RFC 8785), no personal data."""

    id = models.BigAutoField(primary_key=True)
    #: position in the tree, given when a block is sealed (unique among sealed entries: waiting
    #: ones are left out of the unique index, one index insertion less per append)
    index = models.BigIntegerField(null=True, blank=True)
    kind = models.CharField(max_length=40)
    subject = models.CharField(max_length=80)
    #: the log's leaf: {"kind", "subject", "time", "sha256"} in RFC 8785 form
    data = models.BinaryField()
    #: the public record that ``sha256`` is the hash of (RFC 8785 JSON), served beside the log
    record = models.TextField()
    recorded_at = models.DateTimeField()

    class Meta:
        verbose_name = _("entrée du registre")
        verbose_name_plural = _("entrées du registre")
        indexes = [
            models.Index(fields=["subject", "id"], name="ledger_entry_subject"),
            models.Index(fields=["id"], condition=models.Q(index__isnull=True), name="ledger_entry_pending"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["index"], condition=models.Q(index__isnull=False),
                                    name="ledger_entry_index_unique"),
        ]

    def __str__(self):
        return f"{self.index if self.index is not None else '…'} {self.kind} {self.subject}"


class Tile(models.Model):
    """C2SP tlog-tiles: up to 256 hashes of tree level 8 × ``level``; partial ones grow."""

    level = models.PositiveSmallIntegerField()
    number = models.BigIntegerField()
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["level", "number"], name="ledger_tile_unique")]

    def __str__(self):
        return f"tile {self.level}/{self.number}"


class Block(models.Model):
    """The entries appended during one interval, sealed together under a signed checkpoint."""

    number = models.PositiveIntegerField(primary_key=True)
    sealed_at = models.DateTimeField()
    first_index = models.BigIntegerField()
    #: the tree size once the block is sealed (its last entry is ``size - 1``)
    size = models.BigIntegerField(unique=True)
    root = models.BinaryField()
    #: the checkpoint signed by the log (a C2SP signed note)
    checkpoint = models.TextField()
    #: the same checkpoint with the witnesses' cosignatures appended, when they answered
    cosigned = models.TextField(blank=True)

    class Meta:
        ordering = ["-number"]
        verbose_name = _("bloc")
        verbose_name_plural = _("blocs")

    def __str__(self):
        return f"block {self.number}"

    @property
    def last_index(self) -> int:
        return self.size - 1

    @property
    def count(self) -> int:
        return self.size - self.first_index

    @property
    def root_b64(self) -> str:
        return base64.b64encode(bytes(self.root)).decode()


class LedgerState(models.Model):
    """One row, locked by whoever seals: two sealers never fork the log. The tree's size and root
    are the latest block's."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    origin = models.CharField(max_length=200, blank=True)
    key = models.CharField(max_length=200, blank=True)
    backfilled = models.BooleanField(default=False)

    def __str__(self):
        return self.origin


class LedgerArchive(models.Model):
    """A log this node kept before a key rotation started a new one: frozen, written out as a
    verifiable copy (checkpoints, tiles, entry bundles and the public records) and served
    read-only under ``/ledger/archives/<name>/``."""

    name = models.CharField(max_length=200, unique=True)
    origin = models.CharField(max_length=200)
    key = models.CharField(max_length=200)
    size = models.BigIntegerField()
    root = models.BinaryField()
    checkpoint = models.TextField()
    archived_at = models.DateTimeField()

    class Meta:
        ordering = ["-archived_at"]

    def __str__(self):
        return self.origin


class WitnessState(models.Model):
    """What a witness last cosigned for us, so the next request proves from there."""

    url = models.URLField(unique=True)
    size = models.BigIntegerField(default=0)
    last_error = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.url


class Commitment(models.Model):
    """A salted hash kept in the log where a fact concerns a person; erasing the salt makes the
    entry unlinkable to anyone (RGPD), while the log itself never changes."""

    digest = models.CharField(max_length=64, unique=True)
    salt = models.BinaryField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.digest
