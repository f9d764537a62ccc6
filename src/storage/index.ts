export type { Storage, FileStatus } from "./storage";
export { LocalStorage } from "./local-storage";
export { createStorage } from "./factory";
