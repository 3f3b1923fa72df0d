#!/usr/bin/env python3
"""Compares gsl-vault's passphrase estimate with Python's zxcvbn (an independent port of the
same model) on the passphrases of issue 28, item 4 and a few strong ones, for the table in
SECURITY.md ("Passphrase strength"). Needs `pip install zxcvbn`; run from the checkout:

    cargo build --release --example passphrase_estimate && python3 scripts/passphrase-estimates.py
"""
import subprocess

from zxcvbn import zxcvbn

INPUTS = ["Kraken GSL", "alice", "bob"]
SAMPLES = [
    "Kraken GSL alice bob",
    "correct horse battery staple",
    "to be or not to be that is the question",
    "thequickbrownfoxjumpsoverthelazydog",
    "hello world hello world",
    "I love you so much",
    "kraken gsl master key 2024",
    "my kraken password",
    "Tr0ub4dor&3",
    "correct horse battery staple x",
    "vault 7392 8164 5529 0371",
    "orbit tundra pickle saffron marble",
    "velvet quarry obtuse lantern gravity ninety",
]

out = subprocess.run(
    ["target/release/examples/passphrase_estimate", *INPUTS],
    input="\n".join(SAMPLES) + "\n",
    capture_output=True,
    text=True,
    check=True,
).stdout.splitlines()
print("| passphrase | gsl-vault (log10 guesses) | Python zxcvbn (log10 guesses) | refused |")
print("| --- | --- | --- | --- |")
for line, pw in zip(out, SAMPLES):
    ours = float(line.split("\t")[0])
    theirs = zxcvbn(pw, user_inputs=INPUTS)["guesses_log10"]
    print(f"| `{pw}` | {ours:.1f} | {float(theirs):.1f} | {'yes' if ours < 10 else 'no'} |")
