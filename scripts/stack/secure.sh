# shellcheck shell=bash
# The secured stack's material: a CA, the services' certificate and the passwords, all under
# $STACK_HOME/secure (never in the repository). Sourced by stack.sh; services ask
# `stack_secure` whether to configure TLS and authentication.
#
#   $STACK_HOME/secure/
#     ca.pem ca.key            the stack's CA (clients trust ca.pem)
#     server.pem server.key    the certificate of Kafka and Trino (SAN 127.0.0.1, localhost), signed by the CA
#     server-keystore.pem      server.key + server.pem, the PEM keystore Kafka and Trino read
#     passwords/<name>         one file per password (mode 600): kafka-admin, kafka-pipeline, trino-sink,
#                              trino-analyst, trino-internal (the secret Trino signs its internal requests with),
#                              postgres-game (the API's state store)
#     client.env               the settings clients need (`stack.sh env` prints them)
#     kcat.conf                kcat's settings for the pipeline user (`kcat -F`)
#     kafka-client.properties  the same for Kafka's Java tools (`stack.sh kafka-tool ... --command-config`)
#
# Bring your own: put ca.pem, server.pem and server.key (unencrypted PKCS#8, SAN 127.0.0.1) and/or
# passwords/<name> files there before the first `up --secure`; only missing files are generated.
# Users: Kafka `admin` (the broker itself) and `pipeline` (the API, the sink, the tools);
# Trino `sink` (creates tables, syncs partitions) and `analyst` (reads only).

STACK_SECURE_DIR="$STACK_HOME/secure"
STACK_PASSWORDS=(kafka-admin kafka-pipeline trino-sink trino-analyst trino-internal postgres-game)

# True when this STACK_HOME runs secured (chosen once, by the first `up --secure`).
stack_secure() { [ -f "$STACK_SECURE_DIR/enabled" ]; }

stack_password() { cat "$STACK_SECURE_DIR/passwords/$1"; }

# Generates what is missing: CA, server certificate, keystore, passwords, client.env.
stack_secure_init() {
  local dir="$STACK_SECURE_DIR" name ext
  stack_require_cmd openssl "install OpenSSL (Debian: openssl) to generate the stack's certificates"
  mkdir -p "$dir/passwords"
  chmod 700 "$dir" "$dir/passwords"
  (
    umask 077
    if [ ! -f "$dir/ca.pem" ]; then
      stack_say "secure: generating the stack's CA in $dir"
      openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days 825 -subj "/CN=game-events stack CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null || stack_die "secure: cannot create the CA"
    fi
    if [ ! -f "$dir/server.pem" ]; then
      [ -f "$dir/ca.key" ] || stack_die "secure: $dir/server.pem is missing and there is no ca.key to sign one (bring both server.pem and server.key)"
      stack_say "secure: generating the services' certificate (127.0.0.1, localhost)"
      ext="$(mktemp)"
      printf '%s\n' "basicConstraints=CA:FALSE" "keyUsage=critical,digitalSignature,keyEncipherment" \
        "extendedKeyUsage=serverAuth,clientAuth" "subjectAltName=IP:127.0.0.1,DNS:localhost" >"$ext"
      openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=127.0.0.1" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null &&
        openssl x509 -req -sha256 -days 825 -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
          -extfile "$ext" -out "$dir/server.pem" 2>/dev/null || { rm -f "$ext"; stack_die "secure: cannot sign the server certificate"; }
      rm -f "$ext" "$dir/server.csr"
    fi
    openssl verify -CAfile "$dir/ca.pem" "$dir/server.pem" >/dev/null 2>&1 || stack_die "secure: $dir/server.pem is not signed by $dir/ca.pem"
    cat "$dir/server.key" "$dir/server.pem" >"$dir/server-keystore.pem"
    for name in "${STACK_PASSWORDS[@]}"; do
      # Hex: no character needs quoting in JAAS, SCRAM or URL syntax.
      [ -s "$dir/passwords/$name" ] || openssl rand -hex 24 >"$dir/passwords/$name"
    done
  ) || exit 1
  stack_secure_write_env
  touch "$dir/enabled"
}

# The client settings of the secured stack. The passwords stay in their files (*_FILE variables).
stack_secure_write_env() {
  local dir="$STACK_SECURE_DIR"
  cat >"$dir/client.env" <<EOF
KAFKA_BROKERS=$STACK_HOST:9092
KAFKA_SECURITY_PROTOCOL=SASL_SSL
KAFKA_SASL_MECHANISM=SCRAM-SHA-512
KAFKA_SASL_USERNAME=pipeline
KAFKA_SASL_PASSWORD_FILE=$dir/passwords/kafka-pipeline
KAFKA_SSL_CA_FILE=$dir/ca.pem
PRESTO_URL=https://$STACK_HOST:8443
PRESTO_CA_FILE=$dir/ca.pem
PRESTO_USER=sink
PRESTO_PASSWORD_FILE=$dir/passwords/trino-sink
ANALYST_USER=analyst
ANALYST_PASSWORD_FILE=$dir/passwords/trino-analyst
API_DATABASE_PASSWORD_FILE=$dir/passwords/postgres-game
API_DATABASE_CA_FILE=$dir/ca.pem
EOF
  (umask 077; cat >"$dir/kcat.conf") <<EOF
security.protocol=SASL_SSL
sasl.mechanisms=SCRAM-SHA-512
sasl.username=pipeline
sasl.password=$(stack_password kafka-pipeline)
ssl.ca.location=$dir/ca.pem
EOF
  (umask 077; cat >"$dir/kafka-client.properties") <<EOF
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="pipeline" password="$(stack_password kafka-pipeline)";
ssl.truststore.type=PEM
ssl.truststore.location=$dir/ca.pem
EOF
  chmod 600 "$dir/client.env"
}
