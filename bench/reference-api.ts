export { run } from "./reference/api";
