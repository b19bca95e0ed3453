import { useId, useState, type FormEvent } from "react";
import { PlusIcon, SendIcon, Trash2Icon } from "lucide-react";
import { CHANNEL_TYPES, type ChannelType } from "@shared/alert-constants";
import type { AlertChannel } from "@shared/alert-schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { CopyButton } from "@/components/copy-button";
import { errorMessage, isApiError } from "@/lib/api";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";
import { cn } from "@/lib/utils";
import { useCreateChannel, useDeleteChannel, useTestChannel } from "@/features/alerts/api";

const TYPE_LABELS: Record<ChannelType, string> = { slack: "Slack", webhook: "Webhook", email: "Email" };
const TARGET_HINTS: Record<ChannelType, { label: string; placeholder: string; help: string }> = {
  slack: {
    label: "Incoming-webhook URL",
    placeholder: "https://hooks.slack.com/services/…",
    help: "From Slack: Apps > Incoming Webhooks > Add to a channel.",
  },
  webhook: {
    label: "Endpoint URL",
    placeholder: "https://example.com/alerts",
    help: "Signed per Standard Webhooks; the signing secret is shown once after saving.",
  },
  email: {
    label: "Email addresses",
    placeholder: "oncall@example.com, lead@example.com",
    help: "Comma-separated. Needs a mail server on the server (SMTP_URL).",
  },
};

function AddChannelDialog() {
  const [open, setOpen] = useState(false);
  const [type, setType] = useState<ChannelType>("slack");
  const [name, setName] = useState("");
  const [target, setTarget] = useState("");
  const [secret, setSecret] = useState<string | null>(null);
  const create = useCreateChannel();
  const ids = { type: useId(), name: useId(), target: useId() };
  const fields = isApiError(create.error) ? create.error.fields : {};

  function reset() {
    setType("slack");
    setName("");
    setTarget("");
    setSecret(null);
    create.reset();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate(
      { type, name: name.trim(), target: target.trim() },
      {
        onSuccess: (channel) => {
          toastSuccess("Channel added", `${channel.name} can now be chosen in rules.`);
          if (channel.secret) setSecret(channel.secret);
          else {
            setOpen(false);
            reset();
          }
        },
      },
    );
  }

  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline">
          <PlusIcon aria-hidden="true" />
          Add channel
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>{secret ? "Save the signing secret" : "Add a channel"}</DialogTitle>
          <DialogDescription>
            {secret
              ? "Your endpoint verifies each alert with this secret. It is shown only now."
              : "Where alerts are sent. The target is stored encrypted and shown only as a hint."}
          </DialogDescription>
        </DialogHeader>
        {secret ? (
          <div className="grid gap-4">
            <Alert>
              <AlertTitle>Copy it now</AlertTitle>
              <AlertDescription>
                <code className="break-all text-xs" data-testid="channel-secret">
                  {secret}
                </code>
              </AlertDescription>
            </Alert>
            <DialogFooter>
              <CopyButton value={secret} label="Copy signing secret" variant="outline" />
              <Button
                onClick={() => {
                  setOpen(false);
                  reset();
                }}
              >
                Done
              </Button>
            </DialogFooter>
          </div>
        ) : (
          <form onSubmit={onSubmit} noValidate className="grid gap-4">
            <div className="grid gap-1.5">
              <Label htmlFor={ids.type}>Type</Label>
              <Select value={type} onValueChange={(v) => setType(v as ChannelType)}>
                <SelectTrigger id={ids.type}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {CHANNEL_TYPES.map((t) => (
                    <SelectItem key={t} value={t}>
                      {TYPE_LABELS[t]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor={ids.name}>Name</Label>
              <Input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} placeholder="On-call" />
              {fields.name && <p className="text-xs text-destructive">{fields.name}</p>}
            </div>
            <div className="grid gap-1.5">
              <Label htmlFor={ids.target}>{TARGET_HINTS[type].label}</Label>
              <Input
                id={ids.target}
                value={target}
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setTarget(e.target.value)}
                placeholder={TARGET_HINTS[type].placeholder}
              />
              {fields.target ? (
                <p className="text-xs text-destructive">{fields.target}</p>
              ) : (
                <p className="text-xs text-muted-foreground">{TARGET_HINTS[type].help}</p>
              )}
            </div>
            {create.isError && !Object.keys(fields).length && (
              <Alert variant="destructive">
                <AlertDescription>{errorMessage(create.error)}</AlertDescription>
              </Alert>
            )}
            <DialogFooter>
              <Button type="submit" disabled={create.isPending || !name.trim() || !target.trim()}>
                {create.isPending ? "Checking…" : "Add channel"}
              </Button>
            </DialogFooter>
          </form>
        )}
      </DialogContent>
    </Dialog>
  );
}

function ChannelActions({
  channel,
  onDelete,
  className = "justify-end",
}: {
  channel: AlertChannel;
  onDelete: (channel: AlertChannel) => void;
  className?: string;
}) {
  const test = useTestChannel();
  const sending = test.isPending && test.variables === channel.id;
  return (
    <div className={cn("flex gap-1", className)}>
      <Button
        variant="ghost"
        size="sm"
        disabled={sending}
        onClick={() =>
          test.mutate(channel.id, {
            onSuccess: (r) =>
              r.ok
                ? toastSuccess("Test sent", `${channel.name} answered${r.status ? ` ${r.status}` : ""}.`)
                : toastError(
                    "Test failed",
                    `${r.error ?? "No answer"} (${r.attempts} attempt${r.attempts === 1 ? "" : "s"})`,
                  ),
            onError: (e) => toastError("Test failed", errorMessage(e)),
          })
        }
      >
        <SendIcon aria-hidden="true" />
        {sending ? "Sending…" : "Send test"}
      </Button>
      <Button variant="ghost" size="icon" aria-label={`Delete ${channel.name}`} onClick={() => onDelete(channel)}>
        <Trash2Icon aria-hidden="true" />
      </Button>
    </div>
  );
}

export function ChannelsTable({ channels }: { channels: AlertChannel[] }) {
  const remove = useDeleteChannel();
  const wide = useMediaQuery(WIDE);
  // Deleting a channel silences every rule that notifies only it: ask first.
  const [deleting, setDeleting] = useState<AlertChannel | null>(null);
  return (
    <>
      <div className="flex justify-end px-5 pb-3">
        <AddChannelDialog />
      </div>
      {channels.length === 0 ? (
        <p className="px-5 pb-5 text-sm text-muted-foreground">
          No channels yet. Add Slack, a signed webhook or email to be notified.
        </p>
      ) : !wide ? (
        <ul aria-label="Alert channels" className="divide-y border-t">
          {channels.map((c) => (
            <li key={c.id} className="grid gap-1 px-4 py-3">
              <div className="flex items-start justify-between gap-2">
                <span className="font-medium">{c.name}</span>
                <Badge variant="outline">{TYPE_LABELS[c.type]}</Badge>
              </div>
              <code className="text-xs break-all text-muted-foreground">{c.targetHint}</code>
              <ChannelActions channel={c} onDelete={setDeleting} className="-ml-3" />
            </li>
          ))}
        </ul>
      ) : (
        <Table label="Alert channels">
          <TableHeader>
            <TableRow>
              <TableHead>Channel</TableHead>
              <TableHead>Type</TableHead>
              <TableHead>Target</TableHead>
              <TableHead className="text-right">
                <span className="sr-only">Actions</span>
              </TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {channels.map((c) => (
              <TableRow key={c.id}>
                <TableCell className="font-medium">{c.name}</TableCell>
                <TableCell>
                  <Badge variant="outline">{TYPE_LABELS[c.type]}</Badge>
                </TableCell>
                <TableCell className="font-mono text-xs break-all text-muted-foreground">{c.targetHint}</TableCell>
                <TableCell className="text-right">
                  <ChannelActions channel={c} onDelete={setDeleting} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      <ConfirmDialog
        open={deleting !== null}
        onOpenChange={(o) => !o && setDeleting(null)}
        title={<>Delete {deleting?.name}?</>}
        description="Rules that notify this channel stop notifying it. Rules keep firing on their other channels."
        confirmLabel="Delete channel"
        onConfirm={() =>
          deleting &&
          remove.mutate(deleting.id, {
            onSuccess: () => toastSuccess("Channel deleted"),
            onError: (e) => toastError("Could not delete the channel", errorMessage(e)),
          })
        }
      />
    </>
  );
}
