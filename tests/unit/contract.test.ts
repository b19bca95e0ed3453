import { describe, expect, it } from "vitest";
import { z } from "zod";
import { agent, analyticsQuery, callLogFilters } from "@shared/schemas";
import { SYNC_STATUSES } from "@shared/constants";
import { parseBound } from "../../server/services/calls/time-range";

const VALUES = [
  "2026-11-03",
  "2026-02-29",
  "2024-02-29",
  "1969-12-31",
  "10000-01-01",
  "2026-11-03T10:00Z",
  "2026-11-03T10:00:00.123456789+05:30",
  "2026-11-03T10:00:00",
  "2026-11-03 10:00:00Z",
  "2026-13-01T00:00:00Z",
  "1960-01-01T00:00:00Z",
  "Nov 3 2026",
  "tomorrow",
  "",
];

function serviceAccepts(value: string): boolean {
  try {
    parseBound(value, "from");
    return value !== "";
  } catch {
    return false;
  }
}

describe("the API contract in shared/", () => {
  it("accepts exactly the from/to values the services accept, with the services' message", () => {
    for (const value of VALUES) {
      const zod = callLogFilters.safeParse({ from: value });
      expect({ value, accepted: zod.success }).toEqual({ value, accepted: serviceAccepts(value) });
      if (!zod.success && value !== "") {
        let serviceMessage = "";
        try {
          parseBound(value, "from");
        } catch (err) {
          serviceMessage = (err as { fields: Record<string, string> }).fields.from;
        }
        expect(zod.error.issues[0].message).toBe(serviceMessage);
      }
      expect(analyticsQuery.safeParse({ to: value }).success).toBe(zod.success);
    }
  });

  it("tells OpenAPI (and so the client) the date formats: a pattern for bounds, date-time for instants, the sync statuses", () => {
    const query = z.toJSONSchema(callLogFilters, { io: "input" }) as { properties: Record<string, { pattern?: string }> };
    expect(query.properties.from.pattern).toBeTruthy();
    const response = z.toJSONSchema(agent, { io: "output" }) as {
      properties: Record<string, { format?: string; properties?: Record<string, { enum?: string[] }> }>;
    };
    expect(response.properties.createdAt.format).toBe("date-time");
    expect(response.properties.sync.properties?.status.enum).toEqual([...SYNC_STATUSES]);
  });
});
