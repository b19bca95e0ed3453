import { useEffect, useRef } from "react";
import { Link, useSearch } from "wouter";
import { AlertCircleIcon, CheckCircle2Icon } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { isApiError } from "@/lib/api";
import { useConfirmEmail } from "@/features/auth/api";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { ServerError } from "@/features/auth/components/server-error";

/** Where a confirmation link lands: confirms once, on arrival. */
export default function ConfirmEmailPage() {
  const token = new URLSearchParams(useSearch()).get("token") ?? "";
  const confirm = useConfirmEmail();
  const sent = useRef(false);
  useEffect(() => {
    // Once per visit, even under React's double effects in development.
    if (!token || sent.current) return;
    sent.current = true;
    confirm.mutate(token);
  }, [token, confirm]);

  return (
    <AuthLayout title="Confirm your email" description="Confirming the address you signed up with.">
      {!token && <ServerError error={new Error("This page needs the link from your email.")} />}
      {confirm.isPending && <p role="status">Confirming…</p>}
      {confirm.isSuccess && (
        <Alert>
          <CheckCircle2Icon aria-hidden="true" />
          <AlertDescription>Your email is confirmed.</AlertDescription>
        </Alert>
      )}
      {isApiError(confirm.error, "invalid_token") ? (
        <Alert variant="destructive">
          <AlertCircleIcon aria-hidden="true" />
          <AlertDescription>
            This link is invalid, already used or expired. In the app, “Send the link again” at the top of the page mails a new one.
          </AlertDescription>
        </Alert>
      ) : (
        <ServerError error={confirm.error} />
      )}
      <Button asChild className="w-full" variant={confirm.isSuccess ? "default" : "outline"}>
        <Link href="/dashboard">Go to the dashboard</Link>
      </Button>
    </AuthLayout>
  );
}
