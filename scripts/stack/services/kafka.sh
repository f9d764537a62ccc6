# shellcheck shell=bash
# Kafka 4 in KRaft mode (one process: broker + controller) from the kafka_2.13 artifacts.
# Ports: 9092 (clients: PLAINTEXT, or SASL_SSL with SCRAM-SHA-512 on a secured stack), 9093
# (controller; on a secured stack TLS with client certificates required). Data: $STACK_HOME/kafka/data.
kafka_ports="9092 9093"
kafka_timeout=120

kafka_fetch() {
  stack_fetch_classpath kafka "$(stack_service_files kafka)/pom.xml"
}

# The listeners of a plain stack: everything PLAINTEXT.
kafka_plain_listeners() {
  cat <<PROPS
listeners=PLAINTEXT://$STACK_HOST:9092,CONTROLLER://$STACK_HOST:9093
advertised.listeners=PLAINTEXT://$STACK_HOST:9092
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
PROPS
}

# The listeners of a secured stack: clients and the broker itself authenticate with SCRAM-SHA-512
# over TLS; the controller listener takes only TLS clients holding a certificate of the stack's CA
# (the broker, which is the same process). SCRAM users are created when the storage is formatted.
# STACK_KAFKA_BENCH_PLAINTEXT_PORT (benchmarks only, never in CI): a second, PLAINTEXT listener on
# that port of the same broker, so bench/api can compare plaintext and SASL_SSL clients against one
# broker in one run (same JIT state, same disk). `up` says so loudly while it is open.
kafka_secure_listeners() {
  local sec="$STACK_SECURE_DIR" bench="${STACK_KAFKA_BENCH_PLAINTEXT_PORT:-}"
  [ -n "$bench" ] && stack_say "kafka: WARNING: benchmark PLAINTEXT listener open on $STACK_HOST:$bench (STACK_KAFKA_BENCH_PLAINTEXT_PORT)"
  cat <<PROPS
listeners=SASL_SSL://$STACK_HOST:9092,CONTROLLER://$STACK_HOST:9093${bench:+,BENCH://$STACK_HOST:$bench}
advertised.listeners=SASL_SSL://$STACK_HOST:9092${bench:+,BENCH://$STACK_HOST:$bench}
inter.broker.listener.name=SASL_SSL
listener.security.protocol.map=CONTROLLER:SSL,SASL_SSL:SASL_SSL${bench:+,BENCH:PLAINTEXT}
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(stack_password kafka-admin)";
listener.name.controller.ssl.client.auth=required
ssl.keystore.type=PEM
ssl.keystore.location=$sec/server-keystore.pem
ssl.truststore.type=PEM
ssl.truststore.location=$sec/ca.pem
PROPS
}

# The broker's configuration, rewritten at each start so a changed STACK_HOME is honoured.
kafka_write_config() {
  local dir="$1"
  (umask 077; cat >"$dir/server.properties") <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$STACK_HOST:9093
controller.listener.names=CONTROLLER
$(if stack_secure; then kafka_secure_listeners; else kafka_plain_listeners; fi)
log.dirs=$dir/data
num.partitions=1
# One broker: every internal topic with replication 1 and min ISR 1, or they are never created.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
default.replication.factor=1
min.insync.replicas=1
# A consumer group with one member should not wait 3 s for others to join.
group.initial.rebalance.delay.ms=0
PROPS
}

# The JVM command line shared by the broker and StorageTool, in KAFKA_CMD.
kafka_command() {
  KAFKA_CMD=("$(stack_java 17)" -Xms512m -Xmx1g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true
    -Dlog4j2.configurationFile="$(stack_service_files kafka)/log4j2.properties"
    -cp "$(stack_cache_dir kafka)/lib/*")
}

# Runs one of Kafka's Java tools (e.g. org.apache.kafka.tools.consumer.ConsoleConsumer) with the
# stack's jars: a client independent of the project's, used by the stack tier and by hand.
kafka_tool() {
  "$(stack_java 17)" -Xmx256m -Djava.awt.headless=true -Dlog4j2.configurationFile="$(stack_service_files kafka)/tools-log4j2.properties" \
    -cp "$(stack_cache_dir kafka)/lib/*" "$@"
}

kafka_start() {
  local dir id log
  dir="$(stack_data_dir kafka)"; log="$(stack_log_file kafka)"
  kafka_write_config "$dir"
  kafka_command
  # KRaft needs formatted storage (cluster id + meta.properties) before the first start.
  if [ ! -f "$dir/data/meta.properties" ]; then
    mkdir -p "$(dirname "$log")"
    id="$("${KAFKA_CMD[@]}" kafka.tools.StorageTool random-uuid 2>>"$log" | tail -n 1)"
    [ -n "$id" ] || stack_die "kafka: cannot generate a cluster id (see $log)"
    local scram=()
    if stack_secure; then
      scram=(--add-scram "SCRAM-SHA-512=[name=\"admin\",password=\"$(stack_password kafka-admin)\"]"
        --add-scram "SCRAM-SHA-512=[name=\"pipeline\",password=\"$(stack_password kafka-pipeline)\"]")
    fi
    "${KAFKA_CMD[@]}" kafka.tools.StorageTool format -t "$id" -c "$dir/server.properties" --ignore-formatted "${scram[@]}" >>"$log" 2>&1 ||
      { tail -n 20 "$log" >&2; stack_die "kafka: storage format failed"; }
  fi
  stack_spawn kafka "${KAFKA_CMD[@]}" kafka.Kafka "$dir/server.properties"
}

kafka_ready() {
  stack_port_open "$STACK_HOST" 9092 || return 1
  # Debian's kcat (librdkafka 2.0.2) fails SCRAM against Kafka 4 (edenhill/kcat#462, fixed in
  # librdkafka 2.6.1), so a secured broker is judged by its log.
  if command -v kcat >/dev/null 2>&1 && ! stack_secure; then
    # A metadata request that lists this broker: it is registered and serving.
    kcat -b "$STACK_HOST:9092" -L -m 3 2>/dev/null | grep -q "broker 1 at"
  else
    # Without kcat: the broker logs this line once it serves requests (after the last start marker).
    awk '/===== kafka start/{s=0} /Kafka Server started/{s=1} END{exit !s}' "$(stack_log_file kafka)"
  fi
}

kafka_stop() {
  # A controlled shutdown flushes and closes the logs; give it time before SIGKILL.
  stack_stop_process kafka 45
}
