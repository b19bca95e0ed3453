import type { ReactNode } from "react";
import { ArrowLeftIcon, BotIcon, ClockIcon, PhoneIcon, UsersIcon } from "lucide-react";
import { Link, useParams } from "wouter";
import type { AdminOrganizationDetail } from "@shared/schemas";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { StatCard, StatCardSkeleton } from "@/components/stat-card";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { isApiError } from "@/lib/api";
import { useCurrentUser } from "@/lib/auth";
import { sentenceOf, syncErrorInWords } from "@/lib/error-words";
import { deliveryTypeInWords } from "@/lib/event-words";
import { EMPTY, formatDate, formatDateTime, formatMinutes, formatNumber, formatRelative } from "@/lib/format";
import NotFoundPage from "@/routes/not-found";
import { useAdminOrganization } from "@/features/admin/api";

const ROLE_LABELS: Record<string, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };
const INTEGRATION: Record<string, { label: string; variant: BadgeVariant }> = {
  ACTIVE: { label: "Connected", variant: "success" },
  PENDING: { label: "Not tested yet", variant: "warning" },
  ERROR: { label: "Key refused", variant: "destructive" },
};
const CALL_STATUS: Record<string, string> = {
  initiated: "started",
  "in-progress": "in progress",
  processing: "being processed",
  done: "ended",
  failed: "failed to start",
};
const DELIVERY_STATE: Record<string, { label: string; variant: BadgeVariant }> = {
  processed: { label: "Processed", variant: "success" },
  pending: { label: "Waiting", variant: "info" },
  failed: { label: "Failed", variant: "destructive" },
  ignored: { label: "Ignored", variant: "secondary" },
};

function When({ at }: { at: string | null }) {
  if (!at) return <>Never</>;
  return (
    <time dateTime={at} title={formatDateTime(at)}>
      {formatRelative(at)}
    </time>
  );
}

/** A labelled fact in the overview card. */
function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="grid gap-1">
      <dt className="text-xs text-muted-foreground">{label}</dt>
      <dd className="text-sm">{children}</dd>
    </div>
  );
}

function Overview({ org }: { org: AdminOrganizationDetail }) {
  const integration = !org.integration
    ? null
    : org.integration.status === "PENDING" && org.integration.lastTestedAt
      ? { label: "Not verified", variant: "warning" as const }
      : (INTEGRATION[org.integration.status] ?? { label: org.integration.status, variant: "secondary" as const });
  const delivery = org.lastDelivery ? (DELIVERY_STATE[org.lastDelivery.state] ?? { label: org.lastDelivery.state, variant: "secondary" as const }) : null;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Ingestion</CardTitle>
        <CardDescription>What usually explains “my calls are missing”.</CardDescription>
      </CardHeader>
      <CardContent>
        <dl className="grid gap-4 sm:grid-cols-3">
          <Fact label="ElevenLabs key">
            {integration && org.integration ? (
              <span className="grid gap-1">
                <span className="flex flex-wrap items-center gap-2">
                  <Badge variant={integration.variant}>{integration.label}</Badge>
                  {org.integration.keyHint && <code className="text-xs text-muted-foreground">{org.integration.keyHint}</code>}
                </span>
                {org.integration.lastError && <span className="text-xs text-red-700 dark:text-red-300">{sentenceOf(org.integration.lastError)}</span>}
                <span className="text-xs text-muted-foreground">
                  Tested <When at={org.integration.lastTestedAt} />
                </span>
              </span>
            ) : (
              <span className="text-muted-foreground">No key saved</span>
            )}
          </Fact>
          <Fact label="Last call">
            {org.lastCall ? (
              <span className="grid gap-1">
                <When at={org.lastCall.startedAt} />
                <span className="text-xs text-muted-foreground">
                  {org.lastCall.agentName ?? "Unregistered agent"} · {CALL_STATUS[org.lastCall.status] ?? org.lastCall.status}
                </span>
              </span>
            ) : (
              <span className="text-muted-foreground">No calls yet</span>
            )}
          </Fact>
          <Fact label="Last delivery">
            {org.lastDelivery && delivery ? (
              <span className="grid gap-1">
                <span className="flex flex-wrap items-center gap-2">
                  <When at={org.lastDelivery.receivedAt} />
                  <Badge variant={delivery.variant}>{delivery.label}</Badge>
                </span>
                <span className="text-xs text-muted-foreground">
                  {org.lastDelivery.source === "sync" ? "Sync" : "Webhook"}
                  {org.lastDelivery.type ? ` · ${deliveryTypeInWords(org.lastDelivery.type).toLowerCase()}` : ""}
                </span>
                {org.lastDelivery.error && <span className="text-xs break-words text-red-700 dark:text-red-300">{sentenceOf(org.lastDelivery.error)}</span>}
              </span>
            ) : (
              <span className="text-muted-foreground">Nothing received yet</span>
            )}
          </Fact>
        </dl>
      </CardContent>
    </Card>
  );
}

function Members({ members }: { members: AdminOrganizationDetail["members"] }) {
  return (
    <Card className="pb-0">
      <CardHeader>
        <CardTitle>Members</CardTitle>
      </CardHeader>
      <CardContent className="px-0">
        <div className="hidden md:block">
          <Table label="Members">
            <TableHeader>
              <TableRow>
                <TableHead>Name</TableHead>
                <TableHead>Email</TableHead>
                <TableHead>Role</TableHead>
                <TableHead>Joined</TableHead>
                <TableHead>Last sign-in</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {members.map((m) => (
                <TableRow key={m.id}>
                  <TableCell className="font-medium">
                    {m.name ?? EMPTY}
                    {m.isPlatformAdmin && (
                      <Badge variant="info" className="ml-2">
                        Platform admin
                      </Badge>
                    )}
                  </TableCell>
                  <TableCell className="break-words">{m.email}</TableCell>
                  <TableCell>{ROLE_LABELS[m.role] ?? m.role}</TableCell>
                  <TableCell className="whitespace-nowrap">{formatDate(m.createdAt)}</TableCell>
                  <TableCell className="whitespace-nowrap">
                    <When at={m.lastLoginAt} />
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
        <ul aria-label="Members" className="divide-y border-t md:hidden">
          {members.map((m) => (
            <li key={m.id} className="grid gap-0.5 px-4 py-3">
              <span className="font-medium">
                {m.name ?? m.email} <span className="text-sm font-normal text-muted-foreground">· {ROLE_LABELS[m.role] ?? m.role}</span>
              </span>
              {m.name && <span className="text-sm break-all">{m.email}</span>}
              <span className="text-xs text-muted-foreground">
                Last sign-in <When at={m.lastLoginAt} />
              </span>
            </li>
          ))}
        </ul>
      </CardContent>
    </Card>
  );
}

function Agents({ agents }: { agents: AdminOrganizationDetail["agents"] }) {
  return (
    <Card className={agents.length ? "pb-0" : undefined}>
      <CardHeader>
        <CardTitle>Agents</CardTitle>
      </CardHeader>
      <CardContent className={agents.length ? "px-0" : undefined}>
        {agents.length === 0 ? (
          <p className="text-sm text-muted-foreground">No agents registered.</p>
        ) : (
          <ul aria-label="Agents" className="divide-y border-t">
            {agents.map((a) => (
              <li key={a.id} className="grid gap-0.5 px-5 py-3">
                <span className="font-medium">{a.name}</span>
                <code className="text-xs break-all text-muted-foreground">{a.elevenLabsAgentId}</code>
                <span className="text-xs text-muted-foreground">
                  {a.sync.status === "error" ? "Sync failed" : "Last synced"} <When at={a.sync.lastSyncedAt} />
                </span>
                {a.sync.error && <span className="text-xs text-red-700 dark:text-red-300">{syncErrorInWords(a.sync.error)}</span>}
              </li>
            ))}
          </ul>
        )}
      </CardContent>
    </Card>
  );
}

function OrganizationContent({ id }: { id: string }) {
  const organization = useAdminOrganization(id);
  const back = (
    <Button asChild variant="outline">
      <Link href="/admin">
        <ArrowLeftIcon aria-hidden="true" />
        All organizations
      </Link>
    </Button>
  );
  if (organization.isError) {
    if (isApiError(organization.error, "not_found")) return <NotFoundPage embedded />;
    return (
      <>
        <PageHeader title="Organization" actions={back} />
        <ErrorState title="Could not load this organization" error={organization.error} onRetry={() => void organization.refetch()} />
      </>
    );
  }
  const org = organization.data;
  return (
    <>
      <PageHeader title={org?.name ?? "Organization"} description={org ? `Created ${formatDate(org.createdAt)} · ${org.id}` : undefined} actions={back} />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-4" aria-busy={!org}>
        {org ? (
          <>
            <StatCard label="Members" icon={<UsersIcon aria-hidden="true" />} value={formatNumber(org.members.length)} />
            <StatCard label="Agents" icon={<BotIcon aria-hidden="true" />} value={formatNumber(org.agents.length)} />
            <StatCard label="Calls" icon={<PhoneIcon aria-hidden="true" />} value={formatNumber(org.calls)} />
            <StatCard label="Minutes" icon={<ClockIcon aria-hidden="true" />} value={formatMinutes(org.minutes)} />
          </>
        ) : (
          Array.from({ length: 4 }, (_, i) => <StatCardSkeleton key={i} />)
        )}
      </div>
      {org && (
        <>
          <Overview org={org} />
          <div className="grid gap-4">
            <Members members={org.members} />
            <Agents agents={org.agents} />
          </div>
        </>
      )}
    </>
  );
}

/** Platform admins only; everyone else gets the same 404 as any unknown page. */
export default function AdminOrganizationPage() {
  const user = useCurrentUser();
  const { id } = useParams<{ id: string }>();
  if (!user.isPlatformAdmin) return <NotFoundPage embedded />;
  return <OrganizationContent id={id} />;
}
