/** One permission map for server guards and client UI. */
export const ROLES = ["owner", "admin", "member", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const PERMISSIONS = {
  "calls:read": ["owner", "admin", "member", "viewer"],
  "agents:read": ["owner", "admin", "member", "viewer"],
  "agents:sync": ["owner", "admin", "member"],
  "agents:manage": ["owner", "admin"],
  "integrations:read": ["owner", "admin", "member", "viewer"],
  "integrations:manage": ["owner", "admin"],
  "team:read": ["owner", "admin", "member", "viewer"],
  "team:manage": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  "billing:read": ["owner", "admin", "member", "viewer"],
  "organization:manage": ["owner", "admin"],
  "alerts:read": ["owner", "admin", "member", "viewer"],
  "alerts:manage": ["owner", "admin"],
  "calls:delete": ["owner", "admin"],
  "tokens:manage": ["owner", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/** Roles outrank the ones after them in ROLES (owner > admin > member > viewer). */
export function outranks(role: Role, other: Role): boolean {
  return ROLES.indexOf(role) < ROLES.indexOf(other);
}

/** Who may make a password reset link for whom (DESIGN §12): only for roles below one's own, so owners for everyone but owners. */
export function canMakeResetLink(callerRole: Role | undefined | null, memberRole: Role): boolean {
  return !!callerRole && can(callerRole, "team:manage") && outranks(callerRole, memberRole);
}

export function can(role: Role | undefined | null, permission: Permission): boolean {
  if (!role) return false;
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}
