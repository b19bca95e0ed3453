import { forwardRef, useImperativeHandle, useRef, useState } from "react";
import { DownloadIcon, VolumeXIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

const SPEEDS = [1, 1.5, 2] as const;

export type CallPlayerHandle = { seek: (seconds: number) => void };

/**
 * The recording: the browser's player with speed (1x/1.5x/2x) and download. `onTime` reports the position so the
 * transcript can follow. Without a recording, or when it cannot be loaded, a clear "Recording unavailable" instead
 * of a dead 0:00 player.
 */
export const CallPlayer = forwardRef<CallPlayerHandle, { src: string | null; onTime: (seconds: number) => void; fileName: string }>(
  function CallPlayer({ src, onTime, fileName }, ref) {
    const audio = useRef<HTMLAudioElement>(null);
    const [speed, setSpeed] = useState<number>(1);
    const [failed, setFailed] = useState(false);
    useImperativeHandle(ref, () => ({
      seek(seconds: number) {
        const el = audio.current;
        if (!el) return;
        el.currentTime = seconds;
        void el.play().catch(() => {
          // Autoplay can be refused; the position is set and the user can press play.
        });
      },
    }));
    if (!src || failed)
      return (
        <div role="status" className="flex items-center gap-3 rounded-lg border border-dashed px-3 py-3 text-sm text-muted-foreground">
          <VolumeXIcon aria-hidden="true" className="size-5 shrink-0" />
          <div>
            <p className="font-medium text-foreground">Recording unavailable</p>
            <p>{failed ? "The recording could not be loaded from ElevenLabs." : "ElevenLabs kept no audio for this call."}</p>
          </div>
        </div>
      );
    return (
      <div className="grid gap-2">
        <audio
          ref={audio}
          controls
          preload="metadata"
          src={src}
          className="w-full"
          aria-label="Call recording"
          onTimeUpdate={(e) => onTime(e.currentTarget.currentTime)}
          onError={() => setFailed(true)}
          onLoadedMetadata={(e) => (e.currentTarget.playbackRate = speed)}
        >
          Your browser cannot play this recording.
        </audio>
        <div className="flex flex-wrap items-center gap-2">
          <div role="group" aria-label="Playback speed" className="inline-flex rounded-md border">
            {SPEEDS.map((s) => (
              <button
                key={s}
                type="button"
                aria-pressed={speed === s}
                className={cn("px-2.5 py-1 text-xs tabular-nums first:rounded-l-md last:rounded-r-md", speed === s ? "bg-primary text-primary-foreground" : "hover:bg-muted")}
                onClick={() => {
                  setSpeed(s);
                  if (audio.current) audio.current.playbackRate = s;
                }}
              >
                {s}x
              </button>
            ))}
          </div>
          <Button asChild variant="outline" size="sm" className="ml-auto">
            <a href={src} download={fileName}>
              <DownloadIcon aria-hidden="true" />
              Download
            </a>
          </Button>
        </div>
      </div>
    );
  },
);
