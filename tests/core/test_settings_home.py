"""Importing the settings writes nothing; the working folder is resolved explicitly (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from wenjiuye.home import CHECKOUT, HomeNotSet, prepare_home, resolve_home

SRC = Path(__file__).resolve().parents[2] / "src"


def _import_settings(cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("WENJIUYE_", "DJANGO_"))}
    clean.pop("SECRET_KEY", None)
    clean.update({"PYTHONPATH": str(SRC), "DJANGO_SETTINGS_MODULE": "wenjiuye.settings", **env})
    code = "import wenjiuye.settings as s; print(s.WENJIUYE_HOME)"
    return subprocess.run(
        [sys.executable, "-c", code], cwd=cwd, env=clean, capture_output=True, text=True
    )


def _tree(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def test_importing_the_settings_in_an_empty_folder_writes_nothing(tmp_path: Path) -> None:
    cwd, home = tmp_path / "cwd", tmp_path / "home"
    cwd.mkdir()
    done = _import_settings(cwd, WENJIUYE_HOME=str(home))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == str(home.resolve())
    assert _tree(tmp_path) == ["cwd"]  # neither ./var nor the home folder was made


def test_the_default_home_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    done = _import_settings(tmp_path)
    assert done.returncode == 0, done.stderr
    assert Path(done.stdout.strip()) == CHECKOUT / "var"
    assert _tree(tmp_path) == []
    assert resolve_home({}) == CHECKOUT / "var"


def test_production_without_a_home_is_a_clear_error(tmp_path: Path) -> None:
    done = _import_settings(
        tmp_path, WENJIUYE_ENV="production", SECRET_KEY="x" * 50, ALLOWED_HOSTS="example.org"
    )
    assert done.returncode != 0
    assert "ImproperlyConfigured" in done.stderr
    assert "WENJIUYE_HOME is required when WENJIUYE_ENV=production" in done.stderr
    assert _tree(tmp_path) == []
    with pytest.raises(HomeNotSet):
        resolve_home({"WENJIUYE_ENV": "production"})


def test_the_entry_points_prepare_the_home_once(tmp_path: Path) -> None:
    home = tmp_path / "deep" / "home"
    env = {"WENJIUYE_HOME": str(home)}
    assert prepare_home(env) == home.resolve()
    assert {"media", "secret_key", "static"} <= set(_tree(home))
    key = (home / "secret_key").read_text()
    assert len(key) >= 50 and (home / "secret_key").stat().st_mode & 0o077 == 0
    prepare_home(env)
    assert (home / "secret_key").read_text() == key  # idempotent: sessions survive a restart
    production = tmp_path / "prod"
    prepare_home({"WENJIUYE_HOME": str(production), "WENJIUYE_ENV": "production"})
    assert not (production / "secret_key").exists()  # production keys come from SECRET_KEY
