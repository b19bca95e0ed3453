import { useId } from "react";
import { CopyButton } from "@/components/copy-button";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { errorMessage } from "@/lib/api";
import { formatDateTime } from "@/lib/format";
import { useMemberResetLink, type TeamMember } from "@/features/team/api";

/** Makes a reset link for `member` when opened, and shows it to copy. */
export function ResetLinkDialog({ member, onClose }: { member: TeamMember | null; onClose: () => void }) {
  const link = useMemberResetLink();
  const inputId = useId();
  const who = member ? member.name || member.email : "";
  return (
    <Dialog
      open={!!member}
      onOpenChange={(open) => {
        if (!open) {
          link.reset();
          onClose();
        }
      }}
    >
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Password reset link for {who}</DialogTitle>
          <DialogDescription>
            Anyone with the link can set {who}&apos;s password, once, within one hour; their other sessions end. Hand it over in person or
            over a channel you trust.
          </DialogDescription>
        </DialogHeader>
        {link.data ? (
          <div className="grid gap-4">
            <Alert variant="success" role="status">
              <AlertTitle>Link ready</AlertTitle>
              <AlertDescription>Valid until {formatDateTime(link.data.expiresAt)}. Making another one cancels this one.</AlertDescription>
            </Alert>
            <div className="grid gap-2">
              <Label htmlFor={inputId}>Reset link</Label>
              <div className="flex gap-2">
                <Input id={inputId} value={link.data.resetUrl} readOnly className="font-mono text-xs" onFocus={(e) => e.target.select()} />
                <CopyButton value={link.data.resetUrl} label="Copy reset link" successMessage="Reset link copied" />
              </div>
            </div>
          </div>
        ) : link.isError ? (
          <Alert variant="destructive" role="alert">
            <AlertDescription>{errorMessage(link.error)}</AlertDescription>
          </Alert>
        ) : null}
        <DialogFooter>
          {!link.data && (
            <Button onClick={() => member && link.mutate(member.id)} disabled={link.isPending}>
              {link.isPending ? "Making the link…" : "Make reset link"}
            </Button>
          )}
          <Button variant="outline" onClick={onClose}>
            {link.data ? "Done" : "Cancel"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
