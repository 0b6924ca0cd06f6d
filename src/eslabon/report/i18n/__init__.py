"""The translation catalogue: labels, sentence templates and terms in English and Spanish, as data.

Generated sentences are catalogue keys; English sentences produced by other stages (role and
ranking reasons, comparison outcomes) are translated by the patterns in ``patterns.yaml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from eslabon.errors import EslabonError
from eslabon.report.statements import Statement, Term, require_sources

LANGUAGES = ("en", "es")


def _load(name: str) -> Any:
    text = resources.files("eslabon.report.i18n").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(p["en"] + r"\Z"), p["es"]) for p in _load("patterns.yaml"))


@dataclass(frozen=True)
class Catalogue:
    """One language's labels, sentences and terms."""

    lang: str
    labels: dict[str, str]
    sentences: dict[str, str]
    terms: dict[str, dict[str, str]]

    def label(self, key: str, **params: Any) -> str:
        return self.labels[key].format(**params) if params else self.labels[key]

    def term(self, group: str, value: str | None) -> str:
        """A translated term; unknown values are shown as recorded."""
        if value is None:
            return self.labels["unknown"]
        return self.terms.get(group, {}).get(value, value)

    def sentence(self, statement: Statement) -> str:
        """The statement in this language; refuses statements without a source."""
        require_sources(statement)
        params = {
            k: self.term(v.group, v.value)
            if isinstance(v, Term)
            else self.generated(v)
            if isinstance(v, Generated)
            else v
            for k, v in statement.params.items()
        }
        return self.sentences[statement.key].format(**params)

    def generated(self, text: Any) -> str:
        """An English sentence from another stage, in this language (patterns.yaml)."""
        text = str(text.text if isinstance(text, Generated) else text)
        if self.lang == "en":
            return text
        for pattern, template in _patterns():
            m = pattern.match(text)
            if m:
                return template.format(
                    **{k: self._group(k, v) for k, v in m.groupdict(default="").items()}
                )
        return f"[en] {text}"

    def _group(self, name: str, value: str) -> str:
        if name.startswith("role"):
            key = value.replace(" ", "_")
            for candidate in (key, key.removesuffix("s"), key.removesuffix("es")):
                if candidate in self.terms["role"]:
                    return self.terms["role"][candidate]
            return value
        if name == "nkind":
            return self.term("nkind", value)
        if name == "what" and self.lang != "en":
            return value.replace("_", " ")
        return value


@dataclass(frozen=True)
class Generated:
    """A sentence produced in English by another stage; translated through patterns.yaml."""

    text: str


@cache
def catalogue(lang: str) -> Catalogue:
    """The catalogue for ``lang`` (en or es)."""
    if lang not in LANGUAGES:
        raise EslabonError(f"language '{lang}' is not one of {', '.join(LANGUAGES)}", field="lang")
    data = _load(f"{lang}.yaml")
    return Catalogue(lang, data["labels"], data["sentences"], data["terms"])
