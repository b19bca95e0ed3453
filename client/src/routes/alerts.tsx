import { useState } from "react";
import { PlusIcon } from "lucide-react";
import { ErrorState } from "@/components/error-state";
import { PageHeader } from "@/components/page-header";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { TableSkeletonRows, Table, TableBody } from "@/components/ui/table";
import { useCan } from "@/lib/auth";
import { useAlertChannels, useAlertRules } from "@/features/alerts/api";
import { ChannelsTable } from "@/features/alerts/components/channels-card";
import { DigestPreview } from "@/features/alerts/components/digest-preview";
import { EventsTable } from "@/features/alerts/components/events-table";
import { RuleDialog } from "@/features/alerts/components/rule-dialog";
import { RulesTable } from "@/features/alerts/components/rules-table";

export default function AlertsPage() {
  const canManage = useCan("alerts:manage");
  const rules = useAlertRules();
  const channels = useAlertChannels();
  const [creating, setCreating] = useState(false);
  const channelList = channels.data?.data ?? [];
  const firing = rules.data?.data.filter((r) => r.enabled && r.state === "firing").length ?? 0;

  return (
    <>
      <PageHeader
        title="Alerts"
        description={
          rules.data
            ? firing
              ? `${firing} rule${firing === 1 ? " is" : "s are"} firing now.`
              : "Every rule is quiet."
            : "Rules watch your calls and notify Slack, a webhook or email."
        }
        actions={
          canManage ? (
            <Button onClick={() => setCreating(true)}>
              <PlusIcon aria-hidden="true" />
              New rule
            </Button>
          ) : undefined
        }
      />
      {creating && <RuleDialog open onOpenChange={setCreating} channels={channelList} />}
      <Card className="pb-0">
        <CardHeader>
          <CardTitle>Rules</CardTitle>
          <CardDescription>Each rule fires once when its condition starts and notifies again when it resolves.</CardDescription>
        </CardHeader>
        <CardContent className="px-0">
          {rules.isError ? (
            <ErrorState title="Could not load the rules" error={rules.error} onRetry={() => void rules.refetch()} />
          ) : rules.data ? (
            <RulesTable rules={rules.data.data} channels={channelList} canManage={canManage} />
          ) : (
            <Table label="Alert rules loading">
              <TableBody>
                <TableSkeletonRows columns={5} rows={3} />
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>
      {canManage && (
        <Card className="pb-0">
          <CardHeader>
            <CardTitle>Channels</CardTitle>
            <CardDescription>Where alerts go. Targets are stored encrypted; only a hint is shown.</CardDescription>
          </CardHeader>
          <CardContent className="px-0">
            {channels.isError ? (
              <ErrorState title="Could not load the channels" error={channels.error} onRetry={() => void channels.refetch()} />
            ) : channels.data ? (
              <ChannelsTable channels={channelList} />
            ) : (
              <Table label="Alert channels loading">
                <TableBody>
                  <TableSkeletonRows columns={4} rows={2} />
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      )}
      <Card className="pb-0">
        <CardHeader>
          <CardTitle>Firing history</CardTitle>
          <CardDescription>Newest first, with what each channel answered.</CardDescription>
        </CardHeader>
        <CardContent className="px-0">
          <EventsTable channels={channelList} />
        </CardContent>
      </Card>
      <Card>
        <CardHeader>
          <CardTitle>Weekly digest</CardTitle>
          <CardDescription>Last week against the week before.</CardDescription>
        </CardHeader>
        <CardContent>
          <DigestPreview />
        </CardContent>
      </Card>
    </>
  );
}
