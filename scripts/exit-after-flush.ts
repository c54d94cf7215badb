// Ending a CLI on purpose. process.exit() right after a large write to a pipe cuts
// the output (pipes are asynchronous in Node), so `npm run eval -- FILE | tail -1`
// would lose the summary. A write's callback runs once it has been handed to the
// OS, after every earlier write to the same stream, so exiting there loses nothing.

/** Flushes stdout and stderr, then exits with `code`. */
export async function exitAfterFlush(code: number): Promise<never> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write("", () => resolve()))));
  process.exit(code);
}
