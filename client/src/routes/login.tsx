import { KeyRoundIcon, WrenchIcon } from "lucide-react";
import { Link, useLocation, useSearch } from "wouter";
import { Button } from "@/components/ui/button";
import { Separator } from "@/components/ui/separator";
import { Skeleton } from "@/components/ui/skeleton";
import { safeReturnTo } from "@/lib/auth";
import { useAuthProviders, useDevLogin, useRedirectWhenSignedIn } from "@/features/auth/api";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { LoginForm } from "@/features/auth/components/login-form";
import { ServerError } from "@/features/auth/components/server-error";

export default function LoginPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const returnTo = safeReturnTo(new URLSearchParams(search).get("returnTo"));
  useRedirectWhenSignedIn(returnTo);
  const providers = useAuthProviders();
  const devLogin = useDevLogin();
  const goBack = () => navigate(returnTo, { replace: true });

  const showAlternatives = providers.data?.oidc || providers.data?.devLogin;

  return (
    <AuthLayout title="Sign in" description="Welcome back. Sign in to monitor your voice agents.">
      <LoginForm onSignedIn={goBack} />
      <p className="-mt-2 text-right text-sm">
        <Link href="/forgot-password" className="text-muted-foreground underline underline-offset-4 hover:text-foreground">
          Forgot your password?
        </Link>
      </p>
      {providers.isPending && <Skeleton className="h-9 w-full" />}
      {showAlternatives && (
        <div className="grid gap-3">
          <div className="flex items-center gap-3 text-xs text-muted-foreground">
            <Separator className="flex-1" />
            <span>or</span>
            <Separator className="flex-1" />
          </div>
          {providers.data?.oidc && (
            <Button asChild variant="outline" className="w-full">
              <a href="/api/auth/login">
                <KeyRoundIcon aria-hidden="true" />
                Sign in with SSO
              </a>
            </Button>
          )}
          {providers.data?.devLogin && (
            <>
              <ServerError error={devLogin.error} />
              <Button
                variant="secondary"
                className="w-full"
                disabled={devLogin.isPending}
                onClick={() => devLogin.mutate(undefined, { onSuccess: goBack })}
              >
                <WrenchIcon aria-hidden="true" />
                {devLogin.isPending ? "Signing in…" : "Dev login (platform admin)"}
              </Button>
            </>
          )}
        </div>
      )}
      <p className="text-center text-sm text-muted-foreground">
        New here?{" "}
        <Link href="/register" className="font-medium text-foreground underline underline-offset-4">
          Create an account
        </Link>
      </p>
    </AuthLayout>
  );
}
