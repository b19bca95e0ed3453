import { useEffect, useRef, useState, type ReactNode } from "react";
import { ChevronDownIcon, ChevronUpIcon, ExternalLinkIcon } from "lucide-react";
import type { CallLogDetail } from "@shared/schemas";
import { CopyButton } from "@/components/copy-button";
import { ErrorState } from "@/components/error-state";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Separator } from "@/components/ui/separator";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle } from "@/components/ui/sheet";
import { Skeleton } from "@/components/ui/skeleton";
import { formatDateTime } from "@/lib/format";
import { callAudioUrl, useCallLog } from "@/features/calls/api";
import { CallAnalysis } from "@/features/calls/components/call-analysis";
import { CallFacts } from "@/features/calls/components/call-facts";
import { CallPlayer, type CallPlayerHandle } from "@/features/calls/components/call-player";
import { Transcript, turnAt } from "@/features/calls/components/transcript";
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

/** ElevenLabs' own page of the conversation. */
export function elevenLabsUrl(conversationId: string): string {
  return `https://elevenlabs.io/app/agents/history/${encodeURIComponent(conversationId)}`;
}

function CallBody({ call }: { call: CallLogDetail }) {
  const player = useRef<CallPlayerHandle>(null);
  const [activeTurn, setActiveTurn] = useState(-1);
  return (
    <div className="grid gap-5 px-4 pb-6">
      <CallFacts call={call} />

      <Section title="Recording">
        <CallPlayer
          ref={player}
          src={call.hasAudio ? callAudioUrl(call.id) : null}
          fileName={`${call.conversationId}.mp3`}
          onTime={(seconds) => setActiveTurn(turnAt(call.transcript, seconds))}
        />
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
        <Transcript turns={call.transcript} activeIndex={activeTurn} onSeek={call.hasAudio ? (s) => player.current?.seek(s) : undefined} />
      </Section>
    </div>
  );
}

/** The calls before and after the open one in the current History list (its filters and page). */
export type CallNeighbors = { newer?: string; older?: string; onOpen: (id: string) => void };

// Keyboard hints only where a keyboard is likely: a wide screen with a fine pointer (not phones or tablets).
const KEY_HINT = "ml-1 hidden text-xs text-muted-foreground md:pointer-fine:inline";

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(el.tagName));
}

/** Side panel with everything about one call. `callId` comes from the URL so a call can be linked to. */
export function CallDetailSheet({ callId, onClose, neighbors }: { callId: string | undefined; onClose: () => void; neighbors?: CallNeighbors }) {
  const call = useCallLog(callId);
  const { newer, older, onOpen } = neighbors ?? {};
  // J: the next (older) call, K: the previous (newer) one, as in mail clients.
  useEffect(() => {
    if (!callId || !onOpen) return;
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || isTyping(event.target)) return;
      if (event.key === "j" && older) onOpen(older);
      else if (event.key === "k" && newer) onOpen(newer);
      else return;
      event.preventDefault();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [callId, newer, older, onOpen]);

  const link = callId ? `${window.location.origin}/history?call=${encodeURIComponent(callId)}` : "";
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
          <div className="flex flex-wrap items-center gap-2 pt-1">
            {onOpen && (
              <>
                <Button variant="outline" size="sm" disabled={!newer} onClick={() => newer && onOpen(newer)} aria-keyshortcuts="k">
                  <ChevronUpIcon aria-hidden="true" />
                  Newer <kbd className={KEY_HINT}>K</kbd>
                </Button>
                <Button variant="outline" size="sm" disabled={!older} onClick={() => older && onOpen(older)} aria-keyshortcuts="j">
                  <ChevronDownIcon aria-hidden="true" />
                  Older <kbd className={KEY_HINT}>J</kbd>
                </Button>
              </>
            )}
            {callId && <CopyButton size="sm" value={link} label="Copy link to this call" successMessage="Link copied" />}
            {call.data && (
              <Button asChild variant="outline" size="sm">
                <a href={elevenLabsUrl(call.data.conversationId)} target="_blank" rel="noreferrer noopener">
                  <ExternalLinkIcon aria-hidden="true" />
                  Open in ElevenLabs
                </a>
              </Button>
            )}
          </div>
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
