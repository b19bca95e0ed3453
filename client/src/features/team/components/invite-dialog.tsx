import { useId, useState, type FormEvent } from "react";
import { MailPlusIcon } from "lucide-react";
import type { Role } from "@shared/permissions";
import { email as emailSchema } from "@shared/schemas";
import { CopyButton } from "@/components/copy-button";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { TriggerDialog } from "@/components/trigger-dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useCurrentUser } from "@/lib/auth";
import { useInvite } from "@/features/team/api";
import { ROLE_DESCRIPTIONS } from "@/features/team/components/role-label";
import { RoleSelect } from "@/features/team/components/role-select";

/** No mail server is assumed: the invite link is shown to copy and send by any channel. */
export function InviteDialog() {
  const user = useCurrentUser();
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [emailError, setEmailError] = useState<string | null>(null);
  const invite = useInvite();
  const ids = { email: useId(), emailError: useId(), role: useId(), link: useId() };

  function reset() {
    setEmail("");
    setRole("member");
    setEmailError(null);
    invite.reset();
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const parsed = emailSchema.safeParse(email);
    if (!parsed.success) {
      setEmailError(parsed.error.issues[0]?.message ?? "Enter a valid email address");
      return;
    }
    setEmailError(null);
    invite.mutate(
      { email: parsed.data, role },
      { onSuccess: () => toastSuccess("Invitation created", `Send the link to ${parsed.data}.`) },
    );
  }

  return (
    <TriggerDialog
      icon={<MailPlusIcon aria-hidden="true" />}
      triggerLabel="Invite"
      title="Invite a colleague"
      description={<>They join {user.organization.name} with the role you choose.</>}
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) reset();
      }}
    >
      {invite.data ? (
        <div className="grid gap-4">
          <Alert variant="success" role="status">
            <AlertTitle>Invitation ready</AlertTitle>
            <AlertDescription>Copy this link and send it to {email}. It works once and expires.</AlertDescription>
          </Alert>
          <div className="grid gap-2">
            <Label htmlFor={ids.link}>Invite link</Label>
            <div className="flex gap-2">
              <Input
                id={ids.link}
                value={invite.data.inviteUrl}
                readOnly
                className="font-mono text-xs"
                onFocus={(e) => e.target.select()}
              />
              <CopyButton value={invite.data.inviteUrl} label="Copy invite link" successMessage="Invite link copied" />
            </div>
          </div>
          <DialogFooter>
            <Button variant="outline" onClick={reset}>
              Invite someone else
            </Button>
            <Button onClick={() => setOpen(false)}>Done</Button>
          </DialogFooter>
        </div>
      ) : (
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <div className="grid gap-2">
            <Label htmlFor={ids.email}>Email</Label>
            <Input
              id={ids.email}
              type="email"
              autoComplete="off"
              value={email}
              aria-invalid={!!emailError}
              aria-describedby={emailError ? ids.emailError : undefined}
              onChange={(event) => {
                setEmail(event.target.value);
                // An error about the address goes away as soon as the address is fixed (re-checked as typed).
                if (emailError && emailSchema.safeParse(event.target.value).success) setEmailError(null);
                if (invite.isError) invite.reset();
              }}
            />
            {emailError && (
              <p id={ids.emailError} className="text-sm text-destructive">
                {emailError}
              </p>
            )}
          </div>
          <div className="grid gap-2">
            <Label htmlFor={ids.role}>Role</Label>
            <RoleSelect id={ids.role} value={role} onChange={setRole} allowOwner={user.role === "owner"} />
            <p className="text-sm text-muted-foreground">{ROLE_DESCRIPTIONS[role]}.</p>
          </div>
          {invite.isError && (
            <Alert variant="destructive">
              <AlertDescription>{errorMessage(invite.error)}</AlertDescription>
            </Alert>
          )}
          <DialogFooter>
            <Button type="submit" disabled={invite.isPending}>
              {invite.isPending ? "Creating…" : "Create invite link"}
            </Button>
          </DialogFooter>
        </form>
      )}
    </TriggerDialog>
  );
}
