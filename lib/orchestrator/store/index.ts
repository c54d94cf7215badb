// The run store: small named queries over runs, their event log, worker
// invocations and review items. It is the only writer of their statuses.
export * from "./runs";
export * from "./events";
export * from "./invocations";
export * from "./reviews";
export * from "./reply-parts";
;
