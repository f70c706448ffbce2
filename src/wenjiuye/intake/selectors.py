"""Reading what was loaded: the import batches."""

from __future__ import annotations

from django.db.models import QuerySet

from wenjiuye.intake.models import ImportBatch


def batches_recent(limit: int = 20) -> QuerySet[ImportBatch]:
    """The last ``limit`` files loaded (newest first: the model's order)."""
    return ImportBatch.objects.all()[:limit]
