"""Prints the C and threshold of the triage second stage, by cross-validation on its training files only.

Usage, from the repository root: `python -m dialogs.triage.calibrate` (a minute or so; copy the "best" line
into second_stage.toml). Messages of a batch not yet in `train_on` play no part, so its first score stays fresh.
"""

from __future__ import annotations

from dialogs.triage.assessment import rank
from dialogs.triage.second_stage import Config, fit, load_config, read_labelled


def calibrate(config: Config, folds: int = 5, cs: tuple[float, ...] = (0.25, 1.0, 4.0, 16.0)) -> list[str]:
    """Lines to read: per C, the out-of-fold threshold that adds about `added_false_alarms` and its recall.

    Only `train_on` is used. The threshold is the out-of-fold probability above which at most that share of
    the harmless messages lie (among those the rules leave below `raise_to`); the best C catches the most
    dangerous messages out of fold at its threshold.
    """
    import numpy as np
    from sklearn.model_selection import StratifiedKFold

    from dialogs.triage import assess_rules

    messages = read_labelled(config.train_on)
    labels = np.array([m.dangerous for m in messages])
    harmless = [i for i, m in enumerate(messages) if not m.dangerous]
    quiet = [i for i in harmless
             if rank(assess_rules(messages[i].text, messages[i].lang).level) < rank(config.raise_to)]
    allowed = int(config.added_false_alarms * len(harmless))
    lines, best = [], None
    for c in cs:
        oof = np.zeros(len(messages))
        for train_at, held in StratifiedKFold(folds, shuffle=True, random_state=0).split(messages, labels):
            fitted = fit([messages[i] for i in train_at], c)
            oof[held] = fitted.predict_proba([messages[i].text for i in held])[:, 1]
        threshold = float(np.sort(oof[quiet])[::-1][allowed]) + 1e-3
        caught = int(sum(oof[i] >= threshold for i in range(len(messages)) if labels[i]))
        lines.append(f"c = {c:<5} threshold = {threshold:.3f}  out of fold: {caught}/{int(labels.sum())} dangerous,"
                     f" {int(sum(oof[i] >= threshold for i in quiet))}/{len(harmless)} harmless raised")
        if best is None or caught > best[0]:
            best = (caught, c, threshold)
    assert best is not None
    lines.append(f"best: c = {best[1]}, threshold = {best[2]:.3f} (from {len(messages)} messages of train_on)")
    return lines


if __name__ == "__main__":
    print("\n".join(calibrate(load_config())))
