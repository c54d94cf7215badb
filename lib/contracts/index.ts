// Types and schemas that several layers share (engine, workers, models, UI). This
// module imports nothing of ours, so any layer may depend on it.
export * from "./workers";
export * from "./plan";
export * from "./reviews";
export * from "./synthesis";
export * from "./replies";
export * from "./settings";
export * from "./abort";
export * from "./text";
export * from "./enums";
export * from "./conversation";
