import type { ReactNode } from "react";
import { Card, CardContent, CardHeader } from "@/components/ui/card";
import { Skeleton } from "@/components/ui/skeleton";
import { cn } from "@/lib/utils";

export function StatCard({
  label,
  value,
  icon,
  footer,
  className,
}: {
  label: string;
  value: ReactNode;
  icon?: ReactNode;
  footer?: ReactNode;
  className?: string;
}) {
  return (
    <Card className={cn("min-w-0 gap-2 py-4 sm:py-5", className)}>
      <CardHeader className="flex-row items-center justify-between gap-2 px-4 sm:px-5">
        <p className="text-sm font-medium text-muted-foreground">{label}</p>
        {icon && <span className="text-muted-foreground [&_svg]:size-4">{icon}</span>}
      </CardHeader>
      <CardContent className="grid gap-1 px-4 sm:px-5">
        {/* Never wrapped inside a figure: "1,379.12 min" stays on one line (the unit is joined by a no-break space). */}
        <p data-slot="stat-value" className="figure text-xl font-semibold whitespace-nowrap sm:text-2xl">
          {value}
        </p>
        {footer && <div className="text-xs text-muted-foreground">{footer}</div>}
      </CardContent>
    </Card>
  );
}

export function StatCardSkeleton() {
  return (
    <Card className="gap-2" aria-busy="true">
      <CardHeader>
        <Skeleton className="h-4 w-24" />
      </CardHeader>
      <CardContent className="grid gap-2">
        <Skeleton className="h-7 w-20" />
        <Skeleton className="h-3 w-28" />
      </CardContent>
    </Card>
  );
}
