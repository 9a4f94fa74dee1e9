#!/usr/bin/env bash
# Retakes the dashboard screenshots in this folder: the Browser tests save a picture of each page
# they check when GRAINFLOW_SCREENSHOTS names a folder. Needs chromium and chromium-driver (.ci/run installs them).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
GRAINFLOW_SCREENSHOTS="$PWD/docs/images" dotnet test tests/GrainFlow.Silo.Tests --filter "Category=Browser"
