"""The theme's palette, checked: the six kind-family colours and the period colours stand
out from the page (WCAG 2.2 non-text contrast, 3:1 against the backgrounds they are drawn
on) in light and dark mode, and the family colours stay apart for readers with colour-vision
deficiencies (each pair differs by ΔE*ab ≥ 20 as seen with normal vision and under simulated
protanopia, deuteranopia and tritanopia; Machado, Oliveira and Fernandes 2009, severity 1).
templates/README.md ("Palette") documents the colours and this check."""

from __future__ import annotations

import itertools
import math
import re

import pytest
from conftest import ROOT

CSS = (ROOT / "templates" / "static" / "site.css").read_text(encoding="utf-8")
FAMILIES = [f"f{i}" for i in range(6)]
PERIODS = ["grey", "sand", "amber", "red", "purple", "blue", "teal"]
MIN_CONTRAST = 3.0  # WCAG 2.2, 1.4.11 non-text contrast
MIN_DELTA_E = 20.0  # CIE76 distance: clearly different at a glance, on small marks
# Machado et al. 2009, severity 1.0, on linear RGB
SIMULATIONS = {
    "normal": ((1, 0, 0), (0, 1, 0), (0, 0, 1)),
    "protanopia": ((0.152286, 1.052583, -0.204868), (0.114503, 0.786281, 0.099216),
                   (-0.003882, -0.048116, 1.051998)),
    "deuteranopia": ((0.367322, 0.860646, -0.227968), (0.280085, 0.672501, 0.047413),
                     (-0.011820, 0.042940, 0.968881)),
    "tritanopia": ((1.255528, -0.076749, -0.178779), (-0.078411, 0.930809, 0.147602),
                   (0.004733, 0.691367, 0.303900)),
}


def tokens(scheme: str) -> dict[str, str]:
    """The custom properties of :root in light mode, or as dark mode overrides them."""
    light = CSS[CSS.index(":root {"):CSS.index("}", CSS.index(":root {"))]
    values = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", light))
    if scheme == "dark":
        dark = CSS[CSS.index("@media (prefers-color-scheme: dark)"):]
        dark = dark[dark.index(":root {"):dark.index("}", dark.index(":root {"))]
        values.update(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", dark))
    return values


def linear(hex_colour: str) -> tuple[float, ...]:
    def one(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return tuple(one(int(hex_colour[i:i + 2], 16) / 255) for i in (1, 3, 5))


def luminance(hex_colour: str) -> float:
    r, g, b = linear(hex_colour)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def lab(rgb_linear: tuple[float, ...]) -> tuple[float, float, float]:
    r, g, b = (min(max(c, 0.0), 1.0) for c in rgb_linear)
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116
    return 116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))


def seen(hex_colour: str, simulation: str) -> tuple[float, float, float]:
    m, c = SIMULATIONS[simulation], linear(hex_colour)
    return lab(tuple(sum(m[i][j] * c[j] for j in range(3)) for i in range(3)))


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_family_and_period_colours_stand_out_from_the_page(scheme: str) -> None:
    t = tokens(scheme)
    low = [(name, background, round(contrast(t[name], t[background]), 2))
           for name in FAMILIES + [f"pc-{p}" for p in PERIODS] + ["tp"]
           for background in ("surface", "bg")
           if contrast(t[name], t[background]) < MIN_CONTRAST]
    assert low == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("simulation", list(SIMULATIONS))
def test_family_colours_stay_apart_with_colour_vision_deficiencies(scheme: str,
                                                                   simulation: str) -> None:
    t = tokens(scheme)
    close = [(a, b, round(math.dist(seen(t[a], simulation), seen(t[b], simulation)), 1))
             for a, b in itertools.combinations(FAMILIES, 2)
             if math.dist(seen(t[a], simulation), seen(t[b], simulation)) < MIN_DELTA_E]
    assert close == []


def test_the_check_tells_confusable_colours_apart() -> None:
    """The simulation is not a no-op: a red and a green of equal lightness, distinct to
    normal vision, merge under deuteranopia."""
    red, green = "#b35a00", "#5a8a00"
    assert math.dist(seen(red, "normal"), seen(green, "normal")) > 30
    assert math.dist(seen(red, "deuteranopia"), seen(green, "deuteranopia")) < 10
