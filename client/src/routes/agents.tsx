import { useId } from "react";
import { BotIcon, PlugIcon } from "lucide-react";
import { Link } from "wouter";
import { EmptyState } from "@/components/empty-state";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Card, CardContent } from "@/components/ui/card";
import { useCan } from "@/lib/auth";
import { useAgents } from "@/features/agents/api";
import { AddAgentDialog } from "@/features/agents/components/add-agent-dialog";
import { AgentsTable } from "@/features/agents/components/agents-table";
import { useElevenLabsIntegration } from "@/features/integrations/api";

/** Shown instead of a Sync now that could only fail. */
function ConnectToSync({ id, canManage }: { id: string; canManage: boolean }) {
  return (
    <Alert>
      <PlugIcon aria-hidden="true" />
      <AlertTitle>Sync is off until ElevenLabs is connected</AlertTitle>
      <AlertDescription id={id}>
        {canManage ? (
          <p>
            Calls are fetched with your organization's ElevenLabs API key.{" "}
            <Link href="/integrations" className="font-medium text-foreground underline underline-offset-4">
              Connect ElevenLabs
            </Link>{" "}
            to turn Sync now on.
          </p>
        ) : (
          <p>Calls are fetched with your organization's ElevenLabs API key. An owner or admin can connect it on the Integrations page.</p>
        )}
      </AlertDescription>
    </Alert>
  );
}

export default function AgentsPage() {
  const canManage = useCan("agents:manage");
  const agents = useAgents();
  const list = agents.data?.data ?? [];
  const integration = useElevenLabsIntegration();
  // Unknown while loading: not blocked, so the buttons do not flicker off and on.
  const keyConnected = integration.data === undefined || (integration.data !== null && integration.data.status !== "NOT_CONFIGURED");
  const hintId = useId();

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
        <>
          {!keyConnected && <ConnectToSync id={hintId} canManage={canManage} />}
          <Card className="py-0">
            <CardContent className="px-0">
              <AgentsTable agents={list} loading={agents.isPending} keyConnected={keyConnected} syncBlockedHint={keyConnected ? undefined : hintId} />
            </CardContent>
          </Card>
        </>
      )}
    </>
  );
}
