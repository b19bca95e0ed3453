import { useId, useState, type FormEvent } from "react";
import { Button } from "@/components/ui/button";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toastError, toastSuccess } from "@/components/ui/use-toast";
import { errorMessage } from "@/lib/api";
import { formatCurrency } from "@/lib/format";
import { useUpdatePricePerMinute } from "@/features/billing/api";

/** Owners and admins set the price per minute the estimated cost is computed with. */
export function PriceSetting({ current }: { current: number }) {
  const [value, setValue] = useState(String(current));
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const hintId = useId();
  const update = useUpdatePricePerMinute();

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const price = Number(value);
    if (value.trim() === "" || !Number.isFinite(price) || price < 0 || price > 1000) {
      setError("Enter a price from 0 to 1000 USD per minute.");
      return;
    }
    setError(null);
    update.mutate(price, {
      onSuccess: () => toastSuccess("Price updated", `Estimated cost now uses ${formatCurrency(price, true)} per minute.`),
      onError: (failure) => toastError("Could not update the price", errorMessage(failure)),
    });
  }

  return (
    <Card>
      <CardHeader>
        <CardTitle>Price per minute</CardTitle>
        <CardDescription>Used for the estimated cost on the dashboard and here. Set it to what ElevenLabs charges you.</CardDescription>
      </CardHeader>
      <CardContent>
        <form onSubmit={onSubmit} className="grid gap-2" aria-label="Price per minute">
          <Label htmlFor={inputId}>USD per minute</Label>
          <div className="flex gap-2">
            <Input
              id={inputId}
              type="number"
              inputMode="decimal"
              min={0}
              max={1000}
              step="0.0001"
              className="w-40"
              value={value}
              aria-invalid={!!error}
              aria-describedby={hintId}
              onChange={(event) => setValue(event.target.value)}
            />
            <Button type="submit" disabled={update.isPending || Number(value) === current}>
              {update.isPending ? "Saving…" : "Save"}
            </Button>
          </div>
          <p id={hintId} className={error ? "text-sm text-destructive" : "text-sm text-muted-foreground"}>
            {error ?? `Currently ${formatCurrency(current, true)} per minute.`}
          </p>
        </form>
      </CardContent>
    </Card>
  );
}
