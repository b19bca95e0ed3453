import { useState } from "react";
import { KeyRoundIcon, RotateCwIcon, Trash2Icon } from "lucide-react";
import type { Integration } from "@shared/schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { SecretForm } from "@/components/secret-form";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage, isApiError } from "@/lib/api";
import { sentenceOf } from "@/lib/error-words";
import { formatDateTime } from "@/lib/format";
import { useRemoveIntegration, useSaveIntegration, useTestIntegration } from "@/features/integrations/api";
import { explainIntegrationError, IntegrationStatusBadge } from "@/features/integrations/components/integration-status";

/** Toasts about the key share one group: a success closes an error still on screen. */
const KEY_TOASTS = "elevenlabs-key";

function toastForStatus(integration: Integration, success: string) {
  if (integration.status === "ACTIVE") toastSuccess(success, "ElevenLabs accepted the key.", KEY_TOASTS);
  else if (integration.status === "ERROR")
    toastError(
      "ElevenLabs did not accept the key",
      integration.lastError ? sentenceOf(integration.lastError) : undefined,
      KEY_TOASTS,
    );
}

function LastError({ lastError }: { lastError: string }) {
  const { message, advice } = explainIntegrationError(lastError);
  return (
    <Alert variant="destructive">
      <AlertTitle>{message || "The last check failed"}</AlertTitle>
      {advice && <AlertDescription>{advice}</AlertDescription>}
    </Alert>
  );
}

export function ApiKeyCard({ integration, canManage }: { integration: Integration; canManage: boolean }) {
  const [apiKey, setApiKey] = useState("");
  const save = useSaveIntegration();
  const test = useTestIntegration();
  const remove = useRemoveIntegration();
  const configured = integration.status !== "NOT_CONFIGURED";

  function onSave(key: string) {
    save.mutate(
      { apiKey: key },
      {
        onSuccess: (result) => {
          setApiKey("");
          toastForStatus(result, "API key saved");
        },
        // A refused key is not saved when a working one is there: the server says so, and the old key stays.
        onError: (error) => {
          const refused = isApiError(error, "invalid_api_key") || isApiError(error, "missing_permissions");
          if (refused) setApiKey("");
          toastError(
            refused ? "ElevenLabs did not accept the new key" : "Could not save the key",
            errorMessage(error),
            KEY_TOASTS,
          );
        },
      },
    );
  }

  return (
    <Card>
      <CardHeader className="flex-row flex-wrap items-start justify-between gap-3">
        <div className="grid gap-1.5">
          <CardTitle className="flex items-center gap-2">
            <KeyRoundIcon aria-hidden="true" className="size-4" />
            ElevenLabs API key
          </CardTitle>
          <CardDescription>
            Your own key reads your agents, conversations and recordings. It is encrypted at rest and never shown again.
          </CardDescription>
        </div>
        <IntegrationStatusBadge status={integration.status} lastError={integration.lastError} />
      </CardHeader>
      <CardContent className="grid gap-4">
        {configured && (
          <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[auto_1fr]">
            <dt className="text-muted-foreground">Saved key</dt>
            <dd>
              <code className="rounded bg-muted px-1.5 py-0.5 text-xs">{integration.keyHint ?? "—"}</code>
            </dd>
            <dt className="text-muted-foreground">Last checked</dt>
            <dd>{formatDateTime(integration.lastTestedAt)}</dd>
          </dl>
        )}
        {(integration.status === "ERROR" || integration.status === "PENDING") && integration.lastError && <LastError lastError={integration.lastError} />}
        {canManage ? (
          <SecretForm
            formLabel="Save ElevenLabs API key"
            label={configured ? "Replace the key" : "API key"}
            value={apiKey}
            onValueChange={setApiKey}
            onSave={onSave}
            placeholder="sk_…"
            hint="Find it in ElevenLabs under Profile > API keys. Saving tests it at once; a key ElevenLabs refuses never replaces one that works."
            saving={save.isPending}
            saveLabel="Save key"
            savingLabel="Saving and testing…"
          >
            {save.isError &&
              !apiKey &&
              (isApiError(save.error, "invalid_api_key") || isApiError(save.error, "missing_permissions")) && (
                <Alert variant="destructive">
                  <AlertTitle>The new key was not saved</AlertTitle>
                  <AlertDescription>{errorMessage(save.error)}</AlertDescription>
                </Alert>
              )}
          </SecretForm>
        ) : (
          <p className="text-sm text-muted-foreground">Only owners and admins can change the key.</p>
        )}
      </CardContent>
      {canManage && configured && (
        <CardFooter className="flex-wrap border-t pt-4">
          <Button
            variant="outline"
            disabled={test.isPending}
            onClick={() =>
              test.mutate(undefined, {
                onSuccess: (result) => toastForStatus(result, "Connection works"),
                onError: (error) => toastError("Could not test the key", errorMessage(error), KEY_TOASTS),
              })
            }
          >
            <RotateCwIcon aria-hidden="true" className={test.isPending ? "animate-spin" : undefined} />
            {test.isPending ? "Testing…" : "Test connection"}
          </Button>
          <ConfirmDialog
            trigger={
              <Button variant="ghost" className="text-destructive hover:text-destructive">
                <Trash2Icon aria-hidden="true" />
                Remove key
              </Button>
            }
            title="Remove the ElevenLabs key?"
            description="The key and the webhook secret are erased. Syncing stops and webhooks are refused until you add them again. Calls already stored stay."
            confirmLabel="Remove key"
            onConfirm={() =>
              remove.mutate(undefined, {
                onSuccess: () => toastSuccess("Key removed"),
                onError: (error) => toastError("Could not remove the key", errorMessage(error)),
              })
            }
          />
        </CardFooter>
      )}
    </Card>
  );
}
