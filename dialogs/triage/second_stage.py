"""Second stage of free-text triage: a small learned classifier that can only raise a level, never lower one.

The rules find what they were written for; this stage finds neighbours they miss ("jveux pu vivre", "I have
the pills lined up"). It is a linear classifier on TF-IDF character n-grams and words (scikit-learn): a
Complement Naive Bayes (`model = "complement_nb"`, chosen by the prospective replay, README, triage) or a
logistic regression (`model = "logistic"`), trained once per process from the project's own labelled
messages (`train_on` in second_stage.toml; nothing is downloaded). Both are a weight per term, so both score
the same way. Two decisions: at `threshold` the level is raised to `raise_to` (high); at `watch_threshold`
(optional, lower) a message the rules leave at `none` is raised to `watch` with the clarifying question.
Training uses scikit-learn; scoring a message does not: the fitted weights are copied into plain dictionaries,
which keeps a message well under a millisecond.

`raise_level(assessment, text)` is what `assess_text` calls; it changes nothing while `enabled = false` (the
shipped setting: README, triage, says why). `python -m dialogs.triage.calibrate`
prints, by cross-validation on `train_on` only, the `c` and `threshold` to write in second_stage.toml.
"""

from __future__ import annotations

import logging
import math
import re
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

from dialogs.triage.assessment import Assessment, rank

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
CONFIG = HERE / "second_stage.toml"
RULE = "second_stage"
NAMES = {"fr": "deuxième niveau : ressemble à des messages inquiétants (modèle appris)",
         "en": "second stage: looks like worrying messages (learned model)"}
_RUNS = re.compile(r"(.)\1{2,}")
MODELS = ("logistic", "complement_nb")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labelled:
    """One training message: its text and whether it is dangerous (expected high or urgent)."""

    text: str
    lang: str
    dangerous: bool
    origin: str  # the file it came from


@dataclass(frozen=True)
class Config:
    enabled: bool
    raise_to: str
    threshold: float
    c: float
    added_false_alarms: float
    train_on: tuple[Path, ...]
    model: str = "logistic"  # or "complement_nb"
    alpha: float = 0.03  # smoothing of complement_nb
    watch_threshold: float | None = None  # none -> watch + clarifying question from this probability; None: never


def load_config(path: Path = CONFIG) -> Config:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    kind = str(data.get("model", "logistic"))
    if kind not in MODELS:
        raise ValueError(f"second_stage.toml: model is one of {', '.join(MODELS)}, not {kind!r}")
    watch = data.get("watch_threshold")
    return Config(bool(data.get("enabled", True)), str(data.get("raise_to", "high")), float(data["threshold"]),
                  float(data.get("c", 1.0)), float(data.get("added_false_alarms", 0.02)),
                  tuple(ROOT / p for p in data["train_on"]), kind, float(data.get("alpha", 0.03)),
                  None if watch is None else float(watch))


def fold(text: str) -> str:
    """Lowercase, no accents, letters repeated three times or more kept twice ("mourirrrr" -> "mourirr")."""
    text = unicodedata.normalize("NFKD", text.lower())
    return _RUNS.sub(r"\1\1", "".join(c for c in text if not unicodedata.combining(c)))


def read_labelled(paths: tuple[Path, ...] | list[Path]) -> list[Labelled]:
    """The messages of the labelled TSV files (lang, label, level, who, text; '#' lines are comments)."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                fields = line.split("\t")
                if len(fields) == 5:
                    out.append(Labelled(fields[4], fields[0], fields[1] == "danger", path.stem))
    return out


@dataclass(frozen=True)
class Model:
    """The fitted classifier as plain data: per feature space, an analyzer and term -> (idf, weight)."""

    spaces: tuple[tuple[Callable[[str], list[str]], dict[str, tuple[float, float]]], ...]
    intercept: float

    def probability(self, text: str) -> float:
        """Probability that the message is dangerous (same figures as scikit-learn's predict_proba)."""
        score = self.intercept
        for analyze, terms in self.spaces:
            total = norm = 0.0
            for term, count in Counter(analyze(text)).items():
                known = terms.get(term)
                if known is not None:
                    value = (1.0 + math.log(count)) * known[0]
                    norm += value * value
                    total += value * known[1]
            if norm:
                score += total / math.sqrt(norm)
        return 1.0 / (1.0 + math.exp(-score)) if score > -500 else 0.0


def _pipeline(c: float, kind: str = "logistic", alpha: float = 0.03):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), preprocessor=fold, sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer="word", ngram_range=(1, 2), preprocessor=fold, sublinear_tf=True),
    )
    if kind == "complement_nb":
        return make_pipeline(features, ComplementNB(alpha=alpha))
    if kind != "logistic":
        raise ValueError(f"unknown second-stage model {kind!r}")
    return make_pipeline(features, LogisticRegression(C=c, class_weight="balanced", max_iter=2000))


def fit(messages: list[Labelled], c: float, kind: str = "logistic", alpha: float = 0.03):
    """The scikit-learn pipeline fitted on `messages` (for calibration and for `train`)."""
    return _pipeline(c, kind, alpha).fit([m.text for m in messages], [m.dangerous for m in messages])


def _weights(classifier) -> tuple[list[float], float]:
    """Per-feature weights and intercept of the log-odds that a message is dangerous.

    Logistic regression: its coefficients. Complement NB (two classes): its joint log-likelihood is
    X . feature_log_prob_[k] per class k, without prior, so the log-odds are X . (flp[True] - flp[False]).
    """
    if hasattr(classifier, "coef_") and not hasattr(classifier, "feature_log_prob_"):
        return list(classifier.coef_[0]), float(classifier.intercept_[0])
    assert list(classifier.classes_) == [False, True], classifier.classes_
    log_prob = classifier.feature_log_prob_
    return list(log_prob[1] - log_prob[0]), 0.0


def to_model(pipeline) -> Model:
    """Copy a fitted pipeline's vocabularies, idf and weights into a `Model`."""
    union = pipeline.steps[0][1]
    weights, intercept = _weights(pipeline.steps[1][1])
    spaces, offset = [], 0
    for _, vectorizer in union.transformer_list:
        terms = {term: (float(vectorizer.idf_[i]), float(weights[offset + i]))
                 for term, i in vectorizer.vocabulary_.items()}
        spaces.append((vectorizer.build_analyzer(), terms))
        offset += len(vectorizer.vocabulary_)
    return Model(tuple(spaces), intercept)


def train(paths: tuple[Path, ...] | list[Path], c: float, kind: str = "logistic", alpha: float = 0.03) -> Model:
    """Train on the labelled files (scikit-learn is imported here only)."""
    return to_model(fit(read_labelled(paths), c, kind, alpha))


@cache
def model() -> tuple[Model, Config] | None:
    """The trained stage and its settings, once per process; None when disabled or impossible (then said once)."""
    config = load_config()
    if not config.enabled:
        return None
    missing = [p.name for p in config.train_on if not p.exists()]
    if missing:
        log.warning("triage second stage off: labelled files missing (%s)", ", ".join(missing))
        return None
    try:
        return train(config.train_on, config.c, config.model, config.alpha), config
    except ImportError:
        log.warning("triage second stage off: scikit-learn is not installed")
        return None


def raise_level(assessment: Assessment, text: str) -> Assessment:
    """What `assess_text` calls: the assessment, raised by the second stage when it is on (second_stage.toml)."""
    loaded = model()
    return assessment if loaded is None else raise_with(*loaded, assessment, text)


def raise_with(stage: Model, config: Config, assessment: Assessment, text: str) -> Assessment:
    """The assessment, raised to `raise_to` when the rules say less and the classifier is confident enough.

    Below `threshold` but at `watch_threshold` or more (when set), a message the rules leave at `none` becomes
    `watch` with the clarifying question (it goes to the team's queue, it is not a case). Never lower; never
    over a negation the rules saw (they already ask the clarifying question there).
    """
    if rank(assessment.level) >= rank(config.raise_to) or assessment.negated:
        return assessment  # a negation the rules saw ("je veux pas mourir") keeps their answer: the question
    probability = stage.probability(text)
    if probability >= config.threshold:
        return replace(assessment, level=config.raise_to, rule=RULE, phrase=None, pattern=None, span=None,
                       negated=False, long_ago=False, clarify=False)
    if config.watch_threshold is not None and probability >= config.watch_threshold and assessment.level == "none":
        return replace(assessment, level="watch", rule=RULE, phrase=None, pattern=None, span=None,
                       negated=False, long_ago=False, clarify=True)
    return assessment
