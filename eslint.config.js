import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

/**
 * The owner handle (decision 003, docs/architecture.md): only these server paths may reach the modules that build or
 * type it. Everything else gets a TenantDb through ctx.
 */
const OWNER_PATHS = [
  "server/index.ts",
  "server/app.ts",
  "server/deps.ts",
  "server/tenant-context.ts",
  "server/db/**",
  "server/auth/**",
  "server/jobs/**",
  "server/scripts/**",
  "server/routes/admin.ts",
  "server/routes/auth.ts",
  "server/routes/account-links.ts",
  "server/routes/oidc.ts",
  "server/routes/webhooks.ts",
  "server/services/admin/**",
  "server/services/auth/**",
  "server/services/ingestion/**",
  "server/services/sync/**",
  "server/services/analytics/rollups.ts",
  "server/services/integrations/reencrypt.ts",
];

const ownerModules = {
  group: ["**/db/owner", "**/db/client", "**/db/connect", "**/db/app-role", "**/deps", "pg", "drizzle-orm/node-postgres"],
  message: "The owner handle is for the paths decision 003 lists; services get a TenantDb through ctx (docs/architecture.md).",
};

export default tseslint.config(
  { ignores: ["dist", "node_modules", ".data", "test-results", "playwright-report", "server/db/migrations"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-explicit-any": "error",
    },
  },
  {
    files: ["server/**/*.ts"],
    ignores: OWNER_PATHS,
    rules: { "no-restricted-imports": ["error", { patterns: [ownerModules] }] },
  },
  {
    // lib is the bottom layer: it imports nothing of the app (its own files, shared/ and packages only).
    files: ["server/lib/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["../*", "!../lib/*"], message: "server/lib imports nothing of the app." }] }],
    },
  },
  {
    files: ["client/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
    },
  },
);
