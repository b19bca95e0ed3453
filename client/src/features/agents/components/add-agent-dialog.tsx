import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { TriggerDialog } from "@/components/trigger-dialog";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { AddAgentById } from "@/features/agents/components/add-agent-by-id";
import { AgentPicker } from "@/features/agents/components/agent-picker";

/** Agents are picked from the connected ElevenLabs account, or pasted by id. */
export function AddAgentDialog() {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);

  return (
    <TriggerDialog
      icon={<PlusIcon aria-hidden="true" />}
      triggerLabel="Add agent"
      title="Add an agent"
      description="Tick the agents of your ElevenLabs account to monitor, or paste an agent id. Each is checked with your API key."
      open={open}
      onOpenChange={setOpen}
    >
      {/* Unmounted when closed (Radix), so every opening starts with a clean form. */}
      <Tabs defaultValue="pick" className="grid gap-4">
        <TabsList className="w-full">
          <TabsTrigger value="pick">From your account</TabsTrigger>
          <TabsTrigger value="id">Paste an id</TabsTrigger>
        </TabsList>
        <TabsContent value="pick">
          <AgentPicker onAdded={close} />
        </TabsContent>
        <TabsContent value="id">
          <AddAgentById onAdded={close} />
        </TabsContent>
      </Tabs>
    </TriggerDialog>
  );
}
