# shellcheck shell=bash
# HDFS for the stack: a MiniDFSCluster (NameNode + one DataNode, one JVM) from hadoop-client-minicluster.
# Ports: NameNode RPC 9000 (hdfs://127.0.0.1:9000), WebHDFS 9870, DataNode 9866 (data), 9864 (HTTP), 9867 (IPC).
hdfs_ports="9000 9870 9866 9864 9867"
hdfs_timeout=180

hdfs_fetch() {
  stack_fetch_classpath hdfs "$(stack_service_files hdfs)/pom.xml"
}

hdfs_start() {
  local java files data
  java="$(stack_java 17)"
  files="$(stack_service_files hdfs)"
  data="$(stack_data_dir hdfs)"
  # Hadoop 3.4 reflects into JDK internals that JDK 17 closes by default.
  local opens=()
  for pkg in java.lang java.lang.reflect java.io java.net java.nio java.util java.util.concurrent sun.nio.ch sun.security.action; do
    opens+=("--add-opens=java.base/$pkg=ALL-UNNAMED")
  done
  stack_spawn hdfs "$java" -Xms256m -Xmx1g "${opens[@]}" \
    -Dlog4j.configuration="file:$files/log4j.properties" \
    -cp "$(stack_cache_dir hdfs)/lib/*" "$files/MiniHdfs.java" "$data/cluster" 9000 9870 9866 9864 9867
}

hdfs_ready() {
  # WebHDFS answers only once the NameNode is up; the DataNode's HTTP port serves the CREATE redirect.
  stack_http_ok "http://$STACK_HOST:9870/webhdfs/v1/?op=LISTSTATUS&user.name=stack" && stack_port_open "$STACK_HOST" 9864
}

hdfs_stop() {
  stack_stop_process hdfs 30
}
