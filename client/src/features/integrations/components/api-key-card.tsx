import { useId, useState, type FormEvent } from "react";
import { KeyRoundIcon, RotateCwIcon, Trash2Icon } from "lucide-react";
import type { Integration } from "@shared/schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import {
  AlertDialog,
  AlertDialogAction,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
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
    toastError("ElevenLabs did not accept the key", integration.lastError ? sentenceOf(integration.lastError) : undefined, KEY_TOASTS);
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
  const inputId = useId();
  const hintId = useId();
  const save = useSaveIntegration();
  const test = useTestIntegration();
  const remove = useRemoveIntegration();
  const configured = integration.status !== "NOT_CONFIGURED";

  function onSave(event: FormEvent) {
    event.preventDefault();
    const key = apiKey.trim();
    if (!key) return;
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
          toastError(refused ? "ElevenLabs did not accept the new key" : "Could not save the key", errorMessage(error), KEY_TOASTS);
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
          <form onSubmit={onSave} className="grid gap-2" aria-label="Save ElevenLabs API key">
            <Label htmlFor={inputId}>{configured ? "Replace the key" : "API key"}</Label>
            <div className="flex flex-col gap-2 sm:flex-row">
              <Input
                id={inputId}
                type="password"
                value={apiKey}
                autoComplete="off"
                spellCheck={false}
                placeholder="sk_…"
                aria-describedby={hintId}
                onChange={(event) => setApiKey(event.target.value)}
              />
              <Button type="submit" disabled={!apiKey.trim() || save.isPending}>
                {save.isPending ? "Saving and testing…" : "Save key"}
              </Button>
            </div>
            <p id={hintId} className="text-sm text-muted-foreground">
              Find it in ElevenLabs under Profile &gt; API keys. Saving tests it at once; a key ElevenLabs refuses never replaces one that works.
            </p>
            {save.isError && !apiKey && (isApiError(save.error, "invalid_api_key") || isApiError(save.error, "missing_permissions")) && (
              <Alert variant="destructive">
                <AlertTitle>The new key was not saved</AlertTitle>
                <AlertDescription>{errorMessage(save.error)}</AlertDescription>
              </Alert>
            )}
          </form>
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
          <AlertDialog>
            <AlertDialogTrigger asChild>
              <Button variant="ghost" className="text-destructive hover:text-destructive">
                <Trash2Icon aria-hidden="true" />
                Remove key
              </Button>
            </AlertDialogTrigger>
            <AlertDialogContent>
              <AlertDialogHeader>
                <AlertDialogTitle>Remove the ElevenLabs key?</AlertDialogTitle>
                <AlertDialogDescription>
                  The key and the webhook secret are erased. Syncing stops and webhooks are refused until you add them
                  again. Calls already stored stay.
                </AlertDialogDescription>
              </AlertDialogHeader>
              <AlertDialogFooter>
                <AlertDialogCancel>Cancel</AlertDialogCancel>
                <AlertDialogAction
                  destructive
                  onClick={() =>
                    remove.mutate(undefined, {
                      onSuccess: () => toastSuccess("Key removed"),
                      onError: (error) => toastError("Could not remove the key", errorMessage(error)),
                    })
                  }
                >
                  Remove key
                </AlertDialogAction>
              </AlertDialogFooter>
            </AlertDialogContent>
          </AlertDialog>
        </CardFooter>
      )}
    </Card>
  );
}
