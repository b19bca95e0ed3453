import { MailWarningIcon } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { useCurrentUser } from "@/lib/auth";
import { errorMessage } from "@/lib/api";
import { useAuthProviders, useResendConfirmation } from "@/features/auth/api";

/** Reminds a person with an unconfirmed email (only where this installation mails links) and sends the link again. */
export function ConfirmEmailBanner() {
  const user = useCurrentUser();
  const providers = useAuthProviders();
  const resend = useResendConfirmation();
  if (user.emailVerified || !providers.data?.emailConfirmation) return null;
  return (
    <Alert role="status">
      <MailWarningIcon aria-hidden="true" />
      <AlertDescription className="flex flex-wrap items-center justify-between gap-2">
        <span>
          {resend.isSuccess
            ? `A new link is on its way to ${user.email}.`
            : resend.isError
              ? errorMessage(resend.error)
              : `Confirm ${user.email} with the link we mailed you. Everything works meanwhile.`}
        </span>
        {!resend.isSuccess && (
          <Button size="sm" variant="outline" disabled={resend.isPending} onClick={() => resend.mutate()}>
            {resend.isPending ? "Sending…" : "Send the link again"}
          </Button>
        )}
      </AlertDescription>
    </Alert>
  );
}
