import { PageHeader } from "@/components/page-header";
import { ErrorState } from "@/components/error-state";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCan } from "@/lib/auth";
import { useElevenLabsIntegration } from "@/features/integrations/api";
import { ApiKeyCard } from "@/features/integrations/components/api-key-card";
import { WebhookCard } from "@/features/integrations/components/webhook-card";
import { IngestionHealthCard } from "@/features/integrations/components/ingestion-health-card";

function CardSkeleton() {
  return (
    <Card aria-busy="true">
      <CardHeader>
        <Skeleton className="h-5 w-48" />
        <Skeleton className="h-4 w-full max-w-md" />
      </CardHeader>
      <CardContent className="grid gap-3">
        <Skeleton className="h-9 w-full" />
        <Skeleton className="h-4 w-64" />
      </CardContent>
    </Card>
  );
}

export default function IntegrationsPage() {
  const canManage = useCan("integrations:manage");
  const integration = useElevenLabsIntegration();

  return (
    <>
      <PageHeader title="Integrations" description="Connect your ElevenLabs account so calls flow into the dashboard." />
      {integration.isError ? (
        <ErrorState title="Could not load the integration" error={integration.error} onRetry={() => void integration.refetch()} />
      ) : integration.isPending ? (
        <>
          <CardSkeleton />
          <CardSkeleton />
        </>
      ) : integration.data ? (
        <>
          <ApiKeyCard integration={integration.data} canManage={canManage} />
          <WebhookCard integration={integration.data} canManage={canManage} />
          {canManage && <IngestionHealthCard integration={integration.data} />}
        </>
      ) : (
        <ErrorState title="No ElevenLabs integration was returned" error={null} onRetry={() => void integration.refetch()} />
      )}
    </>
  );
}
