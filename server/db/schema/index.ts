export * from "./organizations";
export * from "./integrations";
export * from "./calls";
export * from "./governance";
export * from "./accounts";
