"""Every reason the role rules can give and every level of the person model reads in Spanish in
a case file, not marked [en]: a new rule, a retraining or a new comparison level must bring its
translation along."""

from __future__ import annotations

from eslabon.network.rules import load_role_rules_data
from eslabon.report.i18n import catalogue


def test_every_role_rule_reason_has_a_spanish_rendering() -> None:
    es = catalogue("es")
    reasons = sorted({rule["why"] for rule in load_role_rules_data()["roles"]})
    assert len(reasons) > 10
    untranslated = [why for why in reasons if es.generated(why).startswith("[en]")]
    assert untranslated == []
    assert es.generated("a sentence no stage writes").startswith("[en]")


def test_every_level_of_the_person_model_reads_in_spanish() -> None:
    """A case file explains each merge level by level (the model's level labels)."""
    from eslabon.resolve import person_model

    es = catalogue("es")
    labels = {
        level["label_for_charts"]
        for comparison in person_model.settings()["comparisons"]
        for level in comparison["comparison_levels"]
    }
    assert [x for x in sorted(labels) if es.generated(x).startswith("[en]")] == []
