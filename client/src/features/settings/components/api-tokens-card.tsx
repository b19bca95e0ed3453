import { useId, useState, type FormEvent } from "react";
import type { ApiToken, ApiTokenCreated } from "@shared/governance-schemas";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableHeader,
  TableRow,
  TableSkeletonRows,
} from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { formatDate, formatRelative } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { useApiTokens, useCreateApiToken, useRevokeApiToken } from "@/features/settings/api";

const EXPIRY_CHOICES = [
  { value: "", label: "Never" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "1 year" },
];

function CreatedToken({ created, onDone }: { created: ApiTokenCreated; onDone: () => void }) {
  const fieldId = useId();
  return (
    <Alert>
      <AlertTitle>Copy your new token now</AlertTitle>
      <AlertDescription className="grid gap-2">
        <p>
          It is shown only this once. Store it in your secrets manager; anyone holding it can read this
          organization&apos;s calls.
        </p>
        <Label htmlFor={fieldId}>Token “{created.name}”</Label>
        <div className="flex gap-2">
          <Input id={fieldId} readOnly value={created.token} className="font-mono" onFocus={(e) => e.target.select()} />
          <Button
            type="button"
            variant="outline"
            onClick={() =>
              void navigator.clipboard?.writeText(created.token).then(
                () => toastSuccess("Token copied"),
                () => {},
              )
            }
          >
            Copy
          </Button>
          <Button type="button" onClick={onDone}>
            Done
          </Button>
        </div>
      </AlertDescription>
    </Alert>
  );
}

/** Read-only API tokens for BI tools and scripts (docs/api.md): create (shown once), list, revoke. */
export function ApiTokensCard() {
  const tokens = useApiTokens(true);
  const wide = useMediaQuery(WIDE);
  const create = useCreateApiToken();
  const revoke = useRevokeApiToken();
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("");
  const [created, setCreated] = useState<ApiTokenCreated | null>(null);
  const [revoking, setRevoking] = useState<ApiToken | null>(null);
  const nameId = useId();
  const expiryId = useId();

  function onCreate(event: FormEvent) {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(
      { name: name.trim(), ...(expiry ? { expiresInDays: Number(expiry) } : {}) },
      {
        onSuccess: (token) => {
          setCreated(token);
          setName("");
        },
        onError: (failure) => toastError("Could not create the token", errorMessage(failure)),
      },
    );
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>API tokens</CardTitle>
        <CardDescription>
          Tokens read calls, agents, analytics, billing usage and exports with viewer rights, using{" "}
          <code className="font-mono text-xs">Authorization: Bearer vad_…</code>. They cannot change anything.
        </CardDescription>
      </CardHeader>
      <CardContent className="grid gap-4">
        {created && <CreatedToken created={created} onDone={() => setCreated(null)} />}
        <form onSubmit={onCreate} className="flex flex-wrap items-end gap-3" aria-label="Create API token">
          <div className="grid gap-1.5">
            <Label htmlFor={nameId}>Token name</Label>
            <Input
              id={nameId}
              className="w-64"
              maxLength={100}
              placeholder="e.g. Warehouse sync"
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={expiryId}>Expires</Label>
            <select
              id={expiryId}
              className="h-9 rounded-md border border-input bg-background px-3 text-sm"
              value={expiry}
              onChange={(e) => setExpiry(e.target.value)}
            >
              {EXPIRY_CHOICES.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          </div>
          <Button type="submit" disabled={create.isPending || !name.trim()}>
            {create.isPending ? "Creating…" : "Create token"}
          </Button>
        </form>
        {!wide ? (
          <ul aria-label="API tokens" aria-busy={tokens.isPending} className="-mx-5 divide-y border-t">
            {tokens.isError ? (
              <li className="px-5 py-3 text-sm">Could not load the tokens: {errorMessage(tokens.error)}</li>
            ) : tokens.data?.data.length === 0 ? (
              <li className="px-5 py-3 text-sm text-muted-foreground">No tokens yet.</li>
            ) : (
              tokens.data?.data.map((token) => (
                <li key={token.id} className="flex items-start justify-between gap-3 px-5 py-3">
                  <div className="grid min-w-0 gap-0.5">
                    <span className="font-medium break-words">{token.name}</span>
                    <code className="text-xs text-muted-foreground">{token.prefix}…</code>
                    <span className="text-xs text-muted-foreground">
                      Created {formatDate(token.createdAt)} · last used{" "}
                      {token.lastUsedAt ? formatRelative(token.lastUsedAt) : "never"} · expires{" "}
                      {token.expiresAt ? formatDate(token.expiresAt) : "never"}
                    </span>
                  </div>
                  <Button
                    variant="outline"
                    size="sm"
                    onClick={() => setRevoking(token)}
                    aria-label={`Revoke token ${token.name}`}
                  >
                    Revoke
                  </Button>
                </li>
              ))
            )}
          </ul>
        ) : (
          <Table label="API tokens">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Token</TableHead>
                <TableHead>Created</TableHead>
                <TableHead>Last used</TableHead>
                <TableHead>Expires</TableHead>
                <TableHead>
                  <span className="sr-only">Actions</span>
                </TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {tokens.isPending ? (
                <TableSkeletonRows rows={2} columns={6} />
              ) : tokens.isError ? (
                <TableRow>
                  <TableCell colSpan={6}>Could not load the tokens: {errorMessage(tokens.error)}</TableCell>
                </TableRow>
              ) : tokens.data.data.length === 0 ? (
                <TableRow>
                  <TableCell colSpan={6} className="text-muted-foreground">
                    No tokens yet.
                  </TableCell>
                </TableRow>
              ) : (
                tokens.data.data.map((token) => (
                  <TableRow key={token.id}>
                    <TableCell className="font-medium">{token.name}</TableCell>
                    <TableCell className="font-mono text-xs">{token.prefix}…</TableCell>
                    <TableCell>{formatDate(token.createdAt)}</TableCell>
                    <TableCell>{token.lastUsedAt ? formatRelative(token.lastUsedAt) : "Never"}</TableCell>
                    <TableCell>{token.expiresAt ? formatDate(token.expiresAt) : "Never"}</TableCell>
                    <TableCell className="text-right">
                      <Button
                        variant="outline"
                        size="sm"
                        onClick={() => setRevoking(token)}
                        aria-label={`Revoke token ${token.name}`}
                      >
                        Revoke
                      </Button>
                    </TableCell>
                  </TableRow>
                ))
              )}
            </TableBody>
          </Table>
        )}
      </CardContent>
      {revoking && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setRevoking(null)}
          title={<>Revoke “{revoking.name}”?</>}
          description="Requests with this token are refused from now on. This cannot be undone."
          confirmLabel="Revoke token"
          onConfirm={() =>
            revoke.mutate(revoking.id, {
              onSuccess: () => toastSuccess("Token revoked"),
              onError: (failure) => toastError("Could not revoke the token", errorMessage(failure)),
            })
          }
        />
      )}
    </Card>
  );
}
