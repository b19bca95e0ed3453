/** History's column chooser and density toggle, remembered in this browser. */
import { useState } from "react";
import { Columns3Icon, Rows3Icon, Rows4Icon } from "lucide-react";
import { Button } from "@/components/ui/button";
import { DropdownMenu, DropdownMenuCheckboxItem, DropdownMenuContent, DropdownMenuLabel, DropdownMenuSeparator, DropdownMenuTrigger } from "@/components/ui/dropdown-menu";
import { CALL_COLUMNS, DEFAULT_COLUMNS, type CallColumn, type Density } from "@/features/calls/components/calls-table";

const STORAGE_KEY = "history-table";
type Settings = { columns: CallColumn[]; density: Density };

function load(): Settings {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "null") as Partial<Settings> | null;
    const known = new Set<string>(CALL_COLUMNS.map((c) => c.id));
    return {
      columns: Array.isArray(saved?.columns) ? saved.columns.filter((c): c is CallColumn => known.has(c)) : DEFAULT_COLUMNS,
      density: saved?.density === "compact" ? "compact" : "comfortable",
    };
  } catch {
    return { columns: DEFAULT_COLUMNS, density: "comfortable" };
  }
}

export function useTableSettings(): [Settings, (next: Settings) => void] {
  const [settings, setSettings] = useState<Settings>(load);
  return [
    settings,
    (next) => {
      setSettings(next);
      try {
        localStorage.setItem(STORAGE_KEY, JSON.stringify(next));
      } catch {
        // Private windows may refuse storage: the choice lasts for this visit.
      }
    },
  ];
}

export function TableSettings({ settings, onChange }: { settings: Settings; onChange: (next: Settings) => void }) {
  const compact = settings.density === "compact";
  return (
    <div className="flex gap-2">
      <DropdownMenu>
        <DropdownMenuTrigger asChild>
          <Button variant="outline">
            <Columns3Icon aria-hidden="true" />
            Columns
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end">
          <DropdownMenuLabel>Show columns</DropdownMenuLabel>
          <DropdownMenuSeparator />
          {CALL_COLUMNS.map((column) => (
            <DropdownMenuCheckboxItem
              key={column.id}
              checked={settings.columns.includes(column.id)}
              onSelect={(event) => event.preventDefault()}
              onCheckedChange={(checked) =>
                onChange({
                  ...settings,
                  columns: checked ? [...settings.columns, column.id] : settings.columns.filter((c) => c !== column.id),
                })
              }
            >
              {column.label}
            </DropdownMenuCheckboxItem>
          ))}
        </DropdownMenuContent>
      </DropdownMenu>
      <Button variant="outline" aria-pressed={compact} onClick={() => onChange({ ...settings, density: compact ? "comfortable" : "compact" })}>
        {compact ? <Rows4Icon aria-hidden="true" /> : <Rows3Icon aria-hidden="true" />}
        Compact rows
      </Button>
    </div>
  );
}
