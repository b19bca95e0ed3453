import { AlertCircleIcon } from "lucide-react";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { errorMessage, isApiError } from "@/lib/api";

const FRIENDLY: Record<string, string> = {
  invalid_credentials: "That email and password do not match an account.",
  email_taken: "An account with this email already exists. Sign in instead.",
  rate_limited: "Too many attempts. Wait a minute and try again.",
  invalid_invitation: "This invitation link is invalid or has expired. Ask for a new one.",
  invalid_token: "This link is invalid, already used or expired. Ask for a new one.",
  too_many_attempts: "Too many attempts. Wait a minute and try again.",
  mail_not_configured: "This installation sends no email. Ask your administrator.",
};

export function ServerError({ error }: { error: unknown }) {
  if (!error) return null;
  const message = isApiError(error) && FRIENDLY[error.code] ? FRIENDLY[error.code] : errorMessage(error);
  return (
    <Alert variant="destructive">
      <AlertCircleIcon aria-hidden="true" />
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}
