import { useId, useState } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import type { User } from "@shared/schemas";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastSuccess } from "@/components/ui/use-toast";
import { apiPost, errorMessage, isApiError } from "@/lib/api";
import { queryKeys } from "@/lib/query-keys";

/** One's own email, changed with the current password; the new address is confirmed by a mailed link. */
export function ChangeEmailDialog({ open, onOpenChange }: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const ids = { email: useId(), password: useId() };
  const change = useMutation({
    mutationFn: () => apiPost<User>("/api/auth/email", { email: email.trim(), password }),
    onSuccess: (user) => {
      queryClient.setQueryData(queryKeys.authUser, user);
      toastSuccess(
        "Email changed",
        `You sign in as ${user.email} from now on. Confirm it with the link we mail there.`,
      );
      close(false);
    },
  });
  function close(next: boolean) {
    if (!next) {
      setEmail("");
      setPassword("");
      change.reset();
    }
    onOpenChange(next);
  }
  const fields = isApiError(change.error) ? change.error.fields : undefined;
  return (
    <Dialog open={open} onOpenChange={close}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Change your email</DialogTitle>
          <DialogDescription>
            You will sign in with the new address. It stays unconfirmed until you follow the link mailed to it.
          </DialogDescription>
        </DialogHeader>
        <form
          className="grid gap-4"
          aria-label="Change your email"
          onSubmit={(e) => {
            e.preventDefault();
            change.mutate();
          }}
        >
          {change.isError && !fields && (
            <Alert variant="destructive">
              <AlertDescription>{errorMessage(change.error)}</AlertDescription>
            </Alert>
          )}
          <div className="grid gap-2">
            <Label htmlFor={ids.email}>New email</Label>
            <Input
              id={ids.email}
              type="email"
              autoComplete="email"
              required
              value={email}
              onChange={(e) => setEmail(e.target.value)}
              aria-invalid={!!fields?.email}
            />
            {fields?.email && <p className="text-sm text-destructive">{fields.email}</p>}
          </div>
          <div className="grid gap-2">
            <Label htmlFor={ids.password}>Current password</Label>
            <Input
              id={ids.password}
              type="password"
              autoComplete="current-password"
              required
              value={password}
              onChange={(e) => setPassword(e.target.value)}
              aria-invalid={!!fields?.password}
            />
            {fields?.password && <p className="text-sm text-destructive">{fields.password}</p>}
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => close(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={change.isPending}>
              {change.isPending ? "Saving…" : "Change email"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
