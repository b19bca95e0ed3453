import { useId, useState, type FormEvent } from "react";
import { CheckCircle2Icon, PlusIcon } from "lucide-react";
import { Link } from "wouter";
import { elevenLabsAgentId as agentIdSchema } from "@shared/schemas";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
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
import { toastSuccess } from "@/components/ui/use-toast";
import { errorMessage, isApiError } from "@/lib/api";
import { useCreateAgent, useValidateAgent } from "@/features/agents/api";

function AgentError({ error }: { error: unknown }) {
  if (isApiError(error, "integration_required")) {
    return (
      <Alert variant="destructive">
        <AlertTitle>Connect ElevenLabs first</AlertTitle>
        <AlertDescription>
          <p>
            Agents are checked with your ElevenLabs API key.{" "}
            <Link href="/integrations" className="font-medium underline underline-offset-4">
              Set up the integration
            </Link>
            .
          </p>
        </AlertDescription>
      </Alert>
    );
  }
  const message = isApiError(error, "agent_not_found")
    ? "No agent with this id exists in your ElevenLabs account. Check the id in ElevenLabs > Conversational AI > Agents."
    : isApiError(error, "agent_exists")
      ? "This agent is already added."
      : errorMessage(error);
  return (
    <Alert variant="destructive">
      <AlertDescription>{message}</AlertDescription>
    </Alert>
  );
}

export function AddAgentDialog() {
  const [open, setOpen] = useState(false);
  const [agentId, setAgentId] = useState("");
  const [name, setName] = useState("");
  const [formatError, setFormatError] = useState<string | null>(null);
  const validate = useValidateAgent();
  const create = useCreateAgent();
  const ids = { agentId: useId(), agentIdError: useId(), name: useId() };

  const validated = validate.data && validate.data.elevenLabsAgentId === agentId.trim() ? validate.data : null;

  function reset() {
    setAgentId("");
    setName("");
    setFormatError(null);
    validate.reset();
    create.reset();
  }

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
    if (!validated) {
      onValidate();
      return;
    }
    create.mutate(
      { elevenLabsAgentId: validated.elevenLabsAgentId, name: name.trim() || undefined },
      {
        onSuccess: (agent) => {
          toastSuccess("Agent added", `${agent.name} is being synced. Past calls will appear shortly.`);
          setOpen(false);
          reset();
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
        <Button>
          <PlusIcon aria-hidden="true" />
          Add agent
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add an agent</DialogTitle>
          <DialogDescription>
            Paste the agent id from ElevenLabs (Conversational AI &gt; Agents &gt; your agent). We check it with your
            API key before adding it.
          </DialogDescription>
        </DialogHeader>
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
            <Button type="submit" disabled={!validated || create.isPending}>
              {create.isPending ? "Adding…" : "Add agent"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
