"""Who asks: a reporter the host calls on (``Go ahead, Karen.``, ``Next we'll go to Trevor Hunnicutt with
Reuters``, ``Kayla, you should be able to unmute``) or who introduces themselves (``Howard Schneider with
Reuters``, ``Nick Timiraos, Wall Street Journal``) becomes the speaker of the question that follows: a
reporter with a name and/or an outlet (``organization``).

Only a question whose label names nobody (``Q``, ``Reporter:``) is given an asker; a turn the transcript
labels with a name keeps it. Chinese self-introductions (``我是第一财经记者``) are read the same way.
"""
from __future__ import annotations

import re

from pressarchive.text import pattern as compiled_pattern

# An outlet: capitalised words; a period only inside dotted initials (U.S.), so that ``CNBC. Mr. Chairman``
# ends at ``CNBC``.
_OWORD = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w&'’-]*|\d+)"
OUTLET = rf"(?:the\s+)?{_OWORD}(?:\s+(?:of\s+|the\s+|and\s+|&\s+|de\s+)?{_OWORD}){{0,5}}"
_NWORD = r"[A-Z][a-z]+(?:[-'’][A-Z]?[a-z]+)*"
NAME = rf"{_NWORD}(?:\s(?:[A-Z]\.\s)?(?:Mc|Mac|O['’]|De|Di|Van|Le)?{_NWORD}){{0,2}}"

# Words that look like a vocative name but are not one.
_NOT_NAMES = {
    "thanks", "thank", "yes", "yeah", "okay", "ok", "sure", "go", "all", "right", "next", "please", "everyone",
    "everybody", "guys", "folks", "sir", "ma'am", "there", "here", "again", "back", "ahead", "well", "so", "and",
    "but", "now", "one", "two", "last", "final", "first", "second", "great", "good", "alright", "hi", "hello",
    "hey", "no", "oh", "sorry", "question", "questions", "mr", "ms", "mrs", "dr", "madam", "president", "secretary",
    "chair", "chairman", "general", "senator", "governor", "congressman", "congresswoman", "doctor", "the", "you",
    "in", "on", "at", "for", "with", "from", "let", "let's", "lets", "we", "i", "we'll", "i'll", "go ahead",
    "morning", "afternoon", "evening", "today", "tonight", "monday", "tuesday", "wednesday", "thursday", "friday",
    "saturday", "sunday", "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december", "america", "americans", "congress", "god", "jesus", "sweet", "cool",
    "perfect", "absolutely", "exactly", "anyone", "anybody", "somebody", "someone", "who", "what", "why", "how",
    "where", "when", "that", "this", "it", "nope", "indeed", "done", "wait", "hold", "hang", "excuse", "pardon",
    "welcome", "correct", "true", "fair", "understood", "got", "bye", "goodbye", "cheers", "mm-hmm", "uh", "um",
    "yep", "yup", "mm-hm", "uh-huh", "uh-oh", "hmm", "wow", "apologies", "over", "fun", "happy", "within", "eighty",
    "republicans", "democrats", "americans", "folks", "families", "individuals", "operators", "allies",
}
_REPORTER_HINT = re.compile(r"\b(?:question|ask|asks|asking|floor|unmute|line|call|go|next|last|final|back|in the)\b", re.I)

# A host calling on someone. Each pattern finds a name (``n``) and/or an outlet (``o``) near the end.
_CALLS = [
    # Next we'll go to Trevor Hunnicutt with Reuters. / Our next question comes from X at Y.
    re.compile(rf"(?:(?i:I'?ll|I’ll|I will|we'?ll|we’ll|we will|let me|let'?s|let’s|I'?m going to|I’m going to|"
               rf"we'?re going to|we’re going to|going to|next|now|then|first|and)\s+(?:go|turn|come|move)\s+(?:back\s+)?to|"
               rf"(?i:question|questions|one|call|line)\s+(?:comes?|is|will come|goes)\s+(?:from|to)|(?i:call on|hear from|"
               rf"next up is|next is|the floor to|it over to))\s+(?:the line of\s+)?"
               rf"(?P<n>{NAME})(?:,?\s+(?:with|from|at|of)\s+(?P<o>{OUTLET})|,\s+(?P<oc>{OUTLET}))?"
               rf"(?=\s*(?:[.,!?;:—–-]|$|\s+(?:and|then|please|go)\b))"),
    # Go ahead, Karen. / Yeah, Mike. / Okay, Karen, go ahead.
    re.compile(rf"(?:(?i:go ahead|yes|yeah|yep|sure|okay|ok|please|right|all right|alright|and|then|next)),?\s+"
               rf"(?P<n>{NAME})(?:\s+(?:with|from|at)\s+(?P<o>{OUTLET}))?\s*(?:[.!?]|,\s*(?i:go ahead|please|and then|you)\b|$)"),
    # Kayla, you should be able to unmute. / Karen, go ahead. / Mike, in the back?
    re.compile(rf"(?:^|[.!?]\s+|—\s*)(?P<n>{NAME})(?:\s+(?:with|from|at)\s+(?P<o>{OUTLET}))?,\s*(?i:go ahead|you(?:'re|’re| are| should| can| have|'ve|’ve| got| get| want| first| next| had)|"
               rf"please|your (?:question|turn)|in the back|in the front|over here|over there|and then|then|why don['’]t you|"
               rf"do you want|you want to|kick us off|start us off|last one|final one)\b"),
    # Mike? / Nandita. / Josh, then Karen? (a name alone as the last sentence)
    re.compile(rf"(?:^|[.!?]\s+|—\s*)(?P<n>{NAME})(?:\s+(?:with|from|at)\s+(?P<o>{OUTLET}))?[?.]\s*$"),
]
# A reporter introducing themselves at the start of the question.
_SELF = re.compile(
    rf"^(?:(?i:thank you|thanks|hi|hello|hey|good (?:morning|afternoon|evening)|yes)[^.?!]{{0,60}}[.!,]\s*)*"
    rf"(?:(?i:hi|hello|hey|yes|thanks)[,.]?\s*)?(?:(?i:I'?m|I’m|I am|this is|my name is|it'?s|it’s)\s+)?"
    rf"(?P<n>{NAME})\s*(?:,\s*(?:with\s+|from\s+|at\s+)?|\s+(?:with|from|of|at|for)\s+)(?P<o>{OUTLET})\s*(?=[.,;:!?—–-]|$)"
)
_SELF_ZH = re.compile(r"(?:我是|我来自)(?P<o>[\u4e00-\u9fff]{2,14}?)(?:的)?记者(?P<n>[\u4e00-\u9fff]{2,4}?)?(?=[，,。.！!：:\s]|$)")


def _is_name(name: str) -> bool:
    words = name.split()
    return bool(words) and words[0].lower().strip("'’") not in _NOT_NAMES and all(
        w.lower() not in _NOT_NAMES for w in words)


def _tidy_outlet(outlet: str | None) -> str | None:
    if not outlet:
        return None
    outlet = re.sub(r"^the\s+", "", outlet.strip(" ,.;:"), flags=re.I)
    return outlet or None


def called(text: str, known: set[str], context: str = "") -> tuple[str | None, str | None] | None:
    """(name, outlet) of the reporter a host's words call on, from their last sentences; ``known`` are
    the lower-cased name words of the conference's officials, who are handed the floor, not called on;
    a word ``context`` (the whole transcript) uses as a place (``in Russia``) is no reporter's name, and
    a word that names an outlet (``Go ahead, Bloomberg.``) is taken as the outlet."""
    from pressarchive.ingest.labels import OUTLET_WORDS
    from pressarchive.ingest.people import not_a_first_name

    tail = " ".join(text.split())[-240:]
    for n, pattern in enumerate(_CALLS):
        if n == len(_CALLS) - 1 and len(tail) > 40:
            continue  # a name alone ("Nandita.") calls on someone only in a short turn
        hits = list(pattern.finditer(tail))
        for m in reversed(hits):
            name = m.group("n")
            outlet = _tidy_outlet(m.groupdict().get("o"))
            comma = _tidy_outlet(m.groupdict().get("oc"))
            if comma and not outlet and OUTLET_WORDS.search(comma):
                outlet = comma  # "Ed O'Keefe, CBS News": after a comma only a word that names an outlet
            if name and not _is_name(name):
                continue
            if name and any(w.lower() in known for w in name.split()):
                continue  # "Jeff, do you want to take that?": an official is handed the floor
            if name and not outlet and OUTLET_WORDS.fullmatch(name):
                name, outlet = None, name
            elif name and (_place_like(name, context) or (context and any(not_a_first_name(w, context) for w in name.split()))):
                continue  # "in Russia", "Yep.", "Security.": a place or an ordinary word
            if outlet and not _is_outlet(outlet):
                outlet = None
            if name or outlet:
                return name, outlet
    return None


def _place_like(name: str, context: str) -> bool:
    if name not in context:
        return False
    return bool(compiled_pattern(rf"\b(?:in|of|into|against|across|inside|within|toward|towards|throughout)\s+(?:the\s+)?"
                                 rf"{re.escape(name)}(?![\w'’-])").search(context))


_GOVERNMENT = re.compile(r"\b(?:Department|Ministry|Office|Council|Administration|Agency|Committee|Commission|"
                         r"Bureau|Government|White House|Senate|Congress|Embassy|Federal Reserve|Treasury|Pentagon)\b")


def _is_outlet(outlet: str) -> bool:
    """Not an ordinary word, and no job title or government body (``Jake Sullivan, National Security
    Advisor`` introduces an official, not a reporter)."""
    from pressarchive.ingest.people import TITLE_HEADS, near

    if re.fullmatch(r"(?i:the|a|an|this|that|home|work|length|least|all|once|times?)", outlet):
        return False
    if _GOVERNMENT.search(outlet):
        return False
    return not any(near(w, TITLE_HEADS) for w in outlet.split() if len(w) > 3 and not w.isupper())


def introduced(text: str, known: set[str]) -> tuple[str | None, str | None] | None:
    """(name, outlet) a question opens with: ``Howard Schneider with Reuters.``, ``Hi, this is Kayla
    Epstein from Bloomberg``, ``Nick Timiraos, Wall Street Journal``, ``我是第一财经记者``."""
    head = " ".join(text.split())[:300]
    m = _SELF.match(head)
    if m:
        name, outlet = m.group("n"), _tidy_outlet(m.group("o"))
        if len(name.split()) >= 2 and _is_name(name) and not any(w.lower() in known for w in name.split()) \
                and outlet and _is_outlet(outlet) and not _is_name_only(outlet):
            return name, outlet
    z = _SELF_ZH.search(head[:80])
    if z:
        return (z.group("n") or None), z.group("o")
    return None


def _is_name_only(outlet: str) -> bool:
    """``Karen, Thanks``: the capitalised words after the comma are the next sentence, not an outlet."""
    return outlet.split()[0].lower() in _NOT_NAMES


def name_askers(drafts, roster) -> None:
    """Give unnamed question turns the reporter the host just called on or who introduced themselves."""
    officials = [d.person for d in drafts if d.person.role != "reporter" and d.person.generic != "reporter"]
    context = " ".join(p for d in drafts for p in d.paragraphs)
    known: set[str] = set()
    for p in officials:
        for form in filter(None, (p.name,)):
            known.update(w.lower() for w in form.split())
    for i, d in enumerate(drafts):
        p = d.person
        if i > 0 and p.role is None and p.name and " " in p.name and not p.generic and drafts[i - 1].paragraphs \
                and drafts[i - 1].person is not p:
            # <NAME>HOWARD LIEBMAN</NAME> right after "We'll go to Howard at Reuters.", asking in every turn:
            # a reporter, not a presenter
            asks = all("?" in " ".join(x.paragraphs) for x in drafts if x.person is p)  # every turn asks
            call = called(drafts[i - 1].paragraphs[-1], set(), context) if asks else None
            if call and call[0] and call[0].split()[0].lower() == p.name.split()[0].lower() and \
                    all(w.lower() in p.name.lower().split() for w in call[0].split()):
                p.role = "reporter"
                p.outlet = p.outlet or call[1]
            continue
        if not _anonymous_reporter(p) or not d.paragraphs:
            continue
        found = introduced(d.paragraphs[0], known)
        if found is None and i > 0 and not _anonymous_reporter(drafts[i - 1].person) and \
                drafts[i - 1].person.role != "reporter" and drafts[i - 1].paragraphs:
            found = called(drafts[i - 1].paragraphs[-1], known, context)
        if found is None and _follows_up(drafts, i):
            d.person = drafts[i - 2].person  # the same reporter goes on after the answer
            continue
        if found is None:
            continue
        d.person = asker(roster, *found, alias=p.aliases[0] if p.aliases else None)


_MOVES_ON = re.compile(r"(?i:go ahead|yeah|yes|yep|sure|okay|ok|next|please|all right|alright|right|"
                       r"in the back|in the front|last question|final question|one more|anyone|anybody)[\s.,!?—-]*$|\?\s*$")


def _follows_up(drafts, i: int) -> bool:
    """``Q`` again right after the answer to a named reporter's question, the answer handing the floor to
    nobody (it ends as an answer, not with ``Go ahead.`` or a name): that reporter's follow-up."""
    if i < 2:
        return False
    answer, before = drafts[i - 1], drafts[i - 2]
    if before.person.role != "reporter" or _anonymous_reporter(before.person) or not before.person.name:
        return False
    if answer.person.role == "reporter" or answer.person.generic == "reporter" or not answer.paragraphs:
        return False
    last = " ".join(answer.paragraphs[-1].split())
    return len(" ".join(answer.paragraphs)) >= 60 and not _MOVES_ON.search(last[-40:])


def _anonymous_reporter(p) -> bool:
    return (p.role == "reporter" or p.generic == "reporter") and not p.name and not p.name_zh and not (
        p.outlet or p.outlet_zh)


def asker(roster, name: str | None, outlet: str | None, alias: str | None = None):
    """The roster's reporter for this name and/or outlet (one per name; an outlet alone is the outlet's)."""
    zh = bool(re.search(r"[\u3400-\u9fff]", (name or "") + (outlet or "")))
    if name:
        person = roster.find_zh(name) if zh else roster.find_name(name)
        if person is None or (person.role not in (None, "reporter")):
            person = roster.person(name)
        person.role = "reporter"
        if outlet:
            if zh:
                person.outlet_zh = person.outlet_zh or outlet
            else:
                person.outlet = person.outlet or outlet
    else:
        person = roster.reporter(outlet, alias or outlet)
    if alias and alias not in person.aliases:
        person.aliases.append(alias)
    return person
