/** The one number-format module: units never wrap away from their number, signs and time zones read well. */
import { describe, expect, it } from "vitest";
import { displayTimeZone, formatCredits, formatDate, formatDateTime, formatDuration, formatMinutes, formatPointsChange, formatSignedNumber, setDisplayTimeZone, timeZoneLabel, toIsoDay } from "@/lib/format";

describe("lib/format", () => {
  it("joins units with a no-break space so a figure never wraps", () => {
    expect(formatMinutes(1379.12)).toMatch(/^1,?379\.12\u00a0min$/);
    expect(formatCredits(2500)).toMatch(/^2,?500\u00a0credits$/);
    expect(formatDuration(192)).toBe("3m\u00a012s");
    expect(formatDuration(3725)).toBe("1h\u00a02m\u00a05s");
    expect(formatDuration(45)).toBe("45s");
  });

  it("signs differences with a real minus and keeps the unit", () => {
    expect(formatSignedNumber(12_521, "calls")).toMatch(/^\+12,?521\u00a0calls$/);
    expect(formatSignedNumber(-3, "calls")).toBe("\u22123\u00a0calls");
    expect(formatSignedNumber(0)).toBe("0");
    expect(formatPointsChange(0.034)).toBe("+3.4\u00a0pts");
    expect(formatPointsChange(-0.1)).toBe("\u221210\u00a0pts");
  });

  it("shows dates and calendar days in the organization's zone once it is set", () => {
    // 20:00 UTC on Jan 15 is already Jan 16 in Kolkata (UTC+5:30).
    const late = new Date("2026-01-15T20:00:00Z");
    setDisplayTimeZone("Asia/Kolkata");
    expect(displayTimeZone()).toBe("Asia/Kolkata");
    expect(toIsoDay(late)).toBe("2026-01-16");
    expect(formatDateTime(late)).toMatch(/1:30/);
    expect(timeZoneLabel()).toMatch(/^Asia\/Kolkata/);
    setDisplayTimeZone("America/Los_Angeles");
    expect(toIsoDay(late)).toBe("2026-01-15");
    expect(formatDate(late)).toMatch(/15/);
    setDisplayTimeZone("Not/AZone");
    expect(displayTimeZone()).toBe("America/Los_Angeles");
  });

  it("names the time zone", () => {
    expect(timeZoneLabel("UTC")).toBe("UTC");
    expect(timeZoneLabel("America/New_York", new Date("2026-01-15T12:00:00Z"))).toMatch(/^America\/New York \((EST|GMT-5)\)$/);
  });
});
