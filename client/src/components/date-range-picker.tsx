import { useId } from "react";
import type { DayRange, RangePreset } from "@/lib/date-range";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { toIsoDay } from "@/lib/format";

const LABELS: Record<DayRange["preset"], string> = {
  "7": "Last 7 days",
  "30": "Last 30 days",
  "90": "Last 90 days",
  custom: "Custom range",
};

/** Preset select plus, for a custom range, two date inputs. Changes go to the caller (usually the URL). */
export function DateRangePicker({
  range,
  onChange,
}: {
  range: DayRange;
  onChange: (change: { preset: RangePreset | "custom"; from?: string; to?: string }) => void;
}) {
  const ids = { preset: useId(), from: useId(), to: useId() };
  const today = toIsoDay(new Date());
  return (
    <div className="flex flex-wrap items-end gap-2">
      <div className="grid gap-1.5">
        <Label htmlFor={ids.preset} className="text-xs text-muted-foreground">
          Period
        </Label>
        <Select
          value={range.preset}
          onValueChange={(value) =>
            onChange(value === "custom" ? { preset: "custom", from: range.from, to: range.to } : { preset: value as RangePreset })
          }
        >
          <SelectTrigger id={ids.preset} className="w-40">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            {(Object.keys(LABELS) as DayRange["preset"][]).map((preset) => (
              <SelectItem key={preset} value={preset}>
                {LABELS[preset]}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      {range.preset === "custom" && (
        <>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.from} className="text-xs text-muted-foreground">
              From
            </Label>
            <Input
              id={ids.from}
              type="date"
              className="w-40"
              value={range.from}
              max={range.to}
              onChange={(event) => event.target.value && onChange({ preset: "custom", from: event.target.value, to: range.to })}
            />
          </div>
          <div className="grid gap-1.5">
            <Label htmlFor={ids.to} className="text-xs text-muted-foreground">
              To
            </Label>
            <Input
              id={ids.to}
              type="date"
              className="w-40"
              value={range.to}
              min={range.from}
              max={today}
              onChange={(event) => event.target.value && onChange({ preset: "custom", from: range.from, to: event.target.value })}
            />
          </div>
        </>
      )}
    </div>
  );
}
