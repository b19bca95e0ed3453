import { useCallback, useEffect, useId, useRef, useState } from "react";
import { SearchIcon, SlidersHorizontalIcon, XIcon } from "lucide-react";
import { CALL_STATUSES } from "@shared/constants";
import { AgentFilter } from "@/components/agent-filter";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { Sheet, SheetContent, SheetDescription, SheetHeader, SheetTitle, SheetTrigger } from "@/components/ui/sheet";
import type { AgentOption } from "@/lib/agent-options";
import { formatNumber } from "@/lib/format";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import type { UrlChanges } from "@/lib/url-state";
import type { CallFilters } from "@/features/calls/api";

const ANY = "any";
const STATUS_LABELS: Record<string, string> = {
  initiated: "Initiated",
  "in-progress": "In progress",
  processing: "Processing",
  done: "Done",
  failed: "Failed",
};
const OUTCOME_LABELS: Record<string, string> = { true: "Successful", false: "Unsuccessful", unknown: "Unknown" };

/** Search box: typing updates the URL after a pause, so every keystroke is not a request. */
function SearchInput({ value, onSearch }: { value: string; onSearch: (q: string) => void }) {
  const id = useId();
  const [text, setText] = useState(value);
  const debounced = useDebouncedValue(text, 350);
  // The last value this box sent: a different `value` came from outside (Clear filters, back button).
  const sent = useRef(value);
  useEffect(() => {
    if (value !== sent.current) {
      sent.current = value;
      setText(value);
    }
  }, [value]);
  useEffect(() => {
    const q = debounced.trim();
    if (q !== sent.current) {
      sent.current = q;
      onSearch(q);
    }
  }, [debounced, onSearch]);
  return (
    <div className="grid min-w-56 flex-1 gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        Search transcripts and summaries
      </Label>
      <div className="relative">
        <SearchIcon aria-hidden="true" className="pointer-events-none absolute top-2.5 left-2.5 size-4 text-muted-foreground" />
        <Input id={id} type="search" className="pl-8" value={text} placeholder="e.g. refund, order A-1" onChange={(e) => setText(e.target.value)} />
      </div>
    </div>
  );
}

function SelectFilter({
  label,
  value,
  options,
  anyLabel,
  onChange,
}: {
  label: string;
  value: string | undefined;
  options: Record<string, string>;
  anyLabel: string;
  onChange: (value: string | undefined) => void;
}) {
  const id = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Select value={value ?? ANY} onValueChange={(next) => onChange(next === ANY ? undefined : next)}>
        <SelectTrigger id={id} className="w-40">
          <SelectValue />
        </SelectTrigger>
        <SelectContent>
          <SelectItem value={ANY}>{anyLabel}</SelectItem>
          {Object.entries(options).map(([key, text]) => (
            <SelectItem key={key} value={key}>
              {text}
            </SelectItem>
          ))}
        </SelectContent>
      </Select>
    </div>
  );
}

function NumberFilter({ label, value, onChange }: { label: string; value: number | undefined; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input id={id} type="number" min={0} inputMode="numeric" className="w-28" value={value ?? ""} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

function TextFilter({
  label,
  value,
  placeholder,
  onChange,
  className = "w-40",
}: {
  label: string;
  value: string | undefined;
  placeholder?: string;
  onChange: (value: string) => void;
  className?: string;
}) {
  const id = useId();
  const [text, setText] = useState(value ?? "");
  const debounced = useDebouncedValue(text, 400);
  const sent = useRef(value ?? "");
  useEffect(() => {
    if ((value ?? "") !== sent.current) {
      sent.current = value ?? "";
      setText(value ?? "");
    }
  }, [value]);
  useEffect(() => {
    const next = debounced.trim();
    if (next !== sent.current) {
      sent.current = next;
      onChange(next);
    }
  }, [debounced, onChange]);
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input id={id} className={className} value={text} placeholder={placeholder} onChange={(e) => setText(e.target.value)} />
    </div>
  );
}

const DIRECTION_LABELS: Record<string, string> = { inbound: "Inbound", outbound: "Outbound" };
const TOOL_ERROR_LABELS: Record<string, string> = { true: "With a tool error" };
const RATING_LABELS: Record<string, string> = { "2": "2 stars or more", "3": "3 stars or more", "4": "4 stars or more", "5": "5 stars" };

function DateFilter({ label, value, onChange }: { label: string; value: string | undefined; onChange: (value: string) => void }) {
  const id = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id} className="text-xs text-muted-foreground">
        {label}
      </Label>
      <Input id={id} type="date" className="w-40" value={value ?? ""} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

const CLEAR_ALL: UrlChanges = {
  q: null,
  agent: null,
  success: null,
  from: null,
  to: null,
  status: null,
  minDuration: null,
  maxDuration: null,
  direction: null,
  toolError: null,
  minRating: null,
  language: null,
  phone: null,
  terminationReason: null,
  versionId: null,
  criterion: null,
};

const { q: _search, ...ALL_BUT_SEARCH } = CLEAR_ALL;

/** The filters behind "More filters" on wider screens: everything but the search, date range, agent and outcome. */
const MORE_FILTERS = [
  "status",
  "minDuration",
  "maxDuration",
  "direction",
  "toolError",
  "minRating",
  "language",
  "phone",
  "terminationReason",
  "versionId",
  "criterion",
] as const satisfies readonly (keyof CallFilters)[];

const CLEAR_MORE: UrlChanges = Object.fromEntries(MORE_FILTERS.map((key) => [key, null]));

function isSet(value: unknown): boolean {
  return value !== undefined && value !== "";
}

/** How many filters other than the search are set: the number on the phone's "Filters (n)" button. */
export function activeFilterCount(filters: CallFilters): number {
  return Object.entries(filters).filter(([key, value]) => key !== "q" && isSet(value)).length;
}

/** How many of the filters behind "More filters" are set. */
export function moreFilterCount(filters: CallFilters): number {
  return MORE_FILTERS.filter((key) => isSet(filters[key])).length;
}

/** The search box alone: inline above the list on phones, where the other filters are in a sheet. */
export function CallSearch({ filters, onChange }: { filters: CallFilters; onChange: (changes: UrlChanges) => void }) {
  const search = useCallback((q: string) => onChange({ q }), [onChange]);
  return (
    <div role="search" aria-label="Search calls" className="flex">
      <SearchInput value={filters.q ?? ""} onSearch={search} />
    </div>
  );
}

/** A button that opens a side sheet of filters, with the number of those set: "Filters (2)", "More filters (1)". */
export function FilterSheet({
  title,
  count,
  matching,
  className,
  children,
}: {
  title: string;
  count: number;
  matching?: number;
  className?: string;
  children: React.ReactNode;
}) {
  return (
    <Sheet>
      <SheetTrigger asChild>
        <Button variant="outline" className={className}>
          <SlidersHorizontalIcon aria-hidden="true" />
          {title}
          {count > 0 && ` (${count})`}
          {count > 0 && <span className="sr-only"> active</span>}
        </Button>
      </SheetTrigger>
      <SheetContent>
        <SheetHeader>
          <SheetTitle>{title}</SheetTitle>
          <SheetDescription>
            {matching === undefined ? "Calls update as you change a filter." : `${formatNumber(matching)} matching ${matching === 1 ? "call" : "calls"}.`}
          </SheetDescription>
        </SheetHeader>
        <div className="px-4 pb-6">{children}</div>
      </SheetContent>
    </Sheet>
  );
}

// In a sheet every field takes its grid cell's width (the bar's fixed widths are for a row of fields).
const SHEET_GRID = "grid grid-cols-2 items-end gap-3 [&_input]:w-full [&_[data-slot=select-trigger]]:w-full [&>*]:min-w-0";

function EssentialFields({ filters, agents, onChange }: { filters: CallFilters; agents: AgentOption[]; onChange: (changes: UrlChanges) => void }) {
  return (
    <>
      <DateFilter label="From" value={filters.from} onChange={(from) => onChange({ from })} />
      <DateFilter label="To" value={filters.to} onChange={(to) => onChange({ to })} />
      <AgentFilter agents={agents} value={filters.agentId} onChange={(agent) => onChange({ agent })} />
      <SelectFilter label="Outcome" anyLabel="Any outcome" value={filters.success} options={OUTCOME_LABELS} onChange={(success) => onChange({ success })} />
    </>
  );
}

function MoreFields({ filters, onChange }: { filters: CallFilters; onChange: (changes: UrlChanges) => void }) {
  const statuses = Object.fromEntries(CALL_STATUSES.map((status) => [status, STATUS_LABELS[status] ?? status]));
  const byText = useCallback((key: string) => (value: string) => onChange({ [key]: value }), [onChange]);
  return (
    <>
      <SelectFilter label="Status" anyLabel="Any status" value={filters.status} options={statuses} onChange={(status) => onChange({ status })} />
      <SelectFilter label="Direction" anyLabel="Any direction" value={filters.direction} options={DIRECTION_LABELS} onChange={(direction) => onChange({ direction })} />
      <NumberFilter label="Min. seconds" value={filters.minDuration} onChange={(minDuration) => onChange({ minDuration })} />
      <NumberFilter label="Max. seconds" value={filters.maxDuration} onChange={(maxDuration) => onChange({ maxDuration })} />
      <SelectFilter label="Tools" anyLabel="Any call" value={filters.toolError} options={TOOL_ERROR_LABELS} onChange={(toolError) => onChange({ toolError })} />
      <SelectFilter
        label="Rating"
        anyLabel="Any rating"
        value={filters.minRating === undefined ? undefined : String(filters.minRating)}
        options={RATING_LABELS}
        onChange={(minRating) => onChange({ minRating })}
      />
      <TextFilter label="Language" value={filters.language} placeholder="e.g. en" className="w-24" onChange={byText("language")} />
      <TextFilter label="Phone number" value={filters.phone} placeholder="+441234567890" onChange={byText("phone")} />
      <TextFilter label="Ended because" value={filters.terminationReason} placeholder="exact reason" onChange={byText("terminationReason")} />
      <TextFilter label="Version" value={filters.versionId} placeholder="version id" onChange={byText("versionId")} />
      <TextFilter label="Criterion" value={filters.criterion} placeholder="resolved:failure" onChange={byText("criterion")} />
    </>
  );
}

/**
 * History's filters. `bar` (tablet width and up): the search, date range, agent and outcome in a row, the rest in a
 * sheet behind "More filters (n)". `sheet`: every field but the search, two to a row, for the phone's filter sheet.
 */
export function CallFiltersBar({
  filters,
  agents,
  onChange,
  matching,
  variant = "bar",
}: {
  filters: CallFilters;
  agents: AgentOption[];
  onChange: (changes: UrlChanges) => void;
  /** How many calls the filters match, said in the sheet. */
  matching?: number;
  variant?: "bar" | "sheet";
}) {
  const search = useCallback((q: string) => onChange({ q }), [onChange]);
  if (variant === "sheet")
    return (
      <div className={SHEET_GRID} role="group" aria-label="Filter calls">
        <EssentialFields filters={filters} agents={agents} onChange={onChange} />
        <MoreFields filters={filters} onChange={onChange} />
        {activeFilterCount(filters) > 0 && (
          <Button variant="outline" className="col-span-2" onClick={() => onChange(ALL_BUT_SEARCH)}>
            <XIcon aria-hidden="true" />
            Clear filters
          </Button>
        )}
      </div>
    );
  const more = moreFilterCount(filters);
  return (
    <div className="flex flex-wrap items-end gap-3" role="search" aria-label="Filter calls">
      <SearchInput value={filters.q ?? ""} onSearch={search} />
      <EssentialFields filters={filters} agents={agents} onChange={onChange} />
      <FilterSheet title="More filters" count={more} matching={matching}>
        <div className={SHEET_GRID}>
          <MoreFields filters={filters} onChange={onChange} />
          {more > 0 && (
            <Button variant="outline" className="col-span-2" onClick={() => onChange(CLEAR_MORE)}>
              <XIcon aria-hidden="true" />
              Clear these filters
            </Button>
          )}
        </div>
      </FilterSheet>
      {Object.values(filters).some(isSet) && (
        <Button variant="ghost" onClick={() => onChange(CLEAR_ALL)}>
          <XIcon aria-hidden="true" />
          Clear filters
        </Button>
      )}
    </div>
  );
}
