/** The app and its router: every route of the client is declared here. */
import { lazy, Suspense } from "react";
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { Route, Switch } from "wouter";
import { ThemeProvider } from "@/components/theme-provider";
import { Toaster } from "@/components/ui/toaster";
import { ApiError } from "@/lib/api";
import { queryKeys } from "@/lib/query-keys";

const LandingPage = lazy(() => import("@/routes/landing"));
const LoginPage = lazy(() => import("@/routes/login"));
const RegisterPage = lazy(() => import("@/routes/register"));
const ForgotPasswordPage = lazy(() => import("@/routes/forgot-password"));
const ResetPasswordPage = lazy(() => import("@/routes/reset-password"));
const ConfirmEmailPage = lazy(() => import("@/routes/confirm-email"));
const NotFoundPage = lazy(() => import("@/routes/not-found"));
const SignedInApp = lazy(() => import("@/routes/signed-in-app"));
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

const SIGNED_IN_PATHS = /^\/(?:dashboard|agents|history|quality|alerts|integrations|billing|team|admin|settings)(?:\/.*)?$/;

function isUnauthorized(error: unknown): boolean {
  return error instanceof ApiError && error.status === 401;
}

/** A session that expires mid-use: re-check the user, which sends the visitor to /login. */
function onSessionError(error: unknown) {
  if (isUnauthorized(error)) void queryClient.invalidateQueries({ queryKey: queryKeys.authUser });
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({
    onError: (error, query) => {
      if (query.queryKey[0] === "org") onSessionError(error);
    },
  }),
  mutationCache: new MutationCache({ onError: onSessionError }),
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // Client errors will not fix themselves: only network and server failures are retried.
      retry: (failureCount, error) =>
        failureCount < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
    },
    mutations: { retry: false },
  },
});

/** The pages behind sign-in, inside their shell (both lazy: a first visit to / loads neither). */
function SignedInRoutes() {
  return (
    <SignedInApp>
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
    </SignedInApp>
  );
}

function BlankFallback() {
  return (
    <div className="min-h-dvh" aria-busy="true">
      <span className="sr-only" role="status">
        Loading…
      </span>
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <ThemeProvider>
        <Suspense fallback={<BlankFallback />}>
          <Switch>
            <Route path="/" component={LandingPage} />
            <Route path="/login" component={LoginPage} />
            <Route path="/register" component={RegisterPage} />
            <Route path="/forgot-password" component={ForgotPasswordPage} />
            <Route path="/reset-password" component={ResetPasswordPage} />
            <Route path="/confirm-email" component={ConfirmEmailPage} />
            <Route path={SIGNED_IN_PATHS} component={SignedInRoutes} />
            <Route>
              <NotFoundPage />
            </Route>
          </Switch>
        </Suspense>
        <Toaster />
      </ThemeProvider>
    </QueryClientProvider>
  );
}
