#!/usr/bin/env bash
# Creates the project-local virtualenv that test/http/schemathesis.test.ts uses (.venv-http, gitignored):
# schemathesis from PyPI, pinned. Run once (CI: before npm test): bash test/http/schemathesis-setup.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=${PYTHON:-/usr/bin/python3}
if [ ! -x .venv-http/bin/python ]; then "$PY" -m venv .venv-http; fi
.venv-http/bin/python -m pip install --quiet --disable-pip-version-check 'schemathesis==4.32.5'
.venv-http/bin/schemathesis --version
