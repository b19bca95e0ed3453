import { useState } from "react";
import { CheckIcon, CopyIcon } from "lucide-react";
import { Button, type ButtonProps } from "@/components/ui/button";
import { toastError, toastSuccess } from "@/components/ui/use-toast";

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  throw new Error("Clipboard not available");
}

/** Copies `value`; `label` names what is copied for screen readers ("Copy webhook URL"). */
export function CopyButton({
  value,
  label,
  successMessage = "Copied to clipboard",
  ...props
}: { value: string; label: string; successMessage?: string } & Omit<ButtonProps, "onClick" | "value">) {
  const [copied, setCopied] = useState(false);
  return (
    <Button
      variant="outline"
      aria-label={label}
      onClick={async () => {
        try {
          await copyText(value);
          setCopied(true);
          window.setTimeout(() => setCopied(false), 2000);
          toastSuccess(successMessage);
        } catch {
          toastError("Could not copy", "Select the text and copy it by hand.");
        }
      }}
      {...props}
    >
      {copied ? <CheckIcon aria-hidden="true" /> : <CopyIcon aria-hidden="true" />}
      <span>{copied ? "Copied" : "Copy"}</span>
    </Button>
  );
}
