import { BotIcon } from "lucide-react";
import { Link } from "wouter";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent } from "@/components/ui/card";
import { useCan } from "@/lib/auth";
import { useAgents } from "@/features/agents/api";
import { AddAgentDialog } from "@/features/agents/components/add-agent-dialog";
import { AgentsTable } from "@/features/agents/components/agents-table";

export default function AgentsPage() {
  const canManage = useCan("agents:manage");
  const agents = useAgents();
  const list = agents.data?.data ?? [];

  return (
    <>
      <PageHeader
        title="Agents"
        description="The ElevenLabs agents monitored by your organization."
        // With no agents yet, the empty state carries the one "Add agent" button.
        actions={canManage && list.length > 0 ? <AddAgentDialog /> : undefined}
      />
      {agents.isError ? (
        <ErrorState title="Could not load agents" error={agents.error} onRetry={() => void agents.refetch()} />
      ) : !agents.isPending && list.length === 0 ? (
        <EmptyState
          icon={<BotIcon aria-hidden="true" />}
          title="No agents yet"
          description={
            canManage
              ? "Add an agent by its ElevenLabs id. Connect your ElevenLabs account first if you have not done so."
              : "An admin of your organization can add agents."
          }
        >
          {canManage && <AddAgentDialog />}
          <Button asChild variant="outline">
            <Link href="/integrations">Go to Integrations</Link>
          </Button>
        </EmptyState>
      ) : (
        <Card className="py-0">
          <CardContent className="px-0">
            <AgentsTable agents={list} loading={agents.isPending} />
          </CardContent>
        </Card>
      )}
    </>
  );
}
