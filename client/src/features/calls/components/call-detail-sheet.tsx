import { useRef, type ReactNode } from "react";
import type { CallLogDetail } from "@shared/schemas";
import { ErrorState } from "@/components/error-state";
import { Badge } from "@/components/ui/badge";
import { Separator } from "@/components/ui/separator";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { formatCredits, formatDateTime, formatDuration } from "@/lib/format";
import { callAudioUrl, useCallLog } from "@/features/calls/api";
import { CallAnalysis } from "@/features/calls/components/call-analysis";
import { CallOutcomeBadge } from "@/features/calls/components/call-outcome-badge";
import { Transcript } from "@/features/calls/components/transcript";
import { useCan } from "@/lib/auth";
import { DeleteCallButton } from "@/features/calls/components/delete-call-button";

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section className="grid gap-2">
      <h3 className="text-sm font-semibold">{title}</h3>
      {children}
    </section>
  );
}

function CallBody({ call }: { call: CallLogDetail }) {
  const audioRef = useRef<HTMLAudioElement>(null);
  const seek = (seconds: number) => {
    const audio = audioRef.current;
    if (!audio) return;
    audio.currentTime = seconds;
    void audio.play().catch(() => {
      // Autoplay can be refused; the position is set and the user can press play.
    });
  };

  return (
    <div className="grid gap-5 px-4 pb-6">
      <dl className="grid grid-cols-2 gap-3 text-sm">
        <div>
          <dt className="text-muted-foreground">Agent</dt>
          <dd className="font-medium">{call.agentName ?? call.elevenLabsAgentId}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Duration</dt>
          <dd className="font-medium tabular-nums">{formatDuration(call.durationSeconds)}</dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Outcome</dt>
          <dd>
            <CallOutcomeBadge call={call} />
          </dd>
        </div>
        <div>
          <dt className="text-muted-foreground">Cost</dt>
          <dd className="font-medium tabular-nums">{formatCredits(call.costCredits)}</dd>
        </div>
        {call.terminationReason && (
          <div className="col-span-2">
            <dt className="text-muted-foreground">Ended because</dt>
            <dd>{call.terminationReason}</dd>
          </div>
        )}
        <div className="col-span-2">
          <dt className="text-muted-foreground">Conversation id</dt>
          <dd>
            <code className="text-xs break-all">{call.conversationId}</code>
          </dd>
        </div>
      </dl>

      <Section title="Recording">
        {call.hasAudio ? (
          <audio ref={audioRef} controls preload="metadata" src={callAudioUrl(call.id)} className="w-full" aria-label="Call recording">
            Your browser cannot play this recording.
          </audio>
        ) : (
          <p className="text-sm text-muted-foreground">No recording is available for this call.</p>
        )}
      </Section>

      <Section title="Summary">
        <p className="text-sm leading-relaxed whitespace-pre-wrap">{call.summary ?? "No summary yet."}</p>
      </Section>

      <Separator />
      <Section title="Analysis">
        <CallAnalysis analysis={call.analysis} />
      </Section>

      <Separator />
      <Section title="Transcript">
        <Transcript turns={call.transcript} onSeek={call.hasAudio ? seek : undefined} />
      </Section>
    </div>
  );
}

/** Side panel with everything about one call. `callId` comes from the URL so a call can be linked to. */
export function CallDetailSheet({ callId, onClose }: { callId: string | undefined; onClose: () => void }) {
  const call = useCallLog(callId);
  const canDelete = useCan("calls:delete");
  return (
    <Sheet open={!!callId} onOpenChange={(open) => !open && onClose()}>
      <SheetContent side="right" className="sm:max-w-2xl">
        <SheetHeader>
          <SheetTitle>{call.data?.summaryTitle ?? (call.isPending ? "Loading call…" : "Call")}</SheetTitle>
          <SheetDescription>
            {call.data ? (
              <>
                {formatDateTime(call.data.startedAt)}
                {call.data.status !== "done" && (
                  <Badge variant="outline" className="ml-2">
                    {call.data.status}
                  </Badge>
                )}
              </>
            ) : (
              "Details of the call"
            )}
          </SheetDescription>
        </SheetHeader>
        {call.isError ? (
          <div className="px-4">
            <ErrorState title="Could not load this call" error={call.error} onRetry={() => void call.refetch()} />
          </div>
        ) : call.data ? (
          <>
            <CallBody key={call.data.id} call={call.data} />
            {canDelete && (
              <div className="flex justify-end px-4 pb-4">
                <DeleteCallButton callId={call.data.id} onDeleted={onClose} />
              </div>
            )}
          </>
        ) : (
          <div className="grid gap-3 px-4" aria-busy="true">
            <Skeleton className="h-16 w-full" />
            <Skeleton className="h-10 w-full" />
            <Skeleton className="h-24 w-full" />
            <Skeleton className="h-48 w-full" />
          </div>
        )}
      </SheetContent>
    </Sheet>
  );
}
