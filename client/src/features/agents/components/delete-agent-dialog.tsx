import type { Agent } from "@shared/schemas";
import { ConfirmDialog } from "@/components/confirm-dialog";

export function DeleteAgentDialog({
  agent,
  onConfirm,
  onClose,
}: {
  agent: Agent;
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <ConfirmDialog
      open
      onOpenChange={(open) => !open && onClose()}
      title={<>Remove {agent.name}?</>}
      description="The agent stops being synced. Its calls are kept in History and are linked again if you add the agent back. Nothing is deleted in ElevenLabs."
      confirmLabel="Remove agent"
      onConfirm={onConfirm}
    />
  );
}
