"""The JSON accelerator writes exactly what json.dumps(..., indent=1, sort_keys=True) writes."""

from __future__ import annotations

from sitegen.config import load_config


def test_indented_json_is_json_dumps() -> None:
    """The data files' encoder writes exactly what json.dumps(…, indent=1) writes."""
    import json
    import random

    from conftest import FIXTURES

    from sitegen.accel.fastjson import indented_json
    from sitegen.content.loader import load_site
    from sitegen.outputs.feeds import entry_record

    config = load_config(FIXTURES / "basic")
    site = load_site(config, drafts=True).site
    values: list[object] = [entry_record(e, config) for e in site.entries]
    rng = random.Random(20261202)
    leaves = ["", "a\"b", "\\", "\x00\x1f", "é\u2028", "</script>", 0, -7, 10**30, True, False,
              None, 1.5, float("inf"), [], {}, ()]

    def tree(depth: int) -> object:
        if depth == 0 or rng.random() < 0.3:
            return rng.choice(leaves)
        if rng.random() < 0.5:
            return [tree(depth - 1) for _ in range(rng.randint(0, 4))]
        return {rng.choice(["b", "a", "é", "\n", "10", "2"]): tree(depth - 1)
                for _ in range(rng.randint(0, 4))}

    values += [tree(5) for _ in range(2000)] + [{1: "int key"}, {"t": (1, [2])}]
    for value in values:
        assert indented_json(value) == json.dumps(value, ensure_ascii=False, sort_keys=True,
                                                  indent=1)
