export type { Storage, FileStatus } from "./storage";
export { LocalStorage } from "./local-storage";
export { WebHdfsStorage } from "./webhdfs-storage";
export type { WebHdfsOptions } from "./webhdfs-storage";
export { createStorage } from "./factory";
export { dtOf, filePath, parseDtFolder, partitionDir, partitionFolder, tableDir, visibleFilesGlob } from "./layout";
