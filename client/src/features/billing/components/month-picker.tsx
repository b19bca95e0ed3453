import { useId } from "react";
import { ChevronLeftIcon, ChevronRightIcon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { formatMonth } from "@/lib/format";

export function shiftMonth(month: string, delta: number): string {
  const [year, m] = month.split("-").map(Number);
  const date = new Date(Date.UTC(year, m - 1 + delta, 1));
  return date.toISOString().slice(0, 7);
}

export function MonthPicker({ month, max, onChange }: { month: string; max: string; onChange: (month: string) => void }) {
  const id = useId();
  return (
    <div className="flex items-end gap-2">
      <Button variant="outline" size="icon" aria-label={`Previous month: ${formatMonth(shiftMonth(month, -1))}`} onClick={() => onChange(shiftMonth(month, -1))}>
        <ChevronLeftIcon aria-hidden="true" />
      </Button>
      <div className="grid gap-1.5">
        <Label htmlFor={id} className="text-xs text-muted-foreground">
          Month
        </Label>
        <Input
          id={id}
          type="month"
          className="w-44"
          value={month}
          max={max}
          onChange={(event) => /^\d{4}-\d{2}$/.test(event.target.value) && onChange(event.target.value)}
        />
      </div>
      <Button
        variant="outline"
        size="icon"
        aria-label={`Next month: ${formatMonth(shiftMonth(month, 1))}`}
        disabled={month >= max}
        onClick={() => onChange(shiftMonth(month, 1))}
      >
        <ChevronRightIcon aria-hidden="true" />
      </Button>
    </div>
  );
}
