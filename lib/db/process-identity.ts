import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";

// Who holds a run's lease, and whether that process is known to be gone.
//
// A lease expires 3 s after its owner stops renewing it; that bounds the takeover of a
// crashed process's runs by any other process, anywhere. A process restarted on the
// same machine can do better: the owner string names the kernel the owner ran under
// (its boot id and PID namespace), so a process under the same kernel and namespace can
// ask that kernel whether the owner's PID still exists. If it does not, the owner is
// dead for certain (a PID is never held by two processes at once) and its runs are
// taken over at once instead of when their leases run out. Anything uncertain (another
// machine, another namespace, no /proc, a PID now reused by some other process) falls
// back to the lease, which is always safe.

/** The boot id and PID namespace of this kernel view, or null where /proc cannot tell (not Linux). */
function kernelView(): string | null {
  try {
    const boot = fs.readFileSync("/proc/sys/kernel/random/boot_id", "utf8").trim().replace(/-/g, "").slice(0, 12);
    const ns = fs.readlinkSync("/proc/self/ns/pid").replace(/\D/g, "");
    return boot && ns ? `${boot}.${ns}` : null;
  } catch {
    return null;
  }
}

const VIEW = kernelView();

/** A lease owner id for this process: `host:pid:nonce[:kernel view]` (the pid between colons, as tools that read leases expect). */
export function processOwnerId(): string {
  return [os.hostname(), process.pid, randomUUID().slice(0, 8), ...(VIEW ? [VIEW] : [])].join(":");
}

/**
 * The owners among `owners` that are certainly dead: recorded under this kernel view,
 * and their PID no longer exists (or is this process's own PID under another owner id:
 * an earlier incarnation that held the same PID, as a container's PID 1 does).
 */
export function deadLocalOwners(owners: readonly string[], self: string): string[] {
  if (!VIEW) return [];
  return owners.filter((owner) => {
    if (owner === self) return false;
    const parts = owner.split(":");
    if (parts.length !== 4 || parts[0] !== os.hostname() || parts[3] !== VIEW) return false;
    const pid = Number(parts[1]);
    if (!Number.isInteger(pid) || pid <= 0) return false;
    if (pid === process.pid) return true;
    try {
      process.kill(pid, 0);
      return false; // alive (or the PID was reused: the lease decides)
    } catch (err) {
      return (err as NodeJS.ErrnoException).code === "ESRCH";
    }
  });
}

/** The prefix every owner id recorded under this kernel view starts with, or null. */
export function localOwnerPattern(): { host: string; view: string } | null {
  return VIEW ? { host: os.hostname(), view: VIEW } : null;
}
