import { AudioLinesIcon } from "lucide-react";
import { Link } from "wouter";
import { cn } from "@/lib/utils";
import { focusRing } from "@/components/ui/button";

export function Brand({ href = "/dashboard", className }: { href?: string; className?: string }) {
  return (
    <Link href={href} className={cn("flex items-center gap-2 rounded-md font-semibold whitespace-nowrap", focusRing, className)}>
      <span className="flex size-8 shrink-0 items-center justify-center rounded-lg bg-primary text-primary-foreground">
        <AudioLinesIcon aria-hidden="true" className="size-4" />
      </span>
      <span>VoiceAI Dashboard</span>
    </Link>
  );
}
