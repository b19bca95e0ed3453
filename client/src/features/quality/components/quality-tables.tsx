/** The Quality page's tables: tools, versions side by side, agents. */
import type { QualityAnalytics } from "@shared/quality-schemas";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { formatCredits, formatNumber, formatPercent } from "@/lib/format";

function ms(value: number | null): string {
  return value === null ? "—" : `${formatNumber(Math.round(value))} ms`;
}

export function ToolsTable({ tools }: { tools: QualityAnalytics["tools"] }) {
  if (tools.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No tool was called in this period.</p>;
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
              {tool.errorRate !== null && tool.errorRate >= 0.05 ? (
                <Badge variant="destructive">{formatPercent(tool.errorRate)}</Badge>
              ) : (
                formatPercent(tool.errorRate)
              )}
            </TableCell>
            <TableCell className="text-right tabular-nums">{ms(tool.p90LatencyMs)}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}

export function VersionsTable({ versions }: { versions: QualityAnalytics["byVersion"] }) {
  if (versions.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No calls in this period.</p>;
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
                {v.versionId ? <code className="text-xs">{v.versionId}</code> : <span className="text-muted-foreground">No version</span>}
                {v.insufficientSample && (
                  <Badge variant="outline" title="Fewer than 30 calls: too few to compare">
                    Insufficient sample
                  </Badge>
                )}
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
  if (agents.length === 0) return <p className="px-5 pb-5 text-sm text-muted-foreground">No calls in this period.</p>;
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
