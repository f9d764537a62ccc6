/**
 * Maps WebHDFS failures to StorageError. The NameNode answers errors as
 * {"RemoteException": {"exception": "...", "javaClassName": "...", "message": "..."}}.
 */
import { NotFoundInStorageError, StorageError } from "../errors";

export interface RemoteException {
  exception: string;
  message: string;
}

/** Exceptions that say "try again later": NameNode starting up, failing over or busy. */
const RETRIABLE_EXCEPTIONS = new Set(["RetriableException", "SafeModeException", "StandbyException", "ObserverRetryOnActiveException"]);

/** The RemoteException in an error body, or undefined when the body is not one. */
export function parseRemoteException(body: string): RemoteException | undefined {
  try {
    const parsed = JSON.parse(body) as { RemoteException?: { exception?: string; message?: string } };
    const remote = parsed?.RemoteException;
    if (remote && typeof remote.exception === "string") return { exception: remote.exception, message: remote.message ?? "" };
  } catch {
    // Not JSON: a proxy or a servlet error page.
  }
  return undefined;
}

/** The StorageError for an HTTP error answer of WebHDFS. */
export function httpError(op: string, path: string, status: number, body: string): StorageError {
  const remote = parseRemoteException(body);
  if (status === 404 || remote?.exception === "FileNotFoundException") return new NotFoundInStorageError(path, { cause: remote });
  const detail = remote ? `${remote.exception}: ${remote.message}` : `${body.slice(0, 200)}`;
  const retriable = status >= 500 ? !remote || RETRIABLE_EXCEPTIONS.has(remote.exception) || remote.exception === "IOException" : RETRIABLE_EXCEPTIONS.has(remote?.exception ?? "");
  return new StorageError(`WebHDFS ${op} ${path} failed (HTTP ${status}) ${detail}`, path, { cause: remote, retriable });
}

/** The StorageError for a request that got no answer (refused, reset, timed out): always retriable. */
export function networkError(op: string, path: string, url: string, error: unknown): StorageError {
  const cause = (error as { cause?: { code?: string } })?.cause;
  const reason = (error as Error)?.name === "TimeoutError" ? "timed out" : cause?.code ?? (error as Error)?.message ?? String(error);
  return new StorageError(`WebHDFS ${op} ${path}: no answer from ${new URL(url).host} (${reason})`, path, { cause: error, retriable: true });
}
