import { useId, useMemo, useState, type FormEvent, type ReactNode } from "react";
import type { OrganizationSettings } from "@shared/schemas";
import { REDACTION_KINDS } from "@shared/constants";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardFooter, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage, isApiError } from "@/lib/api";
import { useUpdateSettings, type SettingsPatch } from "@/features/settings/api";

const KIND_LABELS: Record<(typeof REDACTION_KINDS)[number], string> = {
  email: "Email addresses",
  phone: "Phone numbers",
  card: "Card numbers (Luhn-checked)",
  ssn: "US Social Security numbers",
  iban: "IBANs",
};

type Draft = {
  timeZone: string;
  callsDays: string;
  audioDays: string;
  rawEventsDays: string;
  redactionEnabled: boolean;
  kinds: string[];
  storeAudio: boolean;
  maskPhoneNumbers: boolean;
  weeklyDigest: boolean;
};

function draftOf(s: OrganizationSettings): Draft {
  const days = (n: number | null) => (n === null ? "" : String(n));
  return {
    timeZone: s.timeZone,
    callsDays: days(s.retention.callsDays),
    audioDays: days(s.retention.audioDays),
    rawEventsDays: days(s.retention.rawEventsDays),
    redactionEnabled: s.redaction.enabled,
    kinds: s.redaction.kinds,
    storeAudio: s.storeAudio,
    maskPhoneNumbers: s.maskPhoneNumbers,
    weeklyDigest: s.weeklyDigest,
  };
}

/** "" = keep forever; otherwise whole days from 1 to 3650. */
function parseDays(value: string): number | null | "invalid" {
  if (value.trim() === "") return null;
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= 3650 ? n : "invalid";
}

function zones(): string[] {
  const intl = Intl as unknown as { supportedValuesOf?: (key: string) => string[] };
  return intl.supportedValuesOf ? ["UTC", ...intl.supportedValuesOf("timeZone")] : ["UTC"];
}

function Check({ label, hint, checked, disabled, onChange }: { label: string; hint?: ReactNode; checked: boolean; disabled: boolean; onChange: (v: boolean) => void }) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <input id={id} type="checkbox" className="mt-1 size-4 accent-primary" checked={checked} disabled={disabled} onChange={(e) => onChange(e.target.checked)} />
      <div className="grid gap-0.5">
        <Label htmlFor={id}>{label}</Label>
        {hint && <p className="text-sm text-muted-foreground">{hint}</p>}
      </div>
    </div>
  );
}

function DaysField({ label, value, error, disabled, onChange }: { label: string; value: string; error?: string; disabled: boolean; onChange: (v: string) => void }) {
  const id = useId();
  const hintId = useId();
  return (
    <div className="grid gap-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        type="number"
        inputMode="numeric"
        min={1}
        max={3650}
        placeholder="Keep forever"
        className="w-40"
        value={value}
        disabled={disabled}
        aria-invalid={!!error}
        aria-describedby={hintId}
        onChange={(e) => onChange(e.target.value)}
      />
      <p id={hintId} className={error ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
        {error ?? (value.trim() === "" ? "Kept forever" : `Deleted after ${value} days`)}
      </p>
    </div>
  );
}

/** Time zone, retention, privacy and digest settings; read-only below admin. */
export function GovernanceForm({ settings, canManage }: { settings: OrganizationSettings; canManage: boolean }) {
  const [draft, setDraft] = useState<Draft>(() => draftOf(settings));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const update = useUpdateSettings();
  const zoneListId = useId();
  const zoneId = useId();
  const zoneOptions = useMemo(zones, []);
  const disabled = !canManage || update.isPending;
  const set = <K extends keyof Draft>(key: K, value: Draft[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const found: Record<string, string> = {};
    const calls = parseDays(draft.callsDays);
    const audio = parseDays(draft.audioDays);
    const raw = parseDays(draft.rawEventsDays);
    if (calls === "invalid") found.callsDays = "Whole days from 1 to 3650, or empty to keep forever.";
    if (audio === "invalid") found.audioDays = "Whole days from 1 to 3650, or empty to keep forever.";
    if (raw === "invalid") found.rawEventsDays = "Whole days from 1 to 3650, or empty to keep forever.";
    if (!zoneOptions.includes(draft.timeZone) && draft.timeZone !== settings.timeZone) found.timeZone = "Pick a time zone from the list.";
    setErrors(found);
    if (Object.keys(found).length > 0) return;
    const patch: SettingsPatch = {
      timeZone: draft.timeZone,
      retention: { callsDays: calls as number | null, audioDays: audio as number | null, rawEventsDays: raw as number | null },
      redaction: { enabled: draft.redactionEnabled, kinds: draft.kinds as OrganizationSettings["redaction"]["kinds"] },
      storeAudio: draft.storeAudio,
      maskPhoneNumbers: draft.maskPhoneNumbers,
      weeklyDigest: draft.weeklyDigest,
    };
    update.mutate(patch, {
      onSuccess: (saved) => {
        setDraft(draftOf(saved));
        toastSuccess("Settings saved", "Changes apply to new calls and the next retention run.");
      },
      onError: (failure) => {
        if (isApiError(failure) && failure.fields) setErrors(failure.fields);
        toastError("Could not save the settings", errorMessage(failure));
      },
    });
  }

  return (
    <form onSubmit={onSubmit} aria-label="Organization settings" className="grid gap-6">
      <Card>
        <CardHeader>
          <CardTitle>Time zone</CardTitle>
          <CardDescription>Days and months are counted in this zone everywhere: dashboard, history, quality, billing, exports and the API.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-1.5">
          <Label htmlFor={zoneId}>Organization time zone</Label>
          <Input
            id={zoneId}
            list={zoneListId}
            className="w-72"
            value={draft.timeZone}
            disabled={disabled}
            aria-invalid={!!errors.timeZone}
            onChange={(e) => set("timeZone", e.target.value)}
          />
          <datalist id={zoneListId}>
            {zoneOptions.map((z) => (
              <option key={z} value={z} />
            ))}
          </datalist>
          {errors.timeZone && <p className="text-sm text-destructive">{errors.timeZone}</p>}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Retention</CardTitle>
          <CardDescription>
            How long call content is kept. Deleted calls still count in analytics and billing totals; their content
            (transcript, summary, audio, raw events) is gone for good.
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4 sm:grid-cols-3">
          <DaysField label="Calls (days)" value={draft.callsDays} error={errors.callsDays ?? errors["retention.callsDays"]} disabled={disabled} onChange={(v) => set("callsDays", v)} />
          <DaysField label="Recordings (days)" value={draft.audioDays} error={errors.audioDays ?? errors["retention.audioDays"]} disabled={disabled} onChange={(v) => set("audioDays", v)} />
          <DaysField
            label="Raw webhook events (days)"
            value={draft.rawEventsDays}
            error={errors.rawEventsDays ?? errors["retention.rawEventsDays"]}
            disabled={disabled}
            onChange={(v) => set("rawEventsDays", v)}
          />
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Privacy</CardTitle>
          <CardDescription>Redaction replaces personal data before anything is stored, so search and exports never see it.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-4">
          <Check
            label="Redact personal data in new calls"
            hint="Transcripts, summaries, collected data and tool calls. Calls already stored are not changed."
            checked={draft.redactionEnabled}
            disabled={disabled}
            onChange={(v) => set("redactionEnabled", v)}
          />
          <fieldset className="grid gap-2 pl-7" disabled={disabled || !draft.redactionEnabled}>
            <legend className="sr-only">Kinds of personal data to redact</legend>
            {REDACTION_KINDS.map((kind) => (
              <Check
                key={kind}
                label={`${KIND_LABELS[kind]} → [${kind}]`}
                checked={draft.kinds.includes(kind)}
                disabled={disabled || !draft.redactionEnabled}
                onChange={(v) => set("kinds", v ? [...draft.kinds, kind] : draft.kinds.filter((k) => k !== kind))}
              />
            ))}
          </fieldset>
          <Check
            label="Keep call recordings"
            hint="Off: recordings are neither stored nor fetched from ElevenLabs, and stored ones are deleted at the next retention run."
            checked={draft.storeAudio}
            disabled={disabled}
            onChange={(v) => set("storeAudio", v)}
          />
          <Check
            label="Mask phone numbers for viewers"
            hint="Viewers see the country code and the last four digits only."
            checked={draft.maskPhoneNumbers}
            disabled={disabled}
            onChange={(v) => set("maskPhoneNumbers", v)}
          />
          <Check
            label="Weekly digest email"
            hint="Owners and admins get last week's numbers every Monday morning."
            checked={draft.weeklyDigest}
            disabled={disabled}
            onChange={(v) => set("weeklyDigest", v)}
          />
        </CardContent>
        {canManage && (
          <CardFooter className="justify-end">
            <Button type="submit" disabled={update.isPending}>
              {update.isPending ? "Saving…" : "Save settings"}
            </Button>
          </CardFooter>
        )}
      </Card>
    </form>
  );
}
