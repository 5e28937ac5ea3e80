"""Self-checks: one definition of each chapter's judgement question, three views.

A :class:`SelfCheck` holds the question, its options, the letter of the right option
and, for *every* option, why it is right or wrong (as the Rust Book's quizzes do).
The right letter is also derived from ``data/`` by the check's ``derive`` function:
:meth:`SelfCheck.key` refuses to answer if the two disagree, so a changed table cannot
silently leave a wrong key. Numbers in the texts are ``{facts.NAME}`` placeholders,
filled from ``data/facts.csv`` (:mod:`sinorussia.facts`), never typed.

The same definition gives

* **Jupyter** (``check("id")``): a live ipywidgets view, one button per option, with the
  explanation of the chosen option and a button that reveals the reasoning; it runs in
  the kernel, so it works in JupyterLab offline. ``check("id", "b")`` answers with a typed
  letter and returns the verdict and the explanation as HTML;
* **the published page**: :func:`page_html`, the markup the book's Sphinx extension
  (``sinorussia_book/selfcheck.py``) puts in place of the check cell, made interactive
  by ``assets/selfcheck.js`` (no kernel, no network). The same markup is the cell's
  saved ``text/html``, which GitHub and JupyterLab show when the widget is not live;
* **the printed edition**: the markup's contract, which the PDF build relies on::

    <div class="sr-selfcheck" id="selfcheck-<id>" data-selfcheck="<id>">
      … the question (a <legend>) …
      <ol class="sr-selfcheck-options"> one <li> per option </ol>
      <div class="sr-selfcheck-key" hidden> "Answer: (x)" and one explanation per option </div>
    </div>

  The key is hidden on screen until the student has answered or asks for the reasoning;
  the PDF build moves every ``.sr-selfcheck-key`` to an answers section at the end of
  the chapter.
"""
from __future__ import annotations

import html
import re
import string
from dataclasses import dataclass
from typing import Callable

from . import data

#: Class of the root element of a self-check in a page (the book extension, the script,
#: the print stylesheet and the PDF build look for it).
ROOT_CLASS = "sr-selfcheck"
#: A row id written ``[[F21]]`` in a text: a link to its passage in the book, the id elsewhere.
ROW_REF = re.compile(r"\[\[([A-Za-z0-9_./-]+)\]\]")
LETTERS = string.ascii_lowercase


class SelfCheckError(ValueError):
    """A self-check's definition disagrees with the data, or a question id is unknown."""


@dataclass(frozen=True)
class Option:
    """One answer a student can choose, and why it is right or wrong."""

    text: str
    why: str


@dataclass(frozen=True)
class SelfCheck:
    """One self-check: the question, its options, the right letter and how the data give it."""

    id: str
    question: str
    options: tuple[Option, ...]
    answer: str
    derive: Callable[[], str]

    def letters(self) -> list[str]:
        """``['a', 'b', …]``, one per option."""
        return list(LETTERS[: len(self.options)])

    def key(self) -> str:
        """The right letter, after checking that ``data/`` gives the same one."""
        if self.answer not in self.letters():
            raise SelfCheckError(f"self-check {self.id!r}: answer {self.answer!r} is not one of its options "
                                 f"{', '.join(self.letters())}")
        derived = self.derive()
        if derived != self.answer:
            raise SelfCheckError(
                f"self-check {self.id!r} in sinorussia/selfcheck.py: the tables in data/ now give ({derived}) "
                f"but the definition says ({self.answer}); reread the rows it names and update the question")
        return self.answer

    def option(self, letter: str) -> Option:
        """The option of ``letter`` (``KeyError`` naming the valid letters otherwise)."""
        letter = str(letter).strip().lower().strip("()")
        if letter not in self.letters():
            raise KeyError(f"{letter!r} is not an option of self-check {self.id!r}; choose one of "
                           f"{', '.join(self.letters())}")
        return self.options[self.letters().index(letter)]


def _row(table_loader, key: str, row: str):
    frame = table_loader()
    return frame.set_index(key).loc[row]


def _blank(value) -> bool:
    return str(value) in ("", "nan", "None", "<NA>", "NaT")


# --------------------------------------------------------------------------- derivations
# Each returns the right letter from the rows the question is about, or "?" when the rows
# no longer support the keyed option (SelfCheck.key then stops with a message).

def _derive_sco() -> str:
    m = data.load_memberships().set_index("membership_id")
    founders = m[(m["org_id"] == "sco") & (m["role"] == "founder")]
    passage = str(m.loc["M11", "quote"])
    return "b" if (m.loc["M11", "role"] == "invited" and len(founders) > 0
                   and "invited Uzbekistan" in passage and "found" not in passage.lower()) else "?"


def _derive_gas() -> str:
    note = _row(data.load_source_notes, "note_id", "N25")
    source = _row(data.load_figures, "figure_id", "F41")
    return "d" if ("import" in str(note["other_quote"]) and source["unit"] == "year of publication") else "?"


def _derive_swap() -> str:
    f = data.load_figures().set_index("figure_id")
    return "a" if (f.loc["F28", "qualifier"] == "about" and f.loc["F27", "qualifier"] == "exact") else "?"


def _derive_debt() -> str:
    r = _row(data.load_figures, "figure_id", "F11")
    return "c" if (r["entity"] == "Tajikistan" and r["qualifier"] == "exact" and _blank(r["reference_year"])
                   and "public debt" in str(r["quote"])) else "?"


def _derive_pressure() -> str:
    recs = data.load_recommendations().set_index("rec_id")
    r16 = recs.loc["R16"]
    euiss = data.load_seeds().set_index("bibkey").loc["euiss2025", "seed"]
    lowest = recs["engagement_score"].astype(float).min()
    return "a" if (r16["instrument"] == "pressure" and r16["seed"] == euiss
                   and float(r16["engagement_score"]) == lowest) else "?"


def _derive_veto() -> str:
    r = _row(data.load_events, "event_id", "E18")
    veto = _row(data.load_glossary, "term_id", "G29")
    return "d" if (r["seed"] == veto["seed"] == "003_8dd19b2cc8e48f20.txt" and str(r["quote"]).startswith("UNSC")
                   and "many occasions" in str(veto["quote"])) else "?"


def _derive_split() -> str:
    p = data.load_positions().set_index("position_id")
    fragile, ispi = p.loc["P15"], p.loc["P20"]
    neither_says_apart = all(w not in str(ispi["quote"]).lower() for w in ("apart", "split", "wedge", "divid"))
    return "c" if (fragile["question_id"] == ispi["question_id"] == "west_can_split"
                   and (str(fragile["stance"]), str(ispi["stance"])) == ("leans no", "mixed")  # as the question says
                   and "drifting" in str(ispi["quote"]) and neither_says_apart) else "?"


# --------------------------------------------------------------------------- the questions

CHECKS: dict[str, SelfCheck] = {check.id: check for check in [
    SelfCheck(
        id="history-sco-founders",
        question=(
            "The fragile-alliance paper writes that in {facts.hist_sco_year} \u201cthe same five countries invited "
            "Uzbekistan to join their group\u201d and agreed to set up the SCO ([[M11]]). "
            "<code>memberships.csv</code> codes the five as <em>founder</em> and Uzbekistan as <em>invited</em>. "
            "A classmate's essay says: <em>\u201cAccording to the fragile-alliance paper, the SCO had "
            "{facts.ca_sco_founders} founders.\u201d</em> Which judgement of that sentence is best?"),
        options=(
            Option("It is sound: the paper and the table say the same thing.",
                   "The table and the paper do not say the same thing. <em>Founder</em> is the table's label; "
                   "the passage never uses the word and counts no founders."),
            Option("It gives the table's coding as the paper's claim: the passage says who invited whom, not who "
                   "founded the SCO.",
                   "Attribute to a source only what its words say: quote the passage, or say that the count is "
                   "the book's coding. Whether an invited state that joined "
                   "at the creation counts as a founder is a choice the data make, and the essay must say whose "
                   "choice it is ([[M11]])."),
            Option("It is wrong because the paper says six states founded the SCO.",
                   "The passage does not count six founders either: it counts no founders at all. Replacing one "
                   "number by another repeats the same mistake."),
            Option("It is wrong because the paper gives no year for the SCO.",
                   "The passage opens with the year ([[E07]]). The problem is the word <em>founders</em>, not "
                   "the date."),
        ),
        answer="b",
        derive=_derive_sco,
    ),
    SelfCheck(
        id="energy-eu-gas",
        question=(
            "An essay says: <em>\u201cRussia supplied {facts.energy_eu_gas} percent of the gas the EU consumed in "
            "{facts.energy_eurostat_year} (ISPI analysis).\u201d</em> The analysis speaks of \u201cthe total EU-28\u2019s "
            "demand\u201d; its footnote cites a Eurostat page dated {facts.energy_eurostat_year} on where the EU imports "
            "its energy from ([[F21]], [[F41]]). Which rewrite says only what the source supports?"),
        options=(
            Option("\u201cBy the ISPI analysis's account, Russia supplied {facts.energy_eu_gas} percent of the gas the "
                   "EU consumed in {facts.energy_eurostat_year}.\u201d",
                   "Attributing the figure is not enough. The analysis says <em>demand</em>, but its own footnote "
                   "points to import data, and "
                   "{facts.energy_eurostat_year} is the date of the cited page, not the year the share describes "
                   "([[N25]]). Repeating a source's slip without saying so passes it on."),
            Option("\u201cAccording to the ISPI analysis, Russia sent {facts.energy_eu_gas} percent of its gas exports "
                   "to the EU.\u201d",
                   "That turns the figure around: it is a share of what the EU bought, not of what Russia sold. "
                   "Nothing in the passage gives the share of Russia's exports."),
            Option("\u201cThe ISPI analysis projects that Russia will supply {facts.energy_eu_gas} percent of the EU's "
                   "gas demand.\u201d",
                   "Nothing in the passage is a forecast. The chapter's projection is a different figure, BP's "
                   "for China's share of world consumption ([[F16]])."),
            Option("\u201cBy the ISPI analysis's account, citing a Eurostat publication of {facts.energy_eurostat_year}, "
                   "Russia supplied {facts.energy_eu_gas} percent of the EU-28's gas imports, for a year the analysis "
                   "does not give.\u201d",
                   "It attributes the figure, follows the footnote (imports, not consumption) and keeps "
                   "the date of the publication apart from the unknown year of the data ([[N25]])."),
        ),
        answer="d",
        derive=_derive_gas,
    ),
    SelfCheck(
        id="dedollar-implied-rate",
        question=(
            "The ISPI analysis gives the swap of {facts.dedollar_swap_year} as {facts.dedollar_swap_cny} billion renminbi "
            "\u201c(about {facts.dedollar_swap_usd} billion dollars)\u201d ([[F27]], [[F28]]). A student divides one "
            "number by the other and writes: <em>\u201cThe swap was agreed at that exchange rate.\u201d</em> "
            "Which judgement is best?"),
        options=(
            Option("The ratio is only implied by the seed's own rounded conversion; the seed states no rate.",
                   "The essay should say <em>implies roughly</em> and attribute the conversion to the seed, which "
                   "names no rate or date for it. A ratio of a rounded figure is itself approximate, and a conversion made by the "
                   "author is not a term of the agreement ([[F28]], [[N11]])."),
            Option("Sound: both amounts are in the seed, so their ratio is the rate of the agreement.",
                   "The seed gives the agreement in renminbi only; the dollar amount is its own rounded "
                   "conversion (\u201cabout\u201d), and it names no rate or date for it."),
            Option("Wrong, because the swap was agreed in dollars and converted into renminbi.",
                   "The other way round: the amount as agreed is in renminbi ([[F27]]); the dollars are the "
                   "seed's conversion for readers."),
            Option("Wrong, because the renminbi amount is approximate and the dollar amount exact.",
                   "The seed's qualifier \u201cabout\u201d belongs to the dollar amount, not to the renminbi."),
        ),
        answer="a",
        derive=_derive_swap,
    ),
    SelfCheck(
        id="central-asia-tajik-debt",
        question=(
            "In a paragraph on Tajikistan, the fragile-alliance paper writes: \u201cHalf of the national public debt "
            "depends on loans received from Beijing\u201d ([[F11]]). Which sentence could go into an essay "
            "as it stands?"),
        options=(
            Option("\u201cAccording to the fragile-alliance paper, Tajikistan owed exactly half of its public debt "
                   "to China in {facts.ca_year_fragile}.\u201d",
                   "Two additions the passage does not make: <em>exactly</em> (it says \u201chalf\u201d, a round "
                   "figure) and a year ({facts.ca_year_fragile} is when the paper was written, not the year of the "
                   "data, which it does not give)."),
            Option("\u201cBy the fragile-alliance paper's account, half of Tajikistan's external debt is owed to "
                   "China.\u201d",
                   "The passage speaks of the <em>national public</em> debt. External debt is another measure "
                   "(it includes private borrowers and excludes debt owed at home), so the sentence changes "
                   "what is measured."),
            Option("\u201cBy the fragile-alliance paper's account, which gives no year or source, half of "
                   "Tajikistan's national public debt depended on loans from China.\u201d",
                   "It attributes the figure, keeps the passage's own words (\u201chalf\u201d, no more precise and "
                   "no less) and says what the passage lacks ([[F11]])."),
            Option("\u201cThe fragile-alliance paper shows that China lends to Tajikistan in order to gain influence "
                   "over Russia.\u201d",
                   "The sentence reports a share, not a motive; a motive needs evidence the passage does not "
                   "give."),
        ),
        answer="c",
        derive=_derive_debt,
    ),
    SelfCheck(
        id="eu-policy-pressure-seed",
        question=(
            "The EUISS text asks the EU to \u201cincrease (1) the economic and diplomatic price that the PRC needs "
            "to pay for its support of Russia\u201d ([[R16]]), and rests the advice on its author's research, "
            "which \u201cindicates that China responds to pressure\u201d. Which finding, if it were made, would "
            "most weaken that recommendation?"),
        options=(
            Option("That China's support for Russia did not change when the costs of giving it rose.",
                   "The recommendation works only if China responds to pressure; support that stays the "
                   "same when its price rises is evidence against that assumption ([[R16]])."),
            Option("That trade between China and Russia kept growing.",
                   "Growing trade is what the recommendation wants to make costly; on its own it says nothing "
                   "about whether China would respond once the price rose."),
            Option("That driving a wedge between Russia and China is very hard.",
                   "The same text already says a wedge is \u201cvirtually impossible\u201d ([[P10]]) and "
                   "recommends raising the price instead: the finding supports its premise."),
            Option("That the book scores this recommendation {facts.eu_r16_score}, lower than any other.",
                   "The score is the book's coding of how confrontational the advice is, not evidence about "
                   "whether it would work."),
        ),
        answer="a",
        derive=_derive_pressure,
    ),
    SelfCheck(
        id="security-veto-year",
        question=(
            "The ISPI analysis writes that Russia and China \u201cuse their veto power jointly on many occasions\u201d "
            "in the Security Council, \u201cas seen in the recent veto on the US-backed draft resolution\u201d on "
            "Venezuela; its endnote dates that meeting {facts.sec_veto_date} ([[E18]]). A student writes: "
            "<em>\u201cThe ISPI analysis shows that Russia and China always vote together in the Security "
            "Council.\u201d</em> Which judgement is best?"),
        options=(
            Option("Sound: one joint veto with a date confirms the analysis's general statement.",
                   "One case cannot confirm a pattern, and the analysis gives no count or list of votes."),
            Option("It is wrong because the analysis says China abstained on Venezuela.",
                   "The analysis calls it a veto used jointly, and its endnote cites the meeting ([[E18]])."),
            Option("It is wrong only because the date of the veto comes from another seed.",
                   "The date is the ISPI analysis's own, from its endnote on the meeting ([[E18]]); the problem "
                   "with the sentence is its generalisation, not its source."),
            Option("It turns one example into a rule: the analysis says \u201cmany occasions\u201d, not "
                   "<em>always</em>, and counts no votes.",
                   "Better: \u201cthe ISPI analysis says they use their veto jointly on many occasions and gives the "
                   "Venezuela draft as an example\u201d. <em>Many occasions</em> is not <em>always</em>, and a statement illustrated by one "
                   "endnote is the author's claim, not something the analysis shows ([[E18]])."),
        ),
        answer="d",
        derive=_derive_veto,
    ),
    SelfCheck(
        id="synthesis-no-split",
        question=(
            "The grid codes the two sources of {facts.syn_year_fragile} one step apart on <em>Can the West pull the two "
            "apart?</em>: the fragile-alliance paper \u201cleans no\u201d ([[P15]]) and the ISPI analysis "
            "\u201cmixed\u201d ([[P20]]). Read the two quotes behind the codes. What does the pair tell you about the "
            "hypothesis that the date of writing decides a source's verdict?"),
        options=(
            Option("Same year, different codes: the pair refutes the hypothesis that the date of writing decides "
                   "the verdict.",
                   "Only if the codes measure a real disagreement. Neither quote says the West can split the "
                   "pair, so the gap may be the coding's, not the sources'."),
            Option("Same year, different codes: the pair supports the hypothesis, since both were written before "
                   "the full-scale invasion.",
                   "A difference between two sources of the same year cannot support a claim that the year "
                   "decides the verdict."),
            Option("Little either way: the ISPI passage is about keeping Moscow from \u201cfurther drifting towards "
                   "China\u201d, not about pulling the two apart.",
                   "The gap between the codes is partly the coding's. Read the quotes before the codes: the "
                   "ISPI analysis says what the EU can prevent, "
                   "not that it can split the pair ([[P20]]); the fragile-alliance paper calls a realignment "
                   "after a change of leader debatable ([[P15]]); and it takes its verdict on durability from a "
                   "report the ISPI analysis's author co-edited ([[N39]])."),
            Option("Nothing: only one of the two sources is coded on this question, so the grid cannot compare "
                   "them.",
                   "Both are coded on it ([[P15]], [[P20]]); the question is what the codes are worth."),
        ),
        answer="c",
        derive=_derive_split,
    ),
]}


# --------------------------------------------------------------------------- text

def fill(text: str, link: Callable[[str], str] | None = None) -> str:
    """A definition's text with its facts filled in and its ``[[ROW]]`` references written out:
    links to the passages when ``link`` gives an address, otherwise ``row ROW``."""
    from .facts import facts  # the numbers: ``{facts.NAME}`` as in the chapters' {eval} roles

    text = text.format_map({"facts": facts})

    def row(match: re.Match) -> str:
        ref = match.group(1)
        if link is None:
            return f"row {html.escape(ref)}"
        return f'<a class="sr-selfcheck-row" href="{html.escape(link(ref))}">row {html.escape(ref)}</a>'

    return ROW_REF.sub(row, text)


def plain(text: str) -> str:
    """Filled text without markup (for text/plain and the typed-letter answer)."""
    return html.unescape(re.sub(r"<[^>]+>", "", fill(text)))


def get(question_id: str) -> SelfCheck:
    """The self-check ``question_id`` (a ``KeyError`` listing the known ids otherwise)."""
    try:
        return CHECKS[question_id]
    except KeyError:
        raise KeyError(f"unknown self-check {question_id!r}; known: {', '.join(CHECKS)}") from None


# --------------------------------------------------------------------------- the page's markup

#: What the markup says where no script makes it live (a saved output in Jupyter, GitHub).
SAVED_NOTE = ("In Jupyter, run this cell to answer with buttons, or type your letter: "
              "<code>check(\"{id}\", \"b\")</code>.")
#: What the page says once ``assets/selfcheck.js`` has made the options live.
BOOK_NOTE = "Choose an option: you are told at once whether it holds, and why. You can try again."


def page_html(question_id: str, link: Callable[[str], str] | None = None, with_key: bool = True) -> str:
    """The markup of one self-check (see the module's docstring for the contract). The book
    and the printed edition get the key (hidden on screen); a notebook's saved output does
    not (``with_key=False``): a viewer that ignores ``hidden`` must not show the answer."""
    sc = get(question_id)
    key = sc.key()
    qid = html.escape(sc.id)
    options, reasons = [], []
    for letter, option in zip(sc.letters(), sc.options):
        options.append(
            f'<li class="sr-selfcheck-option" data-option="{letter}">'
            f'<button type="button" class="sr-selfcheck-choice" data-option="{letter}" aria-pressed="false" disabled>'
            f'<span class="sr-selfcheck-letter">({letter})</span> <span class="sr-selfcheck-text">'
            f'{fill(option.text, link)}</span></button></li>')
        verdict = "Right" if letter == key else "Not right"
        reasons.append(
            f'<li class="sr-selfcheck-reason" data-option="{letter}" data-correct="{str(letter == key).lower()}">'
            f'<strong>({letter}) {verdict}.</strong> {fill(option.why, link)}</li>')
    return (
        f'<div class="{ROOT_CLASS}" id="selfcheck-{qid}" data-selfcheck="{qid}">'
        f'<fieldset class="sr-selfcheck-fieldset"><legend class="sr-selfcheck-question">'
        f'<span class="sr-selfcheck-label">Self-check.</span> {fill(sc.question, link)}</legend>'
        f'<p class="sr-selfcheck-note sr-selfcheck-saved-note">{SAVED_NOTE.format(id=qid)}</p>'
        f'<p class="sr-selfcheck-note sr-selfcheck-book-note" hidden style="display: none">{BOOK_NOTE}</p>'
        f'<ol class="sr-selfcheck-options" type="a">{"".join(options)}</ol>'
        f'<div class="sr-selfcheck-feedback" role="status" aria-live="polite" aria-atomic="true"></div>'
        f'<div class="sr-selfcheck-actions" hidden style="display: none">'
        f'<button type="button" class="sr-selfcheck-retry" hidden>Try again</button> '
        f'<button type="button" class="sr-selfcheck-reveal" aria-expanded="false" '
        f'aria-controls="selfcheck-{qid}-key">Show the reasoning</button></div>'
        f'</fieldset>{_key_html(qid, key, reasons) if with_key else ""}</div>')


def _key_html(qid: str, key: str, reasons: list[str]) -> str:
    """The hidden key: "Answer: (x)" and one explanation per option."""
    return (f'<div class="sr-selfcheck-key" id="selfcheck-{qid}-key" hidden style="display: none">'
            f'<p class="sr-selfcheck-answer">Answer: ({key})</p>'
            f'<ol class="sr-selfcheck-reasons">{"".join(reasons)}</ol></div>')


def plain_text(question_id: str) -> str:
    """The question and its options as text (the output's ``text/plain``)."""
    sc = get(question_id)
    lines = [f"Self-check: {plain(sc.question)}"]
    lines += [f"({letter}) {plain(option.text)}" for letter, option in zip(sc.letters(), sc.options)]
    lines.append(f'Answer with check("{sc.id}", "your letter").')
    return "\n".join(lines)


# --------------------------------------------------------------------------- Jupyter

def feedback(question_id: str, letter) -> tuple[bool, str]:
    """Whether ``letter`` is right for ``question_id``, and the HTML explanation of that option."""
    sc = get(question_id)
    option = sc.option(letter)
    chosen = str(letter).strip().lower().strip("()")
    right = chosen == sc.key()
    head = "\u2705 Right." if right else "\u274c Not quite."
    tail = "" if right else " Try another option."
    return right, f"<strong>{head}</strong> ({chosen}) {fill(option.why)}{tail}"


class Answer:
    """The verdict on a typed letter (shown as HTML, readable as ``.data`` and ``.right``)."""

    def __init__(self, question_id: str, letter):
        self.right, self.data = feedback(question_id, letter)
        self.data = f'<div class="sr-selfcheck-answer-typed" role="status">{self.data}</div>'

    def _repr_html_(self) -> str:
        return self.data

    def __repr__(self) -> str:
        return plain(self.data)


class Live:
    """``check("id")`` in Jupyter: buttons in the kernel (ipywidgets), and the page's markup as
    the saved ``text/html`` for viewers without a live kernel."""

    def __init__(self, question_id: str):
        import ipywidgets as w  # imported here: `import sinorussia` stays light

        self.check = get(question_id)
        self.check.key()
        self.feedback = w.HTML(layout=w.Layout(margin="0.4em 0"))
        rows = []
        for letter, option in zip(self.check.letters(), self.check.options):
            button = w.Button(description=f"({letter})", tooltip=f"Choose ({letter})",
                              layout=w.Layout(width="3.5em", flex="0 0 auto"))
            button.on_click(lambda _b, letter=letter: self._choose(letter))
            rows.append(w.HBox([button, w.HTML(fill(option.text))], layout=w.Layout(align_items="center")))
        self.reveal = w.Button(description="Show the reasoning")
        self.reveal.on_click(lambda _b: self._reveal())
        self.widget = w.VBox([w.HTML(f"<p><strong>Self-check.</strong> {fill(self.check.question)}</p>"),
                              *rows, self.feedback, self.reveal])

    def _choose(self, letter: str) -> None:
        self.feedback.value = feedback(self.check.id, letter)[1]

    def _reveal(self) -> None:
        items = "".join(f"<li><strong>({letter}) {'Right' if letter == self.check.key() else 'Not right'}.</strong> "
                        f"{fill(option.why)}</li>"
                        for letter, option in zip(self.check.letters(), self.check.options))
        self.feedback.value = f"<p>Answer: ({self.check.key()})</p><ul>{items}</ul>"

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = dict(self.widget._repr_mimebundle_(include=include, exclude=exclude) or {})
        bundle["text/plain"] = plain_text(self.check.id)
        bundle["text/html"] = page_html(self.check.id, with_key=False)
        return bundle


def check(question_id: str, answer=None):
    """Self-check ``question_id``: live buttons with no answer, the verdict on a typed letter otherwise."""
    if answer is None:
        return Live(question_id)
    return Answer(question_id, answer)
