// Lease owner ids live in the bottom layer (lib/db/process-identity.ts), where the job
// runner (lib/jobs) can use them too; the run executor keeps importing them from here.
export { deadLocalOwners, localOwnerPattern, processOwnerId } from "../db/process-identity";
