"""Learned models shipped with zongjie, and the code that trains and loads them.

Each model lives in a versioned folder ``zongjie/models/<name>-v<version>/``
and every fact it touches records ``model:<name>@<version>`` in its ``rule``,
so that a result can be traced to the model that made it and re-run when the
model changes. Training data is kept beside the code in
``zongjie/models/data/`` and ``zongjie train <name>`` rebuilds a model from
it with a fixed seed.

- ``roles`` (scikit-learn): the role of a sentence — achievement, target,
  commitment, problem or other — from character n-grams.
- ``ner`` (spaCy): ORG, LOC, PER, DOC, CAMPAIGN, INDICATOR entities.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

# Bump a version when the model's output can change; the folder name follows.
VERSIONS = {"roles": 2, "ner": 1}
SEED = 8


def model_tag(name: str) -> str:
    """``model:roles@2``: what a fact's ``rule`` records."""
    return f"model:{name}@{VERSIONS[name]}"


def model_dir(name: str) -> Path:
    """The shipped model's folder (``zongjie/models/roles-v2``)."""
    return Path(str(resources.files("zongjie.models").joinpath(f"{name}-v{VERSIONS[name]}")))


def data_path(filename: str) -> Path:
    """A training or evaluation file in ``zongjie/models/data``."""
    return Path(str(resources.files("zongjie.models").joinpath("data", filename)))
