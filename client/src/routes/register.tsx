import { UsersIcon } from "lucide-react";
import { Link, useLocation, useSearch } from "wouter";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { RegisterForm } from "@/features/auth/components/register-form";

export default function RegisterPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = new URLSearchParams(search);
  // The invite link carries ?token=…; ?invite=… is accepted too.
  const inviteToken = (query.get("token") ?? query.get("invite"))?.trim() || undefined;

  return (
    <AuthLayout
      title={inviteToken ? "Accept your invitation" : "Create your account"}
      description={
        inviteToken ? "Create an account to join your team." : "Start monitoring your ElevenLabs agents in minutes."
      }
    >
      {inviteToken && (
        <Alert role="status">
          <UsersIcon aria-hidden="true" />
          <AlertTitle>You&apos;re joining an organization</AlertTitle>
          <AlertDescription>Use the email address the invitation was sent to.</AlertDescription>
        </Alert>
      )}
      <RegisterForm inviteToken={inviteToken} onRegistered={() => navigate("/dashboard", { replace: true })} />
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-foreground underline underline-offset-4">
          Sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
