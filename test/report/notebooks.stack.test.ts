import { describe, it, test } from "node:test";
import { stackSkipReason } from "../query/trino-fixture";
import { runReportAndCheck } from "./report-run";

async function main() {
  const skip = await stackSkipReason();
  if (skip) {
    describe("npm run report on the real stack", () => it("executes the notebooks on Kafka, HDFS and Trino", { skip }, () => undefined));
    return;
  }
  test("npm run report executes the notebooks on the real stack (Kafka, HDFS, Trino) and every answer matches the ground truth", { timeout: 1_200_000 }, () => {
    runReportAndCheck({ PIPELINE_STACK: "real" }, { stack: /on the real stack \(Kafka, HDFS with WebHDFS, Hive Metastore, Trino\)/, requests: 600 });
  });
}

void main();
