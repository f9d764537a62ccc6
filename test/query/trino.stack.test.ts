import { describe, it } from "node:test";
import { runQueryContract } from "./contract";
import { ENGINE_KIND, openStack, stackSkipReason } from "./trino-fixture";

async function main() {
  const skip = await stackSkipReason();
  if (skip) {
    describe(`QueryEngine contract: ${ENGINE_KIND} over HDFS`, () => it("runs against a real coordinator", { skip }, () => undefined));
    return;
  }
  const stack = openStack("query_contract");
  runQueryContract(`${ENGINE_KIND} over HDFS`, { open: async () => stack, cleanup: () => stack.cleanup() });
}

void main();
