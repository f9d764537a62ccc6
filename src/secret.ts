/**
 * Secrets (passwords, API keys) as configuration carries them: a value that prints as
 * "[redacted]" wherever it lands by accident (a log line's fields, JSON, util.inspect, a template
 * string), and gives itself up only through reveal(), which the one client that sends it calls.
 */
import * as fs from "node:fs";
import { inspect } from "node:util";
import { ConfigError } from "./errors";

const REDACTED = "[redacted]";

export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** The secret itself: call it only where it is sent (a handshake, an auth header). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * The secret in variable `name`, or in the file that `${name}_FILE` names (how container
 * orchestrators mount secrets; one trailing newline is dropped). Null when neither is set.
 * Errors name the variable and the file, never the value.
 */
export function readSecret(env: Env, name: string): Secret | null {
  const direct = env[name];
  const file = env[`${name}_FILE`]?.trim();
  if (direct !== undefined && direct !== "" && file) {
    throw new ConfigError(`set ${name} or ${name}_FILE, not both`, name);
  }
  if (file) {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (error) {
      throw new ConfigError(`${name}_FILE: cannot read ${file} (${(error as NodeJS.ErrnoException).code ?? "error"})`, `${name}_FILE`);
    }
    const value = text.replace(/\r?\n$/, "");
    if (value === "") throw new ConfigError(`${name}_FILE: ${file} is empty`, `${name}_FILE`);
    return new Secret(value);
  }
  return direct === undefined || direct === "" ? null : new Secret(direct);
}
