import { ROLES, type Role } from "@shared/permissions";
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "@/components/ui/select";
import { ROLE_DESCRIPTIONS, ROLE_LABELS } from "@/features/team/components/role-label";

export function RoleSelect({
  id,
  value,
  onChange,
  label,
  disabled,
  allowOwner = true,
}: {
  id?: string;
  value: Role;
  onChange: (role: Role) => void;
  label?: string;
  disabled?: boolean;
  allowOwner?: boolean;
}) {
  return (
    <Select value={value} onValueChange={(next) => onChange(next as Role)} disabled={disabled}>
      <SelectTrigger id={id} className="w-32" aria-label={label}>
        <SelectValue />
      </SelectTrigger>
      <SelectContent>
        {ROLES.filter((role) => allowOwner || role !== "owner").map((role) => (
          <SelectItem key={role} value={role} title={ROLE_DESCRIPTIONS[role]}>
            {ROLE_LABELS[role]}
          </SelectItem>
        ))}
      </SelectContent>
    </Select>
  );
}
