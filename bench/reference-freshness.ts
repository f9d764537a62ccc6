export { run } from "./reference/freshness";
