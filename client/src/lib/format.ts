/**
 * Every number, amount, duration and date the UI shows is formatted here, in the user's locale (from the browser)
 * and the organization's time zone (DESIGN.md §11: the zone analytics count days in, so a call's time, its day in
 * History and the dashboard's day agree for every member, wherever they sit; the browser's zone until the user
 * is loaded). A unit is joined to its number by a no-break space, so
 * "1,379.12 min" never wraps; the pages show figures with tabular digits (the `figure` class in index.css).
 */

const numberFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const decimalFormat = new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 });
const currencyFormat = new Intl.NumberFormat(undefined, { style: "currency", currency: "USD" });
const preciseCurrencyFormat = new Intl.NumberFormat(undefined, {
  style: "currency",
  currency: "USD",
  maximumFractionDigits: 4,
});
const percentFormat = new Intl.NumberFormat(undefined, { style: "percent", maximumFractionDigits: 1 });
const shortDayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", timeZone: "UTC" });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: "long", year: "numeric", timeZone: "UTC" });
const relativeFormat = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export const EMPTY = "—";
/** No-break space between a number and its unit. */
const NBSP = "\u00a0";

export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

let displayZone: string | undefined;
let zoned = zonedFormats(undefined);

function zonedFormats(timeZone: string | undefined) {
  return {
    date: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeZone }),
    dateTime: new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short", timeZone }),
    // en-CA writes YYYY-MM-DD.
    isoDay: new Intl.DateTimeFormat("en-CA", { year: "numeric", month: "2-digit", day: "2-digit", timeZone }),
  };
}

/** The zone every date below is shown and counted in: the organization's (set by the signed-in app shell). */
export function setDisplayTimeZone(timeZone: string): void {
  if (timeZone === displayZone) return;
  try {
    zoned = zonedFormats(timeZone);
    displayZone = timeZone;
  } catch {
    // A zone this browser does not know: keep the browser's own.
  }
}

export function displayTimeZone(): string {
  return displayZone ?? browserTimeZone();
}

export function formatNumber(value: number | null | undefined): string {
  return value == null ? EMPTY : numberFormat.format(value);
}

export function formatDecimal(value: number | null | undefined): string {
  return value == null ? EMPTY : decimalFormat.format(value);
}

export function formatMinutes(value: number | null | undefined): string {
  return value == null ? EMPTY : `${decimalFormat.format(value)}${NBSP}min`;
}

/** A latency, rounded to the millisecond: "1,685 ms" (no-break space: the unit never wraps away from its number). */
export function formatMilliseconds(value: number | null | undefined): string {
  return value == null || !Number.isFinite(value) ? EMPTY : `${numberFormat.format(Math.round(value))}${NBSP}ms`;
}

export function formatCredits(value: number | null | undefined): string {
  return value == null ? EMPTY : `${numberFormat.format(value)}${NBSP}credits`;
}

/** A signed count: 12 -> "+12", -3 -> "−3", 0 -> "0" (with the unit, if any: "+12 calls"). */
export function formatSignedNumber(value: number, unit = "", format: (n: number) => string = (n) => numberFormat.format(n)): string {
  const sign = value > 0 ? "+" : value < 0 ? "\u2212" : "";
  return `${sign}${format(Math.abs(value))}${unit ? `${NBSP}${unit}` : ""}`;
}

/** A change in percentage points, e.g. 0.034 -> "+3.4 pts". */
export function formatPointsChange(fractionDelta: number): string {
  return formatSignedNumber(Math.round(fractionDelta * 1000) / 10, "pts", (n) => decimalFormat.format(n));
}

/** A time zone by name, e.g. "Europe/Berlin (CET)" or just "UTC"; by default the one dates are shown in. */
export function timeZoneLabel(timeZone: string = displayTimeZone(), at: Date = new Date()): string {
  const short = new Intl.DateTimeFormat(undefined, { timeZone, timeZoneName: "short" })
    .formatToParts(at)
    .find((part) => part.type === "timeZoneName")?.value;
  return short && short !== timeZone ? `${timeZone.replaceAll("_", " ")} (${short})` : timeZone.replaceAll("_", " ");
}

export function formatCurrency(value: number | null | undefined, precise = false): string {
  if (value == null) return EMPTY;
  return (precise ? preciseCurrencyFormat : currencyFormat).format(value);
}

export function formatPercent(fraction: number | null | undefined): string {
  return fraction == null ? EMPTY : percentFormat.format(fraction);
}

/** 192 -> "3m 12s", 45 -> "45s", 3725 -> "1h 2m 5s". */
export function formatDuration(totalSeconds: number | null | undefined): string {
  if (totalSeconds == null || !Number.isFinite(totalSeconds)) return EMPTY;
  const seconds = Math.max(0, Math.round(totalSeconds));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${NBSP}${m}m${NBSP}${s}s`;
  if (m > 0) return `${m}m${NBSP}${s}s`;
  return `${s}s`;
}

/** Position in a call: 75.4 -> "01:15". */
export function formatClock(totalSeconds: number | null | undefined): string {
  if (totalSeconds == null || !Number.isFinite(totalSeconds)) return "--:--";
  const seconds = Math.max(0, Math.floor(totalSeconds));
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
}

function toDate(value: string | Date | null | undefined): Date | null {
  if (!value) return null;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDate(value: string | Date | null | undefined): string {
  const date = toDate(value);
  return date ? zoned.date.format(date) : EMPTY;
}

export function formatDateTime(value: string | Date | null | undefined): string {
  const date = toDate(value);
  return date ? zoned.dateTime.format(date) : EMPTY;
}

/** "2026-11-03" (a calendar day, no time zone) -> "Nov 3". */
export function formatDay(isoDay: string): string {
  const date = toDate(`${isoDay}T00:00:00Z`);
  return date ? shortDayFormat.format(date) : isoDay;
}

/** "2026-11" -> "November 2026". */
export function formatMonth(isoMonth: string): string {
  const date = toDate(`${isoMonth}-01T00:00:00Z`);
  return date ? monthFormat.format(date) : isoMonth;
}

export function formatRelative(value: string | Date | null | undefined, now: Date = new Date()): string {
  const date = toDate(value);
  if (!date) return EMPTY;
  const diffSeconds = (date.getTime() - now.getTime()) / 1000;
  const units: [Intl.RelativeTimeFormatUnit, number][] = [
    ["year", 31_536_000],
    ["month", 2_592_000],
    ["day", 86_400],
    ["hour", 3_600],
    ["minute", 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(diffSeconds) >= size) return relativeFormat.format(Math.round(diffSeconds / size), unit);
  }
  return relativeFormat.format(0, "second");
}

/** The calendar day an instant falls on in the display zone, as "YYYY-MM-DD". */
export function toIsoDay(date: Date): string {
  const part = (type: string) => zoned.isoDay.formatToParts(date).find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export function toIsoMonth(date: Date): string {
  return toIsoDay(date).slice(0, 7);
}

/** Shifts a "YYYY-MM-DD" day by whole days, independent of time zones. */
export function addDays(isoDay: string, days: number): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** Days from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000) + 1;
}

export function isIsoDay(value: string | null | undefined): value is string {
  return !!value && /^\d{4}-\d{2}-\d{2}$/.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));
}
