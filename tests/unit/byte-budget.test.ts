import { describe, expect, it } from "vitest";
import { ByteBudget } from "../../server/services/ingestion/webhook-guard";

describe("ByteBudget (the cap on bytes held by unverified webhook bodies)", () => {
  it("makes a request over the cap wait until others release, and never lets the total pass the cap", async () => {
    const budget = new ByteBudget(100);
    await budget.take(60);
    await budget.take(40);
    let third = false;
    const waiting = budget.take(30).then(() => (third = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(third).toBe(false);
    expect(budget.inUse()).toBe(100);
    budget.release(40);
    await waiting;
    expect(third).toBe(true);
    expect(budget.inUse()).toBe(90);
  });

  it("lets one piece larger than the cap through when nothing else is held (no deadlock)", async () => {
    const budget = new ByteBudget(10);
    await budget.take(64);
    expect(budget.inUse()).toBe(64);
  });
});
