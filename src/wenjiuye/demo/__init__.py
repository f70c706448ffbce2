"""Demo data: a deterministic, realistic city in the data-contract formats, with planted risks.

Pure Python (no Django ORM): ``demo_generate(out=…, city_dir=…, scale=…, seed=…)`` writes the
files, ``ground_truth.json`` and ``manifest.json``; ``wenjiuye demo generate`` is its command.
"""

from wenjiuye.demo.generator import DemoResult, demo_generate
from wenjiuye.demo.model import SCALES
from wenjiuye.demo.profile import DemoError

__all__ = ["SCALES", "DemoError", "DemoResult", "demo_generate"]
