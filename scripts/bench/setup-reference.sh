#!/usr/bin/env bash
# Prepares the reference side of the benchmarks (issue 7), outside the repository:
#   - a Python virtualenv with Flask + kafka-python (the reference API) and PySpark (the reference sink);
#   - the spark-sql-kafka connector and its dependencies resolved once into an ivy cache, so a run
#     does not wait on Maven Central;
#   - a smoke check that PySpark starts a local[2] session on this JDK.
# Idempotent: a second run only checks. Prints the paths the harness reads (also in env.sh).
set -euo pipefail

# Pinned: Spark 3.5 is built with Scala 2.12, so the Kafka connector must be the _2.12 artifact of the
# exact same version (a mismatch dies with NoClassDefFoundError: scala/$less$colon$less).
# 3.5.7, not 3.5.8: pyspark 3.5.8 is on PyPI but its spark-sql-kafka-0-10 is not on Maven Central (2026-11-27).
PYSPARK_VERSION="${PYSPARK_VERSION:-3.5.7}"
SCALA_BINARY="${SCALA_BINARY:-2.12}"
FLASK_VERSION="3.1.3"
KAFKA_PYTHON_VERSION="2.3.3"

CACHE="${GAME_EVENTS_BENCH_CACHE:-$HOME/.cache/game-events-bench}"
VENV="$CACHE/venv"
IVY="$CACHE/ivy"
PKG="org.apache.spark:spark-sql-kafka-0-10_${SCALA_BINARY}:${PYSPARK_VERSION}"
mkdir -p "$CACHE"

# 1. Python: the venv must not be a pyenv shim's venv-of-a-venv; any python3 >= 3.9 works.
PY="${PYTHON:-$(command -v python3)}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup-reference: creating virtualenv $VENV with $("$PY" --version)"
  "$PY" -m venv "$VENV"
fi
want="flask==$FLASK_VERSION kafka-python==$KAFKA_PYTHON_VERSION pyspark==$PYSPARK_VERSION"
if ! "$VENV/bin/python" - <<EOF 2>/dev/null
import importlib.metadata as m, sys
want = dict(x.split("==") for x in "$want".split())
ok = all(m.version(k) == v for k, v in want.items())
sys.exit(0 if ok else 1)
EOF
then
  echo "setup-reference: pip install $want (pyspark is a ~320 MB download)"
  "$VENV/bin/pip" install -q --disable-pip-version-check $want
fi

# 2. Java: Spark 3.5 and 4.x both run on 17; prefer the system default 17 over the Temurin 25 beside it.
if [ -z "${JAVA_HOME:-}" ]; then
  for j in /usr/lib/jvm/java-17-openjdk-amd64 /usr/lib/jvm/java-17-openjdk-arm64; do
    [ -x "$j/bin/java" ] && JAVA_HOME="$j" && break
  done
fi
: "${JAVA_HOME:?setup-reference: no JDK 17 found; set JAVA_HOME}"
export JAVA_HOME

# 3. Resolve the Kafka connector into our own ivy cache and prove a local[2] session starts.
# Our own ivy settings, Maven Central only: Spark's default chain also looks in ~/.m2, where a pom
# without its jar (left there by other Maven builds) makes ivy fail with "download failed: ...jar".
mkdir -p "$IVY"
cat > "$CACHE/ivysettings.xml" <<XML
<ivysettings>
  <settings defaultResolver="central"/>
  <caches defaultCacheDir="$IVY/cache"/>
  <resolvers>
    <ibiblio name="central" m2compatible="true" root="https://repo1.maven.org/maven2/"/>
  </resolvers>
</ivysettings>
XML
cat > "$CACHE/env.sh" <<EOF
# Written by scripts/bench/setup-reference.sh; sourced by the benchmark harness.
export GAME_EVENTS_BENCH_VENV="$VENV"
export GAME_EVENTS_BENCH_IVY="$IVY"
export GAME_EVENTS_BENCH_IVY_SETTINGS="$CACHE/ivysettings.xml"
export GAME_EVENTS_BENCH_SPARK_KAFKA_PACKAGE="$PKG"
export JAVA_HOME="$JAVA_HOME"
EOF
if [ ! -f "$IVY/.resolved-$PYSPARK_VERSION" ]; then
  echo "setup-reference: resolving $PKG into $IVY and starting a local[2] session"
  "$VENV/bin/python" - "$PKG" "$IVY" "$CACHE/ivysettings.xml" <<'EOF'
import sys, time
from pyspark.sql import SparkSession
t0 = time.time()
spark = (SparkSession.builder.master("local[2]").appName("setup-reference-smoke")
         .config("spark.jars.packages", sys.argv[1]).config("spark.jars.ivy", sys.argv[2]).config("spark.jars.ivySettings", sys.argv[3])
         .config("spark.ui.enabled", "false").getOrCreate())
n = spark.range(1000).selectExpr("sum(id)").first()[0]
# The connector class must load: a Scala mismatch fails here rather than in a benchmark.
# (load() looks the source up without connecting to anything.)
spark.readStream.format("kafka").option("kafka.bootstrap.servers", "127.0.0.1:1").option("subscribe", "x").load()
print(f"setup-reference: Spark {spark.version} local[2] on Java "
      f"{spark._jvm.java.lang.System.getProperty('java.version')}: sum={n}, {time.time()-t0:.1f}s")
spark.stop()
EOF
  touch "$IVY/.resolved-$PYSPARK_VERSION"
fi
"$VENV/bin/python" -c "import flask, kafka, pyspark; print('setup-reference: flask', flask.__version__ if hasattr(flask,'__version__') else '', 'kafka-python', kafka.__version__, 'pyspark', pyspark.__version__)" 2>/dev/null
echo "setup-reference: done ($CACHE/env.sh)"
