import { useId, useState } from "react";
import { CheckCircle2Icon, WebhookIcon } from "lucide-react";
import type { Integration } from "@shared/schemas";
import { CopyButton } from "@/components/copy-button";
import { SecretForm } from "@/components/secret-form";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useSaveIntegration } from "@/features/integrations/api";

export function WebhookCard({ integration, canManage }: { integration: Integration; canManage: boolean }) {
  const [secret, setSecret] = useState("");
  const urlId = useId();
  const save = useSaveIntegration();
  const { url, secretConfigured } = integration.webhook;
  const needsKeyFirst = integration.status === "NOT_CONFIGURED";

  function onSave(value: string) {
    save.mutate(
      { webhookSecret: value },
      {
        onSuccess: () => {
          setSecret("");
          toastSuccess("Webhook secret saved", "Signed post-call webhooks will now be accepted.");
        },
        onError: (error) => toastError("Could not save the secret", errorMessage(error)),
      },
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1.5">
          <CardTitle className="flex items-center gap-2">
            <WebhookIcon aria-hidden="true" className="size-4" />
            Post-call webhook
          </CardTitle>
          <CardDescription>
            Calls appear seconds after they end when ElevenLabs sends them here. The periodic sync catches anything a
            webhook misses.
          </CardDescription>
        </div>
        {secretConfigured ? (
          <Badge variant="success" data-testid="webhook-secret-status">
            <CheckCircle2Icon aria-hidden="true" />
            Secret configured
          </Badge>
        ) : (
          <Badge variant="secondary" data-testid="webhook-secret-status">
            No secret yet
          </Badge>
        )}
      </CardHeader>
      <CardContent className="grid gap-5">
        <div className="grid gap-2">
          <Label htmlFor={urlId}>Webhook URL</Label>
          <div className="flex gap-2">
            <Input
              id={urlId}
              value={url}
              readOnly
              className="font-mono text-xs"
              onFocus={(event) => event.target.select()}
            />
            <CopyButton value={url} label="Copy webhook URL" successMessage="Webhook URL copied" />
          </div>
          <ol className="list-decimal space-y-1 pl-5 text-sm text-muted-foreground">
            <li>
              In ElevenLabs, open Conversational AI &gt; Settings &gt; Post-call webhook and create a webhook with this
              URL.
            </li>
            <li>Enable transcription (and audio, to keep recordings) events for your agents.</li>
            <li>
              {canManage
                ? "Copy the HMAC secret ElevenLabs shows once, and save it below."
                : "Copy the HMAC secret ElevenLabs shows once, and give it to an owner or admin of your organization to save here."}
            </li>
          </ol>
        </div>
        {canManage && (
          <SecretForm
            formLabel="Save webhook secret"
            label={secretConfigured ? "Replace the webhook secret" : "Webhook secret"}
            value={secret}
            onValueChange={setSecret}
            onSave={onSave}
            placeholder={secretConfigured ? "Configured: paste a new one to replace it" : "wsec_…"}
            hint={
              needsKeyFirst
                ? "Save your API key first."
                : "Write-only: the secret is encrypted and never shown again. Requests without a valid signature are refused."
            }
            disabled={needsKeyFirst}
            saving={save.isPending}
            saveLabel="Save secret"
            savingLabel="Saving…"
          />
        )}
      </CardContent>
    </Card>
  );
}
