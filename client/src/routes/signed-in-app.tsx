/** The layout of everything behind sign-in: the shell around the page app.tsx's router chose. Lazy-loaded so the landing page stays small. */
import { Suspense, type ReactNode } from "react";
import { AppShell } from "@/components/layout/app-shell";
import { PageSkeleton } from "@/components/layout/page-skeleton";
import { RequireUser } from "@/components/layout/require-user";
import { TooltipProvider } from "@/components/ui/tooltip";
import { ConfirmEmailBanner } from "@/features/auth/components/confirm-email-banner";

export default function SignedInApp({ children }: { children: ReactNode }) {
  return (
    <RequireUser>
      <TooltipProvider delayDuration={300}>
        <AppShell>
          <ConfirmEmailBanner />
          <Suspense fallback={<PageSkeleton />}>{children}</Suspense>
        </AppShell>
      </TooltipProvider>
    </RequireUser>
  );
}
