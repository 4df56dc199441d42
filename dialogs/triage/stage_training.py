"""The training of the second stage (second_stage.py), in the child process it starts: `main`.

The features of `second_stage._pipeline` are made a slice of CHUNK messages at a time and Complement NB learns from
each slice in turn, so the whole TF-IDF matrix is never held: about 450 MB at most for 210,000 messages, instead of
2.6 GB for the pipeline's own fit_transform. The terms and idf are the pipeline's, the weights too (to rounding).
"""

from __future__ import annotations

import sys
from pathlib import Path

from dialogs.triage.second_stage import _pipeline, load_config, read_labelled, to_model, training_key, urgent_path

CHUNK = 2_000  # messages per slice of the features: about 30 MB each


def _fitted(vectorizer, terms, df, messages: int) -> None:
    """Make `vectorizer` fitted as fit_transform on `messages` messages makes it: `terms` (those kept, alphabetical:
    their columns) and their idf from their document frequencies `df`, as TfidfTransformer.fit computes it."""
    import numpy as np

    vectorizer.vocabulary_ = {term: at for at, term in enumerate(terms)}
    vectorizer.idf_ = np.log((messages + 1) / (np.asarray(df, dtype=np.float64) + 1)) + 1  # smooth_idf: the same floats


def _features(union, texts: list[str]):
    """Fit the union's two vectorizers as `union.fit_transform(texts)` does (the same terms and idf), and return
    rows(at): the union's TF-IDF rows of texts[at:at + CHUNK].

    fit_transform keeps every (message, letter piece) pair in Python lists, some 67 million, then the whole matrix
    several times over (2.6 GB for 209,000 messages). Here the document frequencies are counted first, then the rows
    are made a slice at a time with the terms fixed. Letter pieces never cross a word: those of each distinct word
    (52,000) are cut once, and a message's counts are its words' summed, a product of sparse matrices (messages x
    words, words x pieces), in place of cutting every message twice. Word pieces are cut by the word vectorizer.
    """
    from collections import Counter

    import numpy as np
    from scipy import sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    chars, words = (vectorizer for _, vectorizer in union.transformer_list)
    for vectorizer in (chars, words):  # the settings of _pipeline: min_df, a number of messages, is the only pruning
        assert isinstance(vectorizer.min_df, int) and vectorizer.max_df == 1.0 and vectorizer.max_features is None
    splitter = CountVectorizer(analyzer=lambda text: chars.preprocessor(text).split(), dtype=np.int32)  # as char_wb
    by_word = splitter.fit_transform(texts)  # messages x words: how often each word is said
    cutter = CountVectorizer(analyzer=chars.analyzer, ngram_range=chars.ngram_range, lowercase=False, dtype=np.int32)
    by_piece = cutter.fit_transform(splitter.get_feature_names_out())  # words x letter pieces (all, alphabetical)
    df = np.zeros(by_piece.shape[1], dtype=np.int64)
    for at in range(0, len(texts), CHUNK):  # one entry per piece and message that has it
        df += np.bincount((by_word[at:at + CHUNK] @ by_piece).indices, minlength=len(df))
    kept = np.flatnonzero(df >= chars.min_df)
    by_piece = by_piece[:, kept]
    _fitted(chars, cutter.get_feature_names_out()[kept], df[kept], len(texts))
    analyze, seen = words.build_analyzer(), Counter()
    for text in texts:
        seen.update(set(analyze(text)))
    terms = sorted(term for term, count in seen.items() if count >= words.min_df)
    _fitted(words, terms, [seen[term] for term in terms], len(texts))
    tfidf = TfidfTransformer(norm=chars.norm, sublinear_tf=chars.sublinear_tf)
    tfidf.idf_ = chars.idf_

    def rows(at: int):
        letters = tfidf.transform(by_word[at:at + CHUNK] @ by_piece, copy=False)
        return sparse.hstack([letters, words.transform(texts[at:at + CHUNK])], format="csr")  # as FeatureUnion does

    return rows


def main(argv: list[str]) -> int:
    """The child process: train on the files of the settings given (second_stage.toml by default), write the models
    for `key` to `out`.

    The features of `_pipeline` are made a slice of CHUNK messages at a time (`_features`), and Complement NB learns
    from each in turn (partial_fit adds up the sums fit makes, slice by slice: the same weights, to rounding): the
    whole matrix is never held, about 450 MB at most for 210,000 messages instead of 2.6 GB. A logistic regression
    needs the whole matrix: it is stacked from the slices (about 2 GB)."""
    out, key = Path(argv[0]), argv[1]
    config = load_config(Path(argv[2])) if len(argv) > 2 else load_config()
    if training_key(config) != key:
        print("the labelled files changed while training", file=sys.stderr)
        return 1
    from scipy import sparse
    from sklearn.base import clone
    messages = read_labelled(config.train_on)
    texts, goals = [m.text for m in messages], [[m.dangerous for m in messages]]
    if config.urgent_threshold is not None:
        goals.append([m.urgent for m in messages])
    del messages  # the texts and labels are enough: room for the features
    union, classifier = (step for _, step in _pipeline(config.c, config.model, config.alpha).steps)
    rows, classifiers = _features(union, texts), [clone(classifier) for _ in goals]
    if hasattr(classifier, "partial_fit"):
        for at in range(0, len(texts), CHUNK):
            features = rows(at)
            for fitted, goal in zip(classifiers, goals):
                fitted.partial_fit(features, goal[at:at + CHUNK], classes=[False, True])
    else:
        features = sparse.vstack([rows(at) for at in range(0, len(texts), CHUNK)], format="csr")
        for fitted, goal in zip(classifiers, goals):
            fitted.fit(features, goal)
    del rows, features, texts  # room for the models' terms
    for fitted, path in zip(classifiers, (out, urgent_path(out))):
        to_model(union, fitted).save(path, key)
    return 0
