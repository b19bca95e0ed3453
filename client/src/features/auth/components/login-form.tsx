import { useForm } from "react-hook-form";
import type { LoginInput } from "@shared/schemas";
import { Button } from "@/components/ui/button";
import { Form, applyServerFieldErrors } from "@/components/ui/form";
import { TextField } from "@/components/text-field";
import { isApiError } from "@/lib/api";
import { lazyZodResolver } from "@/lib/lazy-zod-resolver";
import { useLogin } from "@/features/auth/api";
import { ServerError } from "@/features/auth/components/server-error";

const resolver = lazyZodResolver<LoginInput>(() => import("@shared/schemas").then((m) => m.loginInput));

export function LoginForm({ onSignedIn }: { onSignedIn: () => void }) {
  const login = useLogin();
  const form = useForm<LoginInput>({
    resolver,
    defaultValues: { email: "", password: "" },
  });

  const onSubmit = form.handleSubmit((values) => {
    login.mutate(values, {
      onSuccess: onSignedIn,
      onError: (error) => {
        if (isApiError(error) && error.status === 400) {
          applyServerFieldErrors(error.fields, form.setError, ["email", "password"]);
        }
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
        aria-label="Sign in with email"
      >
        <ServerError error={login.error} />
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
          autoComplete="current-password"
        />
        <Button type="submit" disabled={login.isPending} className="w-full">
          {login.isPending ? "Signing in…" : "Sign in"}
        </Button>
      </form>
    </Form>
  );
}
