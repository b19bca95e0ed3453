import { ArrowRightIcon, BarChart3Icon, FileDownIcon, KeyRoundIcon, MessageSquareTextIcon, RefreshCwIcon, UsersIcon } from "lucide-react";
import { Link } from "wouter";
import { Button } from "@/components/ui/button";
import { Brand } from "@/components/layout/brand";
import { useDocumentTitle } from "@/components/page-header";
import { useRedirectWhenSignedIn } from "@/features/auth/api";

const FEATURES = [
  {
    icon: MessageSquareTextIcon,
    title: "Every call, in full",
    text: "Transcripts, recordings, summaries and evaluation results for each conversation your agents handle.",
  },
  {
    icon: BarChart3Icon,
    title: "Usage and success at a glance",
    text: "Calls, minutes, success rate and estimated cost per day and per agent, in your organization’s time zone.",
  },
  {
    icon: RefreshCwIcon,
    title: "Nothing gets lost",
    text: "Post-call webhooks arrive in real time, and a periodic sync fills any gap from the ElevenLabs API.",
  },
  {
    icon: KeyRoundIcon,
    title: "Your key, your account",
    text: "Bring your own ElevenLabs API key. It is encrypted at rest and never shown again after you save it.",
  },
  {
    icon: UsersIcon,
    title: "Built for teams",
    text: "Invite colleagues as admins, members or viewers. Everyone sees only their organization's data.",
  },
  {
    icon: FileDownIcon,
    title: "Export anything",
    text: "Filter by agent, outcome, duration or words in the transcript, then export the calls to CSV.",
  },
];

const STEPS = [
  "Create an account for your organization.",
  "Paste your ElevenLabs API key and the webhook URL we give you.",
  "Pick your agents from your ElevenLabs account. Past calls are imported automatically.",
];

export default function LandingPage() {
  useDocumentTitle("Monitor your ElevenLabs voice agents");
  useRedirectWhenSignedIn("/dashboard");
  return (
    <div className="flex min-h-dvh flex-col">
      <header className="border-b">
        <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-2 px-4">
          <Brand href="/" />
          <nav aria-label="Account" className="flex items-center gap-2">
            <Button asChild variant="ghost">
              <Link href="/login">Sign in</Link>
            </Button>
            <Button asChild className="hidden sm:inline-flex">
              <Link href="/register">Get started</Link>
            </Button>
          </nav>
        </div>
      </header>
      <main className="flex-1">
        <section className="mx-auto grid max-w-4xl gap-6 px-4 py-16 text-center sm:py-24">
          <p className="mx-auto w-fit rounded-full border px-3 py-1 text-xs font-medium text-muted-foreground">
            For teams running ElevenLabs Conversational AI
          </p>
          <h1 className="text-4xl font-bold tracking-tight text-balance sm:text-5xl">
            See every conversation your voice agents have.
          </h1>
          <p className="mx-auto max-w-2xl text-lg text-balance text-muted-foreground">
            VoiceAI Dashboard collects the calls of your ElevenLabs agents with transcripts and audio, and shows
            usage, cost and success rate for your whole team.
          </p>
          <div className="flex flex-wrap justify-center gap-3">
            <Button asChild size="lg">
              <Link href="/register">
                Get started
                <ArrowRightIcon aria-hidden="true" />
              </Link>
            </Button>
            <Button asChild size="lg" variant="outline">
              <Link href="/login">Sign in</Link>
            </Button>
          </div>
        </section>

        <section aria-labelledby="features-heading" className="border-y bg-muted/40">
          <div className="mx-auto grid max-w-6xl gap-8 px-4 py-16">
            <h2 id="features-heading" className="text-center text-2xl font-semibold tracking-tight">
              Everything you need to run voice agents in production
            </h2>
            <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
              {FEATURES.map(({ icon: Icon, title, text }) => (
                <li key={title} className="grid content-start gap-2 rounded-xl border bg-card p-5 shadow-sm">
                  <Icon aria-hidden="true" className="size-5 text-muted-foreground" />
                  <h3 className="font-semibold">{title}</h3>
                  <p className="text-sm text-muted-foreground">{text}</p>
                </li>
              ))}
            </ul>
          </div>
        </section>

        <section aria-labelledby="steps-heading" className="mx-auto grid max-w-3xl gap-6 px-4 py-16">
          <h2 id="steps-heading" className="text-center text-2xl font-semibold tracking-tight">
            Up and running in three steps
          </h2>
          <ol className="grid gap-3">
            {STEPS.map((step, index) => (
              <li key={step} className="flex items-start gap-3 rounded-lg border p-4">
                <span className="flex size-7 shrink-0 items-center justify-center rounded-full bg-primary text-sm font-semibold text-primary-foreground">
                  {index + 1}
                </span>
                <span className="pt-0.5">{step}</span>
              </li>
            ))}
          </ol>
          <div className="flex justify-center">
            <Button asChild size="lg">
              <Link href="/register">Create your account</Link>
            </Button>
          </div>
        </section>
      </main>
      <footer className="border-t">
        <div className="mx-auto max-w-6xl px-4 py-6 text-sm text-muted-foreground">
          VoiceAI Dashboard · Monitoring for ElevenLabs Conversational AI agents
        </div>
      </footer>
    </div>
  );
}
