import { Skeleton } from "@/components/ui/skeleton";
import { ErrorState } from "@/components/error-state";
import { formatDate } from "@/lib/format";
import { useDigestPreview } from "@/features/alerts/api";

/** The weekly digest as it is mailed (its plain-text part: the HTML part says the same). */
export function DigestPreview() {
  const digest = useDigestPreview();
  if (digest.isError) return <ErrorState title="Could not build the digest" error={digest.error} onRetry={() => void digest.refetch()} />;
  if (!digest.data)
    return (
      <div className="grid gap-2" aria-busy="true">
        <Skeleton className="h-4 w-2/3" />
        <Skeleton className="h-4 w-1/2" />
        <Skeleton className="h-4 w-3/5" />
      </div>
    );
  const lines = digest.data.text.trim().split("\n");
  return (
    <div className="grid gap-2">
      <p className="text-sm text-muted-foreground">
        Week of {formatDate(digest.data.period.from)}, mailed to owners and admins on Monday morning.
      </p>
      <pre className="overflow-x-auto rounded-lg border bg-muted/40 p-4 text-sm whitespace-pre-wrap" data-testid="digest-preview">
        {lines.join("\n")}
      </pre>
    </div>
  );
}
