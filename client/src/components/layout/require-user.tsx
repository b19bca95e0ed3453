import type { ReactNode } from "react";
import { useQuery } from "@tanstack/react-query";
import { Redirect, useLocation, useSearch } from "wouter";
import { ErrorState } from "@/components/error-state";
import { Skeleton } from "@/components/ui/skeleton";
import { isApiError } from "@/lib/api";
import { CurrentUserProvider, currentUserQuery } from "@/lib/auth";

/** Renders children only for a signed-in user; a 401 sends the visitor to /login and back. */
export function RequireUser({ children }: { children: ReactNode }) {
  const [location] = useLocation();
  const search = useSearch();
  const userQuery = useQuery(currentUserQuery);

  // Checked before the data: a session that expired keeps its stale user in the cache.
  if (isApiError(userQuery.error) && userQuery.error.status === 401) {
    const returnTo = `${location}${search ? `?${search}` : ""}`;
    return <Redirect to={`/login?returnTo=${encodeURIComponent(returnTo)}`} replace />;
  }

  if (userQuery.data) return <CurrentUserProvider user={userQuery.data}>{children}</CurrentUserProvider>;

  if (userQuery.isError) {
    return (
      <main className="mx-auto grid max-w-lg gap-4 p-6">
        <h1 className="text-xl font-semibold">VoiceAI Dashboard</h1>
        <ErrorState title="Could not load your account" error={userQuery.error} onRetry={() => void userQuery.refetch()} />
      </main>
    );
  }

  return (
    <div className="flex min-h-dvh" aria-busy="true">
      <span className="sr-only" role="status">
        Loading your account…
      </span>
      <div className="hidden w-60 border-r bg-muted/40 md:block" />
      <div className="flex-1">
        <div className="h-14 border-b" />
        <div className="mx-auto grid max-w-6xl gap-4 p-6">
          <Skeleton className="h-8 w-48" />
          <Skeleton className="h-32 w-full" />
          <Skeleton className="h-64 w-full" />
        </div>
      </div>
    </div>
  );
}
