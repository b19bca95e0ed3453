// oidc-provider ships no type declarations; tests use it through the small surface in tests/helpers/oidc-provider.ts.
declare module "oidc-provider";
