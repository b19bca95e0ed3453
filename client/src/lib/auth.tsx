/** The signed-in user, provided once by the app shell and read anywhere below it. */
import { createContext, useContext, type ReactNode } from "react";
import type { User } from "@shared/schemas";
import { can, type Permission } from "@shared/permissions";
import { apiGet } from "@/lib/api";
import { setDisplayTimeZone } from "@/lib/format";
import { queryKeys } from "@/lib/query-keys";

const CurrentUserContext = createContext<User | null>(null);

export function CurrentUserProvider({ user, children }: { user: User; children: ReactNode }) {
  // Before any page below formats a date: dates are shown in the organization's zone.
  setDisplayTimeZone(user.organization.timeZone);
  return <CurrentUserContext.Provider value={user}>{children}</CurrentUserContext.Provider>;
}

export function useCurrentUser(): User {
  const user = useContext(CurrentUserContext);
  if (!user) throw new Error("useCurrentUser must be used inside the signed-in app shell");
  return user;
}

export function useOrgId(): string {
  return useCurrentUser().organization.id;
}

export function useCan(permission: Permission): boolean {
  return can(useCurrentUser().role, permission);
}

export const currentUserQuery = {
  queryKey: queryKeys.authUser,
  queryFn: ({ signal }: { signal: AbortSignal }) => apiGet<User>("/api/auth/user", signal),
  staleTime: 60_000,
};

/** Only same-origin paths are accepted as a place to go back to after sign-in. */
export function safeReturnTo(value: string | null | undefined, fallback = "/dashboard"): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return fallback;
  try {
    const url = new URL(value, window.location.origin);
    if (url.origin !== window.location.origin) return fallback;
    if (url.pathname.startsWith("/api/") || url.pathname === "/login" || url.pathname === "/register") return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}
