/**
 * compose/ (for Docker users) and the Docker-less stack (scripts/stack/) must describe the same
 * stack: same versions, same host ports, same Trino catalog settings. No Docker runs here, so this
 * compares the files themselves.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const root = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(root, file), "utf8");
const compose = read("compose/docker-compose.yml");

/** The tag of every `image:` line, keyed by image name. */
function images(text: string): Map<string, string> {
  const found = [...text.matchAll(/^\s*(?:image:|FROM)\s+([^\s:]+):(\S+)/gm)];
  return new Map(found.map((m) => [m[1], m[2]]));
}

function properties(text: string): Map<string, string> {
  const pairs = text.split("\n").filter((l) => l.trim() && !l.trim().startsWith("#")).map((l) => l.split("=", 2));
  return new Map(pairs.map(([k, v]) => [k.trim(), v.trim()]));
}

const pomProperty = (file: string, name: string) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(read(file))?.[1];

describe("compose/ and the Docker-less stack", () => {
  const tags = new Map([...images(compose), ...images(read("compose/metastore/Dockerfile"))]);

  it("pins every image to a version", () => {
    assert.ok(tags.size >= 6, `images found: ${[...tags.keys()].join(", ")}`);
    for (const [image, tag] of tags) {
      if (image.startsWith("game-events/")) continue;
      // Trino numbers its releases (476); everything else needs major.minor[.patch], not a floating "3".
      const pinned = image === "trinodb/trino" ? /^\d{3}$/ : /^\d+(\.\d+)+/;
      assert.match(tag, pinned, `${image}:${tag} is not a pinned version`);
    }
  });

  it("runs the same Kafka, Trino and Hive versions, and the same Hadoop line", () => {
    assert.equal(tags.get("apache/kafka"), pomProperty("scripts/stack/services/kafka/pom.xml", "kafka.version"));
    assert.equal(tags.get("trinodb/trino"), /^TRINO_VERSION=(\S+)/m.exec(read("scripts/stack/services/trino.sh"))?.[1]);
    assert.equal(tags.get("apache/hive"), pomProperty("scripts/stack/services/metastore/pom.xml", "hive.version"));
    const minor = (v: string | undefined) => v?.split(".").slice(0, 2).join(".");
    assert.equal(minor(tags.get("apache/hadoop")), minor(pomProperty("scripts/stack/services/hdfs/pom.xml", "hadoop.version")));
  });

  it("publishes the stack's ports on the host", () => {
    const published = new Set([...compose.matchAll(/^\s*-\s*"(\d+):\d+"/gm)].map((m) => Number(m[1])));
    for (const port of [9092, 9000, 9870, 9864, 9866, 9867, 9083, 8080, 5000]) assert.ok(published.has(port), `port ${port}`);
  });

  it("gives Trino's hive catalog the same settings, only the addresses differ", () => {
    const stack = properties(read("scripts/stack/services/trino/hive.properties"));
    const docker = properties(read("compose/trino/catalog/hive.properties"));
    const addresses = new Set(["hive.metastore.uri", "hive.config.resources"]);
    const without = (m: Map<string, string>) => [...m].filter(([k]) => !addresses.has(k)).sort();
    assert.deepEqual(without(docker), without(stack));
    assert.equal(stack.get("hive.metastore.uri"), "thrift://127.0.0.1:9083");
    assert.equal(docker.get("hive.metastore.uri"), "thrift://metastore:9083");
  });

  it("tunes HDFS the same way: the DataNode's block-completion retry delay", () => {
    const key = "dfs.client.block.write.locateFollowingBlock.initial.delay.ms";
    const mini = new RegExp(`"${key.replace(/\./g, "\\.")}",\\s*(\\d+)`).exec(read("scripts/stack/services/hdfs/MiniHdfs.java"))?.[1];
    const docker = new RegExp(`HDFS-SITE\\.XML_${key.replace(/\./g, "\\.")}:\\s*"(\\d+)"`).exec(compose)?.[1];
    assert.ok(mini, "MiniHdfs.java does not set it");
    assert.equal(docker, mini);
  });
});
