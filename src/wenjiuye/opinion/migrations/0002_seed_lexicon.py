"""Seed the keyword lexicon from opinion/data/lexicon.json (terms already present are kept)."""

import json
from pathlib import Path

from django.db import migrations

LEXICON = Path(__file__).resolve().parents[1] / "data" / "lexicon.json"


def seed(apps, schema_editor):
    term_model = apps.get_model("opinion", "LexiconTerm")
    data = json.loads(LEXICON.read_text(encoding="utf-8"))
    for category, terms in data["terms"].items():
        for term, weight in terms.items():
            term_model.objects.get_or_create(
                category=category, term=term, defaults={"weight": weight, "active": True}
            )


class Migration(migrations.Migration):
    dependencies = [("opinion", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
