import { runQueryContract } from "./contract";
import { ENGINE_KIND, ensureSqlStack, openStack } from "./trino-fixture";

const stack = openStack("query_contract");
runQueryContract(`${ENGINE_KIND} over HDFS`, {
  open: async () => {
    await ensureSqlStack();
    return stack;
  },
  cleanup: () => stack.cleanup(),
});
