import { useId, useState, type FormEvent } from "react";
import { CheckCircle2Icon } from "lucide-react";
import { elevenLabsAgentId as agentIdSchema } from "@shared/schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastSuccess } from "@/components/ui/use-toast";
import { useCreateAgent, useValidateAgent } from "@/features/agents/api";
import { AgentError } from "@/features/agents/components/agent-error";

/** One agent by its pasted id: Enter (or Validate) looks it up, Enter again (or Add agent) adds it. */
export function AddAgentById({ onAdded }: { onAdded: () => void }) {
  const [agentId, setAgentId] = useState("");
  const [name, setName] = useState("");
  const [formatError, setFormatError] = useState<string | null>(null);
  const validate = useValidateAgent();
  const create = useCreateAgent();
  const ids = { agentId: useId(), agentIdError: useId(), name: useId() };

  const validated = validate.data && validate.data.elevenLabsAgentId === agentId.trim() ? validate.data : null;

  function onValidate() {
    const parsed = agentIdSchema.safeParse(agentId.trim());
    if (!parsed.success) {
      setFormatError(parsed.error.issues[0]?.message ?? "Enter a valid agent id");
      return;
    }
    setFormatError(null);
    create.reset();
    validate.mutate(parsed.data, { onSuccess: (agent) => setName(agent.name) });
  }

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (validate.isPending || create.isPending) return;
    if (!validated) {
      onValidate();
      return;
    }
    create.mutate(
      { elevenLabsAgentId: validated.elevenLabsAgentId, name: name.trim() || undefined },
      {
        onSuccess: (agent) => {
          toastSuccess("Agent added", `${agent.name} is being synced. Past calls will appear shortly.`);
          onAdded();
        },
      },
    );
  }

  return (
    <form onSubmit={onSubmit} noValidate className="grid gap-4">
      <div className="grid gap-2">
        <Label htmlFor={ids.agentId}>ElevenLabs agent id</Label>
        <div className="flex gap-2">
          <Input
            id={ids.agentId}
            value={agentId}
            autoComplete="off"
            spellCheck={false}
            placeholder="agent_…"
            aria-invalid={!!formatError}
            aria-describedby={formatError ? ids.agentIdError : undefined}
            onChange={(event) => {
              setAgentId(event.target.value);
              setFormatError(null);
            }}
          />
          <Button type="button" variant="outline" onClick={onValidate} disabled={!agentId.trim() || validate.isPending}>
            {validate.isPending ? "Checking…" : "Validate"}
          </Button>
        </div>
        {formatError && (
          <p id={ids.agentIdError} className="text-sm text-destructive">
            {formatError}
          </p>
        )}
      </div>
      {validate.isError && <AgentError error={validate.error} />}
      {validated && (
        <Alert variant="success" role="status">
          <CheckCircle2Icon aria-hidden="true" />
          <AlertTitle>Found “{validated.name}”</AlertTitle>
          <AlertDescription>You can keep this name or choose another one for the dashboard.</AlertDescription>
        </Alert>
      )}
      {validated && (
        <div className="grid gap-2">
          <Label htmlFor={ids.name}>Display name</Label>
          <Input id={ids.name} value={name} maxLength={200} onChange={(event) => setName(event.target.value)} />
        </div>
      )}
      {create.isError && <AgentError error={create.error} />}
      <DialogFooter>
        {/* Always enabled with an id typed, so Enter in the field submits: it validates first, then adds. */}
        <Button type="submit" disabled={!agentId.trim() || create.isPending || validate.isPending}>
          {create.isPending ? "Adding…" : validated ? "Add agent" : "Validate and continue"}
        </Button>
      </DialogFooter>
    </form>
  );
}
