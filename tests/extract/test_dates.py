"""Publication dates in the forms French, Spanish, English and Arabic pages write them."""

from datetime import date

import pytest

from dagster_project.extract.dates import parse_date, parse_iso_date, parse_url_date


@pytest.mark.parametrize(
    "text,language,expected",
    [
        ("Publié dans 2M le 25 - 01 - 2020", "fr", date(2020, 1, 25)),
        ("samedi 14 mars 2026", "fr", date(2026, 3, 14)),
        ("Mis à jour le 1er mars 2026 à 09h12", "fr", date(2026, 3, 1)),
        ("14/03/2026", "fr", date(2026, 3, 14)),  # day first on a French page
        ("03/14/2026", "en", date(2026, 3, 14)),  # month first on an English page
        ("14/03/2026", "en", date(2026, 3, 14)),  # 14 cannot be a month
        ("05/03/2026", "fr", date(2026, 3, 5)),
        ("05/03/2026", "en", date(2026, 5, 3)),
        ("March 14, 2026", "en", date(2026, 3, 14)),
        ("Updated: Nov. 20, 2019, 1:42 PM", "en", date(2019, 11, 20)),
        ("14 March 2026", "en", date(2026, 3, 14)),
        ("2026-03-14T23:30:00-05:00", None, date(2026, 3, 14)),
        ("2026-03-14T02:00:00+01:00", None, date(2026, 3, 14)),
        ("sábado, 14 de marzo de 2026", "es", date(2026, 3, 14)),
        ("Lunes 2 de febrero del 2026", "es", date(2026, 2, 2)),
        ("3 de septiembre de 2025", "es", date(2025, 9, 3)),
        ("السبت 14 مارس 2026", "ar", date(2026, 3, 14)),
        ("14 يناير 2026", "ar", date(2026, 1, 14)),
        ("14 جانفي 2026", "ar", date(2026, 1, 14)),  # Maghreb
        ("14 كانون الثاني 2026", "ar", date(2026, 1, 14)),  # Levant
        ("3 تشرين الأول 2025", "ar", date(2025, 10, 3)),
        ("١٤ أيار ٢٠٢٦", "ar", date(2026, 5, 14)),  # Arabic-Indic digits
        ("5 غشت 2025", "ar", date(2025, 8, 5)),  # Morocco
        ("31 février 2026", "fr", None),  # no such day
        ("Le Maroc présente son plan", "fr", None),
        ("", None, None),
    ],
)
def test_visible_dates(text, language, expected):
    assert parse_date(text, language) == expected


def test_iso_dates_keep_the_written_day_whatever_the_time_zone():
    assert parse_iso_date("2019-11-19T23:59:00-08:00") == date(2019, 11, 19)
    assert parse_iso_date("20191119") == date(2019, 11, 19)
    assert parse_iso_date("not a date") is None
    assert parse_iso_date(None) is None


@pytest.mark.parametrize(
    "url,expected",
    [
        ("https://kabarislamia.com/2015/10/27/sejarah-pecahnya/", date(2015, 10, 27)),
        ("https://example.org/news/2019-11-18-title", date(2019, 11, 18)),
        ("https://example.org/20191118/title", date(2019, 11, 18)),
        ("https://www.quantamagazine.org/tuft-cells-set-off-immune-responses-20191115/", date(2019, 11, 15)),
        ("https://example.org/photos/img-20191318.jpg", None),  # no 13th month
        ("https://example.org/2019/11/title", None),  # a month is not a date
        ("https://example.org/news/1206313/title", None),
    ],
)
def test_url_dates(url, expected):
    assert parse_url_date(url) == expected
