import { AlertTriangleIcon, CheckCircle2Icon, CircleDashedIcon, LoaderIcon } from "lucide-react";
import type { Integration } from "@shared/schemas";
import { Badge, type BadgeVariant } from "@/components/ui/badge";

const STATUS: Record<Integration["status"], { label: string; variant: BadgeVariant; icon: typeof CheckCircle2Icon }> = {
  ACTIVE: { label: "Active", variant: "success", icon: CheckCircle2Icon },
  ERROR: { label: "Error", variant: "destructive", icon: AlertTriangleIcon },
  PENDING: { label: "Checking", variant: "info", icon: LoaderIcon },
  NOT_CONFIGURED: { label: "Not connected", variant: "secondary", icon: CircleDashedIcon },
};

/** A saved key that could not be checked (ElevenLabs unreachable): not "Checking" forever. */
const NOT_VERIFIED = { label: "Not verified", variant: "warning" as const, icon: AlertTriangleIcon };

export function IntegrationStatusBadge({ status, lastError }: { status: Integration["status"]; lastError?: string | null }) {
  const { label, variant, icon: Icon } = status === "PENDING" && lastError ? NOT_VERIFIED : (STATUS[status] ?? STATUS.NOT_CONFIGURED);
  return (
    <Badge variant={variant} data-testid="integration-status">
      <Icon aria-hidden="true" />
      {label}
    </Badge>
  );
}

/** `lastError` is "code: message"; the code picks the advice, the message says what happened. */
const ADVICE: Record<string, string> = {
  invalid_api_key: "ElevenLabs does not accept this key. Create a new key in ElevenLabs (Profile > API keys) and paste it here.",
  missing_permissions:
    "The key works but lacks a permission this dashboard needs. Edit the key in ElevenLabs and allow read access to Conversational AI (agents and conversations) and User.",
  rate_limited: "ElevenLabs is rate limiting this key right now. Wait a minute and press Test again.",
  unreachable: "ElevenLabs could not be reached. This is usually temporary: press Test again in a moment.",
};

export function explainIntegrationError(lastError: string): { code: string; message: string; advice: string | null } {
  const separator = lastError.indexOf(":");
  const code = separator > 0 ? lastError.slice(0, separator).trim() : lastError.trim();
  const message = separator > 0 ? lastError.slice(separator + 1).trim() : "";
  return { code, message, advice: ADVICE[code] ?? null };
}
