#!/usr/bin/env bash
# Creates .venv-interop (gitignored, at the project root) with the Python clients that
# test/interop/python-modern tests: confluent-kafka 2.x (its wheel bundles librdkafka) and aiokafka.
# The tests skip, saying so, when the venv is absent. Idempotent: a venv that already has the
# pinned versions is left as it is.
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
venv="$root/.venv-interop"
req="$root/test/interop/python-modern/requirements.txt"
# The python3 on PATH if it can make a venv (pyenv's, or Debian's with python3-venv), else Debian's.
python="${PYTHON:-python3}"
"$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || python=/usr/bin/python3
if [ -x "$venv/bin/python" ] && "$venv/bin/python" - "$req" <<'PY' 2>/dev/null
import sys
from importlib.metadata import version
for line in open(sys.argv[1]):
    name, _, want = line.strip().partition('==')
    if name and version(name) != want:
        sys.exit(1)
PY
then
  echo "setup-venv: $venv is up to date"
  exit 0
fi
"$python" -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check -r "$req"
echo "setup-venv: installed $(tr '\n' ' ' < "$req")into $venv"
