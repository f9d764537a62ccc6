import { runReferenceSuite } from "./reference-suite";
import { ENGINE_KIND, ensureSqlStack, openStack } from "./trino-fixture";

const stack = openStack("reference_check");
runReferenceSuite(`${ENGINE_KIND} over HDFS (verbatim)`, {
  open: async () => {
    await ensureSqlStack();
    return stack;
  },
  cleanup: () => stack.cleanup(),
});
