"""Settings of how vocabularies are shown: period kinds (chart layer, label, colour) and kind
families, in table form and in the older list form, with located errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from sitegen.config import load_config
from sitegen.errors import ConfigError
from sitegen.presentation import PeriodKind


def config_with(tmp_path: Path, text: str):  # type: ignore[no-untyped-def]
    (tmp_path / "sitegen.toml").write_text(text, encoding="utf-8")
    return load_config(tmp_path)


def errors(tmp_path: Path, text: str) -> str:
    with pytest.raises(ConfigError) as info:
        config_with(tmp_path, text)
    return info.value.format()


def test_period_kinds_as_a_table_keep_their_order_layer_label_and_colour(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, """
[period_kinds.era]
layer = "strip"
label = "Era"
colour = "grey"
[period_kinds.channel-not-meeting]
layer = "lane"
label = "Formal channel not meeting"
colour = "red"
""")
    assert cfg.period_kinds == ("era", "channel-not-meeting")
    assert cfg.period_styles == (PeriodKind("era", "strip", "Era", "grey"),
                                 PeriodKind("channel-not-meeting", "lane",
                                            "Formal channel not meeting", "red"))
    assert cfg.period_style("channel-not-meeting").label == "Formal channel not meeting"


def test_period_kinds_as_a_list_get_the_default_drawing(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, 'period_kinds = ["phase", "agreement-in-force"]\n')
    assert [(p.id, p.layer, p.label) for p in cfg.period_styles] == [
        ("phase", "strip", "Phase"), ("agreement-in-force", "lane", "Agreement in force")]
    default = load_config(tmp_path / "nothing-here")
    assert [(p.id, p.layer) for p in default.period_styles] == [("era", "strip"),
                                                                ("suspension", "lane")]


@pytest.mark.parametrize("text, message", [
    ('[period_kinds.era]\nlayer = "band"\n', "period_kinds.era.layer: 'band' is not a layer"),
    ('[period_kinds.era]\ncolour = "pink"\n',
     "period_kinds.era.colour: 'pink' is not one of the theme's period colours"),
    ('[period_kinds.era]\nshape = "x"\n', "period_kinds.era.shape: unknown setting"),
    ('[period_kinds.era]\nlabel = ""\n', "period_kinds.era.label: must be a one-line text"),
    ('period_kinds = "era"\n', "period_kinds: must be a list of names or a table"),
])
def test_bad_period_kinds_are_reported(tmp_path: Path, text: str, message: str) -> None:
    assert message in errors(tmp_path, text)


def test_kind_families_group_every_kind_once(tmp_path: Path) -> None:
    cfg = config_with(tmp_path, """kinds = ["talk", "deal", "note"]
[kind_families]
talks = ["talk", "note"]
deals = ["deal"]
""")
    assert [(f.id, f.kinds, f.cls) for f in cfg.families] == [
        ("talks", ("talk", "note"), "f0"), ("deals", ("deal",), "f1")]
    text = errors(tmp_path, """kinds = ["talk", "deal", "note"]
[kind_families]
talks = ["talk", "tlak"]
deals = ["deal", "talk"]
""")
    assert "kind_families.talks: 'tlak' is not one of the kinds" in text
    assert "kind_families.deals: 'talk' is already in the family 'talks'" in text
    assert "kind_families: leaves out the kinds note" in text
    many = "\n".join(f'f{i} = ["k{i}"]' for i in range(7))
    kinds = ", ".join(f'"k{i}"' for i in range(7))
    assert "has 7 families; the theme has 6 colours" in errors(
        tmp_path, f"kinds = [{kinds}]\n[kind_families]\n{many}\n")
