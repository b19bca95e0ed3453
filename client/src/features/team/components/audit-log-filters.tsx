import { useId } from "react";
import type { TeamMembers } from "@shared/schemas";
import { Label } from "@/components/ui/label";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import type { AuditLogFilters } from "@/features/team/api";

const ALL = "all";

/** The kinds of recorded action, by the prefix of their name. */
export const ACTION_KINDS = [
  { value: "auth", label: "Sign-ins" },
  { value: "agent", label: "Agents" },
  { value: "integration", label: "ElevenLabs key and webhook" },
  { value: "member", label: "Members" },
  { value: "invitation", label: "Invitations" },
  { value: "organization", label: "Organization settings" },
] as const;

export function AuditLogFiltersBar({
  filters,
  members,
  onChange,
}: {
  filters: AuditLogFilters;
  members: TeamMembers["data"];
  onChange: (next: AuditLogFilters) => void;
}) {
  const ids = { kind: useId(), member: useId() };
  return (
    <div className="grid grid-cols-2 gap-3 px-5 sm:flex sm:flex-wrap">
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor={ids.kind} className="text-xs text-muted-foreground">
          What
        </Label>
        <Select value={filters.action ?? ALL} onValueChange={(next) => onChange({ ...filters, action: next === ALL ? undefined : next })}>
          <SelectTrigger id={ids.kind} className="w-full sm:w-56 [&>span]:min-w-0 [&>span]:truncate">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>Everything</SelectItem>
            {ACTION_KINDS.map((kind) => (
              <SelectItem key={kind.value} value={kind.value}>
                {kind.label}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
      <div className="grid min-w-0 gap-1.5">
        <Label htmlFor={ids.member} className="text-xs text-muted-foreground">
          Who
        </Label>
        <Select value={filters.actorUserId ?? ALL} onValueChange={(next) => onChange({ ...filters, actorUserId: next === ALL ? undefined : next })}>
          <SelectTrigger id={ids.member} className="w-full sm:w-56 [&>span]:min-w-0 [&>span]:truncate">
            <SelectValue />
          </SelectTrigger>
          <SelectContent>
            <SelectItem value={ALL}>Anyone</SelectItem>
            {members.map((member) => (
              <SelectItem key={member.id} value={member.id}>
                {member.name || member.email}
              </SelectItem>
            ))}
          </SelectContent>
        </Select>
      </div>
    </div>
  );
}
