import { useId, useState } from "react";
import { SearchIcon } from "lucide-react";
import { Alert, AlertDescription, AlertTitle } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { DialogFooter } from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Skeleton } from "@/components/ui/skeleton";
import { toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { formatNumber } from "@/lib/format";
import { useDebouncedValue } from "@/lib/use-debounced-value";
import { useAddAgents, useAvailableAgents } from "@/features/agents/api";
import { AgentError } from "@/features/agents/components/agent-error";

const plural = (n: number) => `${formatNumber(n)} ${n === 1 ? "agent" : "agents"}`;

/** The agents of the connected ElevenLabs account, searchable, paged, ticked and added in one go. */
export function AgentPicker({ onAdded }: { onAdded: () => void }) {
  const [search, setSearch] = useState("");
  const debounced = useDebouncedValue(search.trim(), 300);
  const [selected, setSelected] = useState<Map<string, string>>(new Map());
  const [progress, setProgress] = useState(0);
  const available = useAvailableAgents(debounced, true);
  const add = useAddAgents();
  const ids = { search: useId(), list: useId() };
  const agents = available.data?.pages.flatMap((page) => page.data) ?? [];
  const failures = add.data?.failed ?? [];

  function toggle(id: string, name: string, on: boolean) {
    setSelected((current) => {
      const next = new Map(current);
      if (on) next.set(id, name);
      else next.delete(id);
      return next;
    });
  }

  function addSelected() {
    setProgress(0);
    add.mutate(
      { ids: [...selected.keys()], onProgress: setProgress },
      {
        onSuccess: ({ added, failed }) => {
          if (added.length > 0) toastSuccess(`${plural(added.length)} added`, "Their past calls are being imported.");
          // Keep what failed ticked, so it can be retried; close when everything went in.
          setSelected((current) => new Map([...current].filter(([id]) => failed.some((f) => f.id === id))));
          if (failed.length === 0) onAdded();
        },
      },
    );
  }

  return (
    <div className="grid gap-4">
      <div className="grid gap-2">
        <Label htmlFor={ids.search}>Search your agents</Label>
        <div className="relative">
          <SearchIcon aria-hidden="true" className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground" />
          <Input id={ids.search} type="search" value={search} onChange={(event) => setSearch(event.target.value)} placeholder="Name" className="pl-9" autoComplete="off" />
        </div>
      </div>
      {available.isError ? (
        <AgentError error={available.error} />
      ) : (
        <div className="max-h-72 overflow-y-auto rounded-lg border" aria-busy={available.isPending}>
          {available.isPending ? (
            <div className="grid gap-2 p-3">
              <Skeleton className="h-6 w-full" />
              <Skeleton className="h-6 w-full" />
              <Skeleton className="h-6 w-2/3" />
            </div>
          ) : agents.length === 0 ? (
            <p className="p-4 text-sm text-muted-foreground">
              {debounced ? `No agent named like “${debounced}” in your ElevenLabs account.` : "Your ElevenLabs account has no agents yet."}
            </p>
          ) : (
            <ul id={ids.list} aria-label="Agents in your ElevenLabs account" className="divide-y">
              {agents.map((agent) => (
                <li key={agent.elevenLabsAgentId}>
                  <label className="flex cursor-pointer items-center gap-3 px-3 py-2.5 text-sm has-disabled:cursor-default">
                    <input
                      type="checkbox"
                      className="size-4 shrink-0 accent-primary"
                      checked={agent.registered || selected.has(agent.elevenLabsAgentId)}
                      disabled={agent.registered || add.isPending}
                      onChange={(event) => toggle(agent.elevenLabsAgentId, agent.name, event.target.checked)}
                    />
                    <span className="grid min-w-0 flex-1">
                      <span className="truncate font-medium">{agent.name}</span>
                      <code className="truncate text-xs text-muted-foreground">{agent.elevenLabsAgentId}</code>
                    </span>
                    {agent.registered && <Badge variant="secondary">Added</Badge>}
                  </label>
                </li>
              ))}
            </ul>
          )}
          {available.hasNextPage && (
            <div className="border-t p-2">
              <Button type="button" variant="ghost" size="sm" className="w-full" onClick={() => void available.fetchNextPage()} disabled={available.isFetchingNextPage}>
                {available.isFetchingNextPage ? "Loading…" : "Load more agents"}
              </Button>
            </div>
          )}
        </div>
      )}
      {failures.length > 0 && (
        <Alert variant="destructive">
          <AlertTitle>{plural(failures.length)} could not be added</AlertTitle>
          <AlertDescription>
            <ul className="list-disc pl-4">
              {failures.map((failure) => (
                <li key={failure.id}>
                  {selected.get(failure.id) ?? failure.id}: {errorMessage(failure.error)}
                </li>
              ))}
            </ul>
          </AlertDescription>
        </Alert>
      )}
      <DialogFooter className="items-center sm:justify-between">
        <p role="status" className="text-sm text-muted-foreground">
          {add.isPending ? `Adding ${formatNumber(progress + 1)} of ${formatNumber(selected.size)}…` : selected.size > 0 ? `${plural(selected.size)} selected` : ""}
        </p>
        <Button type="button" onClick={addSelected} disabled={selected.size === 0 || add.isPending}>
          {add.isPending ? "Adding…" : selected.size > 1 ? `Add ${plural(selected.size)}` : "Add selected agent"}
        </Button>
      </DialogFooter>
    </div>
  );
}
