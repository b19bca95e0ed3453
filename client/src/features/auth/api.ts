/** Sign-in and sign-up calls. On success the user goes straight into the query cache. */
import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";
import type { AuthProviders, LoginInput, RegisterInput, User } from "@shared/schemas";
import { apiGet, apiPost } from "@/lib/api";
import { queryKeys } from "@/lib/query-keys";

export function useAuthProviders() {
  return useQuery({
    queryKey: queryKeys.authProviders,
    queryFn: ({ signal }) => apiGet<AuthProviders>("/api/auth/providers", signal),
    staleTime: 5 * 60_000,
  });
}

function useSignedIn() {
  const queryClient = useQueryClient();
  return (user: User) => {
    // A different account may have used this tab before: drop its organization's data.
    queryClient.removeQueries({ queryKey: ["org"] });
    queryClient.setQueryData(queryKeys.authUser, user);
  };
}

export function useLogin() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (input: LoginInput) => apiPost<User>("/api/auth/login/password", input),
    onSuccess: signedIn,
  });
}

export function useRegister() {
  const signedIn = useSignedIn();
  return useMutation({
    mutationFn: (input: RegisterInput) => apiPost<User>("/api/auth/register", input),
    onSuccess: signedIn,
  });
}

export function useDevLogin() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => apiPost<unknown>("/api/dev-admin-login"),
    onSuccess: async () => {
      queryClient.removeQueries({ queryKey: ["org"] });
      await queryClient.invalidateQueries({ queryKey: queryKeys.authUser });
    },
  });
}

/**
 * On public pages (landing, sign-in): a visitor who is already signed in goes into the app. Asked fresh
 * on every visit (a cached user may belong to a session that has since ended); a 401 just leaves them here.
 */
export function useRedirectWhenSignedIn(target: string) {
  const [, navigate] = useLocation();
  const user = useQuery({ queryKey: queryKeys.authUser, queryFn: ({ signal }) => apiGet<User>("/api/auth/user", signal), refetchOnMount: "always", retry: false });
  const signedIn = user.isFetchedAfterMount && !user.isError && !!user.data;
  useEffect(() => {
    if (signedIn) navigate(target, { replace: true });
  }, [signedIn, target, navigate]);
}
