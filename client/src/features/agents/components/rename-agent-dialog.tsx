import { useId, useState, type FormEvent } from "react";
import type { Agent } from "@shared/schemas";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export function RenameAgentDialog({
  agent,
  onRename,
  onClose,
}: {
  agent: Agent;
  onRename: (name: string) => void;
  onClose: () => void;
}) {
  const [name, setName] = useState(agent.name);
  const inputId = useId();
  const trimmed = name.trim();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (!trimmed || trimmed === agent.name) {
      onClose();
      return;
    }
    // Optimistic: the list shows the new name at once, the dialog closes without waiting.
    onRename(trimmed);
    onClose();
  }

  return (
    <Dialog open onOpenChange={(open) => !open && onClose()}>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Rename agent</DialogTitle>
          <DialogDescription>The name is only used in this dashboard; ElevenLabs is not changed.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} className="grid gap-4">
          <div className="grid gap-2">
            <Label htmlFor={inputId}>Name</Label>
            <Input id={inputId} value={name} maxLength={200} required onChange={(event) => setName(event.target.value)} />
          </div>
          <DialogFooter>
            <Button type="button" variant="outline" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" disabled={!trimmed}>
              Save
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
