"""constraints.txt pins the versions CI tested; this fails as soon as it no longer matches.

The README installs with `pip install -c constraints.txt ...`, so a fresh machine and CI get the
exact versions the suite passed with. To refresh the file after changing pyproject.toml's
dependencies (uv installed as a tool, not a project dependency: `pipx install uv`):

    uv pip compile pyproject.toml --extra dev --extra ptb --extra postgres --python-version 3.11 -o constraints.txt

(add `--upgrade` to move every pin to the newest release pyproject allows), then reinstall with
the README's test command and run the suite.
"""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
CONSTRAINTS = ROOT / "constraints.txt"
EXTRAS = ("dev", "ptb", "postgres")
REFRESH = ("uv pip compile pyproject.toml --extra dev --extra ptb --extra postgres "
           "--python-version 3.11 -o constraints.txt")
HOW_TO_FIX = (f"\nconstraints.txt no longer matches: refresh it with\n    {REFRESH}\n"
              'then reinstall: pip install -c constraints.txt -e ".[dev]"')


def project_requirements() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    lines = list(project["dependencies"])
    for extra in EXTRAS:
        lines += project["optional-dependencies"][extra]
    return [Requirement(line) for line in lines]


def pins() -> dict[str, str]:
    pinned: dict[str, str] = {}
    for raw in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        requirement = Requirement(line)
        specifiers = list(requirement.specifier)
        assert len(specifiers) == 1 and specifiers[0].operator == "==", f"not a pin: {raw}"
        pinned[canonicalize_name(requirement.name)] = specifiers[0].version
    return pinned


def test_the_refresh_command_heads_the_file():
    assert REFRESH in CONSTRAINTS.read_text(encoding="utf-8").splitlines()[1]
    assert REFRESH in (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_dependency_of_pyproject_is_pinned_within_its_range():
    pinned = pins()
    problems = []
    for requirement in project_requirements():
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name} is not pinned")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}=={version} is outside {requirement}")
    assert problems == [], "\n".join(problems) + HOW_TO_FIX


def _needed(requirement: Requirement, extras: set[str]) -> bool:
    if requirement.marker is None:
        return True
    environment = default_environment()
    return any(requirement.marker.evaluate({**environment, "extra": extra})
               for extra in extras or {""})


def test_what_this_venv_runs_is_what_is_pinned():
    """Every package the project needs, down to the dependencies of dependencies, is installed at
    its pinned version: the suite that passed is the suite of the pins."""
    pinned = pins()
    problems = []
    seen: set[str] = set()
    queue = [(r, set(r.extras)) for r in project_requirements() if _needed(r, set())]
    while queue:
        requirement, extras = queue.pop()
        name = canonicalize_name(requirement.name)
        if (name, tuple(sorted(extras))) in seen:
            continue
        seen.add((name, tuple(sorted(extras))))
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            problems.append(f"{name} is not installed")
            continue
        if name not in pinned:
            problems.append(f"{name} ({installed}, needed by the project) is not pinned")
        elif installed != pinned[name]:
            problems.append(f"{name} {installed} is installed, {pinned[name]} is pinned")
        for line in metadata.requires(name) or []:
            child = Requirement(line)
            if _needed(child, extras):
                queue.append((child, set(child.extras)))
    assert problems == [], "\n".join(sorted(set(problems))) + HOW_TO_FIX
    unused = sorted(set(pinned) - {name for name, _ in seen})
    assert unused == [], f"pinned but needed by nothing: {unused}" + HOW_TO_FIX

