"""Site profiles: one declarative TOML file per known site layout.

To add a site, drop `<site>.toml` in this folder with the keys of `ma_aggregator.toml`; the
`[html]` and `[text]` tables are each optional. Profiles are tried in file-name order and take
precedence over generic extraction.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROFILE_DIR = Path(__file__).parent


class ProfileError(ValueError):
    """A profile file is malformed."""


@dataclass(frozen=True)
class HtmlRules:
    signature: tuple[str, ...]
    title: str
    byline: str
    content: str
    paragraphs: str = "p"
    outlet: str | None = None
    related: str | None = None
    source_link: str | None = None
    ticker: str | None = None


@dataclass(frozen=True)
class TextRules:
    ticker_separator: re.Pattern[str]
    related_prefix: str = "* "


@dataclass(frozen=True)
class Profile:
    name: str
    language: str | None
    date_order: str
    byline: re.Pattern[str]
    drop_lines: tuple[str, ...]
    html: HtmlRules | None
    text: TextRules | None

    def is_furniture(self, line: str) -> bool:
        return line.startswith(self.drop_lines) if self.drop_lines else False


def parse_profile(data: dict, source: str = "<profile>") -> Profile:
    try:
        html = data.get("html")
        text = data.get("text")
        return Profile(
            name=data["name"],
            language=data.get("language"),
            date_order=data.get("date_order", "DMY"),
            byline=re.compile(data["byline"], re.MULTILINE),
            drop_lines=tuple(data.get("drop_lines", ())),
            html=HtmlRules(**{**html, "signature": tuple(html["signature"])}) if html else None,
            text=TextRules(
                ticker_separator=re.compile(text["ticker_separator"]),
                related_prefix=text.get("related_prefix", "* "),
            )
            if text
            else None,
        )
    except (KeyError, TypeError, re.error) as exc:
        raise ProfileError(f"{source}: {type(exc).__name__}: {exc}") from exc


@cache
def load_profiles(folder: Path = PROFILE_DIR) -> tuple[Profile, ...]:
    profiles = []
    for path in sorted(Path(folder).glob("*.toml")):
        with open(path, "rb") as fh:
            profiles.append(parse_profile(tomllib.load(fh), str(path)))
    return tuple(profiles)
