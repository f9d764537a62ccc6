/**
 * Error text for notebook cells. tslab shows only an error's name and message, and several
 * network errors carry no message at all (Node's AggregateError for a refused connection, some
 * kafkajs errors), which left a failed cell reading just "<Error>: ".
 */
import { ReportError } from "./errors";

/** One line naming the error, its code, the errors it aggregates and its causes. */
export function explainError(error: unknown, depth = 0): string {
  if (!(error instanceof Error)) return String(error);
  const e = error as Error & { code?: unknown; errors?: unknown[]; cause?: unknown };
  const parts = [`${e.name}${e.code !== undefined ? ` (${String(e.code)})` : ""}: ${e.message || "(no message)"}`];
  if (depth < 3 && Array.isArray(e.errors) && e.errors.length > 0) parts.push(`[${e.errors.map((x) => explainError(x, depth + 1)).join("; ")}]`);
  if (depth < 3 && e.cause !== undefined) parts.push(`caused by ${explainError(e.cause, depth + 1)}`);
  return parts.join(" ");
}

/**
 * The same object, whose methods rethrow any error as a ReportError naming the step and the
 * full explanation (the original is kept as `cause`).
 */
export function explained<T extends object>(target: T): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value = Reflect.get(obj, key, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const fail = (error: unknown): never => {
          throw new ReportError(`${String(key)} failed: ${explainError(error)}`, { cause: error });
        };
        try {
          const result = (value as (...a: unknown[]) => unknown).apply(obj, args);
          return result instanceof Promise ? result.catch(fail) : result;
        } catch (error) {
          return fail(error);
        }
      };
    },
  });
}
