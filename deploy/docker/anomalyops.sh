#!/usr/bin/env bash
# The anomalyops CLI inside the images (the repository's ./anomalyops builds first; here the jars are prebuilt).
set -euo pipefail
exec java -cp "/app/app.jar:/app/lib/*" dev.anomalyops.app.cli.AnomalyOpsCli "$@"
