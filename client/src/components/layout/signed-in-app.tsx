/** Everything behind sign-in: the shell and its pages. Lazy-loaded so the landing page stays small. */
import { lazy, Suspense } from "react";
import { Route, Switch } from "wouter";
import { AppShell } from "@/components/layout/app-shell";
import { PageSkeleton } from "@/components/layout/page-skeleton";
import { RequireUser } from "@/components/layout/require-user";
import { TooltipProvider } from "@/components/ui/tooltip";
import { ConfirmEmailBanner } from "@/features/auth/components/confirm-email-banner";

const DashboardPage = lazy(() => import("@/routes/dashboard"));
const AgentsPage = lazy(() => import("@/routes/agents"));
const HistoryPage = lazy(() => import("@/routes/history"));
const QualityPage = lazy(() => import("@/routes/quality"));
const IntegrationsPage = lazy(() => import("@/routes/integrations"));
const BillingPage = lazy(() => import("@/routes/billing"));
const TeamPage = lazy(() => import("@/routes/team"));
const AdminPage = lazy(() => import("@/routes/admin"));
const AdminOrganizationPage = lazy(() => import("@/routes/admin-organization"));
const AlertsPage = lazy(() => import("@/routes/alerts"));
const SettingsPage = lazy(() => import("@/routes/settings"));
const NotFoundPage = lazy(() => import("@/routes/not-found"));

export default function SignedInApp() {
  return (
    <RequireUser>
      <TooltipProvider delayDuration={300}>
        <AppShell>
          <ConfirmEmailBanner />
          <Suspense fallback={<PageSkeleton />}>
            <Switch>
              <Route path="/dashboard" component={DashboardPage} />
              <Route path="/agents" component={AgentsPage} />
              <Route path="/history" component={HistoryPage} />
              <Route path="/quality" component={QualityPage} />
              <Route path="/integrations" component={IntegrationsPage} />
              <Route path="/billing" component={BillingPage} />
              <Route path="/team" component={TeamPage} />
              <Route path="/admin" component={AdminPage} />
              <Route path="/admin/organizations/:id" component={AdminOrganizationPage} />
              <Route path="/alerts" component={AlertsPage} />
              <Route path="/settings" component={SettingsPage} />
              <Route>
                <NotFoundPage embedded />
              </Route>
            </Switch>
          </Suspense>
        </AppShell>
      </TooltipProvider>
    </RequireUser>
  );
}
