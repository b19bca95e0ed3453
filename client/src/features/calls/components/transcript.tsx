import { useEffect, useRef } from "react";
import { AlertTriangleIcon, WrenchIcon } from "lucide-react";
import type { TranscriptTurn } from "@shared/schemas";
import { Badge } from "@/components/ui/badge";
import { focusRing } from "@/components/ui/button";
import { formatClock, formatMilliseconds } from "@/lib/format";
import { cn } from "@/lib/utils";

/** An agent turn whose LLM took this long to start answering is marked slow. */
export const SLOW_TURN_MS = 1500;

const ms = formatMilliseconds;

function json(value: unknown): string {
  if (typeof value === "string") {
    try {
      return JSON.stringify(JSON.parse(value), null, 2);
    } catch {
      return value;
    }
  }
  return JSON.stringify(value, null, 2);
}

/** A tool call and, when it came back, its result: collapsed to one line, open for params, result and latency. */
function ToolCard({ call, result }: { call?: TranscriptTurn["toolCalls"][number]; result?: TranscriptTurn["toolResults"][number] }) {
  const name = call?.name ?? result?.name ?? "tool";
  return (
    <details className={cn("group w-full max-w-[85%] rounded-lg border bg-card text-sm", result?.isError && "border-destructive/60")}>
      <summary className={cn("flex cursor-pointer list-none items-center gap-2 rounded-lg px-3 py-2", focusRing)}>
        <WrenchIcon aria-hidden="true" className="size-4 shrink-0 text-muted-foreground" />
        <code className="truncate text-xs font-medium">{name}</code>
        {result?.isError && (
          <Badge variant="destructive">
            <AlertTriangleIcon aria-hidden="true" className="size-3" />
            Error
          </Badge>
        )}
        {result?.latencyMs != null && <span className="ml-auto text-xs tabular-nums text-muted-foreground">{ms(result.latencyMs)}</span>}
        <span className="sr-only">{call && !result ? "tool call" : "tool result"}, show details</span>
      </summary>
      <div className="grid gap-2 border-t px-3 py-2">
        {call && (
          <div>
            <p className="text-xs font-medium text-muted-foreground">Parameters</p>
            <pre className="overflow-x-auto rounded bg-muted p-2 text-xs">{json(call.params)}</pre>
          </div>
        )}
        {result && (
          <div>
            <p className="text-xs font-medium text-muted-foreground">{result.isError ? "Error returned" : "Result"}</p>
            <pre className="overflow-x-auto rounded bg-muted p-2 text-xs">{result.result === null ? "(empty)" : json(result.result)}</pre>
          </div>
        )}
      </div>
    </details>
  );
}

function LatencyChip({ turn }: { turn: TranscriptTurn }) {
  const llm = turn.metrics.llmTtfbMs;
  if (llm === null) return null;
  const slow = llm >= SLOW_TURN_MS;
  const tts = turn.metrics.ttsTtfbMs;
  return (
    <Badge
      variant={slow ? "warning" : "secondary"}
      className="tabular-nums"
      title={`LLM first byte ${ms(llm)}${tts !== null ? `, TTS first byte ${ms(tts)}` : ""}`}
    >
      {slow && <span>Slow ·</span>}
      {ms(llm)}
    </Badge>
  );
}

/**
 * The call as a chat: the agent on the left, the caller on the right. Timestamps seek the recording; `activeIndex`
 * (the turn being played) is highlighted and scrolled into view, so the transcript follows playback.
 */
export function Transcript({
  turns,
  onSeek,
  activeIndex = -1,
}: {
  turns: TranscriptTurn[];
  onSeek?: (seconds: number) => void;
  activeIndex?: number;
}) {
  const active = useRef<HTMLLIElement>(null);
  useEffect(() => {
    if (activeIndex >= 0) active.current?.scrollIntoView?.({ block: "nearest", behavior: "smooth" });
  }, [activeIndex]);
  if (turns.length === 0) return <p className="text-sm text-muted-foreground">No transcript was recorded for this call.</p>;
  // Results pair with their calls by request order: a call's card shows its result when it came back.
  const pending: TranscriptTurn["toolCalls"] = [];
  return (
    <ol className="grid gap-3" aria-label="Transcript">
      {turns.map((turn, index) => {
        const isAgent = turn.role === "agent";
        const speaker = isAgent ? "Agent" : turn.role === "user" ? "Caller" : turn.role;
        const isActive = index === activeIndex;
        pending.push(...turn.toolCalls);
        const cards = [
          ...turn.toolResults.map((result) => {
            const at = pending.findIndex((c) => c.name === result.name);
            const call = at >= 0 ? pending.splice(at, 1)[0] : undefined;
            // A call made in an earlier turn already has its card there; this one shows what came back.
            return { call: call && turn.toolCalls.includes(call) ? call : undefined, result };
          }),
        ];
        const openCalls = turn.toolCalls.filter((c) => pending.includes(c));
        return (
          <li
            key={index}
            ref={isActive ? active : undefined}
            aria-current={isActive ? "true" : undefined}
            className={cn("flex flex-col gap-1 rounded-lg transition-colors", isAgent ? "items-start" : "items-end", isActive && "bg-accent/60 p-1")}
          >
            <div className="flex flex-wrap items-center gap-2 text-xs text-muted-foreground">
              <span className="font-medium">{speaker}</span>
              {turn.timeInCallSecs != null &&
                (onSeek ? (
                  <button
                    type="button"
                    className={cn("rounded-sm tabular-nums underline-offset-2 hover:underline", focusRing)}
                    onClick={() => onSeek(turn.timeInCallSecs ?? 0)}
                    aria-label={`Play from ${formatClock(turn.timeInCallSecs)}`}
                  >
                    {formatClock(turn.timeInCallSecs)}
                  </button>
                ) : (
                  <span className="tabular-nums">{formatClock(turn.timeInCallSecs)}</span>
                ))}
              {isAgent && <LatencyChip turn={turn} />}
              {turn.interrupted && <Badge variant="outline">Interrupted</Badge>}
            </div>
            {turn.message !== null && (
              <p
                className={cn(
                  "max-w-[85%] rounded-2xl px-3 py-2 text-sm whitespace-pre-wrap",
                  isAgent ? "rounded-tl-sm bg-muted" : "rounded-tr-sm bg-primary text-primary-foreground",
                )}
              >
                {turn.message}
              </p>
            )}
            {openCalls.map((call, i) => (
              <ToolCard key={`call-${i}`} call={call} />
            ))}
            {cards.map((card, i) => (
              <ToolCard key={`result-${i}`} call={card.call} result={card.result} />
            ))}
            {turn.message === null && openCalls.length === 0 && cards.length === 0 && (
              <p className="text-sm text-muted-foreground italic">(no message)</p>
            )}
          </li>
        );
      })}
    </ol>
  );
}

/** The turn being heard at `seconds`: the last one that started at or before it. */
export function turnAt(turns: TranscriptTurn[], seconds: number): number {
  let index = -1;
  for (const [i, turn] of turns.entries()) if (turn.timeInCallSecs !== null && turn.timeInCallSecs <= seconds) index = i;
  return index;
}
