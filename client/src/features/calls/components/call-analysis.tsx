import { useId } from "react";
import { Badge, type BadgeVariant } from "@/components/ui/badge";

/** ElevenLabs' analysis is kept raw (fields appear over time): read the known parts defensively. */
interface CriterionResult {
  id: string;
  result: string;
  rationale: string | null;
}
interface CollectedValue {
  id: string;
  value: string;
  rationale: string | null;
}

function asRecord(value: unknown): Record<string, unknown> | null {
  return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  if (value == null) return null;
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value);
}

export function readAnalysis(analysis: unknown): { criteria: CriterionResult[]; dataCollection: CollectedValue[] } {
  const root = asRecord(analysis);
  const criteria = Object.entries(asRecord(root?.evaluation_criteria_results) ?? {}).map(([key, raw]) => {
    const item = asRecord(raw);
    return { id: text(item?.criteria_id) ?? key, result: text(item?.result) ?? "unknown", rationale: text(item?.rationale) };
  });
  const dataCollection = Object.entries(asRecord(root?.data_collection_results) ?? {}).map(([key, raw]) => {
    const item = asRecord(raw);
    return { id: text(item?.data_collection_id) ?? key, value: text(item?.value) ?? "—", rationale: text(item?.rationale) };
  });
  return { criteria, dataCollection };
}

const RESULT_VARIANT: Record<string, BadgeVariant> = { success: "success", failure: "destructive" };

export function CallAnalysis({ analysis }: { analysis: unknown }) {
  const { criteria, dataCollection } = readAnalysis(analysis);
  const criteriaHeading = useId();
  const dataHeading = useId();
  if (criteria.length === 0 && dataCollection.length === 0) {
    return <p className="text-sm text-muted-foreground">No evaluation criteria or data collection are set up for this agent.</p>;
  }
  return (
    <div className="grid gap-4">
      {criteria.length > 0 && (
        <section className="grid gap-2" aria-labelledby={criteriaHeading}>
          <h4 id={criteriaHeading} className="text-sm font-medium">
            Evaluation criteria
          </h4>
          <ul className="grid gap-2">
            {criteria.map((item) => (
              <li key={item.id} className="rounded-lg border p-3 text-sm">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-medium">{item.id}</span>
                  <Badge variant={RESULT_VARIANT[item.result] ?? "secondary"}>{item.result}</Badge>
                </div>
                {item.rationale && <p className="mt-1 text-muted-foreground">{item.rationale}</p>}
              </li>
            ))}
          </ul>
        </section>
      )}
      {dataCollection.length > 0 && (
        <section className="grid gap-2" aria-labelledby={dataHeading}>
          <h4 id={dataHeading} className="text-sm font-medium">
            Data collected
          </h4>
          <dl className="grid gap-2">
            {dataCollection.map((item) => (
              <div key={item.id} className="rounded-lg border p-3 text-sm">
                <dt className="text-muted-foreground">{item.id}</dt>
                <dd className="font-medium break-words">{item.value}</dd>
                {item.rationale && <dd className="mt-1 text-xs text-muted-foreground">{item.rationale}</dd>}
              </div>
            ))}
          </dl>
        </section>
      )}
    </div>
  );
}
