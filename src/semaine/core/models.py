from django.db import models


class RateCounter(models.Model):
    """Attempts of one kind by one client (address, e-mail…) in one time window."""

    key = models.CharField(max_length=200)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "ui_ratecounter"  # the table kept its name when the model moved from `ui`
        constraints = [models.UniqueConstraint(fields=["key", "window"], name="one_counter_per_window")]

    def __str__(self):
        return f"{self.key} @ {self.window}: {self.count}"
