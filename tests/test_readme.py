"""The README documents every setting the portal reads from its environment."""

import re
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent


def test_every_setting_read_from_the_environment_is_in_the_readme():
    settings = (BASE / "incubator" / "settings.py").read_text()
    readme = (BASE / "README.md").read_text()
    names = set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z][A-Z0-9_]+)"', settings))
    assert len(names) > 30  # the pattern finds the settings
    assert sorted(name for name in names if f"`{name}`" not in readme) == []
