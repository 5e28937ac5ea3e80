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
        "How many states founded the SCO in 2001, according to memberships.csv?",
        lambda: int((data.load_memberships().query("org_id == 'sco'")).shape[0]),
    ),
    "history-split-gap": (
        "How many years lie between the split year the 2022 seed gives and the border war year in events.csv?",
        lambda: int(data.load_events().set_index("event_id").loc["E03", "date"].year - data.load_events().set_index("event_id").loc["E02", "date"].year),
    ),
    "energy-eu-gas": (
        "What share (percent) of EU-28 gas demand did Russia cover according to figures.csv?",
        lambda: float(data.load_figures().set_index("figure_id").loc["F21", "value"]),
    ),
    "dedollar-implied-rate": (
        "Which exchange rate (renminbi per dollar) does the seed's conversion of the swap imply? Round to a whole number.",
        lambda: round(data.load_figures().set_index("figure_id").loc["F27", "value"] / data.load_figures().set_index("figure_id").loc["F28", "value"]),
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
        "How many seeds answer 'no' or 'leans no' to the question 'Can the West pull the two apart?'",
        lambda: int(data.load_positions().query("question_id == 'west_can_split' and score < 0").shape[0]),
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
