import type { TranscriptTurn } from "@shared/schemas";
import { formatClock } from "@/lib/format";
import { cn } from "@/lib/utils";
import { focusRing } from "@/components/ui/button";

/** The call as a chat: the agent on the left, the caller on the right; timestamps seek the recording. */
export function Transcript({ turns, onSeek }: { turns: TranscriptTurn[]; onSeek?: (seconds: number) => void }) {
  if (turns.length === 0) return <p className="text-sm text-muted-foreground">No transcript was recorded for this call.</p>;
  return (
    <ol className="grid gap-3" aria-label="Transcript">
      {turns.map((turn, index) => {
        const isAgent = turn.role === "agent";
        const speaker = isAgent ? "Agent" : turn.role === "user" ? "Caller" : turn.role;
        return (
          <li key={index} className={cn("flex flex-col gap-1", isAgent ? "items-start" : "items-end")}>
            <div className="flex items-center gap-2 text-xs text-muted-foreground">
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
            </div>
            <p
              className={cn(
                "max-w-[85%] rounded-2xl px-3 py-2 text-sm whitespace-pre-wrap",
                isAgent ? "rounded-tl-sm bg-muted" : "rounded-tr-sm bg-primary text-primary-foreground",
              )}
            >
              {turn.message ?? <span className="italic opacity-80">(tool call)</span>}
            </p>
          </li>
        );
      })}
    </ol>
  );
}
