/**
 * Is a lease holder's process still running? On the same host, the pid tells; /proc's start time
 * tells a reused pid (or a zombie) from the holder. Another host cannot be asked: null.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import type { LeaseRow } from "./lease";

/** This process's identity for a lease row. */
export function thisProcess(): { pid: number; host: string; procStart: string | null } {
  return { pid: process.pid, host: os.hostname(), procStart: procStat(process.pid)?.start ?? null };
}

export function holderAlive(holder: LeaseRow): boolean | null {
  if (holder.host !== os.hostname()) return null;
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  const stat = procStat(holder.pid);
  if (!stat) return true; // no /proc: the pid is all we know
  if (stat.state === "Z" || stat.state === "X") return false;
  return holder.procStart === null || stat.start === holder.procStart;
}

/** State and start time (clock ticks since boot) of a process from /proc/<pid>/stat, or null. */
function procStat(pid: number): { state: string; start: string } | null {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { state: fields[0], start: fields[19] };
  } catch {
    return null;
  }
}
