import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Tabs, TabsContent, TabsList, TabsTrigger } from "@/components/ui/tabs";
import { AddAgentById } from "@/features/agents/components/add-agent-by-id";
import { AgentPicker } from "@/features/agents/components/agent-picker";

/** Agents are picked from the connected ElevenLabs account, or pasted by id. */
export function AddAgentDialog() {
  const [open, setOpen] = useState(false);
  const close = () => setOpen(false);

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button>
          <PlusIcon aria-hidden="true" />
          Add agent
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add an agent</DialogTitle>
          <DialogDescription>Tick the agents of your ElevenLabs account to monitor, or paste an agent id. Each is checked with your API key.</DialogDescription>
        </DialogHeader>
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
      </DialogContent>
    </Dialog>
  );
}
