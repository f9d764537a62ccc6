import { before, describe, it } from "node:test";
import { ensureSqlStack } from "../query/trino-fixture";
import { ensureStack, stackEnv } from "../stack/stack";
import { jupyterSkipReason, reportTests } from "./report-run";

const skip = jupyterSkipReason();
if (skip) {
  describe("npm run report on the real stack", () => it("executes the notebooks on Kafka, HDFS and Trino", { skip }, () => undefined));
} else {
  before(async () => {
    await ensureStack(["kafka"]);
    await ensureSqlStack();
  });
  // One topic, HDFS folder, Trino schema and consumer group for the report run and the edited notebook.
  const stamp = `report_test_${Date.now().toString(36)}`;
  reportTests(
    { ...stackEnv(), PIPELINE_STACK: "real", EVENTS_TOPIC: stamp, WAREHOUSE_DIR: `/${stamp}`, PRESTO_SCHEMA: stamp, SINK_GROUP: stamp },
    { stack: /on the real stack \(Kafka, HDFS with WebHDFS, Hive Metastore, Trino\)/, requests: 600 },
    false,
  );
}
