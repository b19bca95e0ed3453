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

/** One agent by its pasted id: Validate shows its name first; Enter or Add agent checks and adds it. */
export function AddAgentById({ onAdded }: { onAdded: () => void }) {
  const [agentId, setAgentId] = useState("");
  const [name, setName] = useState("");
  const [formatError, setFormatError] = useState<string | null>(null);
  const validate = useValidateAgent();
  const create = useCreateAgent();
  const ids = { agentId: useId(), agentIdError: useId(), name: useId() };

  const validated = validate.data && validate.data.elevenLabsAgentId === agentId.trim() ? validate.data : null;

  /** Checks the id with ElevenLabs; `then` runs with the agent found. */
  function lookUp(then?: (found: { elevenLabsAgentId: string; name: string }) => void) {
    const parsed = agentIdSchema.safeParse(agentId.trim());
    if (!parsed.success) {
      setFormatError(parsed.error.issues[0]?.message ?? "Enter a valid agent id");
      return;
    }
    setFormatError(null);
    create.reset();
    validate.mutate(parsed.data, {
      onSuccess: (agent) => {
        setName(agent.name);
        then?.(agent);
      },
    });
  }

  function add(elevenLabsAgentId: string, displayName?: string) {
    create.mutate(
      { elevenLabsAgentId, name: displayName },
      {
        onSuccess: (agent) => {
          toastSuccess("Agent added", `${agent.name} is being synced. Past calls will appear shortly.`);
          onAdded();
        },
      },
    );
  }

  // Enter in the id field (or Add agent) checks the id and adds it in one go; Validate shows the name first.
  function onSubmit(event: FormEvent) {
    event.preventDefault();
    if (validate.isPending || create.isPending) return;
    if (validated) add(validated.elevenLabsAgentId, name.trim() || undefined);
    else lookUp((found) => add(found.elevenLabsAgentId));
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
          <Button type="button" variant="outline" onClick={() => lookUp()} disabled={!agentId.trim() || validate.isPending}>
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
        {/* Enabled as soon as an id is typed, so Enter in the field submits. */}
        <Button type="submit" disabled={!agentId.trim() || create.isPending || validate.isPending}>
          {create.isPending ? "Adding…" : "Add agent"}
        </Button>
      </DialogFooter>
    </form>
  );
}
