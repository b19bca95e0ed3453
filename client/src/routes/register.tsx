import { UsersIcon } from "lucide-react";
import { Link, useLocation, useSearch } from "wouter";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Skeleton } from "@/components/ui/skeleton";
import { useInvitationPreview } from "@/features/auth/api";
import { AuthLayout } from "@/features/auth/components/auth-layout";
import { RegisterForm } from "@/features/auth/components/register-form";

export default function RegisterPage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const query = new URLSearchParams(search);
  // The invite link carries ?token=…; ?invite=… is accepted too.
  const inviteToken = (query.get("token") ?? query.get("invite"))?.trim() || undefined;
  const preview = useInvitationPreview(inviteToken);
  const invitation = preview.data;

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
          <AlertTitle>{invitation ? `You're joining ${invitation.organizationName}` : "You're joining an organization"}</AlertTitle>
          <AlertDescription>
            {preview.isError
              ? "This invitation is invalid, used or expired. Ask for a new link."
              : invitation
                ? `The invitation was sent to ${invitation.email}: sign up with that address.`
                : "Use the email address the invitation was sent to."}
          </AlertDescription>
        </Alert>
      )}
      {inviteToken && preview.isPending ? (
        <div className="grid gap-3" aria-busy="true">
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-full" />
          <Skeleton className="h-9 w-full" />
        </div>
      ) : (
        // Keyed by the invited address, so the form starts with it once known.
        <RegisterForm
          key={invitation?.email ?? "blank"}
          inviteToken={inviteToken}
          invitedEmail={invitation?.email}
          onRegistered={() => navigate("/dashboard", { replace: true })}
        />
      )}
      <p className="text-center text-sm text-muted-foreground">
        Already have an account?{" "}
        <Link href="/login" className="font-medium text-foreground underline underline-offset-4">
          Sign in
        </Link>
      </p>
    </AuthLayout>
  );
}
