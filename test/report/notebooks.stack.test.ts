import { describe, it } from "node:test";
import { stackSkipReason } from "../query/trino-fixture";
import { jupyterSkipReason, reportTests } from "./report-run";

async function main() {
  const skip = (await stackSkipReason()) || jupyterSkipReason();
  if (skip) {
    describe("npm run report on the real stack", () => it("executes the notebooks on Kafka, HDFS and Trino", { skip }, () => undefined));
    return;
  }
  // One topic, HDFS folder, Trino schema and consumer group for the report run and the edited notebook.
  const stamp = `report_test_${Date.now().toString(36)}`;
  reportTests(
    { PIPELINE_STACK: "real", EVENTS_TOPIC: stamp, WAREHOUSE_DIR: `/${stamp}`, PRESTO_SCHEMA: stamp, SINK_GROUP: stamp },
    { stack: /on the real stack \(Kafka, HDFS with WebHDFS, Hive Metastore, Trino\)/, requests: 600 },
    false,
  );
}

void main();
