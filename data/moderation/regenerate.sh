#!/usr/bin/env bash
# Rebuilds the local moderation classifier shipped with Tailor, from data this repository writes itself:
#   1. generate.cs writes train.jsonl and test.jsonl (seeded; test phrasings are held out from training);
#      traffic.cs writes benign-train.jsonl (ordinary assistant traffic to learn from) and benign-ood.jsonl
#      (ordinary traffic phrased with templates and words training never sees: the out-of-distribution benign set);
#   2. 'tailor moderation train' fits the model on train.jsonl + benign-train.jsonl into
#      src/Tailor/Moderation/Model/default.tmod (5 out-of-fold fits to calibrate the thresholds, then the final fit);
#   3. 'tailor moderation eval' measures it on test.jsonl (alone and with the detectors) and on benign-ood.jsonl,
#      into report-*.md (the figures docs/moderation.md quotes).
# Run from anywhere: bash data/moderation/regenerate.sh
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
dotnet run data/moderation/generate.cs -- data/moderation
dotnet run data/moderation/traffic.cs -- data/moderation
dotnet build src/Tailor.Cli -c Release -v quiet -nologo
tailor() { dotnet "$root/src/Tailor.Cli/bin/Release/net10.0/Tailor.Cli.dll" "$@"; }
# From the data folder so the model records the file names, not this machine's paths.
cd data/moderation
tailor moderation train train.jsonl benign-train.jsonl -o ../../src/Tailor/Moderation/Model/default.tmod --force
# The eval runs outside any project so only the named classifiers count.
tailor moderation eval test.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c local --report report-local.md --chart pr-local.svg || true
tailor moderation eval test.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c detectors -c local --report report-combined.md || true
tailor moderation eval test.jsonl -c detectors --report report-detectors.md || true
tailor moderation eval benign-ood.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c local --report report-ood-local.md || true
tailor moderation eval benign-ood.jsonl --model ../../src/Tailor/Moderation/Model/default.tmod -c detectors -c local --report report-ood-combined.md || true
# Build again so the tailor built here carries the new model (the first build embedded the previous one).
dotnet build "$root/src/Tailor.Cli" -c Release -v quiet -nologo
