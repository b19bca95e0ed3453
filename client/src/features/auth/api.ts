/** Sign-in and sign-up calls. On success the user goes straight into the query cache. */
import { useEffect } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useLocation } from "wouter";
import type { AuthProviders, InvitationPreview, LoginInput, RegisterInput, User } from "@shared/schemas";
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

/** Who an invite link is for; the token goes in a POST body, so it stays out of request logs. */
export function useInvitationPreview(token: string | undefined) {
  return useQuery({
    queryKey: ["auth", "invitation", token],
    queryFn: () => apiPost<InvitationPreview>("/api/auth/invitations/preview", { token }),
    enabled: !!token,
    retry: false,
    staleTime: Infinity,
  });
}

/** "Forgot password": always accepted (the server answers the same for every email). */
export function useRequestPasswordReset() {
  return useMutation({ mutationFn: (email: string) => apiPost<unknown>("/api/auth/password-reset/request", { email }) });
}

/** Sets the new password with the link's token (sent in the body, never in a logged URL). */
export function useResetPassword() {
  return useMutation({ mutationFn: (input: { token: string; password: string }) => apiPost<unknown>("/api/auth/password-reset", input) });
}

export function useConfirmEmail() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (token: string) => apiPost<unknown>("/api/auth/confirm-email", { token }),
    // A signed-in tab shows the confirmed address at once.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: queryKeys.authUser }),
  });
}

export function useResendConfirmation() {
  return useMutation({ mutationFn: () => apiPost<unknown>("/api/auth/confirm-email/resend") });
}
