"""Second stage of free-text triage: a small learned classifier that can only raise a level, never lower one.

The rules find what they were written for; this stage finds neighbours they miss ("jveux pu vivre", "I have
the pills lined up"). It is a linear classifier on TF-IDF character n-grams and words (scikit-learn): a
Complement Naive Bayes (`model = "complement_nb"`, chosen by the prospective replay, README, triage) or a
logistic regression (`model = "logistic"`), trained from the project's own labelled messages (`train_on` in
second_stage.toml; nothing is downloaded). Three decisions: at `threshold` the level is raised to `raise_to`
(high); at `watch_threshold` (optional, lower) a message the rules leave at `none` is raised to `watch` with the
clarifying question; and a second model of the same kind, urgent messages against all the others, raises a
message at high to urgent from `urgent_threshold` (optional).

Training runs once, in a child process (stage_training.py), so scikit-learn and its memory never stay in the bot; the
result is a JSON file (stage_model.py) kept in the cache directory (`RELIER_CACHE_DIR`, else
`$XDG_CACHE_HOME/relier` or `~/.cache/relier`) under a key made of the settings, the labelled files and
scikit-learn's version: the next start, or another process, loads it at once; a changed labelled file retrains it.
`python -m dialogs.triage.calibrate` prints, by cross-validation on `train_on` only, the `c` and `threshold` to write.
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, replace
from functools import cache
from importlib import metadata
from pathlib import Path

from dialogs.triage.assessment import Assessment, rank
from dialogs.triage.stage_model import Model, Space, fold

HERE = Path(__file__).resolve().parent
LABELLED_DIR = HERE / "labelled"  # the project's labelled messages (package data: installed with the bot)
CONFIG = HERE / "second_stage.toml"
RULE = "second_stage"
NAMES = {"fr": "deuxième niveau : ressemble à des messages inquiétants (modèle appris)",
         "en": "second stage: looks like worrying messages (learned model)"}
MODELS = ("logistic", "complement_nb")
# The features: pieces of 2 to 5 letters inside words (seen in two messages at least), and words and word pairs.
CHARS, WORDS = ("char_wb", 2, 5), ("word", 1, 2)
TRAINING_SECONDS = 900  # the child process is stopped after this (about 30 s for 210,000 messages on 2 cores)
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labelled:
    """One training message: its text and whether it is dangerous (expected high or urgent)."""

    text: str
    lang: str
    dangerous: bool
    origin: str  # the file it came from
    urgent: bool = False  # labelled urgent (the urgent step learns these against all the others)


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
    urgent_threshold: float | None = None  # high -> urgent from this probability of the urgent model; None: never
    source: Path = CONFIG  # the file it was read from, which the training child process reads too


def load_config(path: Path = CONFIG) -> Config:
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    kind = str(data.get("model", "logistic"))
    if kind not in MODELS:
        raise ValueError(f"second_stage.toml: model is one of {', '.join(MODELS)}, not {kind!r}")
    watch, urgent = data.get("watch_threshold"), data.get("urgent_threshold")
    return Config(bool(data.get("enabled", True)), str(data.get("raise_to", "high")), float(data["threshold"]),
                  float(data.get("c", 1.0)), float(data.get("added_false_alarms", 0.02)),
                  tuple(HERE / p for p in data["train_on"]), kind, float(data.get("alpha", 0.03)),
                  None if watch is None else float(watch), None if urgent is None else float(urgent), path)


def read_labelled(paths: tuple[Path, ...] | list[Path]) -> list[Labelled]:
    """The messages of the labelled TSV files (lang, label, level, who, text; '#' lines are comments)."""
    out = []
    for path in paths:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                fields = line.split("\t")
                if len(fields) == 5:
                    out.append(Labelled(fields[4], fields[0], fields[1] == "danger", path.stem, fields[2] == "urgent"))
    return out


def _pipeline(c: float, kind: str = "logistic", alpha: float = 0.03):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.naive_bayes import ComplementNB
    from sklearn.pipeline import make_pipeline, make_union

    features = make_union(
        TfidfVectorizer(analyzer=CHARS[0], ngram_range=CHARS[1:], preprocessor=fold, sublinear_tf=True, min_df=2),
        TfidfVectorizer(analyzer=WORDS[0], ngram_range=WORDS[1:], preprocessor=fold, sublinear_tf=True),
    )
    if kind == "complement_nb":
        return make_pipeline(features, ComplementNB(alpha=alpha))
    if kind != "logistic":
        raise ValueError(f"unknown second-stage model {kind!r}")
    return make_pipeline(features, LogisticRegression(C=c, class_weight="balanced", max_iter=2000))


def fit(messages: list[Labelled], c: float, kind: str = "logistic", alpha: float = 0.03, urgent: bool = False):
    """The scikit-learn pipeline fitted on `messages`: dangerous against the rest, or `urgent` against the rest."""
    return _pipeline(c, kind, alpha).fit([m.text for m in messages],
                                         [m.urgent if urgent else m.dangerous for m in messages])


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


def to_model(pipeline, classifier=None) -> Model:
    """A `Model` (scored without scikit-learn) of a fitted pipeline, or of fitted vectorizers and a `classifier`."""
    union = pipeline.steps[0][1] if classifier is None else pipeline
    weights, intercept = _weights(pipeline.steps[1][1] if classifier is None else classifier)
    spaces, offset = [], 0
    for _, vectorizer in union.transformer_list:
        terms = {term: (float(vectorizer.idf_[i]), float(weights[offset + i]))
                 for term, i in vectorizer.vocabulary_.items()}
        spaces.append(Space.of(vectorizer.analyzer, *vectorizer.ngram_range, terms))
        offset += len(vectorizer.vocabulary_)
    return Model(tuple(spaces), intercept)


def train(paths: tuple[Path, ...] | list[Path], c: float, kind: str = "logistic", alpha: float = 0.03,
          urgent: bool = False) -> Model:
    """Train on the labelled files (scikit-learn is imported here only)."""
    return to_model(fit(read_labelled(paths), c, kind, alpha, urgent))


def training_key(config: Config) -> str | None:
    """What the trained model depends on: settings, features, every labelled file, scikit-learn's version.

    None when scikit-learn is not installed (the stage cannot be trained).
    """
    try:
        version = metadata.version("scikit-learn")
    except metadata.PackageNotFoundError:
        return None
    digest = hashlib.sha256(repr((config.model, config.alpha, config.c, CHARS, WORDS, version,
                                  config.urgent_threshold is not None)).encode())
    for path in config.train_on:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:32]


_chosen_cache: list[Path] = []  # set by `relier` from its settings (RELIER_CACHE_DIR, also in a .env file)


def use_cache_dir(path: Path) -> None:
    """Keep the trained model in `path` (called before the stage is first used)."""
    _chosen_cache[:] = [Path(path)]


def cache_dir() -> Path:
    """Where the trained model is kept: RELIER_CACHE_DIR, else $XDG_CACHE_HOME/relier, else ~/.cache/relier."""
    if _chosen_cache:
        return _chosen_cache[0]
    chosen = os.environ.get("RELIER_CACHE_DIR")
    if chosen:
        return Path(chosen)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "relier"


def urgent_path(path: Path) -> Path:
    """Where the urgent model is kept, next to the model of dangerous messages."""
    return path.with_name(path.name.replace("triage-stage-", "triage-stage-urgent-"))


def trained(config: Config, key: str) -> tuple[Model, Model | None] | None:
    """The models for `key` (dangerous; urgent when `urgent_threshold` is set): from the cache, else trained now
    in a child process (then kept in the cache)."""
    folder = cache_dir()
    path = folder / f"triage-stage-{key}.json"
    found = _load_pair(config, path, key)
    if found is not None:
        return found
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = tempfile.NamedTemporaryFile(dir=folder)  # writable? else train into a folder of our own
        probe.close()
    except OSError:
        log.warning("triage second stage: cache directory %s not writable, trained at every start", folder)
        with tempfile.TemporaryDirectory(prefix="relier-stage-") as scratch:
            return _train_into(config, Path(scratch) / path.name, key)
    fresh = _train_into(config, path, key)
    if fresh is not None:
        for old in folder.glob("triage-stage-*.json"):
            if old not in (path, urgent_path(path)):
                old.unlink(missing_ok=True)  # trained for labelled files or settings that changed since
    return fresh


def _load_pair(config: Config, path: Path, key: str) -> tuple[Model, Model | None] | None:
    danger = Model.load(path, key)
    if danger is None or config.urgent_threshold is None:
        return None if danger is None else (danger, None)
    urgent = Model.load(urgent_path(path), key, like=danger)
    return None if urgent is None else (danger, urgent.sharing(danger))


def _train_into(config: Config, path: Path, key: str) -> tuple[Model, Model | None] | None:
    """Train in a child process, which writes the models next to `path`; read them back."""
    started = time.monotonic()
    child = "import sys; from dialogs.triage.stage_training import main; sys.exit(main(sys.argv[1:]))"
    try:
        done = subprocess.run([sys.executable, "-c", child, str(path), key, str(config.source)],
                              capture_output=True, text=True, timeout=TRAINING_SECONDS, check=False)
    except subprocess.TimeoutExpired:
        log.error("triage second stage off: training took more than %s s", TRAINING_SECONDS)
        return None
    if done.returncode != 0:
        log.error("triage second stage off: training failed (exit %s): %s", done.returncode,
                  done.stderr.strip().splitlines()[-1:] or "")
        return None
    log.info("triage second stage: trained in %.1f s", time.monotonic() - started)
    return _load_pair(config, path, key)


@cache
def model() -> tuple[Model, Config, Model | None] | None:
    """The trained stage and its settings, once per process; None when disabled or impossible (then said once)."""
    config = load_config()
    if not config.enabled:
        return None
    missing = [p.name for p in config.train_on if not p.exists()]
    if missing:
        log.warning("triage second stage off: labelled files missing (%s)", ", ".join(missing))
        return None
    key = training_key(config)
    if key is None:
        log.warning("triage second stage off: scikit-learn is not installed")
        return None
    loaded = trained(config, key)
    return None if loaded is None else (loaded[0], config, loaded[1])


def raise_level(assessment: Assessment, text: str) -> Assessment:
    """What `assess_text` calls: the assessment, raised by the second stage when it is on (second_stage.toml)."""
    loaded = model()
    if loaded is None:
        return assessment
    danger, config, urgent = loaded
    return raise_with(danger, config, assessment, text, urgent=urgent)


def raise_with(stage: Model, config: Config, assessment: Assessment, text: str,
               urgent: Model | None = None) -> Assessment:
    """The assessment, raised when the rules say less and the classifiers are confident enough.

    1. Below `raise_to` (high): at `threshold` the level becomes high. Below `threshold` but at `watch_threshold`
       or more (when set), a message the rules leave at `none` becomes `watch` with the clarifying question.
    2. Then, a message at high (by the rules or by step 1) becomes urgent when the `urgent` model (urgent against
       everything else) gives `urgent_threshold` or more: the person gets the emergency numbers at once.
    Never lower; never over a negation the rules saw (they already ask the clarifying question there), nor over an
    event the rules read as long over ("two years ago": read soon, not an emergency); step 1 never on one or two words.
    """
    if assessment.negated:
        return assessment  # a negation the rules saw ("je veux pas mourir") keeps their answer: the question
    vector = None
    if rank(assessment.level) < rank(config.raise_to) and len(text.split()) > 2:  # not "never mind" (step 1, 3 words+)
        vector = stage.vector(text)
        probability = stage.score(vector)
        if probability >= config.threshold:
            assessment = replace(assessment, level=config.raise_to, rule=RULE, phrase=None, pattern=None, span=None,
                                 negated=False, long_ago=False, clarify=False)
        elif (config.watch_threshold is not None and probability >= config.watch_threshold
              and assessment.level == "none"):
            return replace(assessment, level="watch", rule=RULE, phrase=None, pattern=None, span=None,
                           negated=False, long_ago=False, clarify=True)
    if (urgent is not None and config.urgent_threshold is not None and assessment.level == "high"
            and not assessment.long_ago):
        shared = vector is not None and urgent.reads_like(stage)  # the same terms: the vector serves again
        if (urgent.score(vector) if shared else urgent.probability(text)) >= config.urgent_threshold:
            return replace(assessment, level="urgent", rule=RULE, phrase=None, pattern=None, span=None, clarify=False)
    return assessment

