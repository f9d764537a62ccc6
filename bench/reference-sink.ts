export { run } from "./reference/sink";
