/** Errors of the report stage. */
import { PipelineError } from "../errors";

/** The report cannot be produced as asked (wrong answers, missing stage, bad notebook state). */
export class ReportError extends PipelineError {
  override readonly code = "report_error";
}
