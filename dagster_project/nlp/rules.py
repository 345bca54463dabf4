"""The rule layer run after (or, without a statistical model, instead of) spaCy's entity recogniser.

Each rule is one function on a Doc; `EntityRules` applies them in a fixed order of precedence:
acronym definitions, then the statistical entities that survive the drop rules (demonyms, sentence-
initial common nouns, bare titles), then gazetteer places. A stand-alone upper-case word is left to
the statistical model: as a rule it made organisations of `5G`, `4K`, `GMT` and `DIVISION`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping

from spacy.language import Language
from spacy.tokens import Doc, Span, Token

from dagster_project.nlp.gazetteer import Gazetteer, gazetteer
from dagster_project.nlp.names import ACRONYM, looks_like_name, normalise
from dagster_project.nlp.spans import LABELS

COMPONENT = "news_entity_rules"
MAX_PLACE_WORDS = 6

# The layer's parts, each of which a language can do without: `acronyms` (`Long Name (ACR)`
# definitions), `titles` (civilities trimmed from names), `demonyms` (dropped), `countries` (a
# country the model calls ORG is a place), `places` (gazetteer places of several words) and
# `one-word places` (of one word).
PARTS = frozenset({"acronyms", "titles", "demonyms", "countries", "places", "one-word places"})
# Parts switched off for a language because they cost it more than they give, chosen on the `val`
# split of its training corpora (bench/ner.py --split val), never on the dev split it is reported on.
# German (val strict F1: every part 0.708, these three off 0.718, the model alone 0.718): every German
# noun is capitalised, so one capitalised word that is some city's name (`Namen`, `Mitte`, `Tor`) is
# rarely the place (20 right of 142 the model had not found); the acronym rule takes a dateline's
# month for the agency's long name (`23. August (AP)`); `-iens` is a genitive there, not a demonym
# (`Italiens`, `Argentiniens`: Italy's, Argentina's).
OFF: Mapping[str, frozenset[str]] = {"de": frozenset({"acronyms", "one-word places", "demonyms"})}

# Civilities and titles written before a name; never part of it (`SM le Roi Mohammed VI` -> `Mohammed VI`).
TITLES = frozenset(
    {
        "M.", "M", "MM.", "Mme", "Mmes", "Mlle", "Mlles", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Dr", "Dr.", "Pr", "Pr.",
        "Me", "Sr", "Sr.", "Sra", "Sra.", "Dña", "SM", "S.M.", "SAR", "S.A.R.", "Sa", "Son", "Majesté", "Altesse",
        "Roi", "Reine", "Prince", "Princesse", "Cheikh", "Sheikh", "Émir", "Emir", "King", "Queen", "Rey", "Reina",
        "Herr", "Frau",
    }
)  # fmt: skip
_TITLE_GLUE = frozenset({"le", "la", "el", "the", "royale", "royal"})
_ARTICLES = frozenset({"le", "la", "les", "l'", "l’", "el", "los", "las", "the"})
_WORD = re.compile(r"[^\W\d_]{2,}")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
# Words between the capitalised words of one long name (`Haut-Commissariat au Plan`).
_CONNECTORS = frozenset(
    {
        "de", "des", "du", "d'", "d’", "la", "las", "los", "of", "for", "the", "del", "y", "et", "and", "au", "aux",
        "à", "al", "a", "für", "der", "die", "den", "und", "von", "zur", "zum",
    }
)  # fmt: skip
# What follows a country's stem in its inhabitants' name (`Maroc-ains`, `Españ-oles`). Single vowels
# and their plurals (`-o`, `-a`, `-i`, `-es`) are not among them: they made demonyms of the given
# names `Franco`, `Francesca` and `Chadi`.
_DEMONYM_ENDINGS = frozenset(
    {
        "ain", "aine", "ains", "aines", "ais", "aise", "aises", "ien", "ienne", "iens", "iennes", "ois", "oise",
        "oises", "ol", "ole", "ols", "oles", "an", "ane", "ans", "anes", "ese", "eses", "ano", "ana", "anos", "anas",
        "ian", "ians", "ier", "iers", "aner", "anern", "anerin", "anerinnen",
    }
)  # fmt: skip


LINE_BREAKS = "news_line_breaks"


@Language.component(LINE_BREAKS)
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence (titles, teasers and bullet lines have no full stop), so that no
    entity runs across it: spaCy's recogniser does not cross sentence boundaries."""
    for token in doc[:-1]:
        if token.is_space and "\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


@Language.factory(COMPONENT)
def make_entity_rules(nlp: Language, name: str) -> EntityRules:
    return EntityRules(gazetteer(), nlp.Defaults.stop_words, off=OFF.get(nlp.lang, frozenset()))


class EntityRules:
    """Corrects and completes `doc.ents`; see the module docstring for the order."""

    def __init__(self, places: Gazetteer, stop_words: Iterable[str] = (), off: Iterable[str] = ()) -> None:
        self.places = places
        self.off = frozenset(off)
        if not self.off <= PARTS:
            raise ValueError(f"unknown parts of the rule layer: {sorted(self.off - PARTS)}")
        # A place's name that is also one of the language's stop words (`Para`, `Son`) is the word.
        self.stop_words = frozenset(w.lower() for w in stop_words)
        self._stems = _country_stems(places)

    def __call__(self, doc: Doc) -> Doc:
        has_pos = doc.has_annotation("POS")
        # `doc.ents` rebuilds its spans from every token on each access: read it once.
        ents = tuple(doc.ents)
        taken = [False] * len(doc)
        chosen: list[Span] = []

        def take(span: Span) -> None:
            for i in range(span.start, span.end):
                taken[i] = True
            chosen.append(span)

        def free(span: Span) -> bool:
            return not any(taken[span.start : span.end])

        if "acronyms" not in self.off:
            for span in acronym_definitions(doc, ents, self.places):
                if free(span):
                    take(span)
        for ent in ents:
            if ent.label_ not in LABELS:
                continue
            span = strip_titles(ent) if "titles" not in self.off else ent
            if span is None or self.drop_reason(span, has_pos) or not free(span):
                continue
            # A place name the model calls MISC is the place; as ORG a city may be a team (`Parma`), but
            # a country is a place (CoNLL's guidelines), also where it acts (`Marruecos firmó`).
            relabel = span.label_ == "MISC" or (span.label_ == "ORG" and "countries" not in self.off)
            place = self.places.lookup(span.text) if relabel else None
            if place is not None and (span.label_ == "MISC" or place.place_id.startswith("country:")):
                span = Span(doc, span.start, span.end, label="LOC")
            take(span)
        if not {"places", "one-word places"} <= self.off:
            for span in self.gazetteer_places(doc, has_pos):
                if free(span) and ("places" if len(span) > 1 else "one-word places") not in self.off:
                    take(span)
        doc.ents = sorted(chosen, key=lambda s: s.start)
        return doc

    def drop_reason(self, span: Span, has_pos: bool) -> str | None:
        """Why a statistical entity is not one, or None to keep it."""
        if len(span) != 1 or self.places.lookup(span.text) is not None:
            return None
        if "demonyms" not in self.off and self.is_demonym(span.text):
            return "demonym"
        # A common noun capitalised only because it opens the sentence; not when the text also writes it
        # capitalised where capitals are not automatic (then it is a name: `Skim a conclu`).
        if (
            has_pos
            and _sentence_initial(span[0])
            and span[0].pos_ not in ("PROPN", "X")
            and not any(t.text == span.text and not _sentence_initial(t) for t in span.doc if t.i != span.start)
        ):
            return "sentence-initial common word"
        return None

    def is_demonym(self, word: str) -> bool:
        """`Marocains`, `Algériens`, `Españoles`: a country's name stem plus a demonym ending."""
        key = normalise(word)
        return any(key[:cut] in self._stems and key[cut:] in _DEMONYM_ENDINGS for cut in range(4, len(key)))

    def gazetteer_places(self, doc: Doc, has_pos: bool) -> Iterator[Span]:
        i = 0
        while i < len(doc):
            token = doc[i]
            if not looks_like_name(token.text) or token.is_punct:
                i += 1
                continue
            # A span's normal form begins with its first word's, unless that word is an article
            # (normalising drops it): most capitalised words begin no place name, and need no lookups.
            if token.lower_ not in _ARTICLES and not self.places.may_begin(token.text):
                i += 1
                continue
            for n in range(min(MAX_PLACE_WORDS, len(doc) - i), 0, -1):
                span = doc[i : i + n]
                if (n > 1 and any(t.is_sent_start for t in span[1:])) or span[-1].is_punct:
                    continue
                if n > 1 and token.lower_ in _ARTICLES:  # `The U.S.`: the name starts after the article
                    continue
                if self.places.lookup(span.text) is None:
                    continue
                # Upper case makes a stop word a name only for a two-letter code (`US`), not in a line
                # written in capitals (`PARA`).
                if n == 1 and token.lower_ in self.stop_words and not (token.is_upper and len(token) <= 2):
                    break
                if n == 1 and has_pos and _sentence_initial(token) and token.pos_ not in ("PROPN", "X"):
                    break  # `Reading is ...`: a common word that happens to be a city's name
                yield Span(doc, i, i + n, label="LOC")
                i += n - 1
                break
            i += 1


def strip_titles(span: Span) -> Span | None:
    """The span without its leading civilities and titles (and trailing white space); None when
    nothing but titles is left."""
    start, end = span.start, span.end
    doc = span.doc
    while end > start and doc[end - 1].is_space:
        end -= 1
    while start < end and (doc[start].text in TITLES or (start > span.start and doc[start].lower_ in _TITLE_GLUE)):
        start += 1
    if start == end:
        return None
    return span if (start, end) == (span.start, span.end) else Span(doc, start, end, label=span.label_)


def acronym_definitions(doc: Doc, ents: tuple[Span, ...], places: Gazetteer) -> Iterator[Span]:
    """`Long Name (ACR)`: the long name, the acronym, and every later use of the acronym."""
    defined: dict[str, str] = {}
    for i in range(1, len(doc) - 2):
        if doc[i].text != "(" or doc[i + 2].text != ")" or not ACRONYM.match(doc[i + 1].text):
            continue
        start = long_form_start(doc, ents, i)
        if start is None:
            continue
        long = doc[start:i]
        if not _spells(long, doc[i + 1].text) and _person_or_place(long, ents, places):
            # `Jon Jauregi (PNV)`, `Mérida (EFE)`: a person with their party, a dateline with its
            # agency; a name whose initials do not spell the acronym is not its long form then.
            continue
        label = _long_form_label(long, ents, places)
        yield Span(doc, start, i, label=label)
        yield Span(doc, i + 1, i + 2, label=label)
        defined.setdefault(doc[i + 1].text, label)
    for token in doc:
        label = defined.get(token.text)
        if label and not (token.i > 0 and doc[token.i - 1].text == "("):
            yield Span(doc, token.i, token.i + 1, label=label)


def long_form_start(doc: Doc, ents: tuple[Span, ...], paren: int) -> int | None:
    """Where the name before `(` starts: the nearest capitalised word back, then back over capitalised
    words and the connectors between them (`Organisation des Nations unies`); at most 12 tokens."""
    limit = max(doc[paren].sent.start, paren - 12)
    i = paren - 1
    while i >= limit and not looks_like_name(doc[i].text):
        if doc[i].is_punct and doc[i].text not in "-'’":
            return None
        i -= 1
    if i < limit or doc[i].is_punct:
        return None
    start = i
    j = start - 1
    while j >= limit:
        if looks_like_name(doc[j].text) and not doc[j].is_punct and doc[j].text not in TITLES:
            start = j
        elif doc[j].lower_ not in _CONNECTORS:
            break
        j -= 1
    # A capitalised article opening the sentence is not part of the name (`La Organización ...`).
    while start < paren - 1 and doc[start].lower_ in _ARTICLES:
        start += 1
    # Words before the part whose initials spell the acronym are not part of it (`Reuters and the
    # United Nations (UN)` -> `United Nations`); an acronym of another language's name (`Forum
    # mondial ... (GFMD)`) matches no part and keeps the whole.
    acronym = doc[paren + 1].text
    while start < paren - 1 and _spells(doc[start + 1 : paren], acronym):
        start += 1
    while start < paren - 1 and doc[start].lower_ in _CONNECTORS | _ARTICLES:
        start += 1
    # Overlapping statistical entity: keep its start when it begins earlier.
    for ent in ents:
        if ent.start < start < ent.end:
            start = ent.start
    return start


def _spells(words: Span, acronym: str) -> bool:
    """The acronym's letters, in order, among the initials of the words (and of their hyphenated parts)."""
    initials = "".join(part[:1] for token in words for part in token.text.split("-")).upper()
    letters = iter(initials)
    return all(c in letters for c in acronym.upper() if c.isalpha())


def _person_or_place(long: Span, ents: tuple[Span, ...], places: Gazetteer) -> bool:
    """The statistical model calls (part of) the words a person or a place, or the gazetteer knows them."""
    if places.lookup(long.text) is not None:
        return True
    return any(e.label_ in ("PER", "LOC") and e.start < long.end and long.start < e.end for e in ents)


def _long_form_label(long: Span, ents: tuple[Span, ...], places: Gazetteer) -> str:
    if places.lookup(long.text) is not None:
        return "LOC"
    for ent in ents:
        if ent.start <= long.start < ent.end and ent.label_ in ("ORG", "MISC", "LOC"):
            return ent.label_
    return "ORG"


def _sentence_initial(token: Token) -> bool:
    """First word of its sentence or of its line, allowing leading bullets and quotes."""
    i = token.i - 1
    while i >= token.sent.start:
        t = token.doc[i]
        if t.is_space and "\n" in t.text:
            return True
        if not (t.is_punct or t.is_space):
            return False
        i -= 1
    return True


def _country_stems(places: Gazetteer) -> frozenset[str]:
    stems = set()
    for key, place in places.items():
        if place.place_id.startswith("country:") and " " not in key:
            stem = key.rstrip("aeiouy")
            if len(stem) >= 4:
                stems.add(stem)
    return frozenset(stems)
