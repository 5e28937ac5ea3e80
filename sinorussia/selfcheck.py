"""Self-check questions for the chapters: students type an answer in Jupyter and get
immediate feedback. Correct answers are computed from ``data/`` when asked, so they
cannot drift from the tables and are not printed on the page.
"""
from __future__ import annotations

from typing import Callable

from IPython.display import HTML

from . import data

CHECKS: dict[str, tuple[str, Callable[[], object]]] = {
    "history-sco-founders": (
        "The fragile-alliance paper says that in the SCO's founding year 'the same five countries invited Uzbekistan to join their group'; "
        "memberships.csv codes the five as founders and Uzbekistan as invited. Which statement is best supported? "
        "(a) The passage says that six states founded the SCO. (b) Five states founded the SCO and Uzbekistan joined later. "
        "(c) The passage says the five invited Uzbekistan when they agreed to set up the SCO but does not say whether it counts "
        "as a founder, so a count of founders from the table measures a coding choice. (d) The passage gives no year for the founding. "
        "Answer with a letter.",
        lambda: "c" if (data.load_memberships().set_index("membership_id").loc["M11", ["role", "joined_year"]].tolist()
                         == ["invited", data.load_events().set_index("event_id").loc["E07", "date"].year]) else "a",
    ),
    "history-split-gap": (
        "How many years lie between the split year the Flocking-together article gives (row E02) and the border war year (row E03) in events.csv?",
        lambda: int(data.load_events().set_index("event_id").loc["E03", "date"].year - data.load_events().set_index("event_id").loc["E02", "date"].year),
    ),
    "energy-eu-gas": (
        "The ISPI analysis gives Russia's share of 'the total EU-28's demand' for gas (row F21), citing a Eurostat page whose date "
        "its footnote gives (row F41). Which description of the figure is best supported? (a) Russia supplied that share of all the gas "
        "the EU consumed in the year of the Eurostat page. (b) It is Russia's share of the EU's gas imports, as reported in that Eurostat "
        "publication, for a year the seed does not state. (c) It is the share of Russia's gas exports that went to the EU. "
        "(d) It is a projection. Answer with a letter.",
        lambda: "b" if "import" in data.load_source_notes().set_index("note_id").loc["N25", "other_quote"] else "a",
    ),
    "dedollar-implied-rate": (
        "The ISPI analysis converts the swap's amount in renminbi (row F27) into 'about' an amount in dollars (row F28). "
        "Which statement is best supported? (a) The seed states the exchange rate it used. (b) The conversion implies an exchange "
        "rate that the seed never states, nor says which date's rate it used, so the dollar figure is the seed's approximation. "
        "(c) The swap was worth exactly that many dollars. (d) The swap was paid out in dollars. Answer with a letter.",
        lambda: "b" if data.load_figures().set_index("figure_id").loc["F28", "qualifier"] == "about" else "c",
    ),
    "central-asia-tajik-debt": (
        "The fragile-alliance paper writes that 'Half of the national public debt depends on loans received from Beijing'. "
        "Which statement may a careful reader make? (a) China holds half of all public debt in Central Asia; "
        "(b) about half of Tajikistan's public debt was owed to China when the paper was written, by the paper's account, with no year or source given; "
        "(c) Tajikistan's debt to China has doubled since Chinese troops arrived; "
        "(d) exactly half of Tajikistan's external debt was owed to China in the year of the SCO's creation. Answer with a letter.",
        # (b) is right because figures.csv codes the share as 'about' half, for Tajikistan, with no reference year.
        lambda: "b" if (lambda r: r["entity"] == "Tajikistan" and r["qualifier"] == "about" and str(r["reference_year"]) in ("", "nan", "None", "<NA>"))(
            data.load_figures().set_index("figure_id").loc["F11"]) else "?",
    ),
    "eu-policy-pressure-seed": (
        "Which seed makes the only recommendation scored -2 in recommendations.csv, and on which assumption does it rest? "
        "(a) the EUISS text: China responds to pressure; (b) the EUISS text: the United States will lead a common Western policy; "
        "(c) the article on flocking together: a radical change in Russia's internal politics; (d) Lehrer: transatlantic synchronisation. "
        "Answer with a letter.",
        # (a): the -2 row comes from the EUISS seed, whose quote ties the price China pays to its responsiveness to pressure.
        lambda: {"euiss2025": "a", "flocking2022": "c", "lehrer2021": "d"}.get(
            data.load_seeds().set_index("seed").loc[
                data.load_recommendations().query("engagement_score == -2")["seed"].unique()[0], "bibkey"], "?"),
    ),
    "security-veto-year": (
        "Russia and China vetoed a US-backed draft on Venezuela. Which reading of the ISPI analysis is right? "
        "(a) the analysis calls it their first joint veto; (b) the analysis gives it as a recent example of vetoes used jointly "
        "'on many occasions', and the date comes from its endnote on a Security Council meeting; (c) the analysis says China abstained; "
        "(d) the date comes from the 2022 article. Answer with a letter.",
        # (b): row E18 comes from the ISPI seed and its quote is the endnote citing the UNSC meeting.
        lambda: "b" if (lambda r: r["seed"] == "003_8dd19b2cc8e48f20.txt" and str(r["quote"]).startswith("UNSC"))(
            data.load_events().set_index("event_id").loc["E18"]) else "?",
    ),
    "synthesis-no-split": (
        "The two oldest seeds were written in the same year. Compare their cells on 'Can the West pull the two apart?' "
        "in the grid, then read the two quotes behind them. Which reading is best supported? "
        "(a) The codes differ, so the two texts disagree and the date of writing cannot explain their verdicts. "
        "(b) The codes differ, but the quoted passages answer different things and neither says the West can split "
        "the pair, so the gap reflects the book's coding and is no evidence for or against the date hypothesis. "
        "(c) The codes are the same, which confirms that the date of writing decides a source's verdict. "
        "(d) Only one of them is coded on this question, so no comparison is possible. Answer with a letter.",
        # (b) while the 2019 pair is coded one step apart and neither code says the West can split them;
        # the letter follows the data, so a recoding changes the expected answer.
        lambda: (lambda pair: "d" if len(pair) < 2 else "c" if pair["score"].nunique() == 1 else
                 "b" if (pair["score"].max() <= 0 and pair["score"].max() - pair["score"].min() == 1) else "a")(
            (lambda split: split[split["year"] == split["year"].min()])(
                data.load_positions().query("question_id == 'west_can_split'")
            )
        ),
    ),
}


def _same(answer, expected) -> bool:
    if isinstance(expected, (int, float)) and not isinstance(answer, bool):
        try:
            return abs(float(answer) - float(expected)) < 1e-9
        except (TypeError, ValueError):
            return False
    return str(answer).strip().lower() == str(expected).strip().lower()


def check(question_id: str, answer) -> HTML:
    """Tell the student whether ``answer`` is right for self-check ``question_id``."""
    if question_id not in CHECKS:
        raise KeyError(f"unknown self-check {question_id!r}; known: {', '.join(CHECKS)}")
    question, expected = CHECKS[question_id]
    if answer is None:
        verdict = "Replace <code>None</code> with your answer and run the cell again."
    elif _same(answer, expected()):
        verdict = "✅ Correct."
    else:
        verdict = "❌ Not yet: look again at the table named in the question."
    return HTML(f'<div class="self-check"><p><strong>Self-check:</strong> {question}</p><p>{verdict}</p></div>')
