import java.io.File;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/**
 * One NameNode and one DataNode in one JVM (Hadoop's MiniDFSCluster) on fixed 127.0.0.1 ports,
 * for the Docker-less stack. Run with the single-file source launcher by services/hdfs.sh:
 *   java -cp "lib/*" MiniHdfs.java <base-dir> <namenode-port> <namenode-http-port> <dn-port> <dn-http-port> <dn-ipc-port>
 * The first start formats <base-dir>; later starts keep the data.
 */
public class MiniHdfs {
  public static void main(String[] args) throws Exception {
    File base = new File(args[0]);
    File formatted = new File(base, ".formatted");
    String host = "127.0.0.1";

    Configuration conf = new Configuration();
    conf.set("hadoop.tmp.dir", new File(base, "tmp").getAbsolutePath());
    conf.setBoolean("dfs.permissions.enabled", false);
    conf.setInt("dfs.replication", 1);
    // Fixed DataNode ports: only honoured with checkDataNodeAddrConfig(true) below.
    conf.set("dfs.datanode.address", host + ":" + args[3]);
    conf.set("dfs.datanode.http.address", host + ":" + args[4]);
    conf.set("dfs.datanode.ipc.address", host + ":" + args[5]);
    // A restart must not sit in safe mode waiting for an extension period.
    conf.setInt("dfs.namenode.safemode.extension", 0);
    conf.setBoolean("dfs.namenode.datanode.registration.ip-hostname-check", false);
    // Closing a file asks the NameNode to complete its last block; the first ask usually comes before
    // the DataNode reported the block, and the client then sleeps this long (default 400 ms, doubling).
    // WebHDFS writes run that client inside the DataNode, so every small file cost ~420 ms.
    conf.setInt("dfs.client.block.write.locateFollowingBlock.initial.delay.ms", 10);

    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf, base)
        .nameNodePort(Integer.parseInt(args[1]))
        .nameNodeHttpPort(Integer.parseInt(args[2]))
        .numDataNodes(1)
        // The DataNode registers as 127.0.0.1, so WebHDFS's CREATE redirect (307) names an address clients reach.
        .hosts(new String[] {host})
        .checkDataNodeAddrConfig(true)
        .format(!formatted.exists())
        .build();
    cluster.waitActive();
    formatted.createNewFile();
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::shutdown));
    System.out.println("MiniHdfs ready: hdfs://" + host + ":" + args[1] + " webhdfs http://" + host + ":" + args[2]);
    Thread.currentThread().join();
  }
}
