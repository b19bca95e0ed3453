/** A write-only secret (an API key, a webhook secret): a password field, its save button and a hint under them. */
import { useId, type FormEvent, type ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

export function SecretForm({
  formLabel,
  label,
  value,
  onValueChange,
  onSave,
  placeholder,
  hint,
  disabled = false,
  saving,
  saveLabel,
  savingLabel,
  children,
}: {
  /** The form's accessible name. */
  formLabel: string;
  label: string;
  value: string;
  onValueChange: (value: string) => void;
  /** Called with the trimmed value, never with an empty one. */
  onSave: (value: string) => void;
  placeholder: string;
  hint: ReactNode;
  disabled?: boolean;
  saving: boolean;
  saveLabel: string;
  savingLabel: string;
  /** Shown under the hint (the answer to the last save, for instance). */
  children?: ReactNode;
}) {
  const inputId = useId();
  const hintId = useId();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const trimmed = value.trim();
    if (trimmed) onSave(trimmed);
  }

  return (
    <form onSubmit={onSubmit} className="grid gap-2" aria-label={formLabel}>
      <Label htmlFor={inputId}>{label}</Label>
      <div className="flex flex-col gap-2 sm:flex-row">
        <Input
          id={inputId}
          type="password"
          value={value}
          autoComplete="off"
          spellCheck={false}
          placeholder={placeholder}
          aria-describedby={hintId}
          disabled={disabled}
          onChange={(event) => onValueChange(event.target.value)}
        />
        <Button type="submit" disabled={!value.trim() || saving || disabled}>
          {saving ? savingLabel : saveLabel}
        </Button>
      </div>
      <p id={hintId} className="text-sm text-muted-foreground">
        {hint}
      </p>
      {children}
    </form>
  );
}
