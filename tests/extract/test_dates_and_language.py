from datetime import date

import pytest

from dagster_project.extract.dates import parse_numeric_date
from dagster_project.extract.language import detect


@pytest.mark.parametrize(
    "text,order,expected",
    [
        ("le 25 - 01 - 2020", "DMY", date(2020, 1, 25)),
        ("14/03/2026", "DMY", date(2026, 3, 14)),
        ("03/14/2026", "MDY", date(2026, 3, 14)),
        ("2020-01-25", "DMY", date(2020, 1, 25)),
        ("31 - 02 - 2020", "DMY", None),
        ("no date here", "DMY", None),
    ],
)
def test_numeric_dates(text, order, expected):
    assert parse_numeric_date(text, order) == expected


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Le Maroc présente son plan national pour les migrations", "fr"),
        ("Marruecos acogerá la reunión ministerial conjunta", "es"),
        ("Morocco to host the joint ministerial meeting", "en"),
        ("المغرب يستضيف الاجتماع الوزاري المشترك", "ar"),
        ("2026 — 14/03", None),
        ("", None),
    ],
)
def test_language(text, expected):
    assert detect(text) == expected
