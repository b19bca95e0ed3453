import { BotIcon, Building2Icon, ClockIcon, PhoneIcon, UsersIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { TableSkeletonRows } from "@/components/ui/table";
import { useCurrentUser } from "@/lib/auth";
import { formatMinutes, formatNumber } from "@/lib/format";
import NotFoundPage from "@/routes/not-found";
import { useAdminOrganizations, useAdminStats } from "@/features/admin/api";
import { OrganizationsTable } from "@/features/admin/components/organizations-table";

function AdminContent() {
  const stats = useAdminStats();
  const organizations = useAdminOrganizations();
  return (
    <>
      <PageHeader title="Platform admin" description="Every organization on this installation." />
      {stats.isError ? (
        <ErrorState title="Could not load platform totals" error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-5">
          {stats.data ? (
            <>
              <StatCard label="Organizations" icon={<Building2Icon aria-hidden="true" />} value={formatNumber(stats.data.organizations)} />
              <StatCard label="Users" icon={<UsersIcon aria-hidden="true" />} value={formatNumber(stats.data.users)} />
              <StatCard label="Agents" icon={<BotIcon aria-hidden="true" />} value={formatNumber(stats.data.agents)} />
              <StatCard label="Calls" icon={<PhoneIcon aria-hidden="true" />} value={formatNumber(stats.data.calls)} />
              <StatCard label="Minutes" icon={<ClockIcon aria-hidden="true" />} value={formatMinutes(stats.data.minutes)} />
            </>
          ) : (
            Array.from({ length: 5 }, (_, i) => <StatCardSkeleton key={i} />)
          )}
        </div>
      )}
      <Card className="pb-0">
        <CardHeader>
          <CardTitle>Organizations</CardTitle>
        </CardHeader>
        <CardContent className="px-0">
          {organizations.isError ? (
            <div className="px-5 pb-5">
              <ErrorState title="Could not load organizations" error={organizations.error} onRetry={() => void organizations.refetch()} />
            </div>
          ) : organizations.data ? (
            <OrganizationsTable organizations={organizations.data.data} />
          ) : (
            <table className="w-full" aria-hidden="true">
              <tbody>
                <TableSkeletonRows columns={6} rows={4} />
              </tbody>
            </table>
          )}
        </CardContent>
      </Card>
    </>
  );
}

/** Platform admins only; everyone else gets the same 404 as any unknown page. */
export default function AdminPage() {
  const user = useCurrentUser();
  if (!user.isPlatformAdmin) return <NotFoundPage embedded />;
  return <AdminContent />;
}
