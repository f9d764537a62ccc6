export { run } from "./reference/query";
