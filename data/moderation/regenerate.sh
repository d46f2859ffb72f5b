#!/usr/bin/env bash
# Rebuilds the local moderation classifier shipped with Tailor, from data this repository writes itself:
#   1. generate.cs writes train.jsonl and test.jsonl (seeded; test phrasings are held out from training);
#   2. 'tailor moderation train' fits the model on train.jsonl into src/Tailor/Moderation/Model/default.tmod;
#   3. 'tailor moderation eval' measures it on test.jsonl, alone and with the detectors, into report-*.md
#      (the figures docs/moderation.md quotes).
# Run from anywhere: bash data/moderation/regenerate.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
dotnet run data/moderation/generate.cs -- data/moderation
dotnet build src/Tailor.Cli -c Release -v quiet -nologo
tailor() { dotnet "$root/src/Tailor.Cli/bin/Release/net10.0/Tailor.Cli.dll" "$@"; }
tailor moderation train data/moderation/train.jsonl -o src/Tailor/Moderation/Model/default.tmod --force
# The eval runs outside any project so only the named classifiers count.
cd data/moderation
tailor moderation eval test.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c local --report report-local.md --chart pr-local.svg || true
tailor moderation eval test.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c detectors -c local --report report-combined.md || true
tailor moderation eval test.jsonl -c detectors --report report-detectors.md || true
