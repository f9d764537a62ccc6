import { describe, it } from "node:test";
import { runReferenceSuite } from "./reference-suite";
import { ENGINE_KIND, openStack, stackSkipReason } from "./trino-fixture";

async function main() {
  const skip = await stackSkipReason();
  if (skip) {
    describe(`the 13 reference queries verbatim on ${ENGINE_KIND}`, () => it("runs against a real coordinator", { skip }, () => undefined));
    return;
  }
  const stack = openStack("reference_check");
  runReferenceSuite(`${ENGINE_KIND} over HDFS (verbatim)`, { open: async () => stack, cleanup: () => stack.cleanup() });
}

void main();
