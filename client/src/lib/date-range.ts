/** Date ranges for pages that filter by day: presets (last 7/30/90 days) or custom, read from and written to the URL. */
import { addDays, isIsoDay, toIsoDay } from "@/lib/format";

export const RANGE_PRESETS = ["7", "30", "90"] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface DayRange {
  /** "7" | "30" | "90" | "custom" */
  preset: RangePreset | "custom";
  /** Both included, "YYYY-MM-DD" in the user's time zone. */
  from: string;
  to: string;
}

export function presetRange(preset: RangePreset, today = toIsoDay(new Date())): DayRange {
  return { preset, from: addDays(today, -(Number(preset) - 1)), to: today };
}

/** Reads `range`, `from`, `to`; anything invalid falls back to the default preset. */
export function readDayRange(params: URLSearchParams, fallback: RangePreset = "30"): DayRange {
  const range = params.get("range");
  if (range === "custom") {
    const from = params.get("from");
    const to = params.get("to");
    if (isIsoDay(from) && isIsoDay(to) && from <= to) return { preset: "custom", from, to };
  }
  if ((RANGE_PRESETS as readonly string[]).includes(range ?? "")) return presetRange(range as RangePreset);
  return presetRange(fallback);
}

/** Relative change, or null when there is nothing to compare with. */
export function relativeChange(current: number | null | undefined, previous: number | null | undefined): number | null {
  if (current == null || previous == null || previous === 0) return null;
  return (current - previous) / previous;
}
