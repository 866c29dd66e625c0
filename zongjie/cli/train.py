"""``zongjie train`` and ``zongjie evaluate``: rebuild and score the learned models."""

from __future__ import annotations

from pathlib import Path

import click

from zongjie.cli import cli

MODEL_NAMES = ("roles", "ner")


def _print_scores(scores: dict[str, dict[str, float]], title: str) -> None:
    click.echo(title)
    click.echo(f"  {'label':12s} {'P':>6s} {'R':>6s} {'F1':>6s} {'n':>6s}")
    for label, s in scores.items():
        if label == "accuracy":
            continue
        click.echo(f"  {label:12s} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} {int(s['support']):6d}")
    if "accuracy" in scores:
        click.echo(f"  accuracy {scores['accuracy']['accuracy']:.3f}")


@cli.command("train")
@click.argument("name", type=click.Choice(MODEL_NAMES))
@click.option("--output", type=click.Path(file_okay=False), default=None,
              help="Where to write the model (default: the shipped model's folder in the package).")
@click.option("--seed", type=int, default=None, help="Random seed (default: the one the shipped model used).")
@click.option("--silver-from", "silver_from", type=click.Path(exists=True, file_okay=False), default=None,
              help="ner: first rebuild the silver sentences from this corpus (../shared/corpus/real).")
def train_cmd(name: str, output: str | None, seed: int | None, silver_from: str | None) -> None:
    """Rebuild a learned model from the training data kept in the repository.

    \b
    roles  sentence roles (成绩/目标/承诺/问题/其他), scikit-learn, seconds
    ner    entities (ORG LOC PER DOC CAMPAIGN INDICATOR), spaCy, a few minutes

    \b
    Example:
      zongjie train roles                   # 重新训练句子角色模型
      zongjie train ner --output /tmp/ner   # 训练实体模型到别处
      zongjie train ner --silver-from ../shared/corpus/real   # 先用规则重建银标数据
    """
    from zongjie.models import SEED, model_dir

    seed = SEED if seed is None else seed
    folder = Path(output) if output else model_dir(name)
    if name == "roles":
        from zongjie.models import roles

        examples = roles.load_examples()
        model = roles.train(examples, seed=seed)
        model.save(folder)
        click.echo(f"roles: {len(examples)} labelled sentences, {len(model.vocabulary)} features → {folder}")
    else:
        from zongjie.models import ner

        if silver_from:
            rows = ner.rebuild_silver(Path(silver_from), seed=seed)
            click.echo(f"ner: {len(rows)} silver sentences → {ner.data_path(ner.SILVER_FILE)}", err=True)
        stats = ner.train(folder, seed=seed, progress=lambda line: click.echo(line, err=True))
        click.echo(f"ner: {stats['train']} silver sentences, {stats['entities']} entities → {folder}")


@cli.command("evaluate")
@click.argument("name", type=click.Choice(MODEL_NAMES))
@click.option("--model", "model_path", type=click.Path(exists=True, file_okay=False), default=None,
              help="A model folder made by `zongjie train --output` (default: the shipped model).")
def evaluate_cmd(name: str, model_path: str | None) -> None:
    """Print precision, recall and F1 per label on data kept apart from training.

    roles: a model trained on the other 80% is scored on a stratified 20% of
    the labelled sentences. ner: the shipped model, and the rules alone, on
    the hand-checked gold sample.

    \b
    Example:
      zongjie evaluate roles        # 句子角色：每类的P/R/F1
      zongjie evaluate ner          # 实体：模型与规则对比
    """
    if name == "roles":
        from zongjie.models import roles

        train_part, held_apart = roles.split(roles.load_examples())
        model = roles.train(train_part)
        _print_scores(roles.scores(model, held_apart),
                      f"roles: trained on {len(train_part)}, scored on {len(held_apart)} held-apart sentences")
        click.echo("held apart, by genre (report: government work reports; summary: work summaries):")
        for genre in roles.GENRES:
            part = [e for e in held_apart if roles.genre_of(e) == genre]
            s = roles.scores(model, part)
            click.echo(f"  {genre:12s} macro F1 {s['macro']['f1']:.3f}  accuracy {s['accuracy']['accuracy']:.3f}  "
                       f"on {len(part)} sentences")
        click.echo("where the rules are unsure (5-fold cross-validation on all labelled sentences):")
        for case, c in roles.choose_thresholds().items():
            click.echo(f"  {case:12s} overrule at p >= {c['threshold']:.2f}: accuracy {c['accuracy']:.3f} "
                       f"(rules alone {c['rules_accuracy']:.3f}) on {c['sentences']} sentences")
            for genre, g in c["genres"].items():
                click.echo(f"    {genre:10s} accuracy {g['accuracy']:.3f} (rules alone {g['rules_accuracy']:.3f}) "
                           f"on {g['sentences']} sentences")
    else:
        from zongjie.models import ner

        results = ner.evaluate(Path(model_path) if model_path else None)
        _print_scores(results["model"], f"ner model on {results['sentences']} hand-checked sentences")
        _print_scores(results["rules"], "rules alone (entities.py, indicator names) on the same sentences")
        _print_scores(results["rules+model"], "rules + the model's entities of that label that overlap no rule entity")
        used = ", ".join(ner.ADD_LABELS) or "none"
        _print_scores(results["combined"], f"what extract uses: rules + the model's {used}")
