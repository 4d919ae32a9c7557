# Sentences in 14 languages, look-alike letters included on purpose:
# ruff: noqa: RUF001
"""Accuracy and speed of `translations.detect.detect` on short sentences a person might type.

Two sets, both proposals among the 14 supported person languages:
- tests/translations/detect_sentences.tsv: everyday sentences (3-12 words), 16 or more per
  language; accuracy per language and overall, a missing proposal (None) counting as wrong;
- SHORT_REPLIES below: one- to five-word replies ("Да", "Rahmat", "Иә") and sentences typed
  without the language's own letters (Kazakh on a Russian keyboard, Vietnamese without tone
  marks), the hard cases. Together with the sentences they are what the confidence threshold
  `MIN_CONFIDENCE` was chosen on: the table shows how often an answer was right per confidence
  band, before the threshold is applied.

The first call reads py3langid's model (timed apart); the time per detection is then measured
over every sentence of the set, `--runs` times.

    python -m benchmarks.language_detection [--runs 20]
"""

import argparse
import itertools
import platform
import statistics
import time
from collections import Counter
from pathlib import Path

from translations import detect as detection

SENTENCES = Path(__file__).parent.parent / "tests" / "translations" / "detect_sentences.tsv"
SHORT_REPLIES = (
    ("en", "Yes"),
    ("en", "No"),
    ("en", "Hello"),
    ("en", "thank you"),
    ("en", "Help me"),
    ("ru", "Да"),
    ("ru", "Нет"),
    ("ru", "Не знаю"),
    ("ru", "Спасибо"),
    ("ru", "Домой хочу"),
    ("ru", "Я болею"),
    ("ru", "Я из Өскемена"),
    ("ru", "Меня зовут Айгүл, я из Алматы"),
    ("fr", "Oui"),
    ("fr", "Non merci"),
    ("fr", "Bonjour"),
    ("fr", "Merci"),
    ("fr", "Ma tête"),
    ("fr", "Ça fait mal"),
    ("vi", "Cảm ơn"),
    ("vi", "Không"),
    ("vi", "Đau bụng"),
    ("vi", "Mẹ tôi"),
    ("vi", "xin chao"),
    ("vi", "toi muon ve nha"),
    ("uz", "Rahmat"),
    ("uz", "Salom"),
    ("uz", "Yoʻq"),
    ("uz", "Yordam"),
    ("uz", "Uyga ketmoqchiman"),
    ("uz", "Oʻgʻlim"),
    ("uz", "Йўқ"),
    ("uz", "Қизим қаерда"),
    ("uz", "Катта раҳмат"),
    ("uz", "Мен касалман"),
    ("kk", "Сәлем"),
    ("kk", "Көмек"),
    ("kk", "Жоқ"),
    ("kk", "Иә"),
    ("kk", "Рақмет"),
    ("kk", "Қазір"),
    ("kk", "Үйге қайтқым келеді"),
    ("kk", "Мен ауырып тұрмын"),
    ("kk", "мен уйге кайткым келеди"),
    ("ky", "Жардам"),
    ("ky", "Жок"),
    ("ky", "Бүгүн"),
    ("ky", "Кызым кайда"),
    ("ky", "Үйгө кетким келет"),
    ("ky", "Мен ооруп жатам"),
    ("tg", "Ташаккур"),
    ("tg", "Ҷавоб"),
    ("tg", "Кӣ?"),
    ("tg", "Ман ҳам"),
    ("tg", "Духтарам куҷост"),
    ("tg", "Ба хона меравам"),
    ("tg", "Ман бемор ҳастам"),
    ("tg", "ман мехохам ба хона баргардам"),
    ("tk", "Kömek"),
    ("tk", "Sag boluň"),
    ("tk", "Ýok"),
    ("tk", "Sagbol"),
    ("tk", "Çagam"),
    ("tk", "Öýe gitjek"),
    ("tk", "Başym agyrýar"),
    ("tk", "men oye gaytmak isleyarin"),
)
BANDS = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)


def read_sentences(path: Path = SENTENCES) -> list[tuple[str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            language, text = line.split("\t")
            rows.append((language, text))
    return rows


def accuracy(rows: list[tuple[str, str]]) -> tuple[Counter[str], Counter[str], list[str]]:
    """Right answers and totals per language, and the misses described."""
    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    misses = []
    for language, text in rows:
        total[language] += 1
        found = detection.detect(text)
        if found is not None and found.language == language:
            right[language] += 1
        else:
            answer = f"{found.language} {found.confidence:.2f}" if found else "None"
            misses.append(f"{language} -> {answer}: {text}")
    return right, total, misses


def bands(rows: list[tuple[str, str]]) -> list[tuple[float, float, int, int]]:
    """Right answers per confidence band of py3langid's answers, with no threshold."""
    threshold = detection.MIN_CONFIDENCE
    detection.MIN_CONFIDENCE = 0.0
    try:
        answers = [(detection.detect(text), language) for language, text in rows]
    finally:
        detection.MIN_CONFIDENCE = threshold
    table = []
    for low, high in itertools.pairwise(BANDS):
        inside = [
            found.language == language
            for found, language in answers
            if found is not None and not found.by_script and low <= found.confidence < high
        ]
        table.append((low, min(high, 1.0), sum(inside), len(inside)))
    return table


def _print_accuracy(title: str, rows: list[tuple[str, str]]) -> None:
    right, total, misses = accuracy(rows)
    print(f"\n{title}\n\n| language | right | total | accuracy |\n|---|---:|---:|---:|")
    for language in detection.SUPPORTED:
        if total[language]:
            share = right[language] / total[language]
            print(f"| {language} | {right[language]} | {total[language]} | {share:.0%} |")
    overall = sum(right.values()) / sum(total.values())
    print(f"| all | {sum(right.values())} | {sum(total.values())} | {overall:.1%} |")
    for miss in misses:
        print(f"  miss: {miss}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="timed passes over the sentences")
    args = parser.parse_args()
    print(
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}"
    )
    rows = read_sentences()
    started = time.perf_counter()
    detection.detect("Where is my passport?")
    print(f"First call (reads the model): {(time.perf_counter() - started) * 1000:.0f} ms")

    _print_accuracy(f"Sentences ({SENTENCES.name}), threshold {detection.MIN_CONFIDENCE}", rows)
    _print_accuracy("Short replies and text typed without its own letters", list(SHORT_REPLIES))

    print("\npy3langid answers by confidence, no threshold (sentences and short replies)\n")
    print("| confidence | right | answers |\n|---|---:|---:|")
    for low, high, right, count in bands(rows + list(SHORT_REPLIES)):
        print(f"| {low:.1f}-{high:.1f} | {right} | {count} |")

    by_script = set(detection.SCRIPT_LANGUAGE.values())
    for name, subset in (
        ("all sentences", rows),
        ("by script (km lo my th zh)", [row for row in rows if row[0] in by_script]),
        ("py3langid (Latin, Cyrillic)", [row for row in rows if row[0] not in by_script]),
    ):
        samples = []
        for _ in range(args.runs):
            for _, text in subset:
                started = time.perf_counter()
                detection.detect(text)
                samples.append((time.perf_counter() - started) * 1_000_000)
        ordered = sorted(samples)
        p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
        print(
            f"\nTime per detection, {name}: {len(samples)} calls, "
            f"mean {statistics.fmean(samples):.0f} µs, p50 {statistics.median(samples):.0f} µs, "
            f"p95 {p95:.0f} µs"
        )
    long_text = "I want to go home. " * 50_000
    started = time.perf_counter()
    detection.detect(long_text)
    print(
        f"\nOne text of {len(long_text):,} characters: "
        f"{(time.perf_counter() - started) * 1000:.2f} ms (only the first "
        f"{detection.MAX_CHARS} are read)"
    )


if __name__ == "__main__":
    main()
