// The demo staff accounts the seed creates (lib/db/seed.ts, default passwords).
export const STAFF = {
  reviewer: { email: "reviewer@switchboard.local", password: "reviewer-demo", name: "Riley Reviewer" },
  auditor: { email: "auditor@switchboard.local", password: "auditor-demo", name: "Avery Auditor" },
  admin: { email: "admin@switchboard.local", password: "admin-demo", name: "Alex Admin" },
} as const;
export type StaffKey = keyof typeof STAFF;
