export * from "./organizations";
export * from "./integrations";
export * from "./calls";
export * from "./alerts";
export * from "./governance";
export * from "./ingestion";
export * from "./accounts";
export * from "./tenancy";
