"""Every reason the role rules can give a member reads in Spanish in a case file, not marked [en]:
a rule added or a retraining that writes a new reason must bring its translation along."""

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
