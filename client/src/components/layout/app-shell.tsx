import type { ReactNode } from "react";
import { Brand } from "@/components/layout/brand";
import { Header } from "@/components/layout/header";
import { SidebarNav } from "@/components/layout/sidebar-nav";

export function AppShell({ children }: { children: ReactNode }) {
  return (
    <div className="flex min-h-dvh">
      <a
        href="#main"
        className="sr-only z-50 rounded-md bg-background px-3 py-2 text-sm font-medium focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:ring-2 focus:ring-ring"
      >
        Skip to main content
      </a>
      <aside className="sticky top-0 hidden h-dvh w-60 shrink-0 flex-col gap-6 border-r bg-muted/40 py-4 md:flex">
        <Brand className="mx-3 px-2" />
        <SidebarNav />
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <Header />
        <main id="main" tabIndex={-1} className="flex-1 px-4 py-6 outline-none md:px-8">
          {/* minmax(0,1fr): wide tables scroll inside their card instead of widening the page on phones. */}
          <div className="mx-auto grid w-full max-w-6xl grid-cols-[minmax(0,1fr)] gap-6">{children}</div>
        </main>
      </div>
    </div>
  );
}
