"""Names within one conference: job titles apart from names (tolerating typos in the title), damaged
honorifics (``QMS. PSAKI``, ``S. PSAKI``), words that are not first names (``Doctors Walensky``, ``When
Kirby``), and a misspelt surname label folded into the person it misspells.

Everything is derived from the transcript itself: the vocabularies below are English job-title and
rank words, never people's names.
"""
from __future__ import annotations

import re
from pressarchive.text import pattern

# Words that end a job title (``Acting Administrator``, ``Surgeon General``, ``Press Secretary``).
TITLE_HEADS = {
    "administrator", "adviser", "advisor", "ambassador", "attorney", "captain", "chair", "chairman", "chairwoman",
    "chairperson", "chancellor", "chief", "colonel", "commander", "commissioner", "congressman", "congresswoman",
    "coordinator", "counselor", "councillor", "councilor", "counsel", "delegate", "deputy", "director", "doctor",
    "envoy", "general", "governor", "judge", "justice", "leader", "lieutenant", "major", "manager", "mayor",
    "minister", "officer", "premier", "president", "professor", "representative", "secretary", "senator",
    "sergeant", "sheriff", "speaker", "spokesperson", "spokesman", "spokeswoman", "superintendent", "surgeon",
    "treasurer", "admiral", "official", "economist", "czar", "assistant", "aide",
}
# Words that may stand before a head inside a title (``Acting``, ``Deputy``, ``National Security``).
TITLE_WORDS = TITLE_HEADS | {
    "acting", "associate", "assistant", "vice", "deputy", "principal", "senior", "chief", "executive", "first",
    "lady", "gentleman", "press", "prime", "under", "special", "national", "security", "economic", "domestic",
    "policy", "climate", "medical", "white", "house", "state", "homeland", "health", "public", "foreign",
    "interim", "lead", "general", "surgeon", "attorney", "lieutenant", "rear", "brigadier", "major", "former",
    "cabinet", "head", "communications", "covid", "covid-19", "response", "infrastructure", "implementation",
    "federal", "emergency", "management", "nsc", "nec", "cea", "omb", "fema", "cdc", "hhs", "dhs", "usda", "epa",
    "of", "for", "the", "and", "on", "to",
}
_SMALL = {"of", "for", "the", "and", "on", "to"}
HONORIFIC_TAILS = {"S": ("MS", "MRS"), "R": ("MR", "DR"), "RS": ("MRS",)}


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, stopping early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _allowed(a: str, b: str) -> int:
    longer = max(len(a), len(b))
    return 0 if min(len(a), len(b)) < 5 else 1 if longer < 8 else 2


def near(word: str, vocabulary: set[str]) -> str | None:
    """``word`` itself when it is in the vocabulary, else the nearest vocabulary word with the same first
    letter within a small edit distance (one edit, two when the longer word has 8 letters or more),
    else None (also when two are equally near)."""
    low = word.lower().strip(".,")
    if low in vocabulary:
        return low
    if low.endswith("s") and low[:-1] in vocabulary and len(low) > 4:
        return low[:-1]  # "Doctors", "Presidents": a plural is still the title word
    if len(low) < 5:
        return None
    scored = sorted((edit_distance(low, v, 2), v) for v in vocabulary if len(v) >= 5 and low[:1] == v[:1])
    scored = [(d, v) for d, v in scored if d <= _allowed(low, v)]
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None  # nothing near, or two title words equally near
    return scored[0][1]


def split_title(name: str) -> tuple[str | None, str]:
    """``ACTING ADMINSTRATOR SLAVITT`` -> (``Acting Administrator``, ``SLAVITT``); ``Surgeon General
    Murthy`` -> (``Surgeon General``, ``Murthy``); a name with no title before it is returned as is.

    The title is the longest run of leading title words that ends in a title head (a misspelt word
    is read as the title word it is one or two letters from); at least one word is left for the name."""
    words = name.split()
    if len(words) < 2:
        return None, name
    best = None
    canon: list[str] = []
    for i, w in enumerate(words[:-1]):
        word = near(w, TITLE_WORDS) if w.lower() not in _SMALL else w.lower()
        head = near(w, TITLE_HEADS)
        if word is None and head is None:
            break
        # a word that is a title word but no head ("Administration") may be a misspelt head
        if head is not None and (word is None or word not in TITLE_HEADS) and i + 1 < len(words) and \
                near(words[i + 1], TITLE_WORDS) is None:
            word = head
        canon.append(word or head)
        if (word or head) in TITLE_HEADS:
            best = i + 1
    if best is None:
        return None, name
    rest = words[best:]
    if not rest or not all(re.match(r"^[A-Z]", w) for w in rest) or len(rest) > 3:
        return None, name
    title = " ".join(_title_case(w, c) for w, c in zip(words[:best], canon[:best]))
    return title, " ".join(rest)


def _title_case(original: str, canonical: str) -> str:
    if canonical in _SMALL:
        return canonical
    if canonical.upper() == canonical.lower():  # digits only
        return original
    if len(canonical) <= 4 and canonical in {"nsc", "nec", "cea", "omb", "fema", "cdc", "hhs", "dhs", "usda", "epa"}:
        return canonical.upper()
    return "-".join(p.capitalize() for p in canonical.split("-"))


_GLUED_Q = re.compile(r"^Q\s*(?=(?:MR|MS|MRS|DR|Mr|Ms|Mrs|Dr)\.?\s+[A-Z])")


def unglue_question_mark(text: str) -> str:
    """``QMS. PSAKI:  The President ...``: a bare ``Q`` run into the next label is dropped."""
    return _GLUED_Q.sub("", text, count=1)


def damaged_honorific(name: str) -> str | None:
    """``S. PSAKI`` (``MS.`` with its first letter lost) -> ``PSAKI``; only in a capitals label, where a
    single letter before the surname cannot be an initial written ``J.`` in mixed case."""
    m = re.match(r"^(?P<h>[A-Z]{1,2})\.\s+(?P<n>[A-Z][A-Z'’\-]+)$", name)
    if m and m.group("h") in HONORIFIC_TAILS:
        return m.group("n")
    return None


def not_a_first_name(word: str, text: str) -> bool:
    """``Doctors`` (Walensky), ``When`` (Kirby): a title word, or a word the text writes in lower case
    (as an ordinary word) more than twice as often as capitalised, does not begin a person's name."""
    core = word.rstrip(".")
    if near(core, TITLE_HEADS) is not None or core.lower() in TITLE_WORDS:
        return True
    lower = len(pattern(rf"(?<![\w'’-]){re.escape(core.lower())}(?![\w'’-])").findall(text))
    upper = len(pattern(rf"(?<![\w'’-]){re.escape(core)}(?![\w'’-])").findall(text))
    return lower >= 2 and lower > 2 * upper


def typo_of(name_key: str, other_key: str) -> bool:
    """Is one surname key a small misspelling of another (``walesnky``/``walensky``)?"""
    if name_key == other_key or min(len(name_key), len(other_key)) < 5:
        return False
    limit = 1 if min(len(name_key), len(other_key)) < 8 else 2
    if name_key[0] != other_key[0]:
        return False
    return edit_distance(name_key, other_key, limit) <= limit


_THANKS = re.compile(r"^(?:(?i:thank you|thanks|thank you so much|thanks so much|hi|hey|hello|good (?:morning|afternoon)),?\s+)"
                     r"(?P<n>[A-Z][a-z]+(?:-[A-Z][a-z]+)?)[.,!;—]")


_NOT_GIVEN = {"everyone", "everybody", "all", "guys", "folks", "sir", "mr", "ms", "mrs", "dr", "madam", "miss", "ma",
              "both", "again", "so", "very", "much", "again", "you", "team", "doctor", "doctors", "both"}


def given_names_from_replies(drafts) -> None:
    """``MS. JEAN-PIERRE: …`` then ``Q  Thanks, Karine.``: a surname-only speaker whom the next speaker
    thanks by a first name, consistently (at least twice, and at least two thirds of those thanks), takes
    that first name. A name another speaker of the conference goes by is never taken."""
    from collections import Counter

    people = {id(d.person): d.person for d in drafts}
    taken = {p.name.split()[0].lower() for p in people.values() if p.name and " " in p.name}
    heard: dict[int, Counter] = {}
    for a, b in zip(drafts, drafts[1:]):
        p = a.person
        if a.person is b.person or not p.name or " " in p.name or p.generic or p.role == "reporter" or not b.paragraphs:
            continue
        m = _THANKS.match(b.paragraphs[0])
        if m:
            heard.setdefault(id(p), Counter())[m.group("n")] += 1
    for pid, counts in heard.items():
        first, n = counts.most_common(1)[0]
        if n >= 2 and n * 3 >= 2 * sum(counts.values()) and first.lower() not in taken \
                and near(first, TITLE_WORDS) is None and first.lower() not in _NOT_GIVEN:
            p = people[pid]
            p.name = f"{first} {p.name}"
            taken.add(first.lower())
