"""Demo data: a deterministic, realistic city in the data-contract formats, with planted risks.

Two parts. The generator is pure Python (no Django ORM): ``demo_generate(out=…, city_dir=…,
scale=…, seed=…)`` writes the files, ``ground_truth.json`` and ``manifest.json``; ``wenjiuye demo
generate`` is its command. The scenario (``demo/scenario*.py``, ``demo_scenario(as_of=…)``) then
records the bureau's work on the loaded city through the product's own services, as the demo users
— layoff reports in every state, incidents, opinion, programmes, contacts — so every page has
something to show; ``wenjiuye quickstart`` runs both.
"""

from wenjiuye.demo.generator import DemoResult, demo_generate
from wenjiuye.demo.model import SCALES
from wenjiuye.demo.profile import DemoError

__all__ = ["SCALES", "DemoError", "DemoResult", "demo_generate"]
