import { useId, useState, type FormEvent, type ReactNode } from "react";
import { ALERT_METRICS, METRIC_LABELS, STATUS_METRICS, type AlertMetric } from "@shared/alert-constants";
import type { AlertChannel, AlertRule } from "@shared/alert-schemas";
import { Alert, AlertDescription } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Skeleton } from "@/components/ui/skeleton";
import { toastSuccess } from "@/components/ui/use-toast";
import { errorMessage, isApiError } from "@/lib/api";
import { useAgentOptions } from "@/lib/agent-options";
import { formatNumber } from "@/lib/format";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useCreateRule, useRulePreview, useUpdateRule } from "@/features/alerts/api";
import { formatMetric, isRate } from "@/features/alerts/format";

const ALL_AGENTS = "all";

type Draft = {
  name: string;
  metric: AlertMetric;
  criterionId: string;
  agentId: string;
  windowMinutes: string;
  comparator: "above" | "below";
  threshold: string;
  minCalls: string;
  channelIds: string[];
};

function draftOf(rule?: AlertRule): Draft {
  if (!rule) return { name: "", metric: "failure_rate", criterionId: "", agentId: ALL_AGENTS, windowMinutes: "60", comparator: "above", threshold: "20", minCalls: "10", channelIds: [] };
  return {
    name: rule.name,
    metric: rule.metric,
    criterionId: rule.criterionId ?? "",
    agentId: rule.agentId ?? ALL_AGENTS,
    windowMinutes: String(rule.windowMinutes),
    comparator: rule.comparator,
    threshold: String(isRate(rule.metric) ? Math.round(rule.threshold * 10000) / 100 : rule.threshold),
    minCalls: String(rule.minCalls),
    channelIds: rule.channelIds,
  };
}

function Field({ label, htmlFor, hint, error, children }: { label: string; htmlFor: string; hint?: string; error?: string; children: ReactNode }) {
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
      {hint && !error && <p className="text-xs text-muted-foreground">{hint}</p>}
      {error && <p className="text-xs text-destructive">{error}</p>}
    </div>
  );
}

export function RuleDialog({
  open,
  onOpenChange,
  rule,
  channels,
}: {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  rule?: AlertRule;
  channels: AlertChannel[];
}) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(rule));
  const agents = useAgentOptions();
  const create = useCreateRule();
  const update = useUpdateRule();
  const mutation = rule ? update : create;
  const ids = { name: useId(), metric: useId(), criterion: useId(), agent: useId(), window: useId(), comparator: useId(), threshold: useId(), minCalls: useId() };
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  const status = STATUS_METRICS.includes(draft.metric);
  const windowMinutes = Number(draft.windowMinutes);
  const windowOk = Number.isInteger(windowMinutes) && windowMinutes >= 5 && windowMinutes <= 1440;
  const needsCriterion = draft.metric === "criterion_failure_rate";
  const previewInput =
    windowOk && (!needsCriterion || draft.criterionId.trim())
      ? {
          metric: draft.metric,
          windowMinutes,
          agentId: draft.agentId === ALL_AGENTS ? null : draft.agentId,
          criterionId: needsCriterion ? draft.criterionId.trim() : null,
        }
      : null;
  const debounced = useDebouncedValue(previewInput, 400);
  const preview = useRulePreview(debounced);
  const fields = isApiError(mutation.error) ? mutation.error.fields : {};

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const threshold = Number(draft.threshold);
    const body = {
      name: draft.name.trim(),
      metric: draft.metric,
      criterionId: needsCriterion ? draft.criterionId.trim() : null,
      agentId: draft.agentId === ALL_AGENTS ? null : draft.agentId,
      windowMinutes,
      comparator: draft.comparator,
      threshold: isRate(draft.metric) ? threshold / 100 : threshold,
      minCalls: Number(draft.minCalls || 0),
      channelIds: draft.channelIds,
    };
    const done = () => {
      toastSuccess(rule ? "Rule saved" : "Rule created", `${body.name} is being watched.`);
      onOpenChange(false);
    };
    if (rule) update.mutate({ id: rule.id, ...body }, { onSuccess: done });
    else create.mutate({ ...body, enabled: true }, { onSuccess: done });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent className="max-h-[90dvh] overflow-y-auto sm:max-w-xl">
        <DialogHeader>
          <DialogTitle>{rule ? "Edit rule" : "New alert rule"}</DialogTitle>
          <DialogDescription>Fires once when the condition starts and notifies again when it resolves.</DialogDescription>
        </DialogHeader>
        <form onSubmit={onSubmit} noValidate className="grid gap-4">
          <Field label="Name" htmlFor={ids.name} error={fields.name}>
            <Input id={ids.name} value={draft.name} onChange={(e) => set("name", e.target.value)} placeholder="Support line failures" required />
          </Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Metric" htmlFor={ids.metric} error={fields.metric}>
              <Select
                value={draft.metric}
                onValueChange={(v) => {
                  const metric = v as AlertMetric;
                  setDraft((d) => ({ ...d, metric, threshold: isRate(metric) ? "20" : STATUS_METRICS.includes(metric) ? "0" : d.threshold }));
                }}
              >
                <SelectTrigger id={ids.metric}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  {ALERT_METRICS.map((m) => (
                    <SelectItem key={m} value={m}>
                      {METRIC_LABELS[m]}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </Field>
            <Field label="Agent" htmlFor={ids.agent} error={fields.agentId}>
              <Select value={draft.agentId} onValueChange={(v) => set("agentId", v)}>
                <SelectTrigger id={ids.agent}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value={ALL_AGENTS}>All agents</SelectItem>
                  {agents.data?.map((a) => (
                    <SelectItem key={a.id} value={a.id}>
                      {a.name}
                    </SelectItem>
                  ))}
                </SelectContent>
              </Select>
            </Field>
          </div>
          {needsCriterion && (
            <Field label="Evaluation criterion id" htmlFor={ids.criterion} hint="As named in the agent's analysis settings in ElevenLabs." error={fields.criterionId}>
              <Input id={ids.criterion} value={draft.criterionId} onChange={(e) => set("criterionId", e.target.value)} placeholder="resolved" />
            </Field>
          )}
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Condition" htmlFor={ids.comparator}>
              <Select value={draft.comparator} onValueChange={(v) => set("comparator", v as "above" | "below")}>
                <SelectTrigger id={ids.comparator}>
                  <SelectValue />
                </SelectTrigger>
                <SelectContent>
                  <SelectItem value="above">Above</SelectItem>
                  <SelectItem value="below">Below</SelectItem>
                </SelectContent>
              </Select>
            </Field>
            <Field label={isRate(draft.metric) ? "Threshold (%)" : "Threshold"} htmlFor={ids.threshold} error={fields.threshold}>
              <Input id={ids.threshold} inputMode="decimal" value={draft.threshold} onChange={(e) => set("threshold", e.target.value)} />
            </Field>
            {!status && (
              <Field label="Window (minutes)" htmlFor={ids.window} error={fields.windowMinutes ?? (windowOk ? undefined : "5 to 1440 minutes")}>
                <Input id={ids.window} inputMode="numeric" value={draft.windowMinutes} onChange={(e) => set("windowMinutes", e.target.value)} />
              </Field>
            )}
          </div>
          {!status && draft.metric !== "call_volume" && (
            <Field label="Minimum calls" htmlFor={ids.minCalls} hint="Below this many calls in the window the rule keeps its state." error={fields.minCalls}>
              <Input id={ids.minCalls} inputMode="numeric" value={draft.minCalls} onChange={(e) => set("minCalls", e.target.value)} className="sm:w-40" />
            </Field>
          )}
          <fieldset className="grid gap-2">
            <legend className="mb-1 text-sm font-medium">Notify</legend>
            {channels.length === 0 && <p className="text-sm text-muted-foreground">No channels yet: add one below the rules to be notified.</p>}
            {channels.map((c) => (
              <label key={c.id} className="flex items-center gap-2 text-sm">
                <input
                  type="checkbox"
                  className="size-4 accent-primary"
                  checked={draft.channelIds.includes(c.id)}
                  onChange={(e) => set("channelIds", e.target.checked ? [...draft.channelIds, c.id] : draft.channelIds.filter((x) => x !== c.id))}
                />
                {c.name} <span className="text-muted-foreground">({c.type})</span>
              </label>
            ))}
          </fieldset>
          <div className="rounded-lg border bg-muted/40 p-3" aria-live="polite">
            <p className="text-xs font-medium text-muted-foreground">Right now</p>
            {preview.isError ? (
              <p className="text-sm text-destructive">{errorMessage(preview.error)}</p>
            ) : preview.data ? (
              <p className="text-sm" data-testid="rule-preview">
                <span className="text-lg font-semibold tabular-nums">{formatMetric(draft.metric, preview.data.value)}</span>
                {preview.data.calls !== null && <span className="text-muted-foreground"> over {formatNumber(preview.data.calls)} calls in the window</span>}
              </p>
            ) : (
              <Skeleton className="mt-1 h-6 w-40" />
            )}
          </div>
          {mutation.isError && !Object.keys(fields).length && (
            <Alert variant="destructive">
              <AlertDescription>{errorMessage(mutation.error)}</AlertDescription>
            </Alert>
          )}
          <DialogFooter>
            <Button type="button" variant="outline" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={mutation.isPending || !draft.name.trim()}>
              {mutation.isPending ? "Saving…" : rule ? "Save rule" : "Create rule"}
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
