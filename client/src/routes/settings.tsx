import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { useCan } from "@/lib/auth";
import { useOrganizationSettings, useRetentionStatus } from "@/features/settings/api";
import { ApiTokensCard } from "@/features/settings/components/api-tokens-card";
import { GovernanceForm } from "@/features/settings/components/governance-form";
import { RetentionStatusCard } from "@/features/settings/components/retention-status-card";

export default function SettingsPage() {
  const settings = useOrganizationSettings();
  const retention = useRetentionStatus();
  const canManage = useCan("organization:manage");
  const canManageTokens = useCan("tokens:manage");

  return (
    <>
      <PageHeader
        title="Settings"
        description={
          canManage
            ? "Your organization's time zone, how long call data is kept, and what is stored at all."
            : "Your organization's data settings. Owners and admins can change them."
        }
      />
      {settings.isError ? (
        <ErrorState title="Could not load the settings" error={settings.error} onRetry={() => void settings.refetch()} />
      ) : settings.data ? (
        <GovernanceForm key={settings.data.id} settings={settings.data} canManage={canManage} />
      ) : (
        <Card aria-busy="true">
          <CardHeader>
            <Skeleton className="h-6 w-40" />
          </CardHeader>
          <CardContent className="grid gap-3">
            <Skeleton className="h-9 w-72" />
            <Skeleton className="h-9 w-full" />
            <Skeleton className="h-9 w-2/3" />
          </CardContent>
        </Card>
      )}
      {retention.isError ? (
        <ErrorState title="Could not load the retention status" error={retention.error} onRetry={() => void retention.refetch()} />
      ) : (
        <RetentionStatusCard status={retention.data} />
      )}
      {canManageTokens && <ApiTokensCard />}
    </>
  );
}
