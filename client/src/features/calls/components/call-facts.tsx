/** Who called whom, how, in what language, what it cost and how the caller rated it. */
import type { ReactNode } from "react";
import { PhoneIncomingIcon, PhoneOutgoingIcon, StarIcon } from "lucide-react";
import type { CallLogDetail } from "@shared/schemas";
import { formatCredits, formatDuration, formatMilliseconds } from "@/lib/format";
import { CallOutcomeBadge } from "@/features/calls/components/call-outcome-badge";

function Fact({ label, children, wide }: { label: string; children: ReactNode; wide?: boolean }) {
  return (
    <div className={wide ? "col-span-2" : undefined}>
      <dt className="text-muted-foreground">{label}</dt>
      <dd className="font-medium break-words">{children}</dd>
    </div>
  );
}

const languageNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(undefined, { type: "language" }) : null;
function languageName(code: string): string {
  try {
    return languageNames?.of(code) ?? code;
  } catch {
    return code;
  }
}

const ms = formatMilliseconds;

export function CallFacts({ call }: { call: CallLogDetail }) {
  const phone = call.direction !== null || call.externalNumber !== null;
  return (
    <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-3">
      <Fact label="Agent">{call.agentName ?? call.elevenLabsAgentId}</Fact>
      <Fact label="Duration">
        <span className="tabular-nums">{formatDuration(call.durationSeconds)}</span>
      </Fact>
      <Fact label="Outcome">
        <CallOutcomeBadge call={call} />
      </Fact>
      {phone && (
        <Fact label="Direction">
          <span className="inline-flex items-center gap-1">
            {call.direction === "outbound" ? <PhoneOutgoingIcon aria-hidden="true" className="size-4" /> : <PhoneIncomingIcon aria-hidden="true" className="size-4" />}
            {call.direction === "outbound" ? "Outbound" : call.direction === "inbound" ? "Inbound" : "Unknown"}
          </span>
        </Fact>
      )}
      {phone && <Fact label={call.direction === "outbound" ? "Called number" : "Caller"}>{call.externalNumber ?? "—"}</Fact>}
      {phone && <Fact label="Agent number">{call.agentNumber ?? "—"}</Fact>}
      <Fact label="Language">{call.language ? languageName(call.language) : "—"}</Fact>
      <Fact label="Latency (median)">
        <span className="tabular-nums">
          LLM{"\u00a0"}{ms(call.latency.llmTtfbMsP50)} · TTS{"\u00a0"}{ms(call.latency.ttsTtfbMsP50)}
        </span>
      </Fact>
      <Fact label="Version">{call.versionId ? <code className="text-xs">{call.versionId}</code> : "—"}</Fact>
      <Fact label="Credits">
        <span className="tabular-nums">{formatCredits(call.costCredits)}</span>
        {(call.charging.callCredits !== null || call.charging.llmCredits !== null) && (
          <span className="block text-xs font-normal text-muted-foreground tabular-nums">
            call{"\u00a0"}{formatCredits(call.charging.callCredits)} · LLM{"\u00a0"}{formatCredits(call.charging.llmCredits)}
            {call.charging.llmPrice !== null && ` (LLM price\u00a0$${call.charging.llmPrice})`}
          </span>
        )}
      </Fact>
      <Fact label="Feedback" wide>
        {call.feedback.rating === null && !call.feedback.comment ? (
          <span className="font-normal text-muted-foreground">No rating</span>
        ) : (
          <span className="inline-flex flex-wrap items-center gap-2">
            {call.feedback.rating !== null && (
              <span role="img" className="inline-flex items-center gap-0.5" aria-label={`Rated ${call.feedback.rating} of 5`}>
                {Array.from({ length: 5 }, (_, i) => (
                  <StarIcon key={i} aria-hidden="true" className={i < (call.feedback.rating ?? 0) ? "size-4 fill-amber-400 text-amber-500" : "size-4 text-muted-foreground"} />
                ))}
              </span>
            )}
            {call.feedback.comment && <q className="font-normal">{call.feedback.comment}</q>}
          </span>
        )}
      </Fact>
      {call.terminationReason && (
        <Fact label="Ended because" wide>
          {call.terminationReason}
        </Fact>
      )}
      <Fact label="Conversation id" wide>
        <code className="text-xs break-all">{call.conversationId}</code>
      </Fact>
    </dl>
  );
}
