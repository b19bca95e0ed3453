/**
 * The Quality page's tables: tools, versions side by side, agents. On phones each is a list of rows (the name, then
 * its figures, labelled and wrapping), so nothing needs sideways scrolling.
 */
import type { ReactNode } from "react";
import type { QualityAnalytics } from "@shared/quality-schemas";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCredits, formatMilliseconds, formatNumber, formatPercent } from "@/lib/format";
import { useMediaQuery, WIDE } from "@/lib/use-media-query";

const ms = formatMilliseconds;

type Figure = { label: string; value: ReactNode };

/** A phone's row: what it is on the first line, its figures below, each with its label. */
function RowList({ label, rows }: { label: string; rows: { key: string; title: ReactNode; figures: Figure[] }[] }) {
  return (
    <ul aria-label={label} className="divide-y border-t">
      {rows.map((row) => (
        <li key={row.key} className="grid gap-1.5 px-4 py-3">
          <div className="flex min-w-0 flex-wrap items-center gap-2 font-medium [&_code]:break-all">{row.title}</div>
          <dl className="flex flex-wrap gap-x-5 gap-y-1 text-sm">
            {row.figures.map((figure) => (
              <div key={figure.label} className="grid">
                <dt className="text-xs text-muted-foreground">{figure.label}</dt>
                <dd className="tabular-nums">{figure.value}</dd>
              </div>
            ))}
          </dl>
        </li>
      ))}
    </ul>
  );
}

function ErrorRate({ rate }: { rate: number | null }) {
  return rate !== null && rate >= 0.05 ? <Badge variant="destructive">{formatPercent(rate)}</Badge> : <>{formatPercent(rate)}</>;
}

function VersionName({ version }: { version: QualityAnalytics["byVersion"][number] }) {
  return (
    <>
      {version.versionId ? <code className="text-xs">{version.versionId}</code> : <span className="text-muted-foreground">No version</span>}
      {version.insufficientSample && (
        <Badge variant="outline" title="Fewer than 30 calls: too few to compare">
          Insufficient sample
        </Badge>
      )}
    </>
  );
}

export function ToolsTable({ tools }: { tools: QualityAnalytics["tools"] }) {
  const wide = useMediaQuery(WIDE);
  if (tools.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No tool was called in this period.</p>;
  if (!wide)
    return (
      <RowList
        label="Tools"
        rows={tools.map((tool) => ({
          key: tool.name,
          title: <code className="text-xs">{tool.name}</code>,
          figures: [
            { label: "Calls", value: formatNumber(tool.calls) },
            { label: "Errors", value: formatNumber(tool.errors) },
            { label: "Error rate", value: <ErrorRate rate={tool.errorRate} /> },
            { label: "p90 latency", value: ms(tool.p90LatencyMs) },
          ],
        }))}
      />
    );
  return (
    <Table label="Tools">
      <TableHeader>
        <TableRow>
          <TableHead>Tool</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Errors</TableHead>
          <TableHead className="text-right">Error rate</TableHead>
          <TableHead className="text-right">p90 latency</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {tools.map((tool) => (
          <TableRow key={tool.name}>
            <TableCell>
              <code className="text-xs">{tool.name}</code>
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(tool.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(tool.errors)}</TableCell>
            <TableCell className="text-right tabular-nums">
              <ErrorRate rate={tool.errorRate} />
            </TableCell>
            <TableCell className="text-right tabular-nums">{ms(tool.p90LatencyMs)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function VersionsTable({ versions }: { versions: QualityAnalytics["byVersion"] }) {
  const wide = useMediaQuery(WIDE);
  if (versions.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No calls in this period.</p>;
  if (!wide)
    return (
      <RowList
        label="Versions"
        rows={versions.map((v) => ({
          key: v.versionId ?? "none",
          title: <VersionName version={v} />,
          figures: [
            { label: "Calls", value: formatNumber(v.calls) },
            { label: "Success rate", value: formatPercent(v.successRate) },
            { label: "LLM TTFB p90", value: ms(v.llmTtfbP90Ms) },
            { label: "Credits per successful call", value: formatCredits(v.creditsPerSuccessfulCall) },
          ],
        }))}
      />
    );
  return (
    <Table label="Versions">
      <TableHeader>
        <TableRow>
          <TableHead>Version</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">Success rate</TableHead>
          <TableHead className="text-right">LLM TTFB p90</TableHead>
          <TableHead className="text-right">Credits per successful call</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {versions.map((v) => (
          <TableRow key={v.versionId ?? "none"}>
            <TableCell>
              <div className="flex flex-wrap items-center gap-2">
                <VersionName version={v} />
              </div>
            </TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(v.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatPercent(v.successRate)}</TableCell>
            <TableCell className="text-right tabular-nums">{ms(v.llmTtfbP90Ms)}</TableCell>
            <TableCell className="text-right tabular-nums">{formatCredits(v.creditsPerSuccessfulCall)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function AgentsQualityTable({ agents }: { agents: QualityAnalytics["byAgent"] }) {
  const wide = useMediaQuery(WIDE);
  if (agents.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No calls in this period.</p>;
  if (!wide)
    return (
      <RowList
        label="Latency by agent"
        rows={agents.map((a) => ({
          key: a.elevenLabsAgentId,
          title: a.name ?? <code className="text-xs">{a.elevenLabsAgentId}</code>,
          figures: [
            { label: "Calls", value: formatNumber(a.calls) },
            { label: "LLM TTFB p90", value: ms(a.llmTtfbP90Ms) },
            { label: "TTS TTFB p90", value: ms(a.ttsTtfbP90Ms) },
          ],
        }))}
      />
    );
  return (
    <Table label="Latency by agent">
      <TableHeader>
        <TableRow>
          <TableHead>Agent</TableHead>
          <TableHead className="text-right">Calls</TableHead>
          <TableHead className="text-right">LLM TTFB p90</TableHead>
          <TableHead className="text-right">TTS TTFB p90</TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {agents.map((a) => (
          <TableRow key={a.elevenLabsAgentId}>
            <TableCell className="max-w-48 truncate">{a.name ?? <code className="text-xs">{a.elevenLabsAgentId}</code>}</TableCell>
            <TableCell className="text-right tabular-nums">{formatNumber(a.calls)}</TableCell>
            <TableCell className="text-right tabular-nums">{ms(a.llmTtfbP90Ms)}</TableCell>
            <TableCell className="text-right tabular-nums">{ms(a.ttsTtfbP90Ms)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
