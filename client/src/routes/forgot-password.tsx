import { useState } from "react";
import { Link } from "wouter";
import { MailCheckIcon } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { useRequestPasswordReset } from "@/features/auth/api";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { ServerError } from "@/features/auth/components/server-error";

/** Asks for a reset link. The answer is the same whether or not the email has an account (no enumeration). */
export default function ForgotPasswordPage() {
  const request = useRequestPasswordReset();
  const [email, setEmail] = useState("");
  return (
    <AuthLayout title="Reset your password" description="Enter the email you sign in with; we will mail you a link to choose a new password.">
      {request.isSuccess ? (
        <Alert>
          <MailCheckIcon aria-hidden="true" />
          <AlertDescription>
            If an account uses {email}, a link is on its way; it works once, for one hour. No mail? This installation may not send
            email: ask an admin of your team for a reset link from the Team page.
          </AlertDescription>
        </Alert>
      ) : (
        <form
          className="grid gap-4"
          aria-label="Request a password reset link"
          onSubmit={(e) => {
            e.preventDefault();
            request.mutate(email.trim());
          }}
        >
          <ServerError error={request.error} />
          <div className="grid gap-2">
            <Label htmlFor="reset-email">Email</Label>
            <Input id="reset-email" type="email" autoComplete="email" inputMode="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </div>
          <Button type="submit" className="w-full" disabled={request.isPending}>
            {request.isPending ? "Sending…" : "Send reset link"}
          </Button>
        </form>
      )}
      <p className="text-center text-sm text-muted-foreground">
        <Link href="/login" className="font-medium text-foreground underline underline-offset-4">
          Back to sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
