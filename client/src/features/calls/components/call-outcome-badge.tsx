import type { CallLogSummary } from "@shared/schemas";
import { Badge, type BadgeVariant } from "@/components/ui/badge";

const OUTCOME: Record<string, { label: string; variant: BadgeVariant }> = {
  success: { label: "Successful", variant: "success" },
  failure: { label: "Unsuccessful", variant: "destructive" },
  unknown: { label: "Unknown", variant: "secondary" },
};

const IN_FLIGHT: Record<string, string> = {
  initiated: "Starting",
  "in-progress": "In progress",
  processing: "Processing",
};

/** What happened: a failed call, a call still under way, or ElevenLabs' success evaluation. */
export function CallOutcomeBadge({ call }: { call: Pick<CallLogSummary, "status" | "callSuccessful"> }) {
  if (call.status === "failed") return <Badge variant="destructive">Failed</Badge>;
  const inFlight = IN_FLIGHT[call.status];
  if (inFlight) return <Badge variant="info">{inFlight}</Badge>;
  if (!call.callSuccessful) return <Badge variant="outline">Not evaluated</Badge>;
  const outcome = OUTCOME[call.callSuccessful] ?? OUTCOME.unknown;
  return <Badge variant={outcome.variant}>{outcome.label}</Badge>;
}
