import { ActivityIcon, AlertTriangleIcon, SendIcon } from "lucide-react";
import type { Delivery, WebhookStatus } from "@shared/ingestion-schemas";
import type { Integration } from "@shared/schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { sentenceOf } from "@/lib/error-words";
import { deliveryTypeInWords } from "@/lib/event-words";
import { formatDateTime, formatNumber, formatRelative } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useDeliveries, useSendTestEvent, useWorkspaceWebhooks } from "@/features/integrations/api-health";

const STATE_BADGE: Record<Delivery["state"], { label: string; variant: BadgeVariant }> = {
  pending: { label: "Pending", variant: "info" },
  processed: { label: "Processed", variant: "success" },
  failed: { label: "Failed", variant: "destructive" },
  ignored: { label: "Ignored", variant: "secondary" },
};

/** Recent deliveries: a table, or on a phone rows with the same facts (no sideways scrolling). */
function DeliveryRows({ deliveries }: { deliveries: Delivery[] }) {
  const wide = useMediaQuery(WIDE);
  const state = (d: Delivery) => (
    <>
      <Badge variant={STATE_BADGE[d.state].variant}>{STATE_BADGE[d.state].label}</Badge>
      {d.error && <span className="block text-xs text-muted-foreground">{sentenceOf(d.error)}</span>}
    </>
  );
  if (!wide)
    return (
      <ul aria-label="Recent deliveries" className="divide-y border-y text-sm">
        {deliveries.map((d) => (
          <li key={d.id} className="grid gap-1 py-2">
            <span className="flex items-start justify-between gap-3">
              <span>{formatDateTime(d.receivedAt)}</span>
              <span className="shrink-0 text-right">{state(d)}</span>
            </span>
            <span className="text-muted-foreground">
              {d.source === "webhook" ? "Webhook" : "Sync"} · {deliveryTypeInWords(d.type)}
            </span>
            {d.conversationId && <code className="text-xs break-all text-muted-foreground">{d.conversationId}</code>}
          </li>
        ))}
      </ul>
    );
  return (
    <Table label="Recent deliveries">
      <TableHeader>
        <TableRow>
          <TableHead>Received</TableHead>
          <TableHead>Event</TableHead>
          <TableHead>From</TableHead>
          <TableHead>State</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {deliveries.map((d) => (
          <TableRow key={d.id}>
            <TableCell className="whitespace-nowrap">{formatDateTime(d.receivedAt)}</TableCell>
            <TableCell>
              <span title={d.type ?? undefined}>{deliveryTypeInWords(d.type)}</span>
              {d.conversationId && <span className="block font-mono text-xs text-muted-foreground">{d.conversationId}</span>}
            </TableCell>
            <TableCell>{d.source === "webhook" ? "Webhook" : "Sync"}</TableCell>
            <TableCell>{state(d)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

const REFUSAL_WORDS: Record<string, string> = {
  invalid_signature: "Invalid signature",
  missing_signature: "Missing signature",
  stale_timestamp: "Signature too old",
  unknown_token: "Unknown webhook URL",
  webhook_secret_missing: "No secret saved",
  payload_too_large: "Body too large",
};

/** ElevenLabs' servers cannot reach this machine's own names. */
export function isLocalUrl(url: string): boolean {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127\./.test(host) || host === "0.0.0.0";
  } catch {
    return false;
  }
}

function WorkspaceWebhooks({ status }: { status: WebhookStatus }) {
  if (!status.available)
    return (
      <p className="text-sm text-muted-foreground" data-testid="workspace-webhook-status">
        {status.reason === "missing_permissions"
          ? "Your API key may not read workspace webhooks, so their status cannot be shown."
          : status.reason === "integration_required"
            ? "Save an API key to see the status of your ElevenLabs webhooks."
            : "The status of your ElevenLabs webhooks could not be read right now."}
      </p>
    );
  if (status.webhooks.length === 0)
    return (
      <p className="text-sm text-muted-foreground" data-testid="workspace-webhook-status">
        No webhook is set up in your ElevenLabs workspace yet.
      </p>
    );
  return (
    <ul className="grid gap-2" data-testid="workspace-webhook-status">
      {status.webhooks.map((w) => (
        <li key={w.id} className="flex flex-wrap items-center gap-2 text-sm">
          <span className="font-medium">{w.name ?? w.id}</span>
          {w.isAutoDisabled ? (
            <Badge variant="destructive">Disabled by ElevenLabs after repeated failures</Badge>
          ) : w.isDisabled ? (
            <Badge variant="warning">Disabled</Badge>
          ) : (
            <Badge variant="success">Enabled</Badge>
          )}
          {w.pointsHere ? <Badge variant="outline">Points here</Badge> : <Badge variant="secondary">Points elsewhere</Badge>}
          {w.mostRecentFailureAt && (
            <span className="text-muted-foreground">
              Last failure {formatRelative(w.mostRecentFailureAt)}
              {w.mostRecentFailureErrorCode !== null ? ` (HTTP ${w.mostRecentFailureErrorCode})` : ""}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}

export function IngestionHealthCard({ integration }: { integration: Integration }) {
  const deliveries = useDeliveries();
  const workspace = useWorkspaceWebhooks(integration.status !== "NOT_CONFIGURED");
  const sendTest = useSendTestEvent();
  const url = integration.webhook.url;
  const lastWebhookAt = deliveries.data?.lastWebhookAt ?? null;
  const refused = Object.entries(deliveries.data?.rejected24h ?? {}).sort((a, b) => b[1] - a[1]);

  function onSendTest() {
    sendTest.mutate(undefined, {
      onSuccess: (result) =>
        result.delivered
          ? toastSuccess("Test event delivered", "It is listed under recent deliveries.")
          : toastError("The test event was not delivered", result.error ?? "The webhook URL did not accept it."),
      onError: (error) => toastError("Could not send a test event", errorMessage(error)),
    });
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1.5">
          <CardTitle className="flex items-center gap-2">
            <ActivityIcon aria-hidden="true" className="size-4" />
            Ingestion health
          </CardTitle>
          <CardDescription>What ElevenLabs delivered recently, what was refused, and how its webhook is doing.</CardDescription>
        </div>
        <div className="grid justify-items-end gap-1">
          <Button
            variant="outline"
            onClick={onSendTest}
            disabled={!integration.webhook.secretConfigured || sendTest.isPending}
            aria-describedby={integration.webhook.secretConfigured ? undefined : "send-test-needs-secret"}
          >
            <SendIcon aria-hidden="true" />
            {sendTest.isPending ? "Sending…" : "Send test event"}
          </Button>
          {/* Disabled without a word would be a dead end: say what turns it on. */}
          {!integration.webhook.secretConfigured && (
            <p id="send-test-needs-secret" className="text-xs text-muted-foreground">
              Save the webhook secret first.
            </p>
          )}
        </div>
      </CardHeader>
      <CardContent className="grid gap-6">
        {isLocalUrl(url) && (
          <Alert data-testid="localhost-hint">
            <AlertTriangleIcon aria-hidden="true" />
            <AlertTitle>ElevenLabs cannot reach this URL</AlertTitle>
            <AlertDescription>
              <p>
                The webhook URL points at this machine ({new URL(url).host}). Expose the app through a tunnel (for example
                cloudflared or ngrok) and set <code>APP_URL</code> to the tunnel&apos;s public address. Until then, the periodic
                sync brings calls in.
              </p>
            </AlertDescription>
          </Alert>
        )}

        <section className="grid gap-1" aria-labelledby="last-delivery-heading">
          <h3 id="last-delivery-heading" className="text-sm font-medium">
            Last delivery
          </h3>
          {deliveries.isPending ? (
            <Skeleton className="h-4 w-48" />
          ) : (
            <p className="text-sm text-muted-foreground" data-testid="last-delivery">
              {lastWebhookAt ? (
                <time dateTime={lastWebhookAt} title={formatDateTime(lastWebhookAt)}>
                  {formatRelative(lastWebhookAt)}
                </time>
              ) : (
                "No webhook delivery yet."
              )}
            </p>
          )}
        </section>

        <section className="grid gap-2" aria-labelledby="recent-deliveries-heading">
          <h3 id="recent-deliveries-heading" className="text-sm font-medium">
            Recent deliveries
          </h3>
          {deliveries.isError ? (
            <p className="text-sm text-destructive">{errorMessage(deliveries.error)}</p>
          ) : deliveries.isPending ? (
            <Skeleton className="h-24 w-full" />
          ) : deliveries.data.data.length === 0 ? (
            <p className="text-sm text-muted-foreground">Nothing received yet.</p>
          ) : (
            <DeliveryRows deliveries={deliveries.data.data} />
          )}
        </section>

        <section className="grid gap-2" aria-labelledby="refused-heading">
          <h3 id="refused-heading" className="text-sm font-medium">
            Refused in the last 24 hours
          </h3>
          {refused.length === 0 ? (
            <p className="text-sm text-muted-foreground" data-testid="refused-deliveries">
              None.
            </p>
          ) : (
            <ul className="grid gap-1 text-sm" data-testid="refused-deliveries">
              {refused.map(([code, count]) => (
                <li key={code} className="flex justify-between gap-4">
                  <span>{REFUSAL_WORDS[code] ?? code}</span>
                  <span className="tabular-nums">{formatNumber(count)}</span>
                </li>
              ))}
            </ul>
          )}
        </section>

        <section className="grid gap-2" aria-labelledby="workspace-webhook-heading">
          <h3 id="workspace-webhook-heading" className="text-sm font-medium">
            ElevenLabs webhook
          </h3>
          {integration.status === "NOT_CONFIGURED" ? (
            <p className="text-sm text-muted-foreground">Save an API key to see the status of your ElevenLabs webhooks.</p>
          ) : workspace.isPending ? (
            <Skeleton className="h-4 w-64" />
          ) : workspace.isError ? (
            <p className="text-sm text-muted-foreground">{errorMessage(workspace.error)}</p>
          ) : (
            <WorkspaceWebhooks status={workspace.data} />
          )}
        </section>
      </CardContent>
    </Card>
  );
}
