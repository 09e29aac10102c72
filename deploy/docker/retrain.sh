#!/usr/bin/env bash
# Retrain one model and hand it to the canary: train on the latest data, register the bundle, point the
# "challenger" alias at it. The canary Deployment (or the Argo Rollout) serves the challenger; promotion to
# "champion" happens only after the canary's gates pass (anomaly-rollout / Argo Rollouts).
# Usage: retrain --model NAME [--reason TEXT] [--data URI]   (environment: ANOMALYOPS_REGISTRY, ANOMALYOPS_TRAINING_DATA)
set -euo pipefail

model="${ANOMALYOPS_MODEL:-}"
reason="manual"
data="${ANOMALYOPS_TRAINING_DATA:-}"
while [ "$#" -gt 0 ]; do
  case "$1" in
    --model) model="$2"; shift 2 ;;
    --reason) reason="$2"; shift 2 ;;
    --data) data="$2"; shift 2 ;;
    *) echo "retrain: unknown argument \"$1\"; expected --model, --reason or --data" >&2; exit 2 ;;
  esac
done
if [ -z "$model" ] || [ -z "$data" ]; then
  echo "retrain: --model and --data (or ANOMALYOPS_MODEL and ANOMALYOPS_TRAINING_DATA) are required" >&2
  exit 2
fi
if [ -z "${ANOMALYOPS_REGISTRY:-}" ]; then
  echo "retrain: ANOMALYOPS_REGISTRY is not set" >&2
  exit 2
fi

workdir="$(mktemp -d "${TMPDIR:-/tmp}/retrain.XXXXXX")"
trap 'rm -rf "$workdir"' EXIT
echo "retrain: model \"$model\", reason \"$reason\", data $data" >&2

anomalyops train --model "$model" --data "$data" --output "$workdir/bundle"
anomalyops register "$workdir/bundle" --model "$model" --tag "retrain.reason=$reason" --alias challenger --json \
  | tee "$workdir/register.json"
