"""Benchmark for pipelines.ingest.redaction: recall and over-redaction on the labelled evaluation
set, side by side with Microsoft Presidio's pattern recognisers, and comments per second.

    python bench/bench_redaction.py                      # the newest independent set (test5)
    python bench/bench_redaction.py --set test3          # an older set (test3 ... test, heldout, dev)
    python bench/bench_redaction.py --presidio /path/to/venv/bin/python
    python bench/bench_redaction.py --speed [--n 20000] [--check]   # synthetic speed run
    python bench/bench_redaction.py --speed --year [--n 10000]      # comments as in the demo year

Each evaluation set was written independently of the rules and of the other sets, and
counts only until its failures have been looked at (bench/data/README.md); the leak
definition is in bench/redaction_eval.py. Presidio is not a dependency: install it
in a venv of its own (`python3.11 -m venv /tmp/presidio && /tmp/presidio/bin/pip install
presidio-analyzer==2.2.366`) and pass that interpreter; it runs bench/presidio_runner.py.

The speed run prints the rate by CPU time of this process (one core) and by wall-clock
time, on synthetic comments mixing German, English and Turkish, about a third of them with
personal data of every kind, some long (up to 2,000 characters) and multi-line: a stress
mix, on average three times as long as a visitor's comment. `--year` times comments
written by the demo generator instead (its languages, moods, lengths and 30 % with
personal data), the shape of the year's ~10,000 comments the target is about. `--check`
also verifies that redacting twice changes nothing (idempotence) and that no planted
personal value survives; it exits 1 on a failure.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from pipelines.ingest.redaction import Redactor  # noqa: E402

CLEAN = [
    "Sehr freundliche Beratung, lange Wartezeit (45 Minuten).",
    "Die Wartenummer 245 wurde nicht angezeigt.",
    "Termin am 12.10.2020 um 10:30 Uhr, alles lief gut.",
    "Frau am Schalter 3 war nett; der Herr im Wartebereich auch.",
    'Lange Wartezeit, aber "super" Service!',
    "Klein, sauber und schnell erledigt.",
    "Very friendly staff, but I waited 2 hours.",
    "Can you please add more chairs in the waiting area?",
    "The appointment system is confusing; I booked 3 times.",
    "Çok hızlıydı, teşekkürler!",
    "Personel çok yardımsever, ama 40 dakika bekledim.",
    "Randevu almak çok zor; sistem 2 kez çöktü.",
    "Der Parkplatz 3 war voll, Platz 5 auch.",
    "Öffnungszeiten Mo-Fr. 8-12 Uhr sind zu kurz.",
    "Ausweis beantragt, nach 2 Wochen abgeholt.",
]
NAME_FIRST = ["Anna", "Peter", "Ahmet", "Ayşe", "John", "Mary", "Zeynep", "Jan", "Mehmet", "Sabine"]
NAME_SUR = ["Schulz", "Yılmaz", "Smith", "Öztürk", "Hoffmann", "Kowalski", "Quast", "Zorrowski", "Berg"]
UNKNOWN = ["Xaver", "Quirin", "Zorro", "Brekke", "Vossberg"]


def pii(rng: random.Random) -> tuple[str, list[str]]:
    """A sentence with personal data, and the values that must disappear."""
    f, s, u = rng.choice(NAME_FIRST), rng.choice(NAME_SUR), rng.choice(UNKNOWN)
    n = rng.randrange(1, 10_000_000)
    choices = [
        (f"Frau {s} war sehr nett.", [s]),
        (f"Herr Dr. {u} hat mir geholfen.", [u]),
        (f"Mein Name ist {u} {s}, bitte rufen Sie an.", [u, s]),
        (f"{f} {s} am Schalter war toll.", [f, s]),
        (f"My name is {f} {u}.", [f, u]),
        (f"Mrs. {u} was very helpful.", [u]),
        (f"{f} Bey çok yardımcı oldu.", [f]),
        (f"Benim adım {f} {s}.", [f, s]),
        (f"Mail: {f.lower()}.{n}@example.de", [f"{n}@"]),
        (f"Tel. 040 {n % 1000:03d} {n % 100:02d} {n % 10000:04d}", [f"{n % 10000:04d}"]),
        (f"Call me on +49 176 {n:08d}", [f"{n:08d}"]),
        (f"Numaram 0532 {n % 1000:03d} {n % 100:02d} {n % 100:02d}", [f"0532 {n % 1000:03d}"]),
        ("IBAN DE89 3704 0044 0532 0130 00", ["3704 0044"]),
        ("TR33 0006 1005 1978 6457 8413 26 hesabıma", ["0006 1005"]),
        (f"Ich wohne Musterstraße {n % 200}, 22765 Hamburg.", ["Musterstraße", "22765"]),
        (f"Atatürk Caddesi No: {n % 200} Kadıköy", ["Atatürk Caddesi"]),
        (f"geb. {n % 28 + 1:02d}.05.1980", [f"{n % 28 + 1:02d}.05.1980"]),
        ("date of birth: 05/12/1980", ["05/12/1980"]),
        ("doğum tarihim 12.05.1980", ["12.05.1980"]),
        (f"Aktenzeichen {n}/20", [f"{n}/20"]),
        (f"case number ABC-{n}", [f"ABC-{n}"]),
        (f"dosya numarası 2020/{n}", [f"2020/{n}"]),
        (f"Mein Auto HH-AB {n % 9000 + 1}", ["HH-AB"]),
        ("Ausweisnummer L01X00T47", ["L01X00T47"]),
        ("TC kimlik no 10000000146", ["10000000146"]),
        (f"siehe https://example.de/u/{n}", [f"/u/{n}"]),
    ]
    return rng.choice(choices)


def comment(rng: random.Random) -> tuple[str, list[str]]:
    parts: list[str] = []
    secrets: list[str] = []
    for _ in range(rng.choice([1, 1, 2, 3, 4, 20])):
        if rng.random() < 0.3:
            text, values = pii(rng)
            parts.append(text)
            secrets.extend(values)
        else:
            parts.append(rng.choice(CLEAN))
    sep = rng.choice([" ", " ", "\n", "; ", "\r\n"])
    return sep.join(parts)[:2000], secrets


def year_comments(rng: random.Random, n: int) -> list[tuple[str, list[str]]]:
    """Comments as the demo generator writes them (language and mood mix of the demo year)."""
    from pipelines.demo.comments import PII_SHARE, CommentWriter
    from pipelines.demo.personal_data import Names

    writer = CommentWriter(Names())
    langs, moods = ("de",) * 6 + ("en",) * 3 + ("tr",), ("positive",) * 5 + ("mixed",) * 3 + ("negative",) * 2
    return [
        writer.write(rng, rng.choice(langs), rng.choice(moods), with_pii=rng.random() < PII_SHARE)
        for _ in range(n)
    ]


def evaluate(name: str, presidio: str | None) -> int:
    import json
    import subprocess

    import redaction_eval as ev

    items = ev.load(name)
    redactor = Redactor.default()
    cpu = time.process_time()
    ours = ev.score(items, lambda t: (lambda r: (r.text, r.held_back))(redactor.redact(t)))
    cpu = time.process_time() - cpu
    scores = {"ours": ours}
    if presidio:
        texts = [i["text"] for i in items]
        runner = Path(__file__).with_name("presidio_runner.py")
        wall = time.perf_counter()
        done = subprocess.run([presidio, str(runner)], input=json.dumps(texts), capture_output=True,
                              text=True, check=True)  # fmt: skip
        wall = time.perf_counter() - wall
        redacted = dict(zip(texts, json.loads(done.stdout), strict=True))
        scores["presidio"] = ev.score(items, lambda t: (redacted[t], False))
        print(f"presidio (pattern recognisers, no NLP model): {len(texts) / wall:,.0f} comments/second wall")
    print(
        f"evaluation set {name}: {len(items)} comments; ours {len(items) / cpu:,.0f} comments/second on one core"
    )
    print(ev.table(scores))
    print("targets: all >= 98 %, name >= 97 %, every kind >= 95 %, harmless altered <= 10 %")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--set",
        default="test11",
        choices=[
            "test11",
            "test10",
            "test9",
            "test8",
            "test7",
            "test6",
            "test5",
            "test4",
            "test3",
            "test2",
            "test",
            "heldout",
            "dev",
        ],
    )
    ap.add_argument("--presidio", help="python of a venv with presidio-analyzer installed")
    ap.add_argument("--speed", action="store_true", help="the synthetic speed run instead")
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--check", action="store_true")
    ap.add_argument("--year", action="store_true", help="speed on demo-year comments, not the stress mix")
    args = ap.parse_args(argv)
    if not args.speed:
        return evaluate(args.set, args.presidio)

    rng = random.Random(args.seed)
    data = year_comments(rng, args.n) if args.year else [comment(rng) for _ in range(args.n)]
    texts = [t for t, _ in data]
    redactor = Redactor.default()

    wall, cpu = time.perf_counter(), time.process_time()
    results = [redactor.redact(t) for t in texts]
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    chars = sum(map(len, texts))
    held = sum(r.held_back for r in results)
    # CPU time of this process is the one-core figure; wall time suffers on a busy machine.
    print(
        f"{len(texts)} comments ({chars / len(texts):.0f} chars on average): "
        f"{len(texts) / cpu:,.0f} comments/second on one core ({cpu:.2f} s CPU), "
        f"{len(texts) / wall:,.0f} comments/second wall clock ({wall:.2f} s); {held} held back"
    )

    if not args.check:
        return 0
    failures = 0
    for (text, secrets), res in zip(data, results, strict=True):
        again = redactor.redact(res.text)
        if again != res:
            failures += 1
            print(f"not idempotent: {text!r}\n  {res}\n  {again}")
        for value in secrets:
            if value in res.text:
                failures += 1
                print(f"left {value!r} in {res.text!r}")
    print("check:", "ok" if not failures else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
