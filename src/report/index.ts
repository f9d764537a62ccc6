/** The write-up: proj3_writeup.md assembled from the notebooks nbconvert exported. */
export { assembleWriteup, writeupHeader } from "./writeup";
export { ReportError } from "./errors";
