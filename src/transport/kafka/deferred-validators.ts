/**
 * While the Kafka client is being loaded, its option validators are compiled on first use instead
 * of at import. Loaded by ./client.ts right before the client, which then calls `restoreCompile`.
 *
 * Why: @platformatic/kafka compiles ~45 JSON-schema validators with Ajv when its modules are
 * evaluated (~0.3 CPU-s, half of what loading the client costs, and ~15 MiB of heap), and runs
 * them only for clients created with `strict: true`, which the project never sets: every process
 * that touches Kafka paid for them at start (bench/RESULTS.md, issue 18). A deferred validator
 * compiles its schema the first time it is called and then behaves as the compiled one (same
 * result, same `errors`). If Ajv is not where the client loads it from, nothing is deferred.
 */
import { createRequire } from "node:module";
import * as path from "node:path";

type Validate = ((data: unknown) => boolean) & { errors?: unknown };
interface AjvClass {
  prototype: { compile: (this: unknown, schema: unknown, meta?: boolean) => Validate };
}

/** Ajv's 2020 dialect as the Kafka client resolves it (`import { Ajv2020 } from 'ajv/dist/2020.js'`), or null. */
function clientAjv(): AjvClass | null {
  try {
    const load = createRequire(__filename);
    const clientDir = path.dirname(load.resolve("@platformatic/kafka"));
    const ajv = load(load.resolve("ajv/dist/2020.js", { paths: [clientDir] })) as { Ajv2020?: AjvClass };
    return typeof ajv.Ajv2020?.prototype.compile === "function" ? ajv.Ajv2020 : null;
  } catch {
    return null;
  }
}

const Ajv2020 = clientAjv();
const ownCompile = Ajv2020 !== null && Object.prototype.hasOwnProperty.call(Ajv2020.prototype, "compile");
// Read off the prototype on purpose: it is always called with an Ajv instance as `this` (call below).
const compile = Ajv2020?.prototype.compile;

if (Ajv2020 && compile) {
  Ajv2020.prototype.compile = function deferredCompile(this: unknown, schema: unknown, meta?: boolean): Validate {
    const compileNow = () => compile.call(this, schema, meta);
    let compiled: Validate | null = null;
    const validate: Validate = (data: unknown): boolean => {
      compiled ??= compileNow();
      const valid = compiled(data);
      validate.errors = compiled.errors;
      return valid;
    };
    return validate;
  };
}

/** Validators compiled from now on are compiled at once again (Ajv's own behaviour). */
export function restoreCompile(): void {
  if (!Ajv2020 || !compile) return;
  if (ownCompile) Ajv2020.prototype.compile = compile;
  else delete (Ajv2020.prototype as { compile?: unknown }).compile;
}
