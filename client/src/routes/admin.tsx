import { useCallback, useEffect, useId, useRef, useState } from "react";
import { BotIcon, Building2Icon, ClockIcon, PhoneIcon, SearchIcon, UsersIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { TableSkeletonRows } from "@/components/ui/table";
import { useCurrentUser } from "@/lib/auth";
import { formatMinutes, formatNumber } from "@/lib/format";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useUrlParams } from "@/lib/url-state";
import NotFoundPage from "@/routes/not-found";
import { useAdminOrganizations, useAdminStats, usePlatformAdmins } from "@/features/admin/api";
import { OrganizationsTable } from "@/features/admin/components/organizations-table";
import { PlatformAdminsTable } from "@/features/admin/components/platform-admins-table";

/** The search box; the search itself lives in the URL (`?q=`), so Back from an organization keeps it. */
function OrganizationSearch({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text.trim(), 300);
  // The last value this box sent: a different `value` came from outside (the back button).
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    if (debounced !== sent.current) {
      sent.current = debounced;
      onSearch(debounced);
    }
  }, [debounced, onSearch]);
  return (
    <div className="grid w-full gap-1.5 sm:max-w-xs">
      <Label htmlFor={id} className="sr-only">
        Search organizations
      </Label>
      <div className="relative">
        <SearchIcon aria-hidden="true" className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" />
        <Input id={id} type="search" className="pl-8" value={text} placeholder="Name or member email" onChange={(e) => setText(e.target.value)} />
      </div>
    </div>
  );
}

function AdminContent() {
  const [params, setParams] = useUrlParams();
  const search = params.get("q")?.trim() ?? "";
  const stats = useAdminStats();
  const organizations = useAdminOrganizations(search);
  const onSearch = useCallback((q: string) => setParams({ q }), [setParams]);
  const admins = usePlatformAdmins();
  return (
    <>
      <PageHeader title="Platform admin" description="Every organization on this installation." />
      {stats.isError ? (
        <ErrorState title="Could not load platform totals" error={stats.error} onRetry={() => void stats.refetch()} />
      ) : (
        <div className="grid grid-cols-2 gap-3 sm:gap-4 lg:grid-cols-5">
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
        <CardHeader className="flex flex-col gap-3 sm:flex-row sm:items-center sm:justify-between">
          <CardTitle>Organizations</CardTitle>
          <OrganizationSearch value={search} onSearch={onSearch} />
        </CardHeader>
        <CardContent className="px-0">
          {organizations.isError ? (
            <div className="px-5 pb-5">
              <ErrorState title="Could not load organizations" error={organizations.error} onRetry={() => void organizations.refetch()} />
            </div>
          ) : organizations.data?.data.length === 0 && search ? (
            <p className="px-5 pb-5 text-sm text-muted-foreground" role="status">
              No organization name or member email contains “{search}”.
            </p>
          ) : organizations.data ? (
            <div aria-busy={organizations.isPlaceholderData}>
              <OrganizationsTable organizations={organizations.data.data} />
            </div>
          ) : (
            <table className="w-full" aria-hidden="true">
              <tbody>
                <TableSkeletonRows columns={6} rows={4} />
              </tbody>
            </table>
          )}
        </CardContent>
      </Card>
      <Card className="pb-0">
        <CardHeader>
          <CardTitle>Platform admins</CardTitle>
        </CardHeader>
        <CardContent className="px-0">
          {admins.isError ? (
            <div className="px-5 pb-5">
              <ErrorState title="Could not load platform admins" error={admins.error} onRetry={() => void admins.refetch()} />
            </div>
          ) : admins.data ? (
            <PlatformAdminsTable admins={admins.data} />
          ) : (
            <table className="w-full" aria-hidden="true">
              <tbody>
                <TableSkeletonRows columns={4} rows={2} />
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
