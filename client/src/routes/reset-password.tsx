import { useState } from "react";
import { Link, useSearch } from "wouter";
import { CheckCircle2Icon } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useResetPassword } from "@/features/auth/api";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { ServerError } from "@/features/auth/components/server-error";

const MIN_LENGTH = 10;

/** Where a reset link lands: choose the new password (the token goes to the server in the body). */
export default function ResetPasswordPage() {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const reset = useResetPassword();
  const [password, setPassword] = useState("");
  const [repeat, setRepeat] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  if (reset.isSuccess)
    return (
      <AuthLayout title="Password changed" description="Your new password is set, and you were signed out everywhere else.">
        <Alert>
          <CheckCircle2Icon aria-hidden="true" />
          <AlertDescription>Sign in with your new password.</AlertDescription>
        </Alert>
        <Button asChild className="w-full">
          <Link href="/login">Sign in</Link>
        </Button>
      </AuthLayout>
    );

  return (
    <AuthLayout title="Choose a new password" description="The link works once and for one hour. Other devices will be signed out.">
      {!token ? (
        <ServerError error={new Error("This page needs the link from your email or from your admin.")} />
      ) : (
        <form
          className="grid gap-4"
          aria-label="Choose a new password"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            if (password.length < MIN_LENGTH) return setProblem(`Use at least ${MIN_LENGTH} characters.`);
            if (password !== repeat) return setProblem("The two passwords differ.");
            setProblem(null);
            reset.mutate({ token, password });
          }}
        >
          <ServerError error={reset.error} />
          <div className="grid gap-2">
            <Label htmlFor="new-password">New password</Label>
            <Input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={!!problem}
              aria-describedby={problem ? "new-password-problem" : undefined}
            />
          </div>
          <div className="grid gap-2">
            <Label htmlFor="repeat-password">Repeat the new password</Label>
            <Input id="repeat-password" type="password" autoComplete="new-password" value={repeat} onChange={(e) => setRepeat(e.target.value)} />
          </div>
          {problem && (
            <p id="new-password-problem" role="alert" className="text-sm text-destructive">
              {problem}
            </p>
          )}
          <Button type="submit" className="w-full" disabled={reset.isPending}>
            {reset.isPending ? "Saving…" : "Set new password"}
          </Button>
        </form>
      )}
      <p className="text-center text-sm text-muted-foreground">
        <Link href="/forgot-password" className="font-medium text-foreground underline underline-offset-4">
          Ask for a new link
        </Link>
      </p>
    </AuthLayout>
  );
}
