#!/usr/bin/env bash
# Creates the events topic (idempotent) on the configured transport: the embedded log by
# default, Kafka with TRANSPORT=kafka (or PIPELINE_STACK=real). The reference's
# proj3_createKafkaTopic.sh, through the project's Transport interface.
#   scripts/create-topic.sh [--topic events] [--partitions N] [--replication N]
# Partitions and replication also come from TOPIC_PARTITIONS / TOPIC_REPLICATION.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f dist/src/bin/create-topic.js ] || [ -n "$(find src -name '*.ts' -newer dist/src/bin/create-topic.js -print -quit)" ]; then
  node node_modules/typescript/bin/tsc -p tsconfig.json >&2 || echo "create-topic: type errors above; using what was emitted" >&2
fi
exec node dist/src/bin/create-topic.js "$@"
