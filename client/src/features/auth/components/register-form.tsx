import { useForm } from "react-hook-form";
import type { RegisterInput } from "@shared/schemas";
import { Button } from "@/components/ui/button";
import { Form, applyServerFieldErrors } from "@/components/ui/form";
import { TextField } from "@/components/text-field";
import { isApiError } from "@/lib/api";
import { lazyZodResolver } from "@/lib/lazy-zod-resolver";
import { useRegister } from "@/features/auth/api";
import { ServerError } from "@/features/auth/components/server-error";

// The form always holds strings; empty optional fields are dropped before sending.
const resolver = lazyZodResolver<RegisterValues>(() =>
  import("@shared/schemas").then(({ registerInput }) =>
    registerInput
      .extend({
        name: registerInput.shape.name.unwrap(),
        organizationName: registerInput.shape.organizationName.unwrap(),
      })
      .omit({ inviteToken: true }),
  ),
);
type RegisterValues = Required<Pick<RegisterInput, "email" | "password" | "name" | "organizationName">>;
const FIELD_NAMES = ["email", "password", "name", "organizationName"] as const;

function optional(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed ? trimmed : undefined;
}

/** `invitedEmail`: the address an invitation was sent to, filled in (it must match). */
export function RegisterForm({
  inviteToken,
  invitedEmail,
  onRegistered,
}: {
  inviteToken?: string;
  invitedEmail?: string;
  onRegistered: () => void;
}) {
  const register = useRegister();
  const form = useForm<RegisterValues>({
    resolver,
    defaultValues: { email: invitedEmail ?? "", password: "", name: "", organizationName: "" },
  });

  const onSubmit = form.handleSubmit((values) => {
    const input: RegisterInput = {
      email: values.email,
      password: values.password,
      name: optional(values.name),
      organizationName: inviteToken ? undefined : optional(values.organizationName),
      inviteToken,
    };
    register.mutate(input, {
      onSuccess: onRegistered,
      onError: (error) => {
        if (isApiError(error, "email_taken"))
          form.setError("email", { type: "server", message: "This email is already registered." });
        else if (isApiError(error) && error.status === 400)
          applyServerFieldErrors(error.fields, form.setError, FIELD_NAMES);
      },
    });
  });

  return (
    <Form {...form}>
      <form
        onSubmit={onSubmit}
        onFocus={resolver.preload}
        noValidate
        className="grid gap-4"
        aria-label="Create your account"
      >
        <ServerError error={register.error} />
        <TextField control={form.control} name="name" label="Your name" autoComplete="name" />
        <TextField
          control={form.control}
          name="email"
          label="Email"
          type="email"
          autoComplete="email"
          inputMode="email"
        />
        <TextField
          control={form.control}
          name="password"
          label="Password"
          type="password"
          autoComplete="new-password"
          description="At least 10 characters."
        />
        {!inviteToken && (
          <TextField
            control={form.control}
            name="organizationName"
            label="Organization name"
            autoComplete="organization"
            description="Your company or team. You can change it later."
          />
        )}
        <Button type="submit" disabled={register.isPending} className="w-full">
          {register.isPending ? "Creating account…" : inviteToken ? "Join organization" : "Create account"}
        </Button>
      </form>
    </Form>
  );
}
