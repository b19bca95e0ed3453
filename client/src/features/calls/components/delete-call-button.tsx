import { useState } from "react";
import { Trash2Icon } from "lucide-react";
import { ConfirmDialog } from "@/components/confirm-dialog";
import { Button } from "@/components/ui/button";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { useDeleteCallLog } from "@/features/calls/api";

/** Admins delete a call for good (DESIGN.md §11): content, recording and raw events; usage totals stay. */
export function DeleteCallButton({ callId, onDeleted }: { callId: string; onDeleted: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteCallLog();
  return (
    <>
      <Button variant="outline" size="sm" onClick={() => setConfirming(true)}>
        <Trash2Icon aria-hidden="true" />
        Delete call
      </Button>
      {confirming && (
        <ConfirmDialog
          open
          onOpenChange={(open) => !open && setConfirming(false)}
          title="Delete this call?"
          description="Its transcript, analysis, recording and raw webhook events are deleted for good, and sync will not bring it back. It still counts in usage and billing totals."
          confirmLabel="Delete call"
          onConfirm={() =>
            remove.mutate(callId, {
              onSuccess: () => {
                toastSuccess("Call deleted");
                onDeleted();
              },
              onError: (failure) => toastError("Could not delete the call", errorMessage(failure)),
            })
          }
        />
      )}
    </>
  );
}
