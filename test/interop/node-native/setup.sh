#!/usr/bin/env bash
# Installs the Node Kafka clients that test/interop/node-native tests (kafka-node, node-rdkafka,
# @confluentinc/kafka-javascript) into this folder's node_modules (gitignored), apart from the
# root's npm ci: two of them compile librdkafka from the source their npm packages carry.
# .ci/run calls this; the tests skip, naming this script, when the folder is not set up.
# Idempotent: an install made from this package-lock.json for this Node is left as it is.
#
# Install scripts run only as package.json's allowScripts approves (npm 11, --strict-allow-scripts
# makes an unreviewed one an error). kafka-node's optional snappy@6 (a node-gyp build for old Node)
# is denied: kafka-node then runs without snappy compression, which the tests do not use.
# @confluentinc/kafka-javascript is built from source (its install would otherwise fetch a prebuilt
# binary from GitHub, not a registry), linked against the system's zlib/OpenSSL/zstd
# (CKJS_LINKING=dynamic) because its static configure downloads those sources from their sites.
# node-rdkafka's configure links the same system libraries.
set -euo pipefail
dir="$(cd "$(dirname "$0")" && pwd)"
cd "$dir"
stamp=node_modules/.minikafka-setup
# What the install was made from: the lockfile and the Node it was built for (native ABI).
wanted() { cat package-lock.json; node --version; }
if [ -f "$stamp" ] && wanted | cmp -s - "$stamp" \
  && [ -f node_modules/node-rdkafka/build/Release/node-librdkafka.node ] \
  && [ -f node_modules/@confluentinc/kafka-javascript/build/Release/confluent-kafka-javascript.node ]; then
  echo "node-native setup: $dir/node_modules is up to date"
  exit 0
fi
# node-gyp's headers: the running node's own (a distribution's nodejs ships them under
# <prefix>/include/node) rather than a download from nodejs.org.
prefix="$(dirname "$(dirname "$(command -v node)")")"
if [ -f "$prefix/include/node/node.h" ]; then export npm_config_nodedir="$prefix"; fi
# npm 11 warns that build-from-source is an unknown config; node-pre-gyp reads it from this variable.
export npm_config_build_from_source=true CKJS_LINKING=dynamic

start=$(date +%s)
nice -n 10 npm ci --no-audit --no-fund --strict-allow-scripts
wanted > "$stamp"
echo "node-native setup: installed kafka-node, node-rdkafka and @confluentinc/kafka-javascript in $(( $(date +%s) - start )) s"
