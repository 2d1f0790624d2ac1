"""Aggregate visit counts (P5)."""

from django.db import models


class DailyVisitCount(models.Model):
    """Aggregate visit statistics (P5): page views per day by one dimension, identifying nobody;
    and, under the dimension "feature", uses of a feature per day (`views` counts the uses)."""

    class Dimension(models.TextChoices):
        PATH = "path", "Page"
        REFERRER = "referrer", "Referring site"
        BROWSER = "browser", "Browser family"
        LANGUAGE = "language", "Language"
        HOUR = "hour", "Hour of the day"
        FEATURE = "feature", "Feature used"  # privacy/stats/features.py

    day = models.DateField()
    dimension = models.CharField(max_length=10, choices=Dimension.choices)
    value = models.CharField(max_length=200)
    views = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-day", "dimension", "-views"]
        constraints = [
            models.UniqueConstraint(
                fields=["day", "dimension", "value"], name="unique_daily_visit_count"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"])]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}: {self.views}"
